"""Helpers of the printed-form tests: a dossier, PDF text, and the every-label check."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from pypdf import PdfReader

from tthc_desk.domain.dossier import Channel, Dossier, Person, ReturnMethod, Status
from tthc_desk.printing.templates import FormTemplate

CODE = "000.17.22.H56-260205-0007"
APPLICANT = "Nguyễn Thị Diễm Hương"
ADDRESS = "Số 12 ngõ 34 đường Nguyễn Văn Cừ, phường Đồng Nguyên, tỉnh Bắc Ninh"
PROCEDURE = "Đăng ký khai sinh"
CLERK = "Trần Thị Ngọc Ánh"


def make_dossier(**changes: object) -> Dossier:
    dossier = Dossier(
        id=7,
        code=CODE,
        ledger_book="01/2026",
        ledger_number=137,
        procedure_code="1.001193",
        procedure_name=PROCEDURE,
        field="Hộ tịch",
        deciding_agency="UBND phường Đồng Nguyên",
        handling_unit="Công chức Tư pháp - Hộ tịch",
        duration_text="03 ngày làm việc",
        applicant=Person(
            APPLICANT,
            "036184001234",
            phone="0912345678",
            address=ADDRESS,
            email="huong.nguyen@example.com",
        ),
        authorised=None,
        channel=Channel.DIRECT,
        return_method=ReturnMethod.COUNTER,
        return_address="",
        papers=(),
        sets_count=1,
        fee_amount=0,
        note="",
        received_at=datetime(2026, 2, 5, 8, 15),
        due_at=datetime(2026, 2, 10, 16, 30),
        status=Status.RECEIVED,
        clerk_name=CLERK,
        created_at=datetime(2026, 2, 5, 8, 15),
        current_unit="Công chức Tư pháp - Hộ tịch",
    )
    return replace(dossier, **changes)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(
    data: bytes, first: int | None = None, last: int | None = None, raw: bool = False
) -> str:
    """The text of the PDF, whitespace folded. ``raw``: in drawing order, cell by cell, so a
    heading wrapped inside a table cell is not interleaved with its neighbours."""
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    result = subprocess.run([*cmd, "-", "-"], input=data, capture_output=True, check=True)
    return flat(result.stdout.decode("utf-8"))


def pypdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [
        (float(p.mediabox.width), float(p.mediabox.height))
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def missing_labels(
    template: FormTemplate, texts: Iterable[str], skip: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Every fixed piece of every template string that none of ``texts`` carries.

    Pieces are compared case-insensitively: headers and signature captions are printed in
    capitals whatever the template says. Keys in ``skip`` (whole sections allowed with a
    trailing ".") are not checked.
    """
    pages = [t.casefold() for t in texts]
    skipped = tuple(skip)
    missing = []
    for key, value in template.labels().items():
        base = key.split("[")[0]
        if base in skipped or any(s.endswith(".") and base.startswith(s) for s in skipped):
            continue
        for literal, _name in template.segments(key, value):
            piece = flat(literal)
            if piece and not any(piece.casefold() in page for page in pages):
                missing.append((key, piece))
    return missing


def pypdf_lines(data: bytes) -> list[list[str]]:
    """Each page's text lines as pypdf extracts them (one entry per page)."""
    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(data)).pages]
