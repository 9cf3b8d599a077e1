"""The dossier list's column orders, sorted by the database, equal the order the list sorted in
Python before issue 14: Vietnamese names by given name first, accents and đ aside; procedure and
field accent-insensitive; dates in time order; statuses in the order of their labels; codes,
ID numbers and phones as written; equal keys newest first. On SQLite and PostgreSQL (the harness
runs each test on both), a whole list and page by page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from tests.conftest import make_draft
from tthc_desk.db.models import DossierRecord
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import DossierRow, Person, Status
from tthc_desk.domain.search import DossierQuery, SortKey
from tthc_desk.domain.text import fold
from tthc_desk.presentation import label
from tthc_desk.services.container import Services

KHAI_SINH = "1.001193"  # Thủ tục đăng ký khai sinh (Hộ tịch)
TAM_TRU = "1.004194"  # Đăng ký tạm trú (Cư trú)
KET_HON = "1.000894"  # Thủ tục đăng ký kết hôn (Hộ tịch)

# (name, procedure, received on 2 March at hh:mm, status): the same given name under other
# family names, đ against d, capitals, an accent on the first letter, a one-word name, twins.
PEOPLE = [
    ("Nguyễn Văn An", KHAI_SINH, (8, 0), Status.RECEIVED),
    ("Lê Thị Ánh", TAM_TRU, (8, 5), Status.RETURNED),
    ("Đỗ Đức Đạt", KET_HON, (8, 5), Status.SUPPLEMENT),
    ("Đặng Văn Dạt", KHAI_SINH, (9, 30), Status.RECEIVED),
    ("Trần An", TAM_TRU, (9, 31), Status.IN_PROGRESS),
    ("ÂU DƯƠNG PHONG", KET_HON, (10, 0), Status.REFUSED),
    ("Ngô Bảo Châu", KHAI_SINH, (10, 1), Status.RESULT_READY),
    ("Nguyễn Văn An", TAM_TRU, (10, 2), Status.WITHDRAWN),
    ("Phạm Thị Hà", KET_HON, (11, 0), Status.STOPPED),
    ("Hà Văn Ất", KHAI_SINH, (11, 0), Status.CLOSED),
    ("Y Moan", TAM_TRU, (13, 30), Status.RECEIVED),
    ("Bế Văn Ân", KET_HON, (14, 0), Status.IN_PROGRESS),
]

# The keys the list's proxy sorted by before the database did (ui/dossier_table_model.py then).
BEFORE: dict[SortKey, Callable[[DossierRow], Any]] = {
    SortKey.CODE: lambda r: r.code,
    SortKey.APPLICANT: lambda r: " ".join(reversed(fold(r.applicant_name).split())),
    SortKey.ID_NUMBER: lambda r: r.id_number,
    SortKey.PHONE: lambda r: r.phone,
    SortKey.PROCEDURE: lambda r: fold(r.procedure_name),
    SortKey.FIELD: lambda r: fold(r.field),
    SortKey.RECEIVED: lambda r: r.received_at.isoformat(),
    SortKey.DUE: lambda r: r.due_at.isoformat(),
    SortKey.STATUS: lambda r: fold(label(r.status)),
}


@pytest.fixture
def office(services: Services, clock: FixedClock) -> Services:
    for i, (name, procedure, (hour, minute), _status) in enumerate(PEOPLE):
        clock.set(datetime(2026, 3, 2, hour, minute))
        person = Person(name, f"0011900{i:05d}", phone=f"09{(i * 7919) % 10**8:08d}")
        services.dossiers.receive(make_draft(procedure_code=procedure, applicant=person))
    rows = services.dossiers.search(DossierQuery(limit=100))
    with services.db.engine.begin() as conn:  # statuses without their histories: only sorted
        for row, (name, *_rest, status) in zip(reversed(rows), PEOPLE, strict=True):
            assert row.applicant_name == name
            conn.execute(
                update(DossierRecord).where(DossierRecord.id == row.id).values(status=status.value)
            )
    return services


def _before(rows: list[DossierRow], key: SortKey, descending: bool) -> list[str]:
    """What the proxy showed: the newest-first rows, stably sorted (equal keys stay newest
    first, in either direction)."""
    return [r.code for r in sorted(rows, key=BEFORE[key], reverse=descending)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", list(SortKey))
def test_the_database_orders_as_the_list_did(
    office: Services, key: SortKey, descending: bool
) -> None:
    newest = office.dossiers.search(DossierQuery(limit=100))
    assert len({BEFORE[key](r) for r in newest}) > 1  # the column does order something
    q = DossierQuery(limit=100, order_by=key, descending=descending)
    assert [r.code for r in office.dossiers.search(q)] == _before(newest, key, descending)


@pytest.mark.parametrize("key", [SortKey.APPLICANT, SortKey.STATUS, SortKey.RECEIVED])
def test_pages_continue_in_the_order_without_repeating_or_skipping(
    office: Services, key: SortKey
) -> None:
    for descending in (False, True):
        q = DossierQuery(limit=5, order_by=key, descending=descending)
        codes: list[str] = []
        page = office.dossiers.search(q)
        while page:
            codes += [r.code for r in page]
            page = office.dossiers.search(replace(q, before_id=page[-1].id))
        newest = office.dossiers.search(DossierQuery(limit=100))
        assert codes == _before(newest, key, descending)


def test_a_search_and_a_filter_keep_the_order(office: Services) -> None:
    found = office.dossiers.search(DossierQuery(text="van", order_by=SortKey.APPLICANT))
    assert [r.applicant_name for r in found] == [
        "Bế Văn Ân",  # "an van be"
        "Nguyễn Văn An",  # "an van nguyen": the newer of the two first
        "Nguyễn Văn An",
        "Hà Văn Ất",
        "Đặng Văn Dạt",
    ]
    assert found[1].id > found[2].id
    q = DossierQuery(field="Cư trú", order_by=SortKey.APPLICANT, descending=True)
    names = [r.applicant_name for r in office.dossiers.search(q)]
    assert names == ["Y Moan", "Lê Thị Ánh", "Nguyễn Văn An", "Trần An"]
    assert office.dossiers.count(q) == 4
