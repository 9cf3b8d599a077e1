"""The dossier, applicant and search stores against a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import make_draft
from tthc_desk.db.stores.base import Dialect
from tthc_desk.db.stores.search import SearchStore, sqlite_fts_match
from tthc_desk.domain.deadlines import DueWindow
from tthc_desk.domain.dossier import Correction, Person, Status
from tthc_desk.domain.intake import IntakeContext, NewDossier, new_dossier, normalise_draft
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.domain.search import DossierQuery
from tthc_desk.services.container import Services

NOW = datetime(2026, 3, 2, 8, 0)


def _new(services: Services, sequence: int = 1, **changes: object) -> NewDossier:
    procedure = services.catalog.get("1.004873")
    ctx = IntakeContext(
        agency_id="000.17.22.H56",
        office_name="Bộ phận Một cửa",
        clerk="Trần Thị Bình",
        now=NOW,
        received_at=NOW,
        computed_due_at=datetime(2026, 3, 5, 8, 0),
    )
    draft = normalise_draft(make_draft(procedure_code="1.004873", **changes))
    return new_dossier(draft, procedure, ctx, sequence, sequence)


def test_insert_then_get_gives_the_same_dossier(services: Services) -> None:
    new = _new(services, authorised=Person("Lê Văn Tám", "036200009999", phone="0388777666"))
    with services.db.write() as uow:
        applicant_id = uow.applicants.upsert(new.applicant, NOW)
        dossier_id = uow.dossiers.insert(new, applicant_id)
    with services.db.read() as uow:
        d = uow.dossiers.get(dossier_id)
        assert uow.dossiers.id_of(new.code) == dossier_id
    assert d is not None
    assert (d.code, d.ledger_book, d.ledger_number) == (new.code, "2026", 1)
    assert d.procedure_code == "1.004873" and d.duration_text == "3 ngày làm việc"
    assert d.applicant == new.applicant
    assert d.authorised == Person("Lê Văn Tám", "036200009999", None, "0388777666")
    assert d.papers == new.papers and d.papers
    assert (d.status, d.received_at, d.intake_at) == (Status.RECEIVED, NOW, NOW)
    assert d.due_at == d.original_due_at == datetime(2026, 3, 5, 8, 0)
    assert d.current_unit == "Bộ phận Một cửa" and d.clerk_name == "Trần Thị Bình"
    # The FTS index follows the insert through its trigger.
    with services.db.read() as uow:
        assert [r.code for r in uow.search.page(DossierQuery(text="le van tam"))] == [new.code]


def test_an_applicant_is_remembered_and_empty_details_keep_the_known_ones(
    services: Services,
) -> None:
    first = Person("Nguyễn Văn An", "001190012345", date(1985, 6, 1), "0912345678", "Thôn Đông")
    with services.db.write() as uow:
        a = uow.applicants.upsert(first, NOW)
        b = uow.applicants.upsert(Person("Nguyễn Văn Ân", "001190012345"), NOW)
    assert a == b
    with services.db.read() as uow:
        assert uow.applicants.find("001190012345") == Person(
            "Nguyễn Văn Ân", "001190012345", date(1985, 6, 1), "0912345678", "Thôn Đông", ""
        )
        assert uow.applicants.find("001190099999") is None


def test_update_refolds_the_search_text_when_a_searched_column_changes(
    services: Services,
) -> None:
    d = services.dossiers.receive(make_draft())
    with services.db.write() as uow:
        uow.dossiers.update(d.id, {"applicant_phone": "0987654321", "note": "x"})
    with services.db.read() as uow:
        assert [r.code for r in uow.search.page(DossierQuery(text="0987654"))] == [d.code]
        assert uow.search.page(DossierQuery(text="0912345")) == []
        with pytest.raises(KeyError):
            uow.dossiers.update(d.id, {"code": "X"})


def test_move_state_reads_the_clock_and_the_last_step(services: Services) -> None:
    d = services.dossiers.receive(make_draft(procedure_code="1.004873"))
    with services.db.read() as uow:
        state = uow.dossiers.move_state(d.code)
        assert uow.dossiers.move_state("nope") is None
    assert state is not None
    assert (state.id, state.status, state.current_unit) == (d.id, Status.RECEIVED, d.current_unit)
    assert state.duration == Duration(3, DurationUnit.WORKING_DAYS)
    assert (state.received_at, state.due_at, state.original_due_at) == (
        d.received_at,
        d.due_at,
        d.due_at,
    )
    assert state.last_step_at == d.received_at
    assert state.applicant_name == "Nguyễn Thị Hồng Nhung" and state.authorised_name == ""


def test_corrections_are_stored_with_the_values_they_replace(services: Services) -> None:
    d = services.dossiers.receive(make_draft())
    with services.db.write() as uow:
        before = uow.dossiers.correctable_values(d.id)
        c = Correction(NOW, "Bình", "sets_count", "1", "2", "Sai")
        uow.dossiers.add_corrections(d.id, [c])
    assert before["applicant_phone"] == "0912345678" and before["sets_count"] == 1
    assert before["applicant_birth_date"] is None
    assert services.dossiers.get(d.code).corrections == (c,)


def test_deadline_reads(services: Services) -> None:
    a = services.dossiers.receive(make_draft(procedure_code="1.004873"))  # due 05/03 08:00
    b = services.dossiers.receive(make_draft())  # due 02/03 17:00
    with services.db.write() as uow:
        uow.dossiers.update(a.id, {"status": "supplement", "supplement_requested_at": NOW})
    everything = DueWindow(None, None)
    with services.db.read() as uow:
        assert uow.dossiers.count_running_due(everything) == 1
        assert [r.code for r in uow.dossiers.running_due_rows(everything, 10)] == [b.code]
        late = DueWindow(None, datetime(2026, 3, 2, 17, 0))
        assert uow.dossiers.count_running_due(late) == 0
        assert uow.dossiers.count_waiting_supplement(NOW - timedelta(minutes=1)) == 0
        assert uow.dossiers.count_waiting_supplement(NOW) == 1
        assert [r.code for r in uow.dossiers.waiting_supplement_rows(NOW, 10)] == [a.code]
        assert uow.dossiers.waiting_supplement_ids(NOW) == [a.id]


# -- search -----------------------------------------------------------------------------------
def test_fts_match_expression() -> None:
    assert sqlite_fts_match(["nguyen", "van"]) == '"nguyen"* AND "van"*'
    assert sqlite_fts_match([]) is None


@pytest.mark.parametrize(
    "dialect",
    [
        # The FTS5 path reads the SQLite file's dossier_fts table (a server has none).
        pytest.param(Dialect.SQLITE, marks=pytest.mark.sqlite_only),
        Dialect.OTHER,
    ],
)
def test_both_text_paths_find_the_same_dossiers(services: Services, dialect: Dialect) -> None:
    a = services.dossiers.receive(make_draft())
    b = services.dossiers.receive(
        make_draft(applicant=Person("Đặng Đức Đông", "036200009999", phone="0388777666"))
    )
    with services.db.session() as s:
        store = SearchStore(s, dialect)

        def codes(**q: object) -> list[str]:
            return [r.code for r in store.page(DossierQuery(**q))]  # type: ignore[arg-type]

        assert codes(text="dang duc") == [b.code]
        assert codes(text="nguyen thi", status=Status.RECEIVED) == [a.code]
        assert codes(text="") == [b.code, a.code]
        assert codes(text="", limit=1, before_id=b.id) == [a.code]
        assert codes(text=a.code.lower()) == [a.code]
        assert codes(text="?!") == []
        assert codes(text="260302", date_from=date(2026, 3, 3)) == []
        assert store.count(DossierQuery(text="0388777")) == 1
        assert store.count(DossierQuery(text="--")) == 0
        assert store.count(DossierQuery(field="Hộ tịch")) == 2
