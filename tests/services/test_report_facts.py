"""The report facts give the same Biểu 06a as the replay of the whole history.

A property test over random histories written through the services, as a counter would (random
intakes on the three channels, hand-overs, supplements and their return, results, returns by
post or at the counter with ratings, refusals, stops, withdrawals, closings, apology letters
with and without a re-appointment, corrections), on top of the demo's years (written in bulk):
for random periods, with events after them, the facts-based report (``compute``) equals the
replay-based one (``compute(source="replay")``) in rows, total, extra figures, targets and
dossiers. The facts kept write by write equal the facts rebuilt from nothing, and the day counts
moved write by write equal those counted again.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, astuple, replace
from datetime import date, datetime, timedelta

import pytest

from tests.conftest import make_draft, sign_as
from tthc_desk.db.models import FactsStateRecord
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Channel, Person, ReturnMethod, Status
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.facts import DAY_COUNTS, GRANULARITY_KEY
from tthc_desk.domain.lifecycle import Move, allowed_moves
from tthc_desk.domain.periods import Period, PeriodKind, custom
from tthc_desk.domain.report import Report
from tthc_desk.exporting.report_xlsx import _nameless, _said, content_checksum
from tthc_desk.services.apology_service import LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo
from tthc_desk.services.facts_service import FactsWork
from tthc_desk.services.lifecycle_service import MoveRequest
from tthc_desk.services.report_service import ReportService

PROCEDURES = ("1.001193", "1.004873", "1.004772", "2.001035")
NAMES = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Ngọc", "Phúc")
RATINGS = ("very_satisfied", "satisfied", "dissatisfied", "")
START = datetime(2026, 1, 5, 8, 0)
REASONS = {
    Move.SUPPLEMENT: "Thiếu giấy tờ",
    Move.REFUSED: "Không đủ điều kiện",
    Move.STOPPED: "Người nộp đề nghị dừng",
    Move.WITHDRAWN: "Người nộp xin rút hồ sơ",
    Move.CLOSED: "Không bổ sung đúng hạn",
}


def _person(i: int) -> Person:
    return Person(
        full_name=f"Nguyễn Văn {NAMES[i % len(NAMES)]}",
        id_number=f"0011900{i:05d}",
        phone="0912345678",
        address="Số 5 ngõ 12 phố Đông Các",
    )


def _receive(s: Services, rng: random.Random, i: int) -> str:
    channel = rng.choice(list(Channel))
    kw: dict[str, object] = {"channel": channel, "applicant": _person(i)}
    if channel is Channel.POSTAL:
        kw["postal_reference"] = "RR123456785VN"
    if rng.random() < 0.3:
        kw["return_method"] = ReturnMethod.POSTAL
        kw["return_address"] = "Số 5 ngõ 12 phố Đông Các"
    return s.dossiers.receive(make_draft(procedure_code=rng.choice(PROCEDURES), **kw)).code


def _step(s: Services, rng: random.Random, code: str, status: Status) -> None:
    roll = rng.random()
    if roll < 0.12:
        proposed = s.clock.now() + timedelta(days=rng.randint(1, 6))
        letter = s.apologies.draft(
            code, LetterEdit("Cơ quan phối hợp chậm", proposed_due_at=proposed)
        )
        sign_as(s, "an", letter.id)
        return
    if roll < 0.17:
        s.dossiers.correct(code, {"applicant_phone": f"09{rng.randint(10**7, 10**8 - 1)}"}, "Sai")
        return
    moves = allowed_moves(status)
    if not moves:
        return
    move = rng.choice(moves)
    request = MoveRequest(move, reason=REASONS.get(move, ""))
    if move is Move.RETURNED:
        request = MoveRequest(move, rating=rng.choice(RATINGS))
    elif move is Move.HAND_OVER:
        request = MoveRequest(move, unit="Công chức Tư pháp - Hộ tịch")
    s.lifecycle.move(code, request)


def _random_history(s: Services, clock: FixedClock, rng: random.Random, n: int) -> None:
    """``n`` intakes and about three times as many later steps, in time order."""
    now = START
    codes: list[str] = []
    for _ in range(n * 4):
        now += timedelta(minutes=rng.randint(1, 60 * 20))
        clock.set(now)
        try:
            if not codes or (rng.random() < 0.3 and len(codes) < n):
                codes.append(_receive(s, rng, len(codes)))
            else:
                code = rng.choice(codes)
                _step(s, rng, code, s.dossiers.get(code).status)
        except TthcError:
            pass  # a step the rules refuse (a letter not needed yet, a move not allowed now)


def _same_figures(a: Report, b: Report) -> None:
    assert [asdict(r) for r in a.rows] == [asdict(r) for r in b.rows]
    assert asdict(a.total) == asdict(b.total)
    assert asdict(a.extra) == asdict(b.extra)
    assert [asdict(t) for t in a.targets] == [asdict(t) for t in b.targets]
    assert a.checksum == b.checksum


def _same(a: Report, b: Report) -> None:
    _same_figures(a, b)
    assert a.dossiers == b.dossiers
    assert a.postal_items == b.postal_items


def _whole_text_checksum(report: Report) -> str:
    """The content checksum as it was first written: one JSON text of the whole payload."""
    payload = {
        "period": [report.period.key, report.as_of.isoformat()],
        "rows": [[r.field, *r.values()] for r in [*report.rows, report.total]],
        "dossiers": [_said(replace(d, applicant_name="")) for d in report.dossiers],
        "extra": astuple(report.extra),
        "postal": [_nameless(x) for x in report.postal_items],
    }
    text = json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(reports: ReportService, period: Period) -> int:
    """Facts == replay, with and without the dossiers; returns how many dossiers."""
    replayed = reports.compute(period, source="replay")
    _same(reports.compute(period), replayed)
    figures = reports.compute(period, dossiers=False)
    _same_figures(figures, replayed)
    assert figures.dossiers == () and figures.postal_items == ()
    streamed = list(reports.stream_dossiers(figures))
    assert tuple(streamed) == replayed.dossiers
    listed = replace(figures, postal_items=replayed.postal_items)
    summed = content_checksum(listed, iter(streamed))
    assert summed == content_checksum(replayed) == _whole_text_checksum(replayed)
    assert content_checksum(reports._summed(figures)) == summed
    return len(replayed.dossiers)


def _facts_and_days(s: Services) -> tuple[list[object], list[object]]:
    with s.db.read() as uow:
        facts = uow.facts.period_rows(datetime(1900, 1, 1), datetime(2100, 1, 1))
        days = uow.facts.day_totals(date(1900, 1, 1), date(2100, 1, 1))
    return list(facts), [(d.day, d.field, d.counts) for d in days]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_facts_give_the_replayed_report_for_random_histories_and_periods(
    services: Services, clock: FixedClock, seed: int
) -> None:
    services.facts.ensure()  # a new database: its (empty) facts made at the first start
    rng = random.Random(seed)
    _random_history(services, clock, rng, 160)
    clock.set(datetime(2026, 6, 1, 9, 0))
    with services.db.read() as uow:
        assert uow.facts.last_ids()[0] >= 120  # a history worth comparing
    reports = services.reports
    periods = [reports.week(f"2026-W{w:02d}") for w in range(2, 20, 3)]
    periods += [reports.period(PeriodKind.MONTH, f"2026-0{m}") for m in (1, 2, 3, 4)]
    for _ in range(14):
        first = START.date() + timedelta(days=rng.randint(0, 120))
        periods.append(custom(first, first + timedelta(days=rng.randint(0, 45))))
    counted = 0
    for period in periods:
        counted += _check(reports, period)
    assert counted > 300
    kept = _facts_and_days(services)
    services.facts.rebuild()
    assert _facts_and_days(services) == kept


@pytest.mark.slow
def test_facts_of_the_demo_written_in_bulk(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0))
    services.facts.ensure()
    generate_demo(services, 600, seed=3)
    reports = services.reports
    rng = random.Random(5)
    for _ in range(25):
        first = date(2024, 1, 1) + timedelta(days=rng.randint(0, 780))
        period = custom(first, first + timedelta(days=rng.randint(0, 100)))
        _check(reports, period)
    for kind, key in ((PeriodKind.YEAR, "2025"), (PeriodKind.QUARTER, "2025-Q4")):
        assert _check(reports, reports.period(kind, key)) > 50
    kept = _facts_and_days(services)
    assert kept[0] and kept[1]
    services.facts.rebuild()
    assert _facts_and_days(services) == kept


def test_day_counts_follow_the_writes_and_the_granularity(
    services: Services, clock: FixedClock
) -> None:
    services.facts.ensure()
    clock.set(datetime(2026, 3, 2, 8, 30))
    code = services.dossiers.receive(make_draft()).code  # same day, direct
    clock.set(datetime(2026, 3, 3, 9, 0))
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 3, 10, 0))
    services.lifecycle.move(code, MoveRequest(Move.RETURNED, rating="satisfied"))
    with services.db.read() as uow:
        days = {
            (d.day, d.field): d.counts
            for d in uow.facts.day_totals(date(2026, 3, 1), date(2026, 3, 9))
        }
    field = services.dossiers.get(code).field
    assert days[(date(2026, 3, 2), field)]["received_direct"] == 1
    third = days[(date(2026, 3, 3), field)]
    assert (third["settled_late"], third["returned_total"], third["satisfied"]) == (1, 1, 1)
    assert sum(third[n] for n in DAY_COUNTS) == 3


def test_a_new_granularity_moves_the_day_counts(services: Services, clock: FixedClock) -> None:
    services.facts.ensure()
    clock.set(datetime(2026, 3, 2, 8, 30))
    code = services.dossiers.receive(make_draft()).code  # same day: due that afternoon
    due = services.dossiers.get(code).due_at
    clock.set(due + timedelta(minutes=1))  # on time by day, late by minute
    services.lifecycle.move(code, MoveRequest(Move.RESULT_READY))
    field = services.dossiers.get(code).field

    def settled() -> tuple[int, int]:
        (day,) = [d for d in services.facts.day_totals(due.date(), due.date()) if d.field == field]
        return day.counts["settled_on_time"], day.counts["settled_late"]

    assert settled() == (1, 0)
    services.settings.set_value(GRANULARITY_KEY, "minute")
    assert settled() == (0, 1)
    assert services.facts.check().work is FactsWork.NONE


@pytest.mark.slow
def test_postal_shares_from_the_day_counts_are_those_of_the_dossiers(
    services: Services, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0))
    services.facts.ensure()
    generate_demo(services, 400, seed=11)
    rng = random.Random(3)
    windows = [date(2024, 1, 1) + timedelta(days=rng.randint(0, 790)) for _ in range(20)]
    windows = [(d, d + timedelta(days=rng.randint(0, 120))) for d in windows]
    from_days = [services.postal.postal_shares(a, b) for a, b in windows]
    assert sum(s.received_total for s in from_days) > 100
    with services.db.session(write=True) as session:  # the day counts not made: the dossiers
        state = session.get(FactsStateRecord, 1)
        assert state is not None
        state.granularity = None
    assert [services.postal.postal_shares(a, b) for a, b in windows] == from_days


def test_postal_handover_and_changes_of_return_follow_in_the_facts(
    services: Services, clock: FixedClock
) -> None:
    from tests.services.test_postal_service import ADDRESS, ready

    services.facts.ensure()
    clock.set(datetime(2026, 3, 2, 8, 0))
    a = ready(services, clock)
    b = ready(services, clock, postal=False, name="Lê Văn Tám", id_number="036084001111")
    clock.set(datetime(2026, 3, 2, 10, 0))
    services.postal.set_return(b, ReturnMethod.POSTAL, address=ADDRESS)  # changed later
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch(waybills={a: "EB123456789VN"})
    with services.db.read() as uow:
        facts = {r.code: r for r in uow.facts.period_rows(START, datetime(2026, 3, 3))}
    for code in (a, b):
        d = services.dossiers.get(code)
        assert facts[code].postal_return and facts[code].returned_at == d.returned_at
        assert facts[code].status is d.status is Status.RETURNED
    kept = _facts_and_days(services)
    services.facts.rebuild()
    assert _facts_and_days(services) == kept
