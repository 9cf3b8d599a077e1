"""The `tthc-desk` commands that set the office up: sample dossiers (``demo``), the procedure
catalog, the working calendar, and the appointment a procedure gives (``due``).

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends the
command with exit code 2 and one Vietnamese line on stderr, and nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    MOMENT,
    CliError,
    Command,
    CommandTree,
    dispatch,
    moment,
    positive,
    require_file,
    require_folder,
)
from tthc_desk.presentation import duration_text, label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def add_parsers(tree: CommandTree) -> None:
    p = tree.leaf(
        "demo", "tạo hồ sơ mẫu giống thực tế (họ tên, thủ tục, kênh, trạng thái qua nhiều năm)"
    )
    p.add_argument("--dossiers", type=positive, required=True, metavar="N", help="số hồ sơ cần tạo")
    p.add_argument(
        "--seed", type=int, default=1, metavar="S", help="hạt giống ngẫu nhiên (mặc định 1)"
    )

    catalog = tree.group(
        "catalog",
        "danh mục thủ tục hành chính",
        "Danh mục thủ tục hành chính.",
        dest="catalog_command",
    )
    p = catalog.leaf(
        "import", "nhập danh mục từ Excel (kiểm tra mọi dòng, có lỗi thì không nhập gì)"
    )
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = catalog.leaf("export", "xuất danh mục ra Excel")
    p.add_argument("file", metavar="TỆP.xlsx", type=Path)
    p = catalog.leaf("list", "liệt kê các thủ tục: mã, thời hạn, lĩnh vực, tên")
    p.add_argument("--all", action="store_true", help="kể cả thủ tục đã ngừng áp dụng")

    calendar = tree.group(
        "calendar",
        "lịch làm việc (ngày nghỉ lễ, nghỉ bù, làm bù)",
        "Lịch làm việc của cơ quan.",
        dest="calendar_command",
    )
    p = calendar.leaf("show", "liệt kê ngày nghỉ, ngày làm bù và tổng số ngày làm việc của một năm")
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p = calendar.leaf(
        "import", "nhập ngày nghỉ, ngày làm bù từ Excel hoặc CSV (cột Ngày, Loại, Tên, Căn cứ)"
    )
    p.add_argument("file", metavar="TỆP", type=Path)

    p = tree.leaf("due", "tính ngày hẹn trả kết quả, in dạng YYYY-MM-DD HH:MM")
    p.add_argument("--procedure", required=True, metavar="MÃ", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument(
        "--received", type=moment, required=True, metavar=MOMENT, help="thời điểm tiếp nhận"
    )


def _cmd_demo(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.demo_service import generate_demo

    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5:
            last[0] = time.perf_counter()
            log.info("Đã tạo %d/%d hồ sơ mẫu", done, total)

    n = generate_demo(svc, args.dossiers, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - started
    seconds_text = f"{seconds:.1f}".replace(".", ",")  # Vietnamese decimal comma
    print(f"Đã tạo {n} hồ sơ mẫu trong {seconds_text} giây.", file=out)
    return EXIT_OK


def _catalog_import(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    added, updated = svc.catalog.import_xlsx(require_file(args.file))
    print(f"Đã nhập danh mục: thêm {added}, cập nhật {updated} thủ tục.", file=out)
    return EXIT_OK


def _catalog_export(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    n = svc.catalog.export_xlsx(require_folder(args.file, "tệp Excel"))
    print(f"Đã xuất {n} thủ tục ra {args.file}", file=out)
    return EXIT_OK


def _catalog_list(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    for p in svc.catalog.list(active_only=not args.all):
        flag = "" if p.active else "\t(ngừng áp dụng)"
        print(f"{p.code}\t{duration_text(p.duration)}\t{p.field}\t{p.name}{flag}", file=out)
    return EXIT_OK


def _calendar_import(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    n = svc.calendar.import_file(require_file(args.file))
    print(f"Đã nhập {n} ngày vào lịch làm việc.", file=out)
    return EXIT_OK


def _calendar_show(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    year = args.year
    if not 1900 <= year <= 2200:
        raise CliError(f"Năm {year} nằm ngoài khoảng 1900–2200.")
    svc.calendar.ensure_years([year])
    for exc in svc.calendar.exceptions(year):
        name = f"\t{exc.name}" if exc.name else ""
        weekday = _WEEKDAYS[exc.day.weekday()]
        print(f"{exc.day:%d/%m/%Y}\t{weekday}\t{label(exc.kind)}{name}", file=out)
    days = svc.calendar.year_days(year)
    working = sum(1 for _, is_working in days if is_working)
    print(f"Năm {year}: {working} ngày làm việc, {len(days) - working} ngày nghỉ.", file=out)
    return EXIT_OK


def _cmd_due(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    due = svc.dossiers.preview_due(args.procedure, args.received)
    print(f"{due:%Y-%m-%d %H:%M}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "demo": _cmd_demo,
    "catalog": dispatch(
        "catalog_command",
        {"import": _catalog_import, "export": _catalog_export, "list": _catalog_list},
    ),
    "calendar": dispatch("calendar_command", {"import": _calendar_import, "show": _calendar_show}),
    "due": _cmd_due,
}
