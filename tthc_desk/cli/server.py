"""``tthc-desk server …``: which database this counter PC uses (issue 12), for administrators
who set up many PCs by script.

``set --host H --port P --database D --user U [--sslmode M] --password-stdin`` checks the
connection (the password on the first line of stdin) and keeps it for the next start: the
connection in the data folder's state file, the password in the operating system's keyring. A
connection that does not work is refused with the reason, nothing kept (``--no-check`` keeps it
anyway, for a server not running yet). ``show`` says what this PC uses, ``test`` checks the
connection kept (or the one given with the same options as ``set``), ``clear`` goes back to the
data folder's own database file.

These commands change a setting of this PC, not data: they run without logging in (the database
to log in to may be the very one that cannot be reached). What protects the office's data is the
server's own password.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    read_secret,
    warn,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.server import DEFAULT_PORT, ConnectionReport, SslMode, parse_connection
from tthc_desk.paths import AppPaths
from tthc_desk.presentation import connection_report_text, label

if TYPE_CHECKING:
    from tthc_desk.services.server_service import ServerService

_MODES = ", ".join(m.value for m in SslMode)


def add_parsers(tree: CommandTree) -> None:
    group = tree.group(
        "server",
        "máy chủ cơ sở dữ liệu của cơ quan (nhiều quầy): đặt, xem, kiểm tra, bỏ",
        "Máy này dùng cơ sở dữ liệu riêng (một quầy) hoặc máy chủ PostgreSQL của cơ quan "
        "(nhiều quầy). Thay đổi có hiệu lực từ lần mở phần mềm sau. Mật khẩu lưu trong kho mật "
        "khẩu của hệ điều hành, không lưu trong tệp.",
        dest="server_command",
    )
    s = group.leaf(
        "set",
        "đặt máy này dùng máy chủ của cơ quan (kiểm tra kết nối trước khi lưu)",
        Identity.NOBODY,
    )
    _connection_options(s, required=True)
    s.add_argument(
        "--no-check",
        action="store_true",
        help="lưu cả khi chưa kết nối được (máy chủ chưa bật)",
    )
    s.set_defaults(offline=_set)
    q = group.leaf("show", "máy này đang dùng cơ sở dữ liệu nào", Identity.NOBODY)
    q.set_defaults(offline=_show)
    t = group.leaf(
        "test",
        "kiểm tra kết nối đã lưu (hoặc kết nối cho bằng các tùy chọn như lệnh set); "
        "mã thoát 0: dùng được",
        Identity.NOBODY,
    )
    _connection_options(t, required=False)
    t.set_defaults(offline=_test)
    c = group.leaf(
        "clear", "bỏ máy chủ: máy này dùng cơ sở dữ liệu riêng từ lần mở sau", Identity.NOBODY
    )
    c.set_defaults(offline=_clear)


def _connection_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--host", required=required, metavar="MÁY_CHỦ", help="tên hoặc địa chỉ IP")
    p.add_argument(
        "--port", default=str(DEFAULT_PORT), metavar="CỔNG", help=f"mặc định {DEFAULT_PORT}"
    )
    p.add_argument("--database", required=required, metavar="CSDL", help="tên cơ sở dữ liệu")
    p.add_argument(
        "--user",
        dest="server_user",
        required=required,
        metavar="NGƯỜI_DÙNG",
        help="người dùng trên máy chủ PostgreSQL (không phải tài khoản TTHC Desk)",
    )
    p.add_argument(
        "--sslmode",
        default=SslMode.PREFER.value,
        metavar="CHẾ_ĐỘ",
        help=f"mã hóa TLS: {_MODES} (mặc định {SslMode.PREFER.value})",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="đọc mật khẩu của người dùng trên máy chủ từ dòng đầu của stdin",
    )


def _service(args: argparse.Namespace, paths: AppPaths) -> ServerService:
    from tthc_desk.services.server_service import for_folder

    if getattr(args, "demo", False):
        raise CliError("Cơ sở dữ liệu mẫu luôn ở trên máy này, không dùng máy chủ: bỏ --demo.")
    return for_folder(paths)


def _password(args: argparse.Namespace, user: str, *, needed: bool) -> str | None:
    """The server password from stdin (``--password-stdin``) or typed at a prompt; None when
    not given and not ``needed`` (the one kept on this PC is used)."""
    if not (args.password_stdin or needed):
        return None
    if not args.password_stdin and not sys.stdin.isatty():
        raise CliError(
            f"Cần mật khẩu của người dùng “{user}” trên máy chủ: thêm --password-stdin sau tên "
            "lệnh và đưa mật khẩu vào dòng đầu của stdin."
        )
    return read_secret(f"Mật khẩu của {user} trên máy chủ: ", from_stdin=args.password_stdin)


def _refused(report: ConnectionReport) -> CliError:
    return CliError(" ".join(report.problems))


def _set(args: argparse.Namespace, paths: AppPaths, _clock: Clock | None, out: TextIO) -> int:
    connection = parse_connection(
        args.host, args.port, args.database, args.server_user, args.sslmode
    )
    service = _service(args, paths)
    known = service.setting()
    stored = known.connection == connection and known.password_stored
    password = _password(args, connection.user, needed=not stored)
    if not args.no_check:
        report = service.test(connection, password)
        if not report.ok:
            raise _refused(report)
        print(connection_report_text(report), file=out)
        if report.has_dossiers is None and service.has_data_to_copy():
            warn(
                "máy chủ chưa có dữ liệu của cơ quan; để chuyển dữ liệu đang có trên máy này lên "
                f"máy chủ, chạy: {service.copy_command(connection)}"
            )
    service.save(connection, password)
    print(
        f"Đã lưu: từ lần mở sau, máy này dùng máy chủ {connection.where} "
        f"({label(connection.sslmode)}).",
        file=out,
    )
    if known.overridden_by:
        warn(f"biến TTHC_DESK_DATABASE_URL đang đặt ({known.overridden_by}) và được dùng trước.")
    return EXIT_OK


def _show(args: argparse.Namespace, paths: AppPaths, _clock: Clock | None, out: TextIO) -> int:
    setting = _service(args, paths).setting()
    if setting.overridden_by:
        print(
            f"Đang dùng: {setting.overridden_by} (biến TTHC_DESK_DATABASE_URL, đứng trước "
            "thiết lập dưới đây)",
            file=out,
        )
    c = setting.connection
    if setting.invalid:
        print(
            "Máy này dùng: máy chủ của cơ quan, nhưng thiết lập trong tthc-desk.json không hợp lệ "
            "(đặt lại bằng “tthc-desk server set …”)",
            file=out,
        )
        return EXIT_OK
    if c is None:
        print(f"Máy này dùng: cơ sở dữ liệu riêng trên máy này ({paths.database_file})", file=out)
        return EXIT_OK
    stored = "đã lưu trên máy này" if setting.password_stored else "chưa có (cần đặt lại)"
    for line in (
        "Máy này dùng: máy chủ của cơ quan",
        f"Máy chủ: {c.host}",
        f"Cổng: {c.port}",
        f"Cơ sở dữ liệu: {c.database}",
        f"Người dùng: {c.user}",
        f"Mã hóa: {c.sslmode.value} ({label(c.sslmode)})",
        f"Mật khẩu: {stored}",
    ):
        print(line, file=out)
    return EXIT_OK


def _test(args: argparse.Namespace, paths: AppPaths, _clock: Clock | None, out: TextIO) -> int:
    service = _service(args, paths)
    if args.host or args.database or args.server_user:
        connection = parse_connection(
            args.host or "", args.port, args.database or "", args.server_user or "", args.sslmode
        )
    else:
        kept = service.setting().connection
        if kept is None:
            raise CliError(
                "Máy này chưa đặt máy chủ (đang dùng cơ sở dữ liệu riêng): đặt bằng "
                "“tthc-desk server set --host … --database … --user … --password-stdin”, "
                "hoặc cho kết nối cần kiểm tra bằng các tùy chọn đó."
            )
        connection = kept
    password = _password(args, connection.user, needed=False)
    report = service.test(connection, password)
    if not report.ok:
        raise _refused(report)
    print(connection_report_text(report), file=out)
    return EXIT_OK


def _clear(args: argparse.Namespace, paths: AppPaths, _clock: Clock | None, out: TextIO) -> int:
    old = _service(args, paths).clear()
    if old is None:
        print("Máy này chưa đặt máy chủ; không có gì thay đổi.", file=out)
    else:
        print(
            f"Đã bỏ máy chủ {old.where}: từ lần mở sau, máy này dùng cơ sở dữ liệu riêng "
            f"({paths.database_file}).",
            file=out,
        )
    return EXIT_OK


COMMANDS: dict[str, Command] = {}
