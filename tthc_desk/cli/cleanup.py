"""``tthc-desk cleanup``: remove the reports and generated files older than the administrator's
retention setting from the data folder's ``reports/`` and ``output/`` (never a report the outbox
has not sent yet, never anything outside those folders).

``--reports-days N`` / ``--output-days N`` change the setting first (0: keep for ever); with
``--dry-run`` they only apply to this run, and nothing is removed or saved: the command prints
what would go. The administrator logs in (``--user``). One line per file, then a summary.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import EXIT_OK, Command, CommandTree, warn
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.privacy import Retention, parse_retention_days

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    p = tree.leaf(
        "cleanup",
        "dọn tệp cũ trong thư mục reports/ và output/ theo thời hạn giữ tệp (quản trị)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="chỉ liệt kê tệp sẽ bị xóa, không xóa, không lưu"
    )
    p.add_argument(
        "--reports-days",
        metavar="SỐ_NGÀY",
        help="giữ báo cáo trong reports/ bao nhiêu ngày sau khi gửi (0: giữ mãi; mặc định 90)",
    )
    p.add_argument(
        "--output-days",
        metavar="SỐ_NGÀY",
        help="giữ tệp trong output/ bao nhiêu ngày (0: giữ mãi; mặc định 30)",
    )


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{(n + 1023) // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def _cmd_cleanup(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    retention = None  # the saved setting
    if args.reports_days is not None or args.output_days is not None:
        current = _saved_or_defaults(svc)
        reports = current.reports_days if args.reports_days is None else args.reports_days
        output = current.output_days if args.output_days is None else args.output_days
        if args.dry_run:
            retention = Retention(
                parse_retention_days(reports, "reports_days"),
                parse_retention_days(output, "output_days"),
            )
        else:
            retention = svc.retention.save(reports, output)
    result = svc.retention.cleanup(dry_run=args.dry_run, retention=retention)
    verb = "sẽ xóa" if args.dry_run else "đã xóa"
    for f in result.removed:
        print(f"{verb}\t{f.relative}\t{f.aged_from:%d/%m/%Y}", file=out)
    for name in result.kept_unsent:
        print(f"giữ lại (chưa gửi)\t{name}", file=out)
    for name in result.failed:
        warn(f"không xóa được “{name}” (tệp đang mở?); sẽ thử lại lần dọn sau.")
    scans = svc.attachments.tidy_store(dry_run=args.dry_run)
    if scans.orphans:
        print(
            f"{verb}\t{len(scans.orphans)} bản số hóa không thuộc hồ sơ nào (lưu dở khi một lần "
            "lưu hồ sơ không thành)",
            file=out,
        )
    count, size = len(result.removed), _size(result.bytes)
    if args.dry_run:
        print(f"Chạy thử: {count} tệp ({size}) sẽ bị xóa; chưa xóa tệp nào.", file=out)
    else:
        print(f"Đã xóa {count} tệp ({size}).", file=out)
    return EXIT_OK


def _saved_or_defaults(svc: Services) -> Retention:
    """The saved setting, or the defaults when it cannot be read (the options repair it)."""
    try:
        return svc.retention.retention()
    except ValidationError:
        return Retention()


COMMANDS: dict[str, Command] = {"cleanup": _cmd_cleanup}
