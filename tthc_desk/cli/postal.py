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
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tthc_desk.cli import (
    EXIT_OK,
    CliError,
    _day,
    _format,
    _moment,
    _positive,
    _require_file,
    _require_folder,
)
from tthc_desk.domain.dossier import ReturnMethod
from tthc_desk.domain.postal import (
    PostalItem,
    PostalState,
    parse_status_word,
    percent_text,
    s10_warning,
)

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

Leaf = Callable[[Any, str, str], argparse.ArgumentParser]
WHEN = '"YYYY-MM-DD[ HH:MM]"'
_SUFFIXES = (".pdf", ".xlsx")


def _when(text: str) -> datetime | date:
    """A moment, or a day alone (the service decides the time of a day)."""
    try:
        return _moment(text)
    except argparse.ArgumentTypeError:
        pass
    try:
        return _day(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"“{text}” không phải ngày dạng YYYY-MM-DD (hoặc “YYYY-MM-DD HH:MM”)."
        ) from None


def _state(text: str) -> PostalState:
    if text.strip().lower() == PostalState.WAITING.value:
        return PostalState.WAITING
    state = parse_status_word(text)
    if state is None:
        choices = ", ".join(s.value for s in PostalState)
        raise argparse.ArgumentTypeError(f"“{text}” không phải trạng thái bưu gửi ({choices}).")
    return state


def _pair(text: str) -> tuple[str, str]:
    code, sep, number = text.partition("=")
    if not sep or not code.strip() or not number.strip():
        raise argparse.ArgumentTypeError(f"“{text}” cần dạng MÃ_HỒ_SƠ=SỐ_HIỆU.")
    return code.strip(), number.strip()


