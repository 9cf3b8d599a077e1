"""``tthc-desk db …``: the office database itself.

``db check`` prints what the database is (SQLite file or PostgreSQL server, database), the
server's version, the schema revision against the one this version expects, what is installed
(extensions; SQLCipher and encryption) and the computers connected to it. It only reads: it
opens the database without migrating or journalling anything, so it also works on a database
the software could not start on, and needs no login (``--user`` is accepted and not needed).
A database that cannot be reached ends it with exit code 2 and the reason.

``db copy --to URL`` copies the whole office database into an empty one: a PostgreSQL database
(``postgresql+psycopg://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY:CỔNG/TÊN``) or a new data folder
(``sqlite:///THƯ_MỤC/tthc-desk.db``). Only the administrator (``--user`` before the command).
It prints a line per step and per table, a summary, and as its last line the target's URL with
the password hidden.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import EXIT_OK, Command, CommandTree, Identity, dispatch
from tthc_desk.domain.clock import Clock
from tthc_desk.paths import AppPaths

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    group = tree.group(
        "db",
        "cơ sở dữ liệu: kiểm tra, chép sang máy chủ PostgreSQL hoặc thư mục dữ liệu mới",
        "Cơ sở dữ liệu của cơ quan: tệp SQLite trong thư mục dữ liệu, hoặc máy chủ PostgreSQL "
        "do biến TTHC_DESK_DATABASE_URL chỉ ra.",
        dest="db_command",
    )
    p = group.leaf(
        "check",
        "xem cơ sở dữ liệu đang dùng: loại, phiên bản, cấu trúc, mã hóa, máy đang kết nối "
        "(chỉ đọc)",
        Identity.SYSTEM,
    )
    p.set_defaults(offline=_check)
    p = group.leaf(
        "copy",
        "chép toàn bộ cơ sở dữ liệu sang một cơ sở dữ liệu trống (chỉ người Quản trị); "
        "dòng cuối: địa chỉ đích (ẩn mật khẩu)",
    )
    p.add_argument(
        "--to",
        required=True,
        metavar="ĐỊA_CHỈ",
        help="cơ sở dữ liệu đích, trống: postgresql+psycopg://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY:CỔNG/TÊN "
        "hoặc sqlite:///THƯ_MỤC/tthc-desk.db (thư mục dữ liệu mới)",
    )


def _check(args: argparse.Namespace, paths: AppPaths, clock: Clock | None, out: TextIO) -> int:
    from tthc_desk.services.db_admin_service import check_database
    from tthc_desk.services.keys import KeyVault
    from tthc_desk.sync.credentials import KeyringStore

    report = check_database(paths, KeyVault(KeyringStore()))
    for line in report.lines():
        print(line, file=out)
    return EXIT_OK


def _copy(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    outcome = svc.db_admin.copy_to(args.to, say)
    seconds = f"{outcome.seconds:.1f}".replace(".", ",")
    dossiers = f"{outcome.count('dossiers'):,}".replace(",", ".")
    rows = f"{outcome.rows:,}".replace(",", ".")
    tables = sum(not t.skipped for t in outcome.tables)
    say(f"Đã chép xong {dossiers} hồ sơ ({rows} dòng trong {tables} bảng) trong {seconds} giây.")
    where = outcome.target
    if where.file is not None:
        folder = where.file.parent
        say(
            f"Thư mục dữ liệu mới: {folder}. Tệp được mã hóa bằng khóa mới, giữ trong "
            f"{outcome.key_location}: hãy in Phiếu khóa khôi phục dữ liệu mới (tthc-desk "
            f"--data-dir {folder} --user TÊN_QUẢN_TRỊ recovery-key print)."
        )
    else:
        say(
            "Để các máy dùng cơ sở dữ liệu này: đặt biến TTHC_DESK_DATABASE_URL là địa chỉ "
            "dưới đây (với mật khẩu thật) trên từng máy."
        )
    say(where.shown)
    return EXIT_OK


COMMANDS: dict[str, Command] = {"db": dispatch("db_command", {"copy": _copy})}
