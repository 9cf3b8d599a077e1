"""Demo dossiers carry a history after intake that the real services would have written."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from tests import engines
from tthc_desk.db.models import ApologyLetterRecord, DossierEventRecord, DossierRecord
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import SETTLED, Move, Timeliness, classify, next_status
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo
from tthc_desk.services.lifecycle_service import MoveRequest

NOW = datetime(2026, 3, 2, 16, 20)


DemoRows = tuple[
    Services,
    list[DossierRecord],
    dict[int, list[DossierEventRecord]],
    list[ApologyLetterRecord],
]


@pytest.fixture(scope="module")
def demo_rows(
    tmp_path_factory: pytest.TempPathFactory, db_engine: str, request: pytest.FixtureRequest
) -> Iterator[DemoRows]:
    with engines.own_database(db_engine, request) as database:
        yield from _demo_rows(tmp_path_factory, database)


def _demo_rows(
    tmp_path_factory: pytest.TempPathFactory, database: engines.OwnDatabase
) -> Iterator[DemoRows]:
    from tests.conftest import open_test_services
    from tthc_desk.paths import AppPaths

    with database.active():
        services = open_test_services(AppPaths(tmp_path_factory.mktemp("demo")), FixedClock(NOW))
    generate_demo(services, 1500, seed=11)
    with services.db.session() as s:
        dossiers = list(s.scalars(select(DossierRecord).order_by(DossierRecord.id)))
        events: dict[int, list[DossierEventRecord]] = defaultdict(list)
        for e in s.scalars(
            select(DossierEventRecord).order_by(DossierEventRecord.at, DossierEventRecord.id)
        ):
            events[e.dossier_id].append(e)
        letters = list(s.scalars(select(ApologyLetterRecord).order_by(ApologyLetterRecord.id)))
    yield services, dossiers, events, letters
    services.close()


def test_every_history_replays_through_the_real_moves(demo_rows: DemoRows) -> None:
    _, dossiers, events, _ = demo_rows
    for r in dossiers:
        history = events[r.id]
        assert history[0].kind == "received" and history[0].at == r.intake_at
        status = Status.RECEIVED
        previous = history[0].at
        for e in history[1:]:
            assert previous <= e.at <= NOW, (r.code, e.kind)
            previous = e.at
            if e.kind in ("apology", "apology_delivered") or e.kind.startswith("postal_"):
                continue
            data = json.loads(e.data)
            assert data["from_status"] == status.value, (r.code, e.kind)
            status = next_status(status, Move(e.kind))
            assert data["to_status"] == status.value
        assert status.value == r.status, r.code
        if status in SETTLED:
            settling = next(
                e
                for e in reversed(history)
                if e.kind not in ("returned", "apology", "apology_delivered")
                and not e.kind.startswith("postal_")
            )
            assert r.settled_at == settling.at
            assert json.loads(settling.data)["timeliness"] == classify(r.settled_at, r.due_at).value
        else:
            assert r.settled_at is None
        if status is Status.RETURNED:
            assert r.returned_at is not None and r.returned_at >= r.settled_at and r.returned_to
        if status is Status.SUPPLEMENT:
            assert r.supplement_requested_at == history[-1].at


def test_settled_dossiers_are_mostly_on_time_and_late_ones_mostly_apologised(
    demo_rows: DemoRows,
) -> None:
    _, dossiers, _, letters = demo_rows
    settled = [r for r in dossiers if Status(r.status) in SETTLED and r.due_at < NOW]
    mix = Counter(classify(r.settled_at, r.due_at) for r in settled)
    assert 0.02 < mix[Timeliness.LATE] / len(settled) < 0.15
    # Same-day procedures (chứng thực) cannot be early by the day; the longer ones mostly are.
    longer = [r for r in settled if r.duration_unit != "same_day"]
    early = sum(classify(r.settled_at, r.due_at) is Timeliness.EARLY for r in longer)
    assert 0.40 < early / len(longer) < 0.80
    late_ids = {r.id for r in settled if classify(r.settled_at, r.due_at) is Timeliness.LATE}
    with_letter = {x.dossier_id for x in letters}
    assert 0.6 < len(late_ids & with_letter) / len(late_ids) < 1.0
    ratings = Counter(r.rating for r in dossiers if r.status == Status.RETURNED.value)
    assert ratings["very_satisfied"] > ratings["satisfied"] > ratings["dissatisfied"] > 0


def test_letters_are_numbered_per_year_in_signing_order(demo_rows: DemoRows) -> None:
    services, dossiers, events, letters = demo_rows
    by_id = {r.id: r for r in dossiers}
    by_year: dict[int, list[ApologyLetterRecord]] = defaultdict(list)
    for x in letters:
        by_year[x.year].append(x)
        d = by_id[x.dossier_id]
        assert x.proposed_due_at > x.original_due_at == d.due_at
        assert d.late_reason == x.reason and d.extended_due_at == x.proposed_due_at
        signed = [e for e in events[d.id] if e.kind == "apology"]
        assert len(signed) == 1 and json.loads(signed[0].data)["number"] == x.number
    for year, group in by_year.items():
        assert [x.number for x in sorted(group, key=lambda x: x.confirmed_at)] == list(
            range(1, len(group) + 1)
        )
        assert services.apologies.register(year)[-1].number == len(group)


def test_some_dossiers_restarted_their_clock_after_a_supplement(demo_rows: DemoRows) -> None:
    _, dossiers, events, _ = demo_rows
    restarted = [r for r in dossiers if r.intake_at != r.received_at]
    assert restarted
    for r in restarted:
        back = next(e for e in events[r.id] if e.kind == "supplemented")
        data = json.loads(back.data)
        assert back.at == r.received_at and data["new_due_at"] == r.due_at.isoformat(
            sep=" ", timespec="minutes"
        )
        assert r.computed_due_at.isoformat(sep=" ", timespec="minutes") == data["old_due_at"]


def test_late_scan_on_the_demo_leaves_no_late_dossier_without_a_letter(demo_rows: DemoRows) -> None:
    services, *_ = demo_rows
    missing = services.apologies.missing_count()
    assert missing > 0
    assert services.apologies.scan() == missing
    assert services.apologies.missing_count() == 0
    assert services.apologies.scan() == 0


def test_demo_dossiers_go_on_with_the_real_services(services: Services, clock: FixedClock) -> None:
    clock.set(NOW)
    generate_demo(services, 300, seed=3)
    with services.db.session() as s:
        code = s.scalar(
            select(DossierRecord.code).where(DossierRecord.status == Status.RESULT_READY.value)
        )
    assert code is not None
    outcome = services.lifecycle.move(code, MoveRequest(Move.RETURNED, rating="Hài lòng"))
    assert outcome.dossier.status is Status.RETURNED


def test_postal_returns_are_on_numbered_handover_lists(demo_rows: DemoRows) -> None:
    services, dossiers, events, _ = demo_rows
    items = services.postal.items()
    handed = [x for x in items if x.batch_number]
    assert handed and len({x.waybill for x in handed}) == len(handed)
    by_code = {r.code: r for r in dossiers}
    for x in handed:
        d = by_code[x.dossier_code]
        assert (
            d.status == Status.RETURNED.value
            and d.returned_at == x.handed_over_at
            and d.return_method == "postal"
        )
        returned = [e for e in events[d.id] if e.kind == "returned"]
        assert json.loads(returned[0].data)["postal_batch"] == x.batch_number
    states = Counter(x.state.value for x in handed)
    assert states["delivered"] > states["failed"]
    for year in {b.year for b in services.postal.batches()}:
        numbers = sorted(b.number for b in services.postal.batches(year))
        assert numbers == list(range(1, len(numbers) + 1))
