"""Reporting periods (ND 09/2019 cut-offs) and the 06a arithmetic."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc_desk.domain import periods
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, Granularity
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.domain.report import (
    Outcome,
    ReportDossier,
    figures_checksum,
    pending_outcome,
    settled_outcome,
    state_at,
    summarise,
)
from tthc_desk.presentation import period_label


def test_weeks_run_monday_to_sunday_or_from_the_set_day() -> None:
    w = periods.week(2026, 9)
    assert (w.start, w.end, w.key, period_label(w)) == (
        date(2026, 2, 23),
        date(2026, 3, 1),
        "2026-W09",
        "Tuần 09/2026",
    )
    assert w.as_of == datetime(2026, 3, 2, 0, 0)
    assert periods.last_week(date(2026, 3, 4)) == w
    assert periods.last_week(date(2026, 3, 2)) == w  # Monday: last week has just ended
    saturday = periods.week(2026, 9, week_start=5)
    assert (saturday.start, saturday.end) == (date(2026, 2, 28), date(2026, 3, 6))
    assert periods.parse_week("2026W9") == w
    with pytest.raises(ValidationError, match="ví dụ 2026-W09"):
        periods.parse_week("tuần 9")
    with pytest.raises(ValidationError, match="Không có tuần 54"):
        periods.week(2026, 54)


@pytest.mark.parametrize(
    ("kind", "key", "start", "end"),
    [
        (PeriodKind.MONTH, "2026-01", date(2025, 12, 15), date(2026, 1, 14)),
        (PeriodKind.MONTH, "2026-03", date(2026, 2, 15), date(2026, 3, 14)),
        (PeriodKind.QUARTER, "2026-Q1", date(2025, 12, 15), date(2026, 3, 14)),
        (PeriodKind.QUARTER, "2026-Q2", date(2026, 3, 15), date(2026, 6, 14)),
        (PeriodKind.QUARTER, "2026-Q3", date(2026, 6, 15), date(2026, 9, 14)),
        (PeriodKind.QUARTER, "2026-Q4", date(2026, 9, 15), date(2026, 12, 14)),
        (PeriodKind.HALF, "2026-H1", date(2025, 12, 15), date(2026, 6, 14)),
        (PeriodKind.HALF, "2026-H2", date(2026, 6, 15), date(2026, 12, 14)),
        (PeriodKind.YEAR, "2026", date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_reporting_cut_offs_of_decree_09_2019(
    kind: PeriodKind, key: str, start: date, end: date
) -> None:
    p = periods.parse_key(kind, key)
    assert (p.start, p.end, p.key) == (start, end, key)


def test_calendar_months_setting_and_the_period_containing_a_day() -> None:
    m = periods.month(2026, 2, cutoff=False)
    assert (m.start, m.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert periods.containing(PeriodKind.MONTH, date(2026, 3, 14)).key == "2026-03"
    assert periods.containing(PeriodKind.MONTH, date(2026, 3, 15)).key == "2026-04"
    assert periods.containing(PeriodKind.QUARTER, date(2026, 12, 20)).key == "2027-Q1"
    assert periods.containing(PeriodKind.YEAR, date(2026, 12, 15)).key == "2027"
    assert periods.containing(PeriodKind.QUARTER, date(2026, 12, 20), cutoff=False).key == "2026-Q4"
    assert periods.custom(date(2026, 3, 1), date(2026, 3, 31)).key == "2026-03-01_2026-03-31"
    with pytest.raises(ValidationError, match="Ngày cuối phải từ ngày đầu"):
        periods.custom(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValidationError, match="ví dụ 2026-Q1"):
        periods.parse_key(PeriodKind.QUARTER, "2026-Q5")


def test_settled_and_pending_outcomes_at_the_edges() -> None:
    due = datetime(2026, 3, 4, 10, 0)
    day = Granularity.DAY
    assert (
        settled_outcome(Status.RESULT_READY, datetime(2026, 3, 3, 17, 0), due, day) is Outcome.EARLY
    )
    assert (
        settled_outcome(Status.RESULT_READY, datetime(2026, 3, 4, 23, 59), due, day)
        is Outcome.ON_TIME
    )
    assert settled_outcome(Status.REFUSED, datetime(2026, 3, 5, 0, 0), due, day) is Outcome.LATE
    assert (
        settled_outcome(Status.RESULT_READY, datetime(2026, 3, 4, 10, 1), due, Granularity.MINUTE)
        is Outcome.LATE
    )
    assert (
        settled_outcome(Status.WITHDRAWN, datetime(2026, 3, 2, 9, 0), due, day) is Outcome.ON_TIME
    )
    assert settled_outcome(Status.WITHDRAWN, datetime(2026, 3, 6, 9, 0), due, day) is Outcome.LATE
    assert settled_outcome(Status.CLOSED, datetime(2026, 3, 30, 9, 0), due, day) is Outcome.ON_TIME
    assert pending_outcome(Status.IN_PROGRESS, due, due) is Outcome.WITHIN
    assert pending_outcome(Status.IN_PROGRESS, due, datetime(2026, 3, 4, 10, 1)) is Outcome.OVERDUE
    assert pending_outcome(Status.SUPPLEMENT, due, datetime(2026, 3, 30)) is Outcome.WITHIN


def test_state_at_replays_status_and_appointment() -> None:
    events = [
        DossierEvent(datetime(2026, 3, 2, 8, 0), "received"),
        DossierEvent(
            datetime(2026, 3, 3, 9, 0),
            "supplement",
            data={"from_status": "received", "to_status": "supplement"},
        ),
        DossierEvent(
            datetime(2026, 3, 9, 10, 0),
            "supplemented",
            data={
                "from_status": "supplement",
                "to_status": "received",
                "old_due_at": "2026-03-05 08:00",
            },
        ),
    ]
    current_due = datetime(2026, 3, 12, 10, 0)
    assert state_at(events, datetime(2026, 3, 9, 0, 0), Status.RECEIVED, current_due) == (
        Status.SUPPLEMENT,
        datetime(2026, 3, 5, 8, 0),
    )
    assert state_at(events, datetime(2026, 3, 10), Status.RECEIVED, current_due) == (
        Status.RECEIVED,
        current_due,
    )


outcomes = st.sampled_from(list(Outcome))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Hộ tịch", "Chứng thực", "Cư trú"]),
            st.sampled_from(list(Channel)),
            st.booleans(),
            outcomes,
        ),
        max_size=60,
    )
)
def test_the_identities_hold_on_every_row(items: list[tuple[str, Channel, bool, Outcome]]) -> None:
    when = datetime(2026, 3, 2, 8, 0)
    dossiers = [
        ReportDossier(
            code=f"X-{i}",
            field=f,
            procedure_code="1",
            procedure_name="p",
            applicant_name="a",
            channel=ch,
            intake_at=when,
            due_at=when,
            settled_at=when if o.settled else None,
            outcome=o,
            carried_over=carried,
            status=Status.RECEIVED,
        )
        for i, (f, ch, carried, o) in enumerate(items)
    ]
    rows, total = summarise(dossiers)
    assert all(r.identities_hold() for r in [*rows, total])
    assert total.received_total == len(items)
    assert sum(r.received_total for r in rows) == total.received_total
    assert len(figures_checksum(rows, total)) == 64


def test_one_report_file_name_for_every_place() -> None:
    from tthc_desk.domain.periods import report_file_name

    office = "000.17.22.H56"
    assert report_file_name(office, "2026-W09", weekly=True) == f"{office}_tuan_2026-W09.xlsx"
    assert report_file_name(office, "2026-W09", weekly=True, version=2) == (
        f"{office}_tuan_2026-W09_v2.xlsx"
    )
    assert report_file_name(office, "2026-03", weekly=False) == f"{office}_06a_thang_2026-03.xlsx"
    assert report_file_name(office, "2026-Q1", weekly=False) == f"{office}_06a_quy_2026-Q1.xlsx"
    assert report_file_name(office, "2026-H2", weekly=False) == f"{office}_06a_6thang_2026-H2.xlsx"
    assert report_file_name(office, "2026", weekly=False) == f"{office}_06a_nam_2026.xlsx"
    assert report_file_name(office, "2026-01-01_2026-03-31", weekly=False) == (
        f"{office}_06a_khoang_2026-01-01_2026-03-31.xlsx"
    )
