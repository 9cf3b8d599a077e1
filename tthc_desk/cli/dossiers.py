"""The `tthc-desk` commands at the counter: receive a dossier (and write its receipt), search.

Same rules as :mod:`tthc_desk.cli`: results on stdout, one item per line; an error ends the
command with exit code 2 and one Vietnamese line on stderr, and nothing is written: input is
checked before any write, and a receipt's folder is checked before the dossier is saved.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    EXIT_SAVED_NOT_PRINTED,
    MOMENT,
    CliError,
    Command,
    CommandTree,
    Identity,
    day,
    format_moment,
    moment,
    positive,
    require_writable,
)
from tthc_desk.domain.dossier import Channel, DossierDraft, Person, ReturnMethod
from tthc_desk.domain.errors import TthcError
from tthc_desk.presentation import label

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)


def add_parsers(tree: CommandTree) -> None:
    _add_receive(tree.leaf("receive", "tiếp nhận một hồ sơ, in mã hồ sơ"))

    p = tree.leaf(
        "search",
        "tìm hồ sơ theo tên (không cần dấu), mã hồ sơ, số định danh, điện thoại, thủ tục",
        Identity.SYSTEM,
    )
    p.add_argument("text", metavar="TỪ_KHÓA")
    p.add_argument(
        "--limit", type=positive, default=50, metavar="N", help="số dòng tối đa (mặc định 50)"
    )


def _add_receive(p: argparse.ArgumentParser) -> None:
    p.add_argument("--procedure", required=True, metavar="MÃ", help="mã thủ tục, ví dụ 1.001193")
    p.add_argument("--name", required=True, metavar="HỌ_TÊN", help="họ và tên người nộp")
    p.add_argument(
        "--id-number", required=True, metavar="SỐ", help="số định danh cá nhân (12 chữ số)"
    )
    p.add_argument("--birth-date", type=day, metavar="dd/mm/yyyy", help="ngày sinh")
    p.add_argument("--phone", default="", metavar="SỐ", help="số điện thoại")
    p.add_argument("--address", default="", metavar="ĐỊA_CHỈ", help="địa chỉ")
    p.add_argument("--email", default="", metavar="EMAIL")
    p.add_argument(
        "--channel",
        choices=[c.value for c in Channel],
        default=Channel.DIRECT.value,
        help="kênh tiếp nhận: direct (trực tiếp), postal (bưu chính), online (trực tuyến)",
    )
    p.add_argument(
        "--return",
        dest="return_method",
        choices=[r.value for r in ReturnMethod],
        default=ReturnMethod.COUNTER.value,
        help="nhận kết quả: counter (tại Bộ phận Một cửa), postal (qua bưu chính)",
    )
    p.add_argument(
        "--return-address",
        default="",
        metavar="ĐỊA_CHỈ",
        help="địa chỉ nhận kết quả qua bưu chính (mặc định: địa chỉ người nộp)",
    )
    p.add_argument(
        "--recipient",
        default="",
        metavar="HỌ_TÊN",
        help="người nhận kết quả qua bưu chính (mặc định: người nộp)",
    )
    p.add_argument(
        "--recipient-phone",
        default="",
        metavar="SỐ",
        help="điện thoại người nhận kết quả qua bưu chính (mặc định: của người nộp)",
    )
    p.add_argument(
        "--postal-ref",
        default="",
        metavar="SỐ_HIỆU",
        help="số hiệu bưu gửi của hồ sơ nhận qua bưu chính (bắt buộc với --channel postal)",
    )
    p.add_argument(
        "--received",
        type=moment,
        metavar=MOMENT,
        help="thời điểm tiếp nhận (mặc định: bây giờ)",
    )
    p.add_argument(
        "--backdate-reason", default="", metavar="LÝ_DO", help="lý do nhập lùi thời điểm tiếp nhận"
    )
    p.add_argument("--sets", type=positive, default=1, metavar="N", help="số bộ hồ sơ")
    p.add_argument("--note", default="", metavar="GHI_CHÚ")
    p.add_argument("--receipt", type=Path, metavar="TỆP.pdf", help="ghi giấy tiếp nhận ra tệp PDF")
    p.add_argument(
        "--force",
        action="store_true",
        help="lưu cả khi vừa có hồ sơ cùng thủ tục, cùng số định danh trong 10 phút qua",
    )


def _draft(args: argparse.Namespace) -> DossierDraft:
    return_method = ReturnMethod(args.return_method)
    return_address = args.return_address
    if return_method is ReturnMethod.POSTAL and not return_address:
        return_address = args.address
    return DossierDraft(
        procedure_code=args.procedure,
        applicant=Person(
            full_name=args.name,
            id_number=args.id_number,
            birth_date=args.birth_date,
            phone=args.phone,
            address=args.address,
            email=args.email,
        ),
        channel=Channel(args.channel),
        return_method=return_method,
        return_address=return_address,
        return_recipient=args.recipient,
        return_phone=args.recipient_phone,
        postal_reference=args.postal_ref,
        sets_count=args.sets,
        note=args.note,
        received_at=args.received,
        backdate_reason=args.backdate_reason,
    )


def _cmd_receive(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.dossier_service import DUPLICATE_WINDOW
    from tthc_desk.services.failures import describe_failure

    receipt = require_writable(args.receipt, "giấy tiếp nhận") if args.receipt else None
    draft = _draft(args)
    svc.dossiers.validate(draft)  # a wrong input is told first, a probable retry second
    earlier = None if args.force else svc.dossiers.probable_duplicate(draft)
    if earlier is not None:
        raise CliError(
            f"Chưa lưu: hồ sơ {earlier} cùng thủ tục và cùng số định danh vừa được tiếp nhận "
            f"trong {DUPLICATE_WINDOW.seconds // 60} phút qua (có thể là lần lưu trước). "
            f"In lại giấy tiếp nhận: “tthc-desk print receipt {earlier} -o TỆP.pdf”; "
            "nếu đúng là hồ sơ mới, thêm --force."
        )
    dossier = svc.dossiers.receive(draft)
    print(dossier.code, file=out)
    log.info("Received %s, due %s", dossier.code, dossier.due_at)
    if receipt is None:
        return EXIT_OK
    try:  # the dossier is saved: from here on a failure must say so, never "nothing written"
        svc.printing.write_receipt(dossier.code, receipt)
    except Exception as e:
        log.error("Receipt of %s not written to %s", dossier.code, receipt, exc_info=e)
        why = describe_failure(e) or (e.message if isinstance(e, TthcError) else "lỗi khi in")
        print(
            f"tthc-desk: Hồ sơ {dossier.code} ĐÃ ĐƯỢC LƯU nhưng chưa ghi được giấy tiếp nhận "
            f"({why.rstrip('.')}). Đừng tiếp nhận lại; in lại bằng “tthc-desk print receipt "
            f"{dossier.code} -o TỆP.pdf”.",
            file=sys.stderr,
        )
        return EXIT_SAVED_NOT_PRINTED
    log.info("Receipt of %s written to %s", dossier.code, receipt)
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    from tthc_desk.services.dossier_search import DossierQuery

    rows = svc.dossiers.search(DossierQuery(text=args.text, limit=args.limit))
    for r in rows:
        print(
            f"{r.code}\t{r.applicant_name}\t{r.procedure_code}\t{format_moment(r.received_at)}\t"
            f"{format_moment(r.due_at)}\t{label(r.status)}",
            file=out,
        )
    if not rows:
        print(f"Không tìm thấy hồ sơ nào khớp “{args.text}”.", file=sys.stderr)
    return EXIT_OK


COMMANDS: dict[str, Command] = {"receive": _cmd_receive, "search": _cmd_search}
