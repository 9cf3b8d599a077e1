"""The dashboard's arithmetic on hand-worked values: 766 points, tiles and their changes, the
breakdowns, the at-risk ordering, the previous period and the trend's months."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise

import pytest

from tthc_desk.domain import periods
from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.dashboard import (
    AtRiskRow,
    BreakdownKind,
    IndicatorCode,
    LateBy,
    NotComputable,
    PeriodFigures,
    TileKind,
    TimeUnit,
    TrendFigures,
    at_risk_groups,
    at_risk_window,
    average_times,
    breakdown,
    elapsed,
    indicators,
    late_groups,
    points,
    previous_period,
    score,
    tiles,
    trend_months,
    trend_points,
)
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.procedure import DurationUnit
from tthc_desk.domain.report import Outcome, ReportDossier, Targets
from tthc_desk.domain.scans import DigitisationCounts

# -- the published scoring rule (reference.md §8) -------------------------------------------------


def test_points_are_full_at_the_target_and_proportional_below_it() -> None:
    assert points(0.90, 6, 0.90) == 6  # 5.4 exactly at its 90 % target
    assert points(0.95, 6, 0.90) == 6  # above it: no more than the maximum
    assert points(0.72, 6, 0.90) == pytest.approx(4.8)  # 0.72 × 6 / 0.9
    assert points(0.25, 4, 0.50) == pytest.approx(2.0)  # 3.3: half the target, half the points
    assert points(0.81, 10) == pytest.approx(8.1)  # no target: full points only at 100 %
    assert points(0.0, 10) == 0


# A month: 40 dossiers (30 new: 24 direct, 3 postal, 3 online; 10 carried over); settled 30
# (12 early, 15 on time, 3 late); pending 10 (8 within, 2 overdue); 5 late in all, 4 with a
# letter; 20 ratings (10 very satisfied, 8 satisfied, 2 not); 25 results returned, 5 by post.
MONTH = PeriodFigures(
    received=40,
    carried_over=10,
    new_direct=24,
    new_postal=3,
    new_online=3,
    settled=30,
    early=12,
    on_time=15,
    late=3,
    pending=10,
    pending_within=8,
    pending_overdue=2,
    late_total=5,
    late_with_letter=4,
    rated=20,
    very_satisfied=10,
    satisfied=8,
    dissatisfied=2,
    returned_total=25,
    returned_postal=5,
)
BEFORE = PeriodFigures(
    received=20, settled=20, early=10, on_time=9, late=1, late_total=1, late_with_letter=1,
    new_direct=20, rated=10, very_satisfied=9, dissatisfied=1, returned_total=10,
)  # fmt: skip


def test_the_766_indicators_of_a_hand_worked_month() -> None:
    items = {i.code: i for i in indicators(MONTH, ())}
    on_time = items[IndicatorCode.ON_TIME]  # (12 + 15 + 8) / 40 = 87.5 % → 8.75 of 10
    assert (on_time.numerator, on_time.denominator) == (35, 40)
    assert on_time.points == pytest.approx(8.75)
    assert on_time.lost == pytest.approx(1.25)
    online = items[IndicatorCode.ONLINE]  # 3 / 30 = 10 % of a 50 % target → 0.8 of 4
    assert online.value == pytest.approx(0.1)
    assert online.points == pytest.approx(0.8)
    assert online.lost == pytest.approx(3.2)
    # 5.4: 100 % − (3 late + 2 overdue) / 40 − 2 not satisfied / 40 = 82.5 % → 0.825 × 6 / 0.9
    satisfaction = items[IndicatorCode.SATISFACTION]
    assert (satisfaction.numerator, satisfaction.denominator) == (33, 40)
    assert satisfaction.points == pytest.approx(5.5)
    assert items[IndicatorCode.DIRECT].value == pytest.approx(0.8)  # kênh 1: 24 / 30
    assert items[IndicatorCode.DIRECT].missing is NotComputable.INFORMATION
    assert items[IndicatorCode.POSTAL].value == pytest.approx(0.1)  # kênh 3: 3 / 30
    for code in (IndicatorCode.E_RESULT, IndicatorCode.SCANNED, IndicatorCode.REUSED):
        assert items[code].value is None and items[code].points is None  # never a made-up number
        assert items[code].missing is NotComputable.NO_SCANS
    total = score(items.values())
    assert total.earned == pytest.approx(8.75 + 0.8 + 5.5)
    assert total.scored_max == 20  # 2.1 (10) + 3.3 (4) + 5.4 (6)
    assert total.unscored_max == 10 + 6 + 4 + 2 + 4  # 2.2 and 4.1–4.4
    assert total.lost == pytest.approx(20 - 15.05)


def test_the_766_digitisation_indicators_of_a_hand_worked_month() -> None:
    # 40 received: 30 with every paper scanned, 20 with their result of which 15 with an
    # e-result, 12 of those with every paper too; 6 reusing a digitised paper.
    digitised = DigitisationCounts(
        dossiers=40,
        fully_scanned=30,
        with_e_result=15,
        reusing=6,
        without_scans=4,
        with_result=20,
        complete=12,
    )
    items = {i.code: i for i in indicators(MONTH, (), digitised)}
    e_result = items[IndicatorCode.E_RESULT]  # 15 / 20 = 75 %, no target (100 %) → 4.5 of 6
    assert (e_result.numerator, e_result.denominator) == (15, 20)
    assert e_result.value == pytest.approx(0.75) and e_result.points == pytest.approx(4.5)
    assert e_result.missing is None and e_result.lost == pytest.approx(1.5)
    scanned = items[IndicatorCode.SCANNED]  # 12 / 20 = 60 % of an 80 % target → 3 of 4
    assert (scanned.numerator, scanned.denominator) == (12, 20)
    assert scanned.points == pytest.approx(3.0)
    reused = items[IndicatorCode.REUSED]  # 6 / 40 = 15 % of an 80 % target → 0.375 of 2
    assert (reused.numerator, reused.denominator) == (6, 40)
    assert reused.points == pytest.approx(0.375)
    store = items[IndicatorCode.PERSONAL_STORE]
    assert store.points is None and store.missing is NotComputable.NOT_RECORDED
    total = score(items.values())
    assert total.earned == pytest.approx(8.75 + 0.8 + 5.5 + 4.5 + 3.0 + 0.375)
    assert total.scored_max == 20 + 6 + 4 + 2
    assert total.unscored_max == 10 + 4  # 2.2 and 4.4
    # A target reached gives the full points, never more.
    full = DigitisationCounts(10, 10, 9, 9, 0, 9, 8)
    items = {i.code: i for i in indicators(MONTH, (), full)}
    assert items[IndicatorCode.E_RESULT].points == pytest.approx(6)  # 9 / 9
    assert items[IndicatorCode.SCANNED].points == pytest.approx(4)  # 8 / 9 ≥ 80 %
    assert items[IndicatorCode.REUSED].points == pytest.approx(2)  # 9 / 10 ≥ 80 %
    # Scans in the office, none in this period's dossiers with a result: nothing to divide.
    items = {i.code: i for i in indicators(MONTH, (), DigitisationCounts(dossiers=3, reusing=0))}
    assert items[IndicatorCode.E_RESULT].missing is NotComputable.NO_DOSSIERS
    assert items[IndicatorCode.REUSED].points == 0


def test_an_empty_period_scores_nothing_rather_than_zero() -> None:
    items = {i.code: i for i in indicators(PeriodFigures(), ())}
    assert items[IndicatorCode.ON_TIME].points is None
    assert items[IndicatorCode.ON_TIME].missing is NotComputable.NO_DOSSIERS
    assert score(items.values()).scored_max == 0


def test_tiles_against_the_plan_targets_with_the_change_from_the_previous_period() -> None:
    by_kind = {t.kind: t for t in tiles(MONTH, BEFORE, Targets())}
    on_time = by_kind[TileKind.ON_TIME]  # 27 / 30 = 90 %, not above 95 %; before 19/20 = 95 %
    assert (on_time.numerator, on_time.denominator, on_time.met) == (27, 30, False)
    assert on_time.delta == pytest.approx(0.90 - 0.95)
    early = by_kind[TileKind.EARLY]  # 12 / 30 = 40 % < 60 %; before 50 %
    assert early.value == pytest.approx(0.4) and early.met is False
    assert early.delta == pytest.approx(-0.1)
    apologised = by_kind[TileKind.APOLOGISED]  # 4 / 5 = 80 % < 100 %; before 1/1
    assert apologised.value == pytest.approx(0.8) and apologised.met is False
    satisfied = by_kind[TileKind.SATISFIED]  # 18 / 20 = 90 %, not MORE than 90 %
    assert satisfied.value == pytest.approx(0.9) and satisfied.met is False
    assert satisfied.previous == pytest.approx(0.9)
    assert satisfied.delta == pytest.approx(0.0)
    assert by_kind[TileKind.ONLINE].value == pytest.approx(0.1)
    assert by_kind[TileKind.ONLINE].target is None and by_kind[TileKind.ONLINE].met is None
    assert by_kind[TileKind.POSTAL_RETURNED].value == pytest.approx(0.2)
    assert by_kind[TileKind.POSTAL_RETURNED].previous == pytest.approx(0.0)  # 0 of 10
    assert by_kind[TileKind.POSTAL_RECEIVED].previous == pytest.approx(0.0)  # 0 of 20 new
    no_before = tiles(MONTH, None, Targets())
    assert all(t.previous is None and t.delta is None for t in no_before)


def test_the_trend_sums_the_days_of_each_reporting_month() -> None:
    months = trend_months(date(2026, 3, 20))  # 15/03–14/04 is the last month
    assert (months[-1].start, months[-2].end) == (date(2026, 3, 15), date(2026, 3, 14))
    days = [
        (date(2026, 3, 14), {"settled_early": 2, "settled_late": 1, "received_direct": 9}),
        (date(2026, 3, 14), {"settled_on_time": 4}),  # another field, the same day
        (date(2026, 3, 15), {"settled_early": 1, "settled_on_time": 0, "settled_late": 3}),
        (date(2026, 3, 21), {"settled_late": 1}),  # later in the running month
        (date(2025, 1, 10), {"settled_early": 7}),  # before the twelve months
    ]
    points = trend_points(months, days, datetime(2026, 3, 20, 9, 0))
    assert points[-2].figures == TrendFigures(early=2, on_time=4, late=1)
    assert points[-1].figures == TrendFigures(early=1, on_time=0, late=4)
    assert [p.closed for p in points] == [True] * 11 + [False]
    assert all(p.figures.settled == 0 for p in points[:-2])
    assert points[-2].early_share == pytest.approx(2 / 7)
    assert points[-2].on_time_share == pytest.approx(4 / 7)
    assert points[0].late_share is None


# -- breakdowns and late groups -------------------------------------------------------------------


def dossier(code: str, outcome: Outcome, **kw: object) -> ReportDossier:
    values: dict[str, object] = {
        "code": code,
        "field": "Hộ tịch",
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "applicant_name": "Nguyễn Văn Hùng",
        "channel": Channel.DIRECT,
        "intake_at": datetime(2026, 3, 2, 8),
        "due_at": datetime(2026, 3, 4, 8),
        "settled_at": None,
        "outcome": outcome,
        "carried_over": False,
        "status": Status.IN_PROGRESS,
    }
    values.update(kw)
    return ReportDossier(**values)  # type: ignore[arg-type]


DOSSIERS = [
    dossier("A", Outcome.EARLY, handling_unit="Tư pháp", clerk_name="Bình"),
    dossier("B", Outcome.LATE, handling_unit="Tư pháp", clerk_name="Bình",
            responsible_unit="Tư pháp", late_reason="Hồ sơ cần xác minh", letter_number="01/XL"),
    dossier("C", Outcome.OVERDUE, field="Chứng thực", handling_unit="Tư pháp",
            responsible_unit="Tư pháp", late_reason="Hồ sơ cần xác minh"),
    dossier("D", Outcome.ON_TIME, field="Chứng thực", clerk_name="Cường"),
    dossier("E", Outcome.OVERDUE, field="Chứng thực", clerk_name="Cường"),
    dossier("F", Outcome.WITHIN, field="Chứng thực", handling_unit="Kinh tế", clerk_name="Bình"),
]  # fmt: skip


def test_breakdown_by_field_counts_outcomes_and_names_the_dossiers() -> None:
    rows = breakdown(DOSSIERS, BreakdownKind.FIELD)
    assert [r.name for r in rows] == ["Chứng thực", "Hộ tịch"]  # 4 dossiers, then 2
    ct = rows[0]
    assert (ct.early, ct.on_time, ct.late, ct.within, ct.overdue) == (0, 1, 0, 1, 2)
    assert ct.codes == ("C", "D", "E", "F") and ct.late_codes == ("C", "E")
    assert ct.on_time_share == 1.0  # 1 settled, on time
    assert ct.late_share == pytest.approx(0.5)  # 2 overdue of 4
    ht = rows[1]
    assert ht.on_time_share == pytest.approx(0.5) and ht.early_share == pytest.approx(0.5)


def test_breakdowns_by_unit_and_by_clerk_keep_the_unrecorded_as_empty() -> None:
    units = {r.name: r.total for r in breakdown(DOSSIERS, BreakdownKind.HANDLING_UNIT)}
    assert units == {"Tư pháp": 3, "": 2, "Kinh tế": 1}
    clerks = [(r.name, r.total) for r in breakdown(DOSSIERS, BreakdownKind.CLERK)]
    assert clerks == [("Bình", 3), ("Cường", 2), ("", 1)]


def test_late_dossiers_by_responsible_unit_and_by_reason() -> None:
    by_unit = late_groups(DOSSIERS, LateBy.RESPONSIBLE_UNIT)
    assert [(g.name, g.settled_late, g.overdue, g.with_letter) for g in by_unit] == [
        ("Tư pháp", 1, 1, 1),
        ("", 0, 1, 0),
    ]
    assert by_unit[0].codes == ("B", "C")
    by_reason = late_groups(DOSSIERS, LateBy.REASON)
    assert [(g.name, g.total) for g in by_reason] == [("Hồ sơ cần xác minh", 2), ("", 1)]


# -- what will be late ----------------------------------------------------------------------------

CALENDAR = WorkCalendar()  # Monday–Friday 07:30–11:30, 13:30–17:00, holidays of the package


def test_the_window_is_five_working_days_and_urgent_is_one_working_day() -> None:
    now = datetime(2026, 3, 6, 10, 0)  # Friday
    urgent, until = at_risk_window(now, CALENDAR)
    assert urgent == datetime(2026, 3, 9, 10, 0)  # Monday, same clock time
    assert until == datetime(2026, 3, 13, 17, 0)  # the 5th working day after Friday: Fri 13/03


def row(code: str, unit: str, due: datetime) -> AtRiskRow:
    return AtRiskRow(
        code, "Lê Thị Mai", "Chứng thực bản sao", "Chứng thực", unit, Status.IN_PROGRESS, due
    )


def test_at_risk_groups_put_the_most_urgent_first() -> None:
    urgent_before = datetime(2026, 3, 9, 10, 0)
    rows = [
        row("K1", "Kinh tế", datetime(2026, 3, 9, 8, 0)),  # urgent
        row("T1", "Tư pháp", datetime(2026, 3, 10, 9, 0)),
        row("T2", "Tư pháp", datetime(2026, 3, 6, 16, 0)),  # urgent, soonest
        row("T3", "Tư pháp", datetime(2026, 3, 9, 9, 0)),  # urgent
        row("Q1", "", datetime(2026, 3, 12, 9, 0)),
    ]
    groups = at_risk_groups(rows, urgent_before)
    assert [(g.unit, g.urgent) for g in groups] == [("Tư pháp", 2), ("Kinh tế", 1), ("", 0)]
    assert groups[0].codes == ("T2", "T3", "T1")
    assert [d.urgent for d in groups[0].dossiers] == [True, True, False]


# -- processing time (2.2), periods --------------------------------------------------------------


def test_elapsed_time_in_the_procedures_unit() -> None:
    received = datetime(2026, 3, 6, 16, 0)  # Friday afternoon
    monday = datetime(2026, 3, 9, 9, 0)
    assert elapsed(DurationUnit.WORKING_DAYS, received, monday, CALENDAR) == (
        TimeUnit.WORKING_DAYS,
        1.0,
    )
    # working hours: Fri 16:00–17:00, Mon 07:30–09:00 → 2.5 h
    unit, hours = elapsed(DurationUnit.WORKING_HOURS, received, monday, CALENDAR)
    assert unit is TimeUnit.WORKING_HOURS and hours == pytest.approx(2.5)
    assert elapsed(DurationUnit.CALENDAR_DAYS, received, monday, CALENDAR) == (TimeUnit.DAYS, 3.0)
    same = elapsed(DurationUnit.SAME_DAY, received, datetime(2026, 3, 6, 16, 30), CALENDAR)
    assert same == (TimeUnit.WORKING_DAYS, 0.0)
    times = average_times(
        [
            (DurationUnit.WORKING_DAYS, received, monday),
            (DurationUnit.SAME_DAY, received, datetime(2026, 3, 6, 16, 30)),
            (DurationUnit.WORKING_DAYS, received, datetime(2026, 3, 11, 8, 0)),  # Wednesday: 3
        ],
        CALENDAR,
    )
    assert len(times) == 1 and times[0].dossiers == 3
    assert times[0].average == pytest.approx((1 + 0 + 3) / 3)


def test_the_previous_period_of_each_kind() -> None:
    assert previous_period(periods.month(2026, 3)).key == "2026-02"
    assert previous_period(periods.month(2026, 1)).key == "2025-12"
    assert previous_period(periods.month(2026, 3, cutoff=False), cutoff=False).start == date(
        2026, 2, 1
    )
    assert previous_period(periods.quarter(2026, 1)).key == "2025-Q4"
    assert previous_period(periods.year(2026)).key == "2025"
    assert previous_period(periods.week(2026, 10)).key == "2026-W09"
    custom = previous_period(periods.custom(date(2026, 3, 10), date(2026, 3, 19)))
    assert (custom.start, custom.end) == (date(2026, 2, 28), date(2026, 3, 9))


def test_the_trend_is_the_twelve_months_ending_with_the_given_day() -> None:
    months = trend_months(date(2026, 11, 20))  # from the 15th: reporting month 12
    assert [m.key for m in months][:2] == ["2026-01", "2026-02"]
    assert months[-1].key == "2026-12" and len(months) == 12
    assert months[0].start == date(2025, 12, 15)
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in pairwise(months))
    assert datetime.combine(months[-1].end, time.min) == datetime(2026, 12, 14)
