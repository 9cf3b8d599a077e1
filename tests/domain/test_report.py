"""The Biểu 06a replay and summary, without a database: hand-worked dossiers, then the identities
of reference.md §3.2 as invariants over any rows (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.apology import FirstLetter
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.lifecycle import SETTLED, DossierEvent, Granularity
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.postal import PostalItem, PostalShares, PostalState
from tthc_desk.domain.report import Outcome, Targets, figures_checksum, state_at, summarise
from tthc_desk.domain.report_build import (
    ReportFrame,
    ReportSource,
    build_report,
    counted,
    late_ids,
    pending_ids,
    replay,
    share_days,
)
from tthc_desk.presentation import label

# The week 2026-W10: Monday 02/03 – Sunday 08/03, figures as of Monday 09/03 00:00.
START, AS_OF = datetime(2026, 3, 2), datetime(2026, 3, 9)
WEEK = Period(PeriodKind.WEEK, date(2026, 3, 2), date(2026, 3, 8), "2026-W10")
DAY = Granularity.DAY


def at(day: int, hour: int = 8, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour)


def source(i: int = 1, **kw: object) -> ReportSource:
    values: dict[str, object] = {
        "id": i,
        "code": f"H{i:03d}",
        "field": "Hộ tịch",
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "channel": Channel.DIRECT,
        "postal_return": False,
        "intake_at": at(2),
        "due_at": at(4),
        "status": Status.IN_PROGRESS,
        "settled_at": None,
        "ended_at": None,
        "returned_at": None,
        "rating": "",
        "late_reason": "",
        "responsible_unit": "",
    }
    values.update(kw)
    return ReportSource(**values)  # type: ignore[arg-type]  # values of mixed types


def one(row: ReportSource, history: list[DossierEvent] | None = None) -> Outcome:
    return replay([row], {row.id: history or []}, START, AS_OF, DAY)[row.id].outcome


def test_settled_dossiers_are_classified_against_their_appointment() -> None:
    assert one(source(status=Status.RESULT_READY, settled_at=at(3))) is Outcome.EARLY
    assert one(source(status=Status.RETURNED, settled_at=at(4, 16))) is Outcome.ON_TIME
    assert one(source(status=Status.REFUSED, settled_at=at(5))) is Outcome.LATE


# Biểu 06a classes of the dossiers that end without a result or by a refusal / stop, at each edge
# (rules.md "Lifecycle"): due Wednesday 04/03 at 10:00, by day unless said.
DUE = datetime(2026, 3, 4, 10, 0)
BY_MINUTE = Granularity.MINUTE


def ended(status: Status, moment: datetime, waiting: bool = False) -> ReportSource:
    if status in (Status.REFUSED, Status.STOPPED):
        return source(status=status, due_at=DUE, settled_at=moment, waiting_supplement=waiting)
    return source(status=status, due_at=DUE, ended_at=moment, waiting_supplement=waiting)


def outcome(row: ReportSource, granularity: Granularity = DAY) -> Outcome:
    return replay([row], {}, START, AS_OF, granularity)[row.id].outcome


@pytest.mark.parametrize("status", [Status.REFUSED, Status.STOPPED])
@pytest.mark.parametrize(
    ("moment", "by_day", "by_minute"),
    [
        (datetime(2026, 3, 3, 23, 59), Outcome.EARLY, Outcome.EARLY),
        (datetime(2026, 3, 4, 0, 0), Outcome.ON_TIME, Outcome.EARLY),
        (datetime(2026, 3, 4, 9, 59), Outcome.ON_TIME, Outcome.EARLY),
        (datetime(2026, 3, 4, 10, 0), Outcome.ON_TIME, Outcome.ON_TIME),
        (datetime(2026, 3, 4, 10, 1), Outcome.ON_TIME, Outcome.LATE),
        (datetime(2026, 3, 4, 23, 59), Outcome.ON_TIME, Outcome.LATE),
        (datetime(2026, 3, 5, 0, 0), Outcome.LATE, Outcome.LATE),
    ],
)
def test_a_refusal_or_a_stop_is_classified_like_a_result(
    status: Status, moment: datetime, by_day: Outcome, by_minute: Outcome
) -> None:
    row = ended(status, moment)
    assert (outcome(row), outcome(row, BY_MINUTE)) == (by_day, by_minute)
    result = source(status=Status.RESULT_READY, due_at=DUE, settled_at=moment)
    assert (outcome(result), outcome(result, BY_MINUTE)) == (by_day, by_minute)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 3, 9, 0), Outcome.ON_TIME),  # withdrawn before the due day: not early
        (datetime(2026, 3, 4, 9, 59), Outcome.ON_TIME),
        (datetime(2026, 3, 4, 10, 0), Outcome.ON_TIME),  # at the due moment
        (datetime(2026, 3, 4, 10, 0, 59), Outcome.ON_TIME),  # still the due minute
        (datetime(2026, 3, 4, 10, 1), Outcome.LATE),  # after the due moment, even on the due day
        (datetime(2026, 3, 6, 9, 0), Outcome.LATE),
    ],
)
def test_a_withdrawal_is_on_time_unless_withdrawn_after_the_due_moment(
    moment: datetime, expected: Outcome
) -> None:
    row = ended(Status.WITHDRAWN, moment)
    assert outcome(row) is expected and outcome(row, BY_MINUTE) is expected


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 3, 3, 9, 0), DUE, datetime(2026, 3, 4, 10, 1), datetime(2026, 3, 6, 9, 0)],
)
def test_a_dossier_closed_for_want_of_a_supplement_is_on_time(moment: datetime) -> None:
    row = ended(Status.CLOSED, moment, waiting=True)
    assert outcome(row) is Outcome.ON_TIME and outcome(row, BY_MINUTE) is Outcome.ON_TIME


@pytest.mark.parametrize(
    ("status", "moment", "expected"),
    [
        (Status.WITHDRAWN, datetime(2026, 3, 4, 10, 1), Outcome.ON_TIME),
        (Status.WITHDRAWN, datetime(2026, 3, 6, 9, 0), Outcome.ON_TIME),
        (Status.STOPPED, datetime(2026, 3, 3, 9, 0), Outcome.EARLY),  # still by its moment
        (Status.STOPPED, datetime(2026, 3, 4, 16, 0), Outcome.ON_TIME),
        (Status.STOPPED, datetime(2026, 3, 6, 9, 0), Outcome.ON_TIME),  # never late
    ],
)
def test_ending_while_waiting_for_a_supplement_is_never_late(
    status: Status, moment: datetime, expected: Outcome
) -> None:
    # The clock stops while the supplement is awaited (and restarts from zero when it comes):
    # the dossier counted "Trong hạn" until the minute it ended, so its end is not late.
    assert outcome(ended(status, moment, waiting=True)) is expected


def test_the_06a_row_counts_every_ending_in_its_column() -> None:
    rows = [
        ended(Status.REFUSED, datetime(2026, 3, 3, 9, 0)),  # early
        ended(Status.STOPPED, datetime(2026, 3, 5, 9, 0)),  # late
        ended(Status.WITHDRAWN, datetime(2026, 3, 4, 10, 1)),  # late
        ended(Status.CLOSED, datetime(2026, 3, 6, 9, 0), waiting=True),  # on time
        ended(Status.WITHDRAWN, datetime(2026, 3, 6, 9, 0), waiting=True),  # on time
    ]
    rows = [r._replace(id=i, code=f"H{i:03d}") for i, r in enumerate(rows, 1)]
    _, total = summarise(replay(rows, {}, START, AS_OF, DAY).values())
    assert (total.settled_total, total.early, total.on_time, total.late) == (5, 1, 2, 2)
    assert total.pending_total == 0 and total.identities_hold()


def test_a_withdrawal_counts_on_time_unless_the_appointment_had_passed() -> None:
    assert one(source(status=Status.WITHDRAWN, ended_at=at(3))) is Outcome.ON_TIME
    assert one(source(status=Status.WITHDRAWN, ended_at=at(6))) is Outcome.LATE
    assert one(source(status=Status.CLOSED, ended_at=at(6))) is Outcome.ON_TIME  # never late


def test_pending_at_the_end_is_within_or_overdue_and_waiting_never_overdue() -> None:
    assert one(source(due_at=at(10))) is Outcome.WITHIN
    assert one(source(due_at=at(4))) is Outcome.OVERDUE
    assert one(source(due_at=at(4), status=Status.SUPPLEMENT)) is Outcome.WITHIN
    # Settled only after the end: pending then.
    late_result = source(due_at=at(4), status=Status.RESULT_READY, settled_at=at(10))
    assert one(late_result) is Outcome.OVERDUE


def test_the_state_at_the_end_is_replayed_from_later_events() -> None:
    # Overdue at the end (due 04/03, in progress); on 10/03 a supplement was asked and brought
    # back, restarting the clock to 16/03: the dossier says "due 16/03" now, not then.
    history = [
        DossierEvent(at(2), "received", data={"to_status": "received"}),
        DossierEvent(at(3), "hand_over", data={"to_status": "in_progress"}),
        DossierEvent(at(10), "supplement", data={"to_status": "supplement"}),
        DossierEvent(
            at(11),
            "supplemented",
            data={"to_status": "received", "old_due_at": "2026-03-04 08:00"},
        ),
    ]
    row = source(due_at=at(16), status=Status.RECEIVED)
    d = replay([row], {row.id: history}, START, AS_OF, DAY)[row.id]
    assert d.outcome is Outcome.OVERDUE and d.due_at == at(4)
    assert d.status is Status.IN_PROGRESS
    assert state_at(history, AS_OF, Status.RECEIVED, at(16)) == (Status.IN_PROGRESS, at(4))


def test_what_the_report_says_of_one_dossier() -> None:
    rows = [
        source(1, intake_at=at(27, month=2), field=""),  # carried over, no field recorded
        source(
            2,
            status=Status.RETURNED,
            settled_at=at(3),
            returned_at=at(5),
            rating="satisfied",
            channel=Channel.POSTAL,
            postal_return=True,
        ),
        source(3, status=Status.RETURNED, settled_at=at(3), returned_at=at(9, 9), rating="bad"),
    ]
    by_id = replay(rows, {}, START, AS_OF, DAY)
    carried, returned, after = by_id[1], by_id[2], by_id[3]
    assert carried.carried_over and carried.field == "Khác" and carried.settled_at is None
    assert returned.returned_at == at(5) and returned.rating == "satisfied"
    assert returned.postal_return and returned.channel is Channel.POSTAL
    assert returned.status is Status.RETURNED
    # Returned only after the end: the rating is not the period's, the status was "result ready".
    assert after.returned_at is None and after.rating == ""
    assert after.status is Status.RESULT_READY


def test_counted_pending_and_late_select_what_the_reads_need() -> None:
    gone = source(1, status=Status.WITHDRAWN, ended_at=at(27, month=2))
    ended = source(2, status=Status.CLOSED, ended_at=at(3))
    settled = source(3, status=Status.RESULT_READY, settled_at=at(5))
    running = source(4, due_at=at(3))
    after = source(5, status=Status.RESULT_READY, settled_at=at(10))
    rows = counted([gone, ended, settled, running, after], START)
    assert [r.id for r in rows] == [2, 3, 4, 5]
    assert pending_ids(rows, AS_OF) == [4, 5]
    assert late_ids(replay(rows, {}, START, AS_OF, DAY)) == [3, 4, 5]


def frame(**kw: object) -> ReportFrame:
    values: dict[str, object] = {
        "period": WEEK,
        "as_of": AS_OF,
        "office": DEMO_OFFICE,
        "receiving_unit": "Văn phòng UBND tỉnh",
        "generated_at": at(9, 8),
        "app_version": "0.1.0",
        "targets": Targets(),
        "shares": PostalShares(WEEK.start, WEEK.end, 10, 2, 8, 3),
        "procedures_postal": 3,
        "procedures_total": 4,
    }
    values.update(kw)
    return ReportFrame(**values)  # type: ignore[arg-type]  # values of mixed types


def test_the_report_cites_first_letters_and_replays_postal_items() -> None:
    rows = [
        source(1, status=Status.RESULT_READY, settled_at=at(6)),  # late
        source(2, due_at=at(3)),  # overdue
        source(3, due_at=at(12)),  # within
    ]
    dossiers = replay(rows, {}, START, AS_OF, DAY)
    letters = {1: FirstLetter(3, 2026, at(5))}
    item = PostalItem(
        "H001", "A", "P", "A", "Số 5", "0912345678", PostalState.DELIVERED,
        id=1, handed_over_at=at(6), delivered_at=at(10),
    )  # fmt: skip
    report = build_report(frame(), dossiers, letters, [item])
    assert [d.letter_number for d in report.dossiers] == ["03/2026/PXL", "", ""]
    assert report.dossiers[0].letter_date == at(5)
    assert report.extra.late_total == 2 and report.extra.late_with_letter == 1
    assert report.extra.received_postal == 2 and report.extra.procedures_total == 4
    assert report.postal_items[0].state is PostalState.HANDED_OVER  # delivered only after
    assert report.checksum == figures_checksum(report.rows, report.total)
    targets = {label(t.kind): (t.numerator, t.denominator) for t in report.targets}
    assert targets["Hồ sơ quá hạn có phiếu xin lỗi"] == (1, 2)


def test_postal_shares_cover_the_days_up_to_the_end() -> None:
    assert share_days(WEEK, AS_OF) == (date(2026, 3, 2), date(2026, 3, 8))
    assert share_days(WEEK, at(4, 10)) == (date(2026, 3, 2), date(2026, 3, 4))
    assert share_days(WEEK, START) == (date(2026, 3, 2), date(2026, 3, 2))


# -- invariants -----------------------------------------------------------------------------

FIELDS = ("Hộ tịch", "Chứng thực", "")
moments = st.builds(
    lambda days, minutes: datetime(2026, 2, 20) + timedelta(days=days, minutes=minutes),
    st.integers(0, 25),
    st.sampled_from([0, 450, 600, 1019, 1020, 1439]),
)


@st.composite
def sources(draw: st.DrawFn, i: int) -> ReportSource:
    intake = draw(moments)
    due = intake + timedelta(days=draw(st.integers(0, 8)), hours=draw(st.integers(0, 9)))
    status = draw(st.sampled_from(list(Status)))
    done = intake + timedelta(hours=draw(st.integers(1, 400)))
    settled = done if status in SETTLED else None
    ended = done if status in (Status.WITHDRAWN, Status.CLOSED) else None
    returned = done + timedelta(hours=draw(st.integers(0, 60))) if draw(st.booleans()) else None
    return source(
        i,
        field=draw(st.sampled_from(FIELDS)),
        channel=draw(st.sampled_from(list(Channel))),
        intake_at=intake,
        due_at=due,
        status=status,
        settled_at=settled,
        ended_at=ended,
        returned_at=returned if status is Status.RETURNED else None,
        rating=draw(st.sampled_from(["", "satisfied", "very_satisfied", "dissatisfied"])),
    )


@st.composite
def periods(draw: st.DrawFn) -> list[ReportSource]:
    n = draw(st.integers(0, 30))
    rows = [draw(sources(i)) for i in range(1, n + 1)]
    # What the store reads: received before the end, not settled before the start.
    return [
        r for r in rows if r.intake_at < AS_OF and (r.settled_at is None or r.settled_at >= START)
    ]


@settings(max_examples=150, deadline=None)
@given(periods(), st.sampled_from(list(Granularity)))
def test_every_row_satisfies_the_06a_identities(
    rows: list[ReportSource], granularity: Granularity
) -> None:
    kept = counted(rows, START)
    dossiers = replay(kept, {}, START, AS_OF, granularity)
    table, total = summarise(dossiers.values())
    assert all(r.identities_hold() for r in [*table, total])
    assert total.received_total == len(kept) == total.settled_total + total.pending_total
    assert total.carried_over == sum(r.intake_at < START for r in kept)
    assert total.pending_total == len(pending_ids(kept, AS_OF))
    for i, column in enumerate(total.values()):
        assert column == sum(r.values()[i] for r in table)
    assert [r.field for r in table] == sorted({r.field or "Khác" for r in kept})


@settings(max_examples=100, deadline=None)
@given(periods(), st.data())
def test_late_dossiers_and_their_letters_add_up(
    rows: list[ReportSource], data: st.DataObject
) -> None:
    dossiers = replay(counted(rows, START), {}, START, AS_OF, DAY)
    late = late_ids(dossiers)
    signed = data.draw(st.lists(st.sampled_from(late), unique=True)) if late else []
    letters = {i: FirstLetter(n, 2026, at(3)) for n, i in enumerate(signed, start=1)}
    report = build_report(frame(), dossiers, letters, [])
    assert report.extra.late_total == len(late) == len(report.late)
    assert report.extra.late_with_letter == len(signed)
    assert report.total.late + report.total.pending_overdue == len(late)
    assert all(d.settled_at is not None for d in report.dossiers if d.outcome.settled)
    assert [replace(d, letter_number="", letter_date=None) for d in report.dossiers] == list(
        dossiers.values()
    )
