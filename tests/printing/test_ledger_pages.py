"""The ledger of a busy office fits the paper: 1,941 demo dossiers (a commune's years of work,
their real procedure names and addresses) on at most 130 A4 landscape pages, at least 15 rows
a page, every label as the template says, progress reported as the pages are laid out."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date

import pytest
from pypdf import PdfReader

from tests.printing.support import missing_labels, pdf_text
from tthc_desk.printing.templates import load_template
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo

DOSSIERS = 1941


@pytest.fixture
def busy_office(services: Services) -> Iterator[tuple[Services, date, date]]:
    generate_demo(services, DOSSIERS, seed=7)
    rows = services.registers.ledger_rows(date(2000, 1, 1), services.clock.now().date())
    assert len(rows) == DOSSIERS
    yield services, date(2000, 1, 1), services.clock.now().date()


def test_ledger_of_1941_dossiers_fits_130_pages_with_progress(
    busy_office: tuple[Services, date, date],
) -> None:
    services, start, end = busy_office
    seen: list[tuple[int, int]] = []
    began = time.perf_counter()
    data = services.registers.ledger_pdf(start, end, progress=lambda d, t: seen.append((d, t)))
    took = time.perf_counter() - began
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) <= 130, f"{len(pages)} pages in {took:.1f} s"
    assert DOSSIERS / len(pages) >= 15
    # Progress: rows laid out out of all, rising, ending with all of them.
    assert len(seen) >= 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (DOSSIERS, DOSSIERS)
    # The labels are the template's, the last row is there whole.
    text = pdf_text(data, 1, 1, raw=True)
    assert missing_labels(load_template("ledger"), [text], skip=("form.empty", "form.total")) == []
    last = services.registers.ledger_rows(start, end)[-1]
    assert last.code in pages[-1].extract_text().replace("\n", " ")
