"""The `tthc-desk` commands that follow a dossier after intake: moves, late dossiers and their
apology letters, the tracking ledger and the explanation list. (Their forms print with
``tthc-desk print``, :mod:`tthc_desk.cli.forms`.)

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends the
command with exit code 2 and one Vietnamese line on stderr, and nothing is written (the output
folder is checked first).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    MOMENT,
    CliError,
    Command,
    CommandTree,
    Identity,
    day,
    dispatch,
    format_moment,
    moment,
    positive,
    require_folder,
    warn,
)
from tthc_desk.domain.lifecycle import ApologyLetter, LetterStatus, Move
from tthc_desk.presentation import label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    p = tree.leaf(
        "move",
        "ghi một bước giải quyết hồ sơ (chuyển xử lý, bổ sung, có kết quả, trả kết quả…)",
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument(
        "--to",
        dest="move",
        required=True,
        choices=[m.value for m in Move],
        metavar="BƯỚC",
        help="bước: " + ", ".join(f"{m.value} ({label(m).lower()})" for m in Move),
    )
    p.add_argument(
        "--unit",
        default="",
        metavar="ĐƠN_VỊ",
        help="đơn vị nhận hồ sơ (chuyển xử lý) hoặc đơn vị trả kết quả (có kết quả)",
    )
    p.add_argument("--note", default="", metavar="GHI_CHÚ")
    p.add_argument(
        "--reason", default="", metavar="LÝ_DO", help="lý do (bổ sung, từ chối, dừng, rút, đóng)"
    )
    p.add_argument(
        "--paper",
        dest="papers",
        action="append",
        default=[],
        metavar='"Tên giấy tờ"',
        help="giấy tờ cần bổ sung (lặp lại cho mỗi giấy tờ)",
    )
    p.add_argument(
        "--taken-by", default="", metavar="HỌ_TÊN", help="người nhận kết quả (mặc định: người nộp)"
    )
    p.add_argument(
        "--rating",
        default="",
        metavar="MỨC",
        help="mức hài lòng: “Rất hài lòng”, “Hài lòng”, “Không hài lòng”",
    )
    p.add_argument("--comment", default="", metavar="Ý_KIẾN", help="ý kiến của người nhận kết quả")
    p.add_argument(
        "--at", type=moment, metavar=MOMENT, help="thời điểm của bước (mặc định: bây giờ)"
    )

    p = tree.leaf(
        "late",
        "liệt kê hồ sơ quá hạn và sắp đến hạn, cho biết đã có phiếu xin lỗi chưa",
        Identity.SYSTEM,
    )
    p.add_argument(
        "--scan", action="store_true", help="lập phiếu xin lỗi dự thảo cho các hồ sơ còn thiếu"
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="cùng --scan: xét lại mọi hồ sơ, không chỉ những hồ sơ đổi từ lần lập trước",
    )

    for name, help_text in (
        ("ledger", "xuất sổ theo dõi hồ sơ (Mẫu 07) của một khoảng thời gian ra Excel hoặc PDF"),
        ("explain", "xuất danh sách hồ sơ quá hạn (báo cáo giải trình) ra Excel hoặc PDF"),
    ):
        p = tree.leaf(name, help_text, Identity.SYSTEM)
        p.add_argument("--from", dest="date_from", type=day, required=True, metavar="YYYY-MM-DD")
        p.add_argument("--to", dest="date_to", type=day, required=True, metavar="YYYY-MM-DD")
        p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.xlsx|TỆP.pdf")
        if name == "explain":
            p.add_argument("--public", action="store_true", help="danh sách công khai hằng tháng")

    apology = tree.group(
        "apology",
        "phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).",
        dest="apology_command",
    )
    p = apology.leaf("confirm", "ghi nhận lãnh đạo đã ký phiếu: cấp số trong sổ, ghi ngày hẹn mới")
    p.add_argument("letter_id", type=positive, metavar="SỐ_PHIẾU")
    p.add_argument(
        "--by",
        default=None,
        metavar="HỌ_TÊN",
        help="người ký: chỉ được là chính người đăng nhập (--user), mặc định là người đó",
    )
    p.add_argument(
        "--override-reason",
        default="",
        metavar="LÝ_DO",
        help="lý do lãnh đạo đồng ý hẹn lại lần thứ hai",
    )
    p = apology.leaf("deliver", "ghi nhận đã trao hoặc gửi phiếu cho người nộp")
    p.add_argument("letter_id", type=positive, metavar="SỐ_PHIẾU")
    p.add_argument(
        "--method",
        required=True,
        metavar="CÁCH_GỬI",
        help="ví dụ “Trao trực tiếp”, “Gửi qua bưu chính”, “Gọi điện thoại”",
    )
    p.add_argument("--at", type=moment, metavar=MOMENT, help="thời điểm gửi (mặc định: bây giờ)")


# -- commands ---------------------------------------------------------------------------------


def _cmd_move(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.domain.dossier import PaperItem
    from tthc_desk.services.lifecycle_service import MoveRequest

    request = MoveRequest(
        Move(args.move),
        at=args.at,
        unit=args.unit,
        note=args.note,
        reason=args.reason,
        papers=tuple(PaperItem(name, provided=False) for name in args.papers if name.strip()),
        taken_by=args.taken_by,
        rating=args.rating,
        rating_comment=args.comment,
    )
    outcome = svc.lifecycle.move(args.code, request)
    print(label(outcome.dossier.status), file=out)
    for warning in outcome.warnings:
        warn(warning)
    return EXIT_OK


def _letter_text(letters: list[ApologyLetter]) -> str:
    signed = [x for x in letters if x.number is not None]
    if signed:
        return f"đã có phiếu số {signed[-1].number_text}"
    if letters:
        return "có phiếu dự thảo, chưa ký"
    return "chưa có phiếu"


def _cmd_late(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.deadline_service import DeadlineView

    if args.full and not args.scan:
        raise CliError("--full chỉ dùng cùng --scan (tthc-desk late --scan --full).")
    created = svc.apologies.scan(full=args.full) if args.scan else 0
    views = (DeadlineView.OVERDUE, DeadlineView.TODAY, DeadlineView.SOON)
    rows = [(r, label(view).lower()) for view in views for r in svc.deadlines.rows(view, 1_000_000)]
    # Settled after the appointment and still without a letter: those need one too.
    rows += [
        (r, "đã giải quyết quá hạn")
        for r in svc.apologies.settled_late_without_letter(limit=1_000_000)
    ]
    # The letters of the dossiers listed only (not the whole register of every year).
    by_code = svc.apologies.for_dossiers([r.code for r, _word in rows])
    # The same look-back as the window's hourly scan: older ones get no automatic draft.
    since = svc.apologies.lookback_since()
    for r, word in rows:
        letter_state = _letter_text(by_code.get(r.code, []))
        if r.due_at < since and not by_code.get(r.code):
            letter_state += f", đến hạn trước {since:%d/%m/%Y} (không tự lập)"
        due = format_moment(r.due_at)
        print(f"{r.code}\t{r.applicant_name}\t{due}\t{word}\t{letter_state}", file=out)
    if args.scan:
        months = svc.apologies.lookback_months()
        print(
            f"Tự lập phiếu cho hồ sơ đến hạn từ {since:%d/%m/%Y} ({months} tháng báo cáo "
            "gần nhất).",
            file=out,
        )
        print(f"Đã lập {created} phiếu xin lỗi dự thảo.", file=out)
    return EXIT_OK


def _cmd_ledger(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = require_folder(args.output, "sổ theo dõi hồ sơ")
    n = svc.registers.write_ledger(args.date_from, args.date_to, target, ProgressLine(sys.stderr))
    print(f"Đã ghi {n} hồ sơ vào {target}", file=out)
    return EXIT_OK


class ProgressLine:
    """Prints "Đang lập: 400/1.941 hồ sơ (20%)" on ``stream`` each time another tenth is done
    (a big ledger takes a while: the clerk sees it moving), the output itself on stdout."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > self._shown and total:
            self._shown = tenth
            count = f"{total:,}".replace(",", ".")
            print(f"Đang lập: {done}/{count} hồ sơ ({tenth * 10}%)", file=self._stream)


def _cmd_explain(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = require_folder(args.output, "danh sách hồ sơ quá hạn")
    n = svc.registers.write_late_list(args.date_from, args.date_to, target, public=args.public)
    print(f"Đã ghi {n} hồ sơ quá hạn vào {target}", file=out)
    return EXIT_OK


def _apology_confirm(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    letter = svc.apologies.confirm(args.letter_id, by=args.by, override_reason=args.override_reason)
    due = format_moment(letter.proposed_due_at)
    print(f"{letter.number_text}\t{letter.dossier_code}\thẹn lại {due}", file=out)
    return EXIT_OK


def _apology_deliver(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    letter = svc.apologies.deliver(args.letter_id, args.method, at=args.at)
    assert letter.status is LetterStatus.DELIVERED
    print(f"{letter.number_text}\t{letter.dossier_code}\t{label(letter.status)}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "move": _cmd_move,
    "late": _cmd_late,
    "ledger": _cmd_ledger,
    "explain": _cmd_explain,
    "apology": dispatch(
        "apology_command", {"confirm": _apology_confirm, "deliver": _apology_deliver}
    ),
}
