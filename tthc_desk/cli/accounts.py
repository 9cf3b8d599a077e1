"""``tthc-desk user …``: the office's accounts, managed by an administrator, and a person's own
password.

``add``, ``list``, ``disable``, ``enable`` and ``reset-password`` need an administrator logged in
(``--user``); a password is never an argument: with ``--password-stdin`` the first line of
standard input is the administrator's own, the next one the account's new password (typed at a
prompt, twice, without it). ``passwd`` lets the person logged in replace their password, the
temporary one too: the first line is the current password, the second the new one.

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends the
command with exit code 2 and one Vietnamese line on stderr, and nothing is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    Command,
    CommandTree,
    Identity,
    dispatch,
    format_moment,
    read_secret,
    roles,
)
from tthc_desk.cli.session import log_in
from tthc_desk.domain.access import Account, Right, Role
from tthc_desk.presentation import label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

_AGAIN = "Nhập lại mật khẩu: "


def add_parsers(tree: CommandTree) -> None:
    user = tree.group(
        "user",
        "tài khoản đăng nhập (người Quản trị quản lý; mỗi người đổi mật khẩu của mình)",
        "Tài khoản đăng nhập. Mật khẩu không bao giờ là tham số: với --password-stdin (trước tên "
        "lệnh), dòng 1 của stdin là mật khẩu của người làm lệnh, dòng 2 là mật khẩu mới.",
        dest="user_command",
    )
    p = user.leaf(
        "add",
        "tạo tài khoản; đọc mật khẩu quản trị rồi mật khẩu của tài khoản mới",
    )
    p.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP", help="ví dụ binh.tt")
    p.add_argument("--full-name", required=True, metavar="HỌ_TÊN", help="họ và tên")
    p.add_argument(
        "--roles",
        required=True,
        type=roles,
        metavar="VAI_TRÒ",
        help="clerk (Cán bộ tiếp nhận), head (Lãnh đạo), admin (Quản trị), cách nhau bằng dấu phẩy",
    )
    p.add_argument(
        "--temporary",
        action="store_true",
        help="mật khẩu tạm thời: người dùng phải đổi khi đăng nhập lần đầu",
    )
    user.leaf("list", "liệt kê tài khoản: tên đăng nhập, họ tên, vai trò, trạng thái, khóa tạm")
    for name, help_text in (
        ("disable", "ngừng một tài khoản (không đăng nhập được nữa; lịch sử giữ nguyên tên)"),
        ("enable", "cho một tài khoản đã ngừng hoạt động trở lại"),
        (
            "reset-password",
            "đặt mật khẩu tạm thời mới (người dùng phải đổi khi đăng nhập); mở khóa tạm",
        ),
    ):
        user.leaf(name, help_text).add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
    user.leaf(
        "passwd",
        "đổi mật khẩu của chính mình (cả mật khẩu tạm thời): đọc mật khẩu hiện tại, rồi mật khẩu "
        "mới",
        Identity.SELF,
    )


def _roles_text(values: Iterable[Role]) -> str:
    wanted = set(values)
    return ", ".join(label(r) for r in Role if r in wanted)


def _describe(account: Account) -> str:
    return f"{account.username} ({account.full_name}): {_roles_text(account.roles)}"


def _user_add(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    svc.accounts.require(Right.ACCOUNTS, "tạo tài khoản")  # before asking for a password
    kind = "tạm thời " if args.temporary else ""
    password = read_secret(
        f"Mật khẩu {kind}của {args.username}: ", from_stdin=args.login_stdin, again=_AGAIN
    )
    account = svc.accounts.add(
        args.username, args.full_name, args.roles, password, temporary=args.temporary
    )
    then = (
        "mật khẩu tạm thời, phải đổi khi đăng nhập lần đầu"
        if account.must_change_password
        else "mật khẩu của người dùng"
    )
    print(f"Đã tạo tài khoản {_describe(account)}; {then}.", file=out)
    return EXIT_OK


def _user_list(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    svc.accounts.require(Right.ACCOUNTS, "xem danh sách tài khoản")
    now = svc.clock.now()
    for a in svc.accounts.list(include_inactive=True):
        state = "đang hoạt động" if a.active else "ngừng hoạt động"
        notes = []
        if a.locked(now) and a.locked_until is not None:
            notes.append(f"khóa tạm đến {format_moment(a.locked_until)}")
        if a.active and a.must_change_password:
            notes.append("chưa đổi mật khẩu tạm thời")
        print(
            f"{a.username}\t{a.full_name}\t{_roles_text(a.roles)}\t{state}\t{'; '.join(notes)}",
            file=out,
        )
    return EXIT_OK


def _user_disable(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    account = svc.accounts.set_active(args.username, False)
    print(f"Đã ngừng tài khoản {_describe(account)}; lịch sử vẫn giữ tên người này.", file=out)
    return EXIT_OK


def _user_enable(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    account = svc.accounts.set_active(args.username, True)
    print(f"Tài khoản {_describe(account)} hoạt động trở lại.", file=out)
    return EXIT_OK


def _user_reset(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    svc.accounts.require(Right.ACCOUNTS, "đặt lại mật khẩu")  # before asking for a password
    password = read_secret(
        f"Mật khẩu tạm thời mới của {args.username}: ", from_stdin=args.login_stdin, again=_AGAIN
    )
    account = svc.accounts.reset_password(args.username, password)
    print(
        f"Đã đặt mật khẩu tạm thời cho {account.username} ({account.full_name}); "
        "người dùng phải đổi khi đăng nhập lần sau.",
        file=out,
    )
    return EXIT_OK


def _user_passwd(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    current = log_in(args, svc, temporary_ok=True)
    new = read_secret("Mật khẩu mới: ", from_stdin=args.login_stdin, again=_AGAIN)
    svc.accounts.change_password(current, new)
    who = svc.accounts.current
    print(f"Đã đổi mật khẩu của {who.username if who else args.login_user}.", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "user": dispatch(
        "user_command",
        {
            "add": _user_add,
            "list": _user_list,
            "disable": _user_disable,
            "enable": _user_enable,
            "reset-password": _user_reset,
            "passwd": _user_passwd,
        },
    )
}