def add_parsers(sub: Any, leaf: Leaf) -> None:
    postal = sub.add_parser(
        "postal",
        help="trả kết quả qua dịch vụ bưu chính công ích",
        description="Trả kết quả qua dịch vụ bưu chính công ích: danh sách bàn giao, "
        "số hiệu bưu gửi, kết quả phát.",
    )
    psub = postal.add_subparsers(
        dest="postal_command", metavar="LỆNH", title="các lệnh", required=True
    )

    p = leaf(
        psub,
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
    p.add_argument(
        "--copies", type=_positive, default=2, metavar="N", help="số bản in (mặc định 2)"
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf|TỆP.xlsx")

    p = leaf(psub, "print", "ghi lại một danh sách bàn giao ra PDF hoặc Excel")
    p.add_argument("number", metavar="SỐ_DANH_SÁCH", help="ví dụ 03/2026/BGBC")
    p.add_argument(
        "--copies", type=_positive, default=2, metavar="N", help="số bản in (mặc định 2)"
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf|TỆP.xlsx")

    p = leaf(psub, "waybill", "ghi số hiệu bưu gửi của một hồ sơ đã giao bưu điện")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("number", metavar="SỐ_HIỆU")

    p = leaf(psub, "update", "ghi kết quả phát của một bưu gửi")
    p.add_argument("number", metavar="SỐ_HIỆU", help="số hiệu bưu gửi (hoặc mã hồ sơ)")
    p.add_argument(
        "--status",
        required=True,
        type=_state,
        metavar="TRẠNG_THÁI",
        help="delivered (đã phát thành công), failed (phát không thành công), returned (chuyển hoàn)",
    )
    p.add_argument(
        "--date", type=_when, metavar=WHEN, help="ngày của kết quả phát (mặc định: bây giờ)"
    )
    p.add_argument("--note", default="", metavar="GHI_CHÚ")

    p = leaf(
        psub,
        "import",
        "nhập tệp trạng thái phát của bưu điện (CSV hoặc Excel: số hiệu, trạng thái, ngày)",
    )
    p.add_argument("file", type=Path, metavar="TỆP")

    p = leaf(psub, "list", "liệt kê kết quả trả qua bưu chính: mã hồ sơ, số hiệu, trạng thái, ngày")
    p.add_argument(
        "--status",
        type=_state,
        metavar="TRẠNG_THÁI",
        help="waiting, handed_over, delivered, failed, returned (mặc định: tất cả)",
    )

    p = leaf(
        psub,
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

    p = leaf(
        psub,
        "shares",
        "số và tỷ lệ hồ sơ tiếp nhận, trả kết quả qua bưu chính trong một khoảng thời gian",
    )
    p.add_argument("--from", dest="date_from", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_day, required=True, metavar="YYYY-MM-DD")


def _target(path: Path) -> Path:
    if path.suffix.lower() not in _SUFFIXES:
        raise CliError("Danh sách bàn giao chỉ xuất được ra tệp .pdf hoặc .xlsx.")
    return _require_folder(path, "danh sách bàn giao")


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
    when = "; ".join(f"{label} {_format(value)}" for label, value in dates)
    return "\t".join(
        [item.dossier_code, item.waybill or "-", item.state.label, when, item.batch_number or "-"]
    )


def _missing_warning(count: int) -> None:
    if count:
        print(
            f"Cảnh báo: {count} bưu gửi chưa có số hiệu; ghi bằng lệnh “tthc-desk postal waybill MÃ_HỒ_SƠ SỐ_HIỆU” "
            "hoặc để nhân viên bưu chính ghi tay trên danh sách.",
            file=sys.stderr,
        )


def _cmd_postal(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    cmd = args.postal_command
    if cmd == "batch":
        target = _target(args.output)
        batch = svc.postal.create_batch(
            args.codes, at=args.date, waybills=dict(args.waybills), postal_employee=args.employee
        )
        svc.postal.write_batch_list(batch.id, target, copies=args.copies)
        print(f"{batch.number_text}\t{len(batch.items)} hồ sơ\t{target}", file=out)
        _missing_warning(batch.missing_waybills)
    elif cmd == "print":
        target = _target(args.output)
        batch = svc.postal.batch(args.number)
        svc.postal.write_batch_list(batch.id, target, copies=args.copies)
        print(target, file=out)
        _missing_warning(batch.missing_waybills)
    elif cmd == "waybill":
        item = svc.postal.set_waybill(args.code, args.number)
        print(f"{item.dossier_code}\t{item.waybill}\t{item.batch_number}", file=out)
        if hint := s10_warning(item.waybill):
            print(f"Cảnh báo: {hint}", file=sys.stderr)
    elif cmd == "update":
        if args.status not in (PostalState.DELIVERED, PostalState.FAILED, PostalState.RETURNED):
            raise CliError("Trạng thái phải là delivered, failed hoặc returned.")
        item = svc.postal.update(args.number, args.status, at=args.date, note=args.note)
        print(_line(item), file=out)
    elif cmd == "import":
        s = svc.postal.import_statuses(_require_file(args.file))
        print(
            f"Đã cập nhật {s.delivered + s.failed + s.returned} bưu gửi: {s.delivered} phát thành công, "
            f"{s.failed} phát không thành công, {s.returned} chuyển hoàn; {s.unchanged} dòng không đổi.",
            file=out,
        )
    elif cmd == "list":
        for item in svc.postal.items(args.status):
            print(_line(item), file=out)
    elif cmd == "return":
        d = svc.postal.set_return(
            args.code, args.method, recipient=args.recipient, address=args.address, phone=args.phone
        )
        where = (
            f"\t{d.return_recipient}\t{d.return_address}"
            if d.return_method is ReturnMethod.POSTAL
            else ""
        )
        print(f"{d.code}\t{d.return_method.label}{where}", file=out)
    else:
        s = svc.postal.postal_shares(args.date_from, args.date_to)
        print(
            f"Tiếp nhận\t{s.received_total}\tqua bưu chính\t{s.received_by_post}\t{percent_text(s.received_share)}",
            file=out,
        )
        print(
            f"Trả kết quả\t{s.returned_total}\tqua bưu chính\t{s.returned_by_post}\t{percent_text(s.returned_share)}",
            file=out,
        )
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Services, TextIO], int]] = {"postal": _cmd_postal}
