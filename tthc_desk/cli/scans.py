"""Scanned papers and results of a dossier (issue 15): ``attach``, ``scans``, ``export-dossier``.

- ``tthc-desk attach CODE --paper N FILE…``: the files (PDF, JPEG, PNG, TIFF; in this order) become
  one PDF, the scan of line N of the dossier's paper checklist (it replaces that paper's scan);
  ``--result FILE…``: the scan of the dossier's result. A person logs in (``--user``).
- ``tthc-desk scans CODE``: one line per scan, tab-separated: the checklist line (or
  ``kết quả``), the paper, pages, SHA-256, the dossier it was reused from; metadata only.
- ``tthc-desk export-dossier CODE -o FILE.pdf``: a cover sheet and every scan in one PDF, by a
  person who may view scans (journalled).

The written path (or the attached scan) on stdout; bad input ends with exit code 2 and one
Vietnamese line on stderr, nothing written: the files are checked and composed before anything
is stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tthc_desk.cli.args import (
    EXIT_OK,
    CliError,
    Command,
    CommandTree,
    Identity,
    positive,
    require_file,
    require_writable,
)
from tthc_desk.domain.scans import Attachment, AttachmentSlot, ScannedPdf

if TYPE_CHECKING:
    from tthc_desk.services.container import Services


def add_parsers(tree: CommandTree) -> None:
    p = tree.leaf(
        "attach",
        "đính kèm bản số hóa (quét) một giấy tờ hoặc kết quả của hồ sơ",
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--paper",
        type=positive,
        metavar="N",
        help="số thứ tự của giấy tờ trong danh mục thành phần hồ sơ (từ 1)",
    )
    which.add_argument("--result", action="store_true", help="bản số hóa kết quả giải quyết")
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="TỆP",
        help="các tệp PDF, JPEG, PNG, TIFF, ghép theo thứ tự thành một tệp PDF",
    )
    p = tree.leaf(
        "scans",
        "liệt kê các bản số hóa của hồ sơ: giấy tờ, số trang, mã băm, dùng lại từ hồ sơ nào",
        Identity.SYSTEM,
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p = tree.leaf(
        "export-dossier",
        "xuất hồ sơ số hóa ra một tệp PDF: phiếu bìa rồi từng bản số hóa",
    )
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP.pdf")


def compose(files: Sequence[Path]) -> ScannedPdf:
    """The files as one PDF: ``tthc_desk.scanning.compose.compose_files`` (issue 15, part A),
    which says in a ScanError which file it cannot use and why."""
    from tthc_desk.scanning.compose import compose_files  # Pillow: only for this command

    return compose_files(list(files))


def _line(a: Attachment) -> str:
    where = str(a.paper_no) if a.slot is AttachmentSlot.PAPER else "kết quả"
    return f"{where}\t{a.paper_name}\t{a.pages} trang\t{a.sha256}\t{a.reused_from or ''}"


def _cmd_attach(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    files = [require_file(f) for f in args.files]
    code = svc.dossiers.get(args.code).code  # an unknown code before any work
    pdf = compose(files)
    if args.result:
        attached = svc.attachments.attach_result(code, pdf)
    else:
        attached = svc.attachments.attach_paper(code, args.paper, pdf)
    print(_line(attached), file=out)
    return EXIT_OK


def _cmd_scans(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    found = svc.attachments.of_dossier(args.code)
    for a in found:
        print(_line(a), file=out)
    if not found:
        print(f"Hồ sơ {args.code} chưa có bản số hóa nào.", file=sys.stderr)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, svc: Services, out: TextIO) -> int:
    target = require_writable(args.output, "hồ sơ số hóa")
    if target.suffix.lower() != ".pdf":
        raise CliError(f"Tệp xuất “{target}” cần đuôi .pdf.")
    print(svc.attachments.export_dossier(args.code, target), file=out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "attach": _cmd_attach,
    "scans": _cmd_scans,
    "export-dossier": _cmd_export,
}
