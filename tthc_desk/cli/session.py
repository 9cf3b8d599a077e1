"""Who runs a `tthc-desk` command: the person named by ``--user`` (logged in with their password),
the system identity, or nobody, as the command declares (:class:`~tthc_desk.cli.args.Identity`).

A person logs in before the command does anything; a wrong password, a locked or disabled
account, or a temporary password not yet changed ends the command with exit code 2 and one line,
and nothing of the command is written (the failed attempt is counted, as at the login screen).
The rights themselves are checked by the services, as for the GUI.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tthc_desk.cli.args import CliError, Identity, ask_username, read_secret

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

__all__ = ["identify", "log_in", "log_out"]


def identify(args: argparse.Namespace, svc: Services) -> None:
    """Log in the person the command runs as, or run it as the system (see the module)."""
    identity: Identity = args.identity
    user: str | None = getattr(args, "login_user", None)
    if identity is Identity.NOBODY:
        if user:
            raise CliError(
                f"Lệnh {args.command_name} không cần đăng nhập: bỏ --user {user} trước tên lệnh."
            )
        return
    if identity is Identity.SELF:
        return  # the command calls log_in itself
    if user is None and identity is Identity.SYSTEM:
        if getattr(args, "login_stdin", False):
            raise CliError("--password-stdin trước tên lệnh là mật khẩu của --user: thiếu --user.")
        svc.accounts.use_system()
        return
    log_in(args, svc)


def log_in(args: argparse.Namespace, svc: Services, *, temporary_ok: bool = False) -> str:
    """Log in ``--user`` (asked for in a terminal when not given) with the password read from
    stdin or a prompt; returns that password (``user passwd`` passes it on as the current one)."""
    svc.settings.require_setup()  # before the setup nobody has a password: say what to run
    user: str | None = getattr(args, "login_user", None)
    if not user and not args.login_stdin:
        user = args.login_user = ask_username()
    if not user:
        raise CliError(
            f"Lệnh {args.command_name} thay đổi dữ liệu nên cần người làm đăng nhập: thêm "
            "--user TÊN_ĐĂNG_NHẬP trước tên lệnh (mật khẩu qua --password-stdin, hoặc gõ khi "
            "được hỏi)."
        )
    password = read_secret(f"Mật khẩu của {user}: ", from_stdin=args.login_stdin)
    account = svc.accounts.login(user, password)
    if account.must_change_password and not temporary_ok:
        raise CliError(
            f"Tài khoản “{account.username}” đang dùng mật khẩu tạm thời: hãy đặt mật khẩu "
            f"riêng trước bằng lệnh tthc-desk --user {account.username} --password-stdin user "
            "passwd (dòng 1: mật khẩu tạm thời, dòng 2: mật khẩu mới)."
        )
    return password


def log_out(svc: Services) -> None:
    """End the person's session at the end of the command (the system has none)."""
    current = svc.accounts.current
    if current is not None and not current.system:
        svc.accounts.logout()
