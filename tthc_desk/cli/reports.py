"""The `tthc-desk` commands that report upward: the weekly workbook, the periodic Biểu 06a, the
figures of digitisation of a period (``report digitised --period KỲ_SỐ``, printed only), the
province's roll-up of commune workbooks (``aggregate --keys DIR``: only workbooks signed by their
own commune's registered key), and the office's public key for the province (``key export``).

Same rules as :mod:`tthc_desk.cli`: one result per line on stdout; an error ends the command
with exit code 2 and one Vietnamese line on stderr, and no file is left half-written.
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
    require_file,
    require_folder,
    require_writable,
    warn,
)
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.domain.report import Report, share
from tthc_desk.presentation import label, percent_text, period_label, period_range_text

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

KINDS = {
    "month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
    "half": PeriodKind.HALF,
    "year": PeriodKind.YEAR,
    "custom": PeriodKind.CUSTOM,
}


def add_parsers(tree: CommandTree) -> None:
    report = tree.group(
        "report",
        "lập báo cáo gửi cấp trên (Excel)",
        "Lập báo cáo gửi cấp trên.",
        dest="report_command",
        metavar="LOẠI",
        title="loại báo cáo",
    )
    p = report.leaf(
        "weekly",
        "báo cáo tuần: Tổng hợp (Biểu 06a), Chi tiết, Quá hạn, Bưu chính, Chỉ tiêu, Thông tin",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--week", default=None, metavar="2026-W09", help="tuần báo cáo (mặc định: tuần trước)"
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.xlsx")
    p = report.leaf(
        "period",
        "báo cáo định kỳ Biểu 06a (tháng, quý, 6 tháng, năm theo kỳ chốt số liệu, hoặc tùy chọn)",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--kind",
        required=True,
        choices=list(KINDS),
        metavar="KỲ",
        help="month (tháng), quarter (quý), half (6 tháng), year (năm), custom (tùy chọn)",
    )
    p.add_argument(
        "--key",
        default=None,
        metavar="KỲ_SỐ",
        help="kỳ cụ thể: 2026-03, 2026-Q1, 2026-H1, 2026 (mặc định: kỳ đang diễn ra)",
    )
    p.add_argument(
        "--from", dest="date_from", type=day, metavar="YYYY-MM-DD", help="ngày đầu (kỳ tùy chọn)"
    )
    p.add_argument(
        "--to", dest="date_to", type=day, metavar="YYYY-MM-DD", help="ngày cuối (kỳ tùy chọn)"
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.xlsx")
    p = report.leaf(
        "digitised",
        "số liệu số hóa của các hồ sơ tiếp nhận trong kỳ: số hóa đủ giấy tờ, kết quả điện tử, "
        "tái sử dụng giấy tờ đã số hóa, chưa có bản số hóa (không lập tệp)",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--period",
        required=True,
        metavar="KỲ_SỐ",
        help="kỳ: tháng 2026-11, tuần 2026-W45, quý 2026-Q4, 6 tháng 2026-H2, năm 2026",
    )
    p.add_argument(
        "--list",
        action="store_true",
        help="in thêm mã các hồ sơ tiếp nhận trong kỳ chưa có bản số hóa nào",
    )

    p = tree.leaf(
        "aggregate", "tổng hợp báo cáo của các xã thành bảng Biểu 06a của tỉnh", Identity.SYSTEM
    )
    p.add_argument("files", nargs="+", type=Path, metavar="TỆP.xlsx")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỈNH.xlsx")
    p.add_argument(
        "--period",
        default=None,
        metavar="KỲ_SỐ",
        help="kỳ cần tổng hợp (mặc định: kỳ mà nhiều tệp nhất báo cáo)",
    )
    p.add_argument(
        "--keys",
        type=Path,
        default=None,
        metavar="THƯ_MỤC",
        help="thư mục các tệp khóa công khai đã đăng ký của các xã: chỉ tổng hợp báo cáo có chữ "
        "ký số đúng của chính xã đó (không có: không xác thực chữ ký)",
    )

    p = tree.leaf(
        "brief",
        "báo cáo tóm tắt (PDF, 1–2 trang A4) cho cuộc họp giao ban: chỉ tiêu, xu hướng 12 tháng, "
        "lĩnh vực, đơn vị, hồ sơ trễ hạn, Bộ chỉ số 766",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--period",
        required=True,
        metavar="KỲ_SỐ",
        help="kỳ báo cáo: tháng 2026-11 (cũng nhận tuần 2026-W45, quý 2026-Q4, 6 tháng 2026-H2, "
        "năm 2026)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf")

    key = tree.group(
        "key",
        "khóa ký báo cáo của cơ quan",
        "Khóa ký số báo cáo của cơ quan.",
        dest="key_command",
    )
    p = key.leaf(
        "export",
        "xuất khóa công khai ký báo cáo của cơ quan (để đăng ký với cấp tổng hợp)",
        Identity.SYSTEM,
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.txt")


def _summary_line(report: Report, path: Path) -> str:
    t = report.total
    return (
        f"{path}\t{period_label(report.period)} ({period_range_text(report.period).lower()})\t"
        f"nhận {t.received_total}, đã giải quyết {t.settled_total} (quá hạn {t.late}), "
        f"đang giải quyết {t.pending_total} (quá hạn {t.pending_overdue})"
    )


def _cmd_report(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.report_command == "digitised":
        return _digitised(args, svc, out)
    target = require_folder(args.output, "báo cáo")
    if args.report_command == "weekly":
        report = svc.reports.write_weekly(svc.reports.week(args.week), target)
    else:
        kind = KINDS[args.kind]
        if kind is not PeriodKind.CUSTOM and (args.date_from or args.date_to):
            raise CliError(
                "--from/--to chỉ dùng với --kind custom; kỳ khác chọn bằng --key (ví dụ 2026-Q1)."
            )
        period = svc.reports.period(kind, args.key, args.date_from, args.date_to)
        report = svc.reports.write_period(period, target)
    print(_summary_line(report, target), file=out)
    return EXIT_OK


def _digitised(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    """The figures of digitisation of a period, one line each (a label, a tab, the figure); with
    ``--list`` the codes of the dossiers received without a scan, one per line after them."""
    period = svc.dashboard.parse_period(args.period)
    figures = svc.reports.digitisation(period, listed=args.list)
    print(
        f"{period_label(period)} ({period_range_text(period).lower()})\t"
        f"số liệu tính đến {figures.as_of:%H:%M} ngày {figures.as_of:%d/%m/%Y}",
        file=out,
    )
    for line, n, whole in figures.counts.lines():
        said = f"{n}" if whole is None else f"{n}/{whole}\t{percent_text(share(n, whole))}"
        print(f"{label(line)}\t{said}", file=out)
    for u in figures.unscanned:
        print(
            f"Chưa số hóa\t{u.code}\t{u.received_at:%d/%m/%Y %H:%M}\t{u.procedure_name}", file=out
        )
    return EXIT_OK


def _cmd_aggregate(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    files = [require_file(p) for p in args.files]
    target = require_folder(args.output, "bảng tổng hợp")
    keys = args.keys
    if keys is not None and not keys.is_dir():
        raise CliError(f"Thư mục khóa “{keys}” không tồn tại.")
    if keys is None:
        warn(
            "chưa xác thực chữ ký (không có --keys): số liệu chỉ được đối chiếu mã kiểm tra, "
            "mà ai sửa tệp cũng tính lại được; hãy dùng --keys THƯ_MỤC khóa của các xã."
        )
    result = svc.reports.aggregate(files, target, period_key=args.period, keys=keys)
    for r in result.included:
        said = "" if r.verified else "Chưa xác thực chữ ký\t"
        print(f"{r.path}\t{r.office_id}\t{r.office_name}\t{said}Đã tổng hợp", file=out)
    for x in result.problems:
        print(f"{x.path}\tBỏ qua ({x.kind_label}): {x.why}", file=out)
        print(f"tthc-desk: bỏ qua “{x.path.name}” ({x.kind_label}): {x.why}.", file=sys.stderr)
    if not result.included:
        return EXIT_ERROR
    t = result.total
    print(
        f"{target}\tkỳ {result.period_key}\t{len(result.included)} đơn vị\t"
        f"nhận {t.received_total}, đã giải quyết {t.settled_total}, "
        f"đang giải quyết {t.pending_total}",
        file=out,
    )
    return EXIT_OK


def _cmd_brief(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    period = svc.dashboard.parse_period(args.period)
    target = require_writable(args.output, "báo cáo tóm tắt")
    figures = svc.dashboard.write_brief(period, target)
    f = figures.figures
    print(
        f"{target}\t{period_label(period)} ({period_range_text(period).lower()})\t"
        f"nhận {f.received}, đã giải quyết {f.settled} (quá hạn {f.late}), "
        f"đang giải quyết {f.pending} (quá hạn {f.pending_overdue})",
        file=out,
    )
    return EXIT_OK


def _cmd_key(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = require_folder(args.output, "tệp khóa công khai")
    svc.reports.export_public_key(target)
    signer = svc.reports.signer()
    fingerprint = signer.fingerprint if signer else ""
    print(f"{target}\t{svc.settings.office().agency_id}\tdấu vân tay {fingerprint}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "report": _cmd_report,
    "aggregate": _cmd_aggregate,
    "brief": _cmd_brief,
    "key": _cmd_key,
}
