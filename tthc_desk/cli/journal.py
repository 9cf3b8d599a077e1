"""``tthc-desk journal …``: check the data against the tamper-evident journal, read it, export it.

``verify`` runs as the system unless ``--user`` names a person (a scheduled nightly check needs no
password); it prints one line, and when something was changed outside the software, one line per
problem, the earliest entry first, and ends with exit code 2. ``list`` and ``export`` need the head
of office or the administrator logged in (``--user``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    day,
    dispatch,
)
from tthc_desk.db.stores.journal import JournalFilter
from tthc_desk.presentation import journal_details, journal_kind_label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    journal = tree.group(
        "journal",
        "nhật ký chống sửa đổi: kiểm tra toàn vẹn dữ liệu, xem, xuất Excel",
        "Nhật ký ghi mọi thao tác thay đổi dữ liệu, nối chuỗi bằng chữ ký có khóa bí mật: sửa, "
        "xóa, chèn trực tiếp vào tệp dữ liệu đều bị phát hiện.",
        dest="journal_command",
    )
    p = journal.leaf(
        "verify",
        "kiểm tra dữ liệu với nhật ký (mặc định: các mục gần nhất; --full: toàn bộ)",
        Identity.SYSTEM,
    )
    p.add_argument("--full", action="store_true", help="kiểm tra toàn bộ nhật ký và dữ liệu")
    for name, help_text in (
        ("list", "liệt kê các mục nhật ký mới nhất trước"),
        ("export", "xuất các mục nhật ký ra tệp Excel"),
    ):
        q = journal.leaf(name, help_text)
        if name == "export":
            q.add_argument("path", metavar="TỆP.xlsx", type=Path)
        q.add_argument("--person", metavar="TÊN_ĐĂNG_NHẬP", default="", help="người thực hiện")
        q.add_argument("--dossier", metavar="MÃ_HỒ_SƠ", default="", help="mã hồ sơ")
        q.add_argument("--kind", action="append", default=[], help="loại mục (login, change …)")
        q.add_argument("--from", dest="date_from", type=day, metavar="dd/mm/yyyy")
        q.add_argument("--to", dest="date_to", type=day, metavar="dd/mm/yyyy")
        if name == "list":
            q.add_argument("--limit", type=int, default=100, help="số mục tối đa (mặc định 100)")


def _filter(args: argparse.Namespace, svc: Services) -> JournalFilter:
    from datetime import datetime, time, timedelta

    dossier_id = None
    if args.dossier:
        dossier_id = svc.journal.dossier_id(args.dossier)
        if dossier_id is None:
            raise CliError(f"Không có hồ sơ mã “{args.dossier}”.")
    since = datetime.combine(args.date_from, time()) if args.date_from else None
    until = datetime.combine(args.date_to + timedelta(days=1), time()) if args.date_to else None
    return JournalFilter(
        actor=args.person.strip().lower(),
        dossier_id=dossier_id,
        kinds=args.kind,
        since=since,
        until=until,
        limit=getattr(args, "limit", None),
    )


def _verify(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    def progress(done: int, total: int) -> None:
        if getattr(args, "verbose", False):
            print(f"… {done * 100 // max(total, 1)}%", file=sys.stderr)

    report = svc.journal.verify_full(progress) if args.full else svc.journal.verify_tail()
    svc.journal.record_check(report)
    if report.ok:
        print(report.summary(), file=out)
        return EXIT_OK
    print(report.summary(), file=out)
    for line in report.messages():
        print(f"- {line}", file=out)
    print(
        f"Dữ liệu đã bị sửa ngoài phần mềm: {len(report.problems)} chỗ (xem danh sách ở trên).",
        file=sys.stderr,
    )
    return EXIT_ERROR


def _list(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    for e in svc.journal.entries(_filter(args, svc)):
        print(
            "\t".join(
                [
                    str(e.seq),
                    f"{e.at:%d/%m/%Y %H:%M:%S}",
                    e.actor or "-",
                    journal_kind_label(e.kind),
                    e.action,
                    e.subject,
                    journal_details(e),
                ]
            ),
            file=out,
        )
    return EXIT_OK


def _export(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    f = _filter(args, svc)
    f.limit = None
    try:
        n = svc.journal.export_xlsx(args.path, f)
    except OSError as e:
        raise CliError(f"Không ghi được tệp “{args.path}”: {e.strerror or e}.") from None
    print(f"Đã xuất {n} mục nhật ký ra {args.path}.", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "journal": dispatch("journal_command", {"verify": _verify, "list": _list, "export": _export})
}
