"""The `tthc-desk postal` commands: results returned by public postal service.

``batch`` makes the next handover list with the results waiting for the post and writes it
(.pdf or .xlsx); ``waybill`` records an item's number; ``update`` and ``import`` record what the
post reports; ``list`` shows the items; ``print`` writes a list again; ``return`` changes how a
dossier's result reaches the applicant; ``shares`` gives the period's figures.

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends with
exit code 2 and one Vietnamese line on stderr, and nothing is written (the output file's folder
and suffix are checked before the list is made).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk import presentation
from tthc_desk.cli.args import (
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    day,
    dispatch,
    format_moment,
    moment,
    positive,
    require_file,
    require_folder,
    warn,
)
from tthc_desk.domain.dossier import ReturnMethod
from tthc_desk.domain.postal import (
    PostalItem,
    PostalState,
    percent_text,
    s10_warning,
)

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

WHEN = '"YYYY-MM-DD[ HH:MM]"'
_SUFFIXES = (".pdf", ".xlsx")


def _when(text: str) -> datetime | date:
    """A moment, or a day alone (the service decides the time of a day)."""
    try:
        return moment(text)
    except argparse.ArgumentTypeError:
        pass
    try:
        return day(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"“{text}” không phải ngày dạng YYYY-MM-DD (hoặc “YYYY-MM-DD HH:MM”)."
        ) from None


def _state(text: str) -> PostalState:
    if text.strip().lower() == PostalState.WAITING.value:
        return PostalState.WAITING
    state = presentation.parse_status_word(text)
    if state is None:
        choices = ", ".join(s.value for s in PostalState)
        raise argparse.ArgumentTypeError(f"“{text}” không phải trạng thái bưu gửi ({choices}).")
    return state


def _pair(text: str) -> tuple[str, str]:
    code, sep, number = text.partition("=")
    if not sep or not code.strip() or not number.strip():
        raise argparse.ArgumentTypeError(f"“{text}” cần dạng MÃ_HỒ_SƠ=SỐ_HIỆU.")
    return code.strip(), number.strip()


def add_parsers(tree: CommandTree) -> None:
    postal = tree.group(
        "postal",
        "trả kết quả qua dịch vụ bưu chính công ích",
        "Trả kết quả qua dịch vụ bưu chính công ích: danh sách bàn giao, "
        "số hiệu bưu gửi, kết quả phát.",
        dest="postal_command",
    )

    p = postal.leaf(
        "batch",
        "lập danh sách bàn giao bưu điện (mặc định: mọi kết quả đang chờ) và ghi ra PDF hoặc Excel",
    )
    p.add_argument(
        "--date", type=_when, metavar=WHEN, help="thời điểm bàn giao (mặc định: bây giờ)"
    )
    p.add_argument(
        "--code",
        dest="codes",
        action="append",
        metavar="MÃ_HỒ_SƠ",
        help="chỉ giao hồ sơ này (lặp lại cho mỗi hồ sơ)",
    )
    p.add_argument(
        "--waybill",
        dest="waybills",
        action="append",
        type=_pair,
        default=[],
        metavar="MÃ_HỒ_SƠ=SỐ_HIỆU",
        help="số hiệu bưu gửi của một hồ sơ (lặp lại)",
    )
    p.add_argument(
        "--employee", default="", metavar="HỌ_TÊN", help="nhân viên bưu chính nhận bàn giao"
    )
    p.add_argument("--copies", type=positive, default=2, metavar="N", help="số bản in (mặc định 2)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf|TỆP.xlsx")

    p = postal.leaf("print", "ghi lại một danh sách bàn giao ra PDF hoặc Excel", Identity.SYSTEM)
    p.add_argument("number", metavar="SỐ_DANH_SÁCH", help="ví dụ 03/2026/BGBC")
    p.add_argument("--copies", type=positive, default=2, metavar="N", help="số bản in (mặc định 2)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf|TỆP.xlsx")

    p = postal.leaf("waybill", "ghi số hiệu bưu gửi của một hồ sơ đã giao bưu điện")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("number", metavar="SỐ_HIỆU")

    p = postal.leaf("update", "ghi kết quả phát của một bưu gửi")
    p.add_argument("number", metavar="SỐ_HIỆU", help="số hiệu bưu gửi (hoặc mã hồ sơ)")
    p.add_argument(
        "--status",
        required=True,
        type=_state,
        metavar="TRẠNG_THÁI",
        help="delivered (đã phát thành công), failed (phát không thành công), "
        "returned (chuyển hoàn)",
    )
    p.add_argument(
        "--date", type=_when, metavar=WHEN, help="ngày của kết quả phát (mặc định: bây giờ)"
    )
    p.add_argument("--note", default="", metavar="GHI_CHÚ")

    p = postal.leaf(
        "import",
        "nhập tệp trạng thái phát của bưu điện (CSV hoặc Excel: số hiệu, trạng thái, ngày)",
    )
    p.add_argument("file", type=Path, metavar="TỆP")

    p = postal.leaf(
        "list",
        "liệt kê kết quả trả qua bưu chính: mã hồ sơ, số hiệu, trạng thái, ngày",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--status",
        type=_state,
        metavar="TRẠNG_THÁI",
        help="waiting, handed_over, delivered, failed, returned (mặc định: tất cả)",
    )

    p = postal.leaf(
        "return",
        "đổi nơi nhận kết quả của một hồ sơ (tại Bộ phận Một cửa hoặc qua bưu chính)",
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument(
        "--method",
        required=True,
        choices=[m.value for m in ReturnMethod],
        help="counter (tại Bộ phận Một cửa), postal (qua bưu chính)",
    )
    p.add_argument(
        "--recipient", default="", metavar="HỌ_TÊN", help="người nhận (mặc định: người nộp)"
    )
    p.add_argument(
        "--address",
        default="",
        metavar="ĐỊA_CHỈ",
        help="địa chỉ nhận (mặc định: địa chỉ người nộp)",
    )
    p.add_argument("--phone", default="", metavar="SỐ", help="điện thoại người nhận")

    p = postal.leaf(
        "shares",
        "số và tỷ lệ hồ sơ tiếp nhận, trả kết quả qua bưu chính trong một khoảng thời gian",
        Identity.SYSTEM,
    )
    p.add_argument("--from", dest="date_from", type=day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=day, required=True, metavar="YYYY-MM-DD")


def _target(path: Path) -> Path:
    if path.suffix.lower() not in _SUFFIXES:
        raise CliError("Danh sách bàn giao chỉ xuất được ra tệp .pdf hoặc .xlsx.")
    return require_folder(path, "danh sách bàn giao")


def _line(item: PostalItem) -> str:
    dates = [
        (label, value)
        for label, value in (
            ("có kết quả", item.settled_at if item.state is PostalState.WAITING else None),
            ("giao bưu điện", item.handed_over_at),
            ("phát không thành công", item.failed_at),
            ("phát thành công", item.delivered_at),
            ("chuyển hoàn", item.returned_at),
        )
        if value is not None
    ]
    when = "; ".join(f"{label} {format_moment(value)}" for label, value in dates)
    return "\t".join(
        [
            item.dossier_code,
            item.waybill or "-",
            presentation.label(item.state),
            when,
            item.batch_number or "-",
        ]
    )


def _missing_warning(count: int) -> None:
    if count:
        warn(
            f"{count} bưu gửi chưa có số hiệu; ghi bằng lệnh "
            "“tthc-desk postal waybill MÃ_HỒ_SƠ SỐ_HIỆU” "
            "hoặc để nhân viên bưu chính ghi tay trên danh sách."
        )


def _batch(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = _target(args.output)
    batch = svc.postal.create_batch(
        args.codes, at=args.date, waybills=dict(args.waybills), postal_employee=args.employee
    )
    svc.postal.write_batch_list(batch.id, target, copies=args.copies)
    print(f"{batch.number_text}\t{len(batch.items)} hồ sơ\t{target}", file=out)
    _missing_warning(batch.missing_waybills)
    return EXIT_OK


def _print(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = _target(args.output)
    batch = svc.postal.batch(args.number)
    svc.postal.write_batch_list(batch.id, target, copies=args.copies)
    print(target, file=out)
    _missing_warning(batch.missing_waybills)
    return EXIT_OK


def _waybill(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    item = svc.postal.set_waybill(args.code, args.number)
    print(f"{item.dossier_code}\t{item.waybill}\t{item.batch_number}", file=out)
    if hint := s10_warning(item.waybill):
        warn(hint)
    return EXIT_OK


def _update(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    if args.status not in (PostalState.DELIVERED, PostalState.FAILED, PostalState.RETURNED):
        raise CliError("Trạng thái phải là delivered, failed hoặc returned.")
    item = svc.postal.update(args.number, args.status, at=args.date, note=args.note)
    print(_line(item), file=out)
    return EXIT_OK


def _import(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    s = svc.postal.import_statuses(require_file(args.file))
    print(
        f"Đã cập nhật {s.delivered + s.failed + s.returned} bưu gửi: "
        f"{s.delivered} phát thành công, {s.failed} phát không thành công, "
        f"{s.returned} chuyển hoàn; {s.unchanged} dòng không đổi.",
        file=out,
    )
    return EXIT_OK


def _list(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    for item in svc.postal.items(args.status):
        print(_line(item), file=out)
    return EXIT_OK


def _return(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    d = svc.postal.set_return(
        args.code, args.method, recipient=args.recipient, address=args.address, phone=args.phone
    )
    where = (
        f"\t{d.return_recipient}\t{d.return_address}"
        if d.return_method is ReturnMethod.POSTAL
        else ""
    )
    print(f"{d.code}\t{presentation.label(d.return_method)}{where}", file=out)
    return EXIT_OK


def _shares(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    s = svc.postal.postal_shares(args.date_from, args.date_to)
    for what, total, by_post, share in (
        ("Tiếp nhận", s.received_total, s.received_by_post, s.received_share),
        ("Trả kết quả", s.returned_total, s.returned_by_post, s.returned_share),
    ):
        print(f"{what}\t{total}\tqua bưu chính\t{by_post}\t{percent_text(share)}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "postal": dispatch(
        "postal_command",
        {
            "batch": _batch,
            "print": _print,
            "waybill": _waybill,
            "update": _update,
            "import": _import,
            "list": _list,
            "return": _return,
            "shares": _shares,
        },
    )
}
