"""Synthetic demo dossiers: realistic, consistent with the real rules and counters, repeatable."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import engines
from tests.conftest import make_draft, open_test_services
from tthc_desk.db.models import ApplicantRecord, CounterRecord, DossierRecord
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status, id_number_problem, parse_dossier_code, phone_problem
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import DEMO_FLAG_KEY, ensure_demo, generate_demo
from tthc_desk.services.dossier_service import DossierQuery, build_search_text

NOW = datetime(2026, 3, 2, 16, 20)


def _rows(services: Services) -> list[DossierRecord]:
    with services.db.session() as s:
        return list(s.scalars(select(DossierRecord).order_by(DossierRecord.id)))


@pytest.fixture
def demo(services: Services, clock: FixedClock) -> Services:
    clock.set(NOW)
    assert generate_demo(services, 1500, seed=5) == 1500
    return services


def test_rows_follow_the_real_rules(demo: Services) -> None:
    rows = _rows(demo)
    assert len(rows) == 1500
    cal = demo.calendar.calendar()
    for r in rows:
        assert r.received_at <= NOW
        assert cal.in_session(r.received_at), r.received_at
        duration = Duration(r.duration_value, DurationUnit(r.duration_unit))
        assert r.due_at == demo.dossiers.due_for(duration, r.received_at), r.code
        assert r.search_text == build_search_text(
            code=r.code,
            name=r.applicant_name,
            id_number=r.applicant_id_number,
            phone=r.applicant_phone,
            procedure_code=r.procedure_code,
            procedure_name=r.procedure_name,
            authorised_name=r.authorised_name,
        )
        assert id_number_problem(r.applicant_id_number) is None
        assert phone_problem(r.applicant_phone) is None
        assert r.applicant_phone == "" or r.applicant_phone[:2] in ("03", "08", "09")
        # ID number: century/sex digit and two-digit year agree with the date of birth
        assert r.applicant_birth_date is not None
        century = int(r.applicant_id_number[3])
        assert (century >= 2) == (r.applicant_birth_date.year >= 2000)
        assert r.applicant_id_number[4:6] == f"{r.applicant_birth_date.year % 100:02d}"
        assert "Đồng Nguyên" in r.applicant_address
        assert re.fullmatch(r"\w+( \w+){2,3}", r.applicant_name)
    # several years, ending today
    assert rows[-1].received_at.date() == NOW.date()
    assert rows[0].received_at < NOW - timedelta(days=365)


def test_codes_and_ledger_numbers_are_contiguous_and_continue_after_the_demo(
    demo: Services,
) -> None:
    rows = _rows(demo)
    by_day: dict[str, list[int]] = defaultdict(list)
    by_book: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        parsed = parse_dossier_code(r.code)
        assert parsed is not None and parsed[1] == r.received_at.date()
        by_day[r.code.rsplit("-", 1)[0]].append(parsed[2])
        by_book[r.ledger_book].append(r.ledger_number)
        assert r.ledger_book == str(r.received_at.year)
    for seqs in [*by_day.values(), *by_book.values()]:
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    with demo.db.session() as s:
        counters = dict(s.execute(select(CounterRecord.name, CounterRecord.value)).all())
    assert counters["ledger:2026"] == len(by_book["2026"])
    today = len(by_day["000.17.22.H56-260302"])
    assert today > 0
    d = demo.dossiers.receive(make_draft())
    assert d.code == f"000.17.22.H56-260302-{today + 1:04d}"
    assert d.ledger_number == len(by_book["2026"]) + 1


def test_the_mix_looks_like_a_commune_counter(demo: Services) -> None:
    rows = _rows(demo)
    procedures = Counter(r.procedure_code for r in rows)
    assert procedures.most_common(1)[0][0] == "2.000815"  # chứng thực bản sao
    assert procedures["1.001193"] > 50  # khai sinh
    channels = Counter(r.channel for r in rows)
    assert (
        channels["direct"] > 0.75 * len(rows) and channels["online"] > 0 and channels["postal"] > 0
    )
    online_codes = {p.code for p in demo.catalog.list() if p.online}
    assert all(r.procedure_code in online_codes for r in rows if r.channel == "online")
    old = [r for r in rows if r.due_at < NOW - timedelta(days=60)]
    recent = [r for r in rows if r.due_at > NOW]
    assert Counter(r.status for r in old).most_common(1)[0][0] == Status.RETURNED.value
    assert {Status.REFUSED.value, Status.WITHDRAWN.value} & {r.status for r in old}
    assert {r.status for r in recent} <= {
        s.value
        for s in (Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.RESULT_READY)
    }
    # people come back: fewer applicants than dossiers, each dossier linked to its applicant
    with demo.db.session() as s:
        applicants = dict(s.execute(select(ApplicantRecord.id, ApplicantRecord.id_number)).all())
    assert len(applicants) < len(rows)
    assert all(applicants[r.applicant_id] == r.applicant_id_number for r in rows)
    assert Counter(r.applicant_id for r in rows).most_common(1)[0][1] >= 2


def test_demo_dossiers_are_searchable_without_accents(demo: Services) -> None:
    some = _rows(demo)[700]
    found = demo.dossiers.search(
        DossierQuery(
            text=build_search_text(
                code="",
                name=some.applicant_name,
                id_number="",
                phone="",
                procedure_code="",
                procedure_name="",
            )
        )
    )
    assert some.code in {r.code for r in found}
    assert [r.code for r in demo.dossiers.search(DossierQuery(text=some.code))] == [some.code]


def test_same_seed_same_dossiers(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    def run(folder: str, seed: int) -> list[tuple[object, ...]]:
        with engines.new_database(request).active():  # each folder a database of its own
            svc = open_test_services(AppPaths(tmp_path / folder), FixedClock(NOW))
        try:
            generate_demo(svc, 400, seed=seed)
            return [
                (r.code, r.applicant_name, r.applicant_id_number, r.received_at, r.due_at, r.status)
                for r in _rows(svc)
            ]
        finally:
            svc.close()

    first = run("a", 9)
    assert first == run("b", 9)
    assert first != run("c", 10)


def test_a_second_run_adds_to_the_first_without_reusing_numbers(demo: Services) -> None:
    generate_demo(demo, 500, seed=6)
    rows = _rows(demo)
    assert len(rows) == 2000
    assert len({r.code for r in rows}) == 2000
    assert len({(r.ledger_book, r.ledger_number) for r in rows}) == 2000
    with demo.db.session() as s:
        ids = list(s.scalars(select(ApplicantRecord.id_number)))
    assert len(ids) == len(set(ids))


def test_progress_can_stop_the_run_between_chunks(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tthc_desk.services.demo_service.CHUNK_SIZE", 100)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 200

    assert generate_demo(services, 1000, progress=progress) == 200
    assert seen == [(100, 1000), (200, 1000)]
    assert services.dossiers.count(DossierQuery()) == 200
    assert len(services.dossiers.search(DossierQuery(text="", limit=1000))) == 200


def test_ensure_demo_seeds_once(services: Services) -> None:
    assert ensure_demo(services, dossiers=120) == 120
    assert services.settings.get_value(DEMO_FLAG_KEY)["dossiers"] == 120
    assert ensure_demo(services, dossiers=120) == 0
    assert services.dossiers.count(DossierQuery()) == 120
