"""``tthc-desk print FORM CODE -o FILE.pdf``: the receipt (Mẫu 01) and the forms of a dossier's
lifecycle (Mẫu 02–06), written to PDF.

Same rules as :mod:`tthc_desk.cli`: the written path on stdout; an error ends the command with
exit code 2 and one Vietnamese line on stderr, and nothing is written (the output folder is
checked first, and every form is rendered before its file is created).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    Command,
    CommandTree,
    Identity,
    dispatch,
    require_folder,
)
from tthc_desk.domain.errors import ValidationError

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

RECEIPT = "giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)"
FORMS = {
    "supplement": "phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
    "refusal": "phiếu từ chối giải quyết hồ sơ (Mẫu 03)",
    "apology": "phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), mới nhất trước, "
    "kể cả bản dự thảo",
    "stop": "thông báo dừng giải quyết hồ sơ theo đề nghị của người nộp (Mẫu 05)",
    "control": "phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)",
}


def add_parsers(tree: CommandTree) -> None:
    forms = tree.group(
        "print",
        "in biểu mẫu ra PDF",
        "In biểu mẫu ra PDF.",
        dest="print_command",
        metavar="BIỂU_MẪU",
        title="biểu mẫu",
    )
    for name, help_text in {"receipt": RECEIPT, **FORMS}.items():
        p = forms.leaf(name, help_text, Identity.SYSTEM)
        p.add_argument("code", metavar="MÃ_HỒ_SƠ")
        p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf")


def _target(args: argparse.Namespace) -> Path:
    """The output file, once its folder is known to exist; named after the form in errors."""
    what = "giấy tiếp nhận" if args.print_command == "receipt" else FORMS[args.print_command]
    return require_folder(args.output, what.split(" (")[0])


def _print_receipt(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = _target(args)
    print(svc.printing.write_receipt(args.code, target), file=out)
    return EXIT_OK


def _print_apology(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = _target(args)
    letters = sorted(
        svc.apologies.for_dossier(svc.dossiers.get(args.code).code),
        key=lambda x: (x.created_at, x.id),
        reverse=True,
    )
    if not letters:
        raise ValidationError.for_field("dossier", "Hồ sơ chưa có phiếu xin lỗi nào.")
    data = svc.apologies.pdf([x.id for x in letters])
    print(svc.printing.write(target, data), file=out)
    return EXIT_OK


def _print_form(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = _target(args)
    render = {
        "supplement": svc.printing.supplement_pdf,
        "refusal": svc.printing.refusal_pdf,
        "stop": svc.printing.stop_pdf,
        "control": svc.printing.control_pdf,
    }[args.print_command]
    print(svc.printing.write(target, render(args.code)), file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "print": dispatch(
        "print_command",
        {
            "receipt": _print_receipt,
            "apology": _print_apology,
            **dict.fromkeys(("supplement", "refusal", "stop", "control"), _print_form),
        },
    )
}
