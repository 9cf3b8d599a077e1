"""DemoStore against a real database: a chunk's rows go in whole (on SQLite they are searchable
at once: the FTS5 index is fed in one statement while its insert trigger is set aside)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_draft
from tthc_desk.db.stores.demo import (
    ApplicantRow,
    DemoChunk,
    DossierRow,
    EventRow,
    NextIds,
    PaperRow,
)
from tthc_desk.services.container import Services

AT = datetime(2026, 3, 2, 8, 30)


def _chunk(services: Services, ids: NextIds, n: int) -> DemoChunk:
    p = services.catalog.get("1.001193")
    assert p.id is not None
    chunk = DemoChunk()
    for k in range(n):
        dossier_id, applicant_id = ids.dossier + k, ids.applicant + k
        id_number = f"0011900{k:05d}"
        name = f"Nguyễn Văn Thử{k}"
        applicant: ApplicantRow = {
            "id": applicant_id,
            "id_number": id_number,
            "full_name": name,
            "birth_date": date(1990, 1, 1),
            "phone": "",
            "address": "Thôn 1",
            "email": "",
            "updated_at": AT,
        }
        dossier: DossierRow = {
            "id": dossier_id,
            "code": f"000.17.22.H56-260302-9{k:03d}",
            "agency_id": "000.17.22.H56",
            "ledger_book": "2026",
            "ledger_number": 9000 + k,
            "procedure_id": p.id,
            "procedure_code": p.code,
            "procedure_name": p.name,
            "field": p.field,
            "deciding_agency": p.deciding_agency,
            "handling_unit": p.handling_unit,
            "duration_value": p.duration.value,
            "duration_unit": p.duration.unit.value,
            "applicant_id": applicant_id,
            "applicant_name": name,
            "applicant_id_number": id_number,
            "applicant_birth_date": date(1990, 1, 1),
            "applicant_phone": "",
            "applicant_address": "Thôn 1",
            "applicant_email": "",
            "authorised_name": "",
            "authorised_id_number": "",
            "authorised_phone": "",
            "channel": "direct",
            "return_method": "counter",
            "return_address": "",
            "postal_reference": "",
            "sets_count": 1,
            "fee_amount": 0,
            "note": "",
            "received_at": AT,
            "due_at": AT,
            "computed_due_at": AT,
            "due_override_reason": "",
            "backdate_reason": "",
            "status": "received",
            "clerk_name": "Trần Thị Bình",
            "created_at": AT,
            "search_text": f"nguyen van thu{k} zzdemo{k}",
            "intake_at": AT,
            "current_unit": "",
            "supplement_requested_at": None,
            "settled_at": None,
            "returned_at": None,
            "returned_to": "",
            "rating": "",
            "rating_comment": "",
            "original_due_at": AT,
            "extended_due_at": None,
            "extension_recorded_at": None,
            "late_reason": "",
            "responsible_unit": "",
        }
        paper: PaperRow = {
            "dossier_id": dossier_id,
            "position": 1,
            "name": "Tờ khai",
            "kind": "original",
            "count": 1,
            "provided": True,
        }
        event: EventRow = {
            "dossier_id": dossier_id,
            "at": AT,
            "kind": "received",
            "actor": "Trần Thị Bình",
            "from_unit": name,
            "to_unit": "",
            "note": "",
            "data": "{}",
        }
        chunk.applicants.append(applicant)
        chunk.dossiers.append(dossier)
        chunk.papers.append(paper)
        chunk.events.append(event)
    return chunk


def _fts_ids(services: Services, word: str) -> list[int]:
    with services.db.session() as s:
        rows = s.execute(
            text("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :w ORDER BY rowid"),
            {"w": word},
        )
        return [r[0] for r in rows]


def _triggers(services: Services) -> list[str]:
    with services.db.session() as s:
        rows = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"))
        return [r[0] for r in rows]


def _write(services: Services, n: int) -> NextIds:
    with services.db.read() as uow:
        ids = uow.demo.next_ids()
    with services.db.write() as uow:
        uow.demo.write_chunk(_chunk(services, ids, n))
    return ids


def _failed_chunk(services: Services) -> NextIds:
    """A chunk of two dossiers with the same code: refused whole."""
    with services.db.read() as uow:
        ids = uow.demo.next_ids()
    chunk = _chunk(services, ids, 2)
    chunk.dossiers[1]["code"] = chunk.dossiers[0]["code"]  # unique constraint
    with pytest.raises(IntegrityError, match=r"(?i)unique"), services.db.write() as uow:
        uow.demo.write_chunk(chunk)
    return ids


def test_a_chunk_goes_in_whole(services: Services) -> None:
    assert _write(services, 3) == NextIds(1, 1, 1, 1, 1)
    with services.db.read() as uow:
        assert uow.demo.next_ids() == NextIds(4, 4, 1, 1, 1)
        assert {"001190000000", "001190000002"} <= uow.demo.taken_id_numbers()
        events = uow.events.for_dossier(3)
    assert [e.kind for e in events] == ["received"]
    # a dossier received at the counter takes the next id (PostgreSQL: its sequence moved on)
    assert services.dossiers.receive(make_draft()).id == 4


def test_a_failed_chunk_leaves_nothing(services: Services) -> None:
    ids = _failed_chunk(services)
    with services.db.read() as uow:
        assert uow.demo.next_ids() == ids
        assert uow.demo.taken_id_numbers() == set()


# -- SQLite: the FTS5 index fed in one statement, its insert trigger set aside meanwhile ---------


@pytest.mark.sqlite_only  # the FTS5 table and its trigger (PostgreSQL indexes otherwise)
def test_a_chunk_is_indexed_and_the_trigger_put_back(services: Services) -> None:
    triggers = _triggers(services)
    assert "dossiers_fts_ai" in triggers
    _write(services, 3)
    assert _fts_ids(services, "zzdemo1") == [2]
    assert _fts_ids(services, "nguyen") == [1, 2, 3]
    assert _triggers(services) == triggers  # put back after the chunk
    # the trigger works again: a dossier received at the counter is found at once
    d = services.dossiers.receive(make_draft())
    assert d.id == 4 and _fts_ids(services, "nhung") == [4]


@pytest.mark.sqlite_only  # the FTS5 table and its trigger (PostgreSQL indexes otherwise)
def test_a_failed_chunk_leaves_the_trigger_in_place(services: Services) -> None:
    triggers = _triggers(services)
    _failed_chunk(services)
    assert _triggers(services) == triggers
    assert _fts_ids(services, "nguyen") == []
