"""The dashboard's figures on the crafted week of ``test_report_service`` (2026-W10, hand-worked
there), seen on Monday 09/03/2026 08:30:

- the week: 11 dossiers (4 carried over: A, B, D, E; new: F, J, K, I, M direct, G online, H by
  post); settled 6 — A, M early, F, J on time, B, G late; pending 5 — E, I, K within, D, H
  overdue; 4 late (B, G, D, H), only B with a letter; no result returned, so no rating;
- the week before (W09): C alone settled (early, due 04/03, result 27/02), so every share of
  settled dossiers was 100 %;
- Bộ chỉ số 766: 2.1 = (2 + 2 + 3) / 11 → 10 × 7/11 = 6.36 points; 3.3 = 1/7 online, target
  50 % → 4 × (1/7) / 0.5 = 1.14; 5.4 = (11 − 2 late − 2 overdue − 0 not satisfied) / 11 = 7/11
  → 6 × (7/11) / 0.9 = 4.24; 2.2: five dossiers settled with a result in the week, in working
  days from their clock start: A 26/02 → 02/03 = 2, F 0, G 03/03 → 04/03 = 1, B 27/02 → 04/03
  = 3, M 02/03 → 05/03 = 3: 9 / 5 = 1.8 (J was withdrawn: no processing time);
- what will be late (running, due from now to the end of Monday 16/03): K due 09/03 10:00, I
  14:00, N 17:00 — all three within one working day (before Tuesday 08:30); D and H are already
  overdue, E waits for a supplement.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from tests.conftest import TEST_PASSWORD
from tests.printing.support import pdf_text
from tests.services import test_report_service as crafted
from tests.services.test_attachments import make_pdf
from tests.services.test_report_facts import _random_history
from tests.services.test_report_service import History, at
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dashboard import (
    BreakdownKind,
    IndicatorCode,
    NotComputable,
    TileKind,
    TimeUnit,
    TrendFigures,
    period_figures,
)
from tthc_desk.domain.dossier import Channel
from tthc_desk.domain.errors import ForbiddenError
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.report import Report
from tthc_desk.services.container import Services
from tthc_desk.services.report_service import CALENDAR_MONTHS_KEY

#: The crafted history of the week, as its fixture (hand-worked in test_report_service).
history = crafted.history


def figures(services: Services):  # type: ignore[no-untyped-def]
    return services.dashboard.figures(services.dashboard.period(PeriodKind.WEEK, "2026-W10"))


def test_tiles_of_the_week_with_the_change_from_the_week_before(
    services: Services, history: History
) -> None:
    f = figures(services)
    assert f.previous is not None and f.previous.key == "2026-W09"
    t = {x.kind: x for x in f.tiles}
    assert (t[TileKind.ON_TIME].numerator, t[TileKind.ON_TIME].denominator) == (4, 6)
    assert t[TileKind.ON_TIME].met is False
    assert t[TileKind.ON_TIME].previous == 1.0
    assert t[TileKind.ON_TIME].delta == pytest.approx(4 / 6 - 1)
    assert (t[TileKind.EARLY].numerator, t[TileKind.EARLY].denominator) == (2, 6)
    assert t[TileKind.EARLY].delta == pytest.approx(2 / 6 - 1)
    assert (t[TileKind.APOLOGISED].numerator, t[TileKind.APOLOGISED].denominator) == (1, 4)
    assert t[TileKind.SATISFIED].value is None and t[TileKind.SATISFIED].met is None
    assert (t[TileKind.ONLINE].numerator, t[TileKind.ONLINE].denominator) == (1, 7)
    assert (t[TileKind.POSTAL_RECEIVED].numerator, t[TileKind.POSTAL_RECEIVED].denominator) == (
        1,
        7,
    )
    assert t[TileKind.POSTAL_RETURNED].value is None
    # The tiles say what the 06a report's targets say.
    report = services.reports.compute(f.period)
    assert [(r.numerator, r.denominator, r.met) for r in report.targets] == [
        (x.numerator, x.denominator, x.met) for x in f.tiles[:4]
    ]


def test_breakdowns_late_groups_and_channels(services: Services, history: History) -> None:
    f = figures(services)
    c = history.codes
    fields = {r.name: r for r in f.breakdown(BreakdownKind.FIELD)}
    assert set(fields) == {"Hộ tịch", "Chứng thực"}
    ht = fields["Hộ tịch"]
    assert (ht.early, ht.on_time, ht.late, ht.within, ht.overdue) == (1, 2, 1, 2, 2)
    assert set(ht.codes) == {c[n] for n in "ADEFGHJK"}
    assert set(ht.late_codes) == {c[n] for n in "DGH"}
    ct = fields["Chứng thực"]
    assert (ct.early, ct.on_time, ct.late, ct.within, ct.overdue) == (1, 0, 1, 1, 0)
    clerks = f.breakdown(BreakdownKind.CLERK)
    assert [(r.name, r.total) for r in clerks] == [("Trần Thị Bình", 11)]
    assert sum(r.total for r in f.breakdown(BreakdownKind.HANDLING_UNIT)) == 11
    assert sum(g.total for g in f.late_by_unit) == 4
    assert sum(g.with_letter for g in f.late_by_unit) == 1
    assert {code for g in f.late_by_reason for code in g.codes} == {c[n] for n in "BGDH"}
    assert (f.channels.direct, f.channels.postal, f.channels.online) == (5, 1, 1)
    assert f.satisfaction.rated == 0 and f.satisfaction.satisfied_share is None


def test_the_766_indicators_of_the_week(services: Services, history: History) -> None:
    f = figures(services)
    on_time = f.indicator(IndicatorCode.ON_TIME)
    assert (on_time.numerator, on_time.denominator) == (7, 11)
    assert on_time.points == pytest.approx(10 * 7 / 11)
    assert f.indicator(IndicatorCode.ONLINE).points == pytest.approx(4 * (1 / 7) / 0.5)
    satisfaction = f.indicator(IndicatorCode.SATISFACTION)
    assert (satisfaction.numerator, satisfaction.denominator) == (7, 11)
    assert satisfaction.points == pytest.approx(6 * (7 / 11) / 0.9)
    average = f.indicator(IndicatorCode.AVERAGE_TIME)
    assert average.missing is NotComputable.NO_RULE and average.points is None
    assert [(x.unit, x.dossiers, x.total) for x in average.times] == [
        (TimeUnit.WORKING_DAYS, 5, 9.0)
    ]
    assert f.indicator(IndicatorCode.SCANNED).missing is NotComputable.NO_SCANS
    assert f.score.earned == pytest.approx(10 * 7 / 11 + 4 * (1 / 7) / 0.5 + 6 * (7 / 11) / 0.9)


def test_the_766_digitisation_indicators_of_the_week(
    services: Services, history: History, clock: FixedClock
) -> None:
    """Of the 7 dossiers received in the week (F, J, K, I, M, G, H), F, G and M have their
    result. Scans made on Friday 06/03: F both papers and its result, M its three papers, G its
    result alone, K its one paper reused from F's form; I's form is scanned on 09/03, after the
    week. So: every paper scanned F, M, K; e-result F, G; both F; reusing K; no scan J, I, H.
    4.1 = 2/3 → 6 × 2/3 = 4; 4.2 = 1/3 of an 80 % target → 4 × (1/3) / 0.8; 4.3 = 1/7 of 80 %
    → 2 × (1/7) / 0.8."""
    c, scans = history.codes, services.attachments
    clock.set(at(6, 3, 12))
    for code, papers in ((c["F"], (1, 2)), (c["M"], (1, 2, 3))):
        for n in papers:
            scans.attach_paper(code, n, make_pdf(f"{code} {n}"))
    for code in (c["F"], c["G"]):
        scans.attach_result(code, make_pdf(f"{code} kết quả"))
    form = next(a for a in scans.of_dossier(c["F"]) if a.paper_no == 1)
    scans.reuse_paper(c["K"], 1, form.id)
    clock.set(at(9, 3, 8, 30))
    scans.attach_paper(c["I"], 1, make_pdf("I 1"))
    f = figures(services)
    e_result = f.indicator(IndicatorCode.E_RESULT)
    assert (e_result.numerator, e_result.denominator, e_result.points) == (2, 3, pytest.approx(4))
    scanned = f.indicator(IndicatorCode.SCANNED)
    assert (scanned.numerator, scanned.denominator) == (1, 3)
    assert scanned.points == pytest.approx(4 * (1 / 3) / 0.8)
    reused = f.indicator(IndicatorCode.REUSED)
    assert (reused.numerator, reused.denominator) == (1, 7)
    assert reused.points == pytest.approx(2 * (1 / 7) / 0.8)
    assert f.indicator(IndicatorCode.PERSONAL_STORE).missing is NotComputable.NOT_RECORDED
    earlier = 10 * 7 / 11 + 4 * (1 / 7) / 0.5 + 6 * (7 / 11) / 0.9
    assert f.score.earned == pytest.approx(earlier + 4 + 4 * (1 / 3) / 0.8 + 2 * (1 / 7) / 0.8)
    # The briefing prints each of them, no longer one "cannot be computed" row.
    text = pdf_text(services.dashboard.brief_pdf(f.period), raw=True)
    assert "66,7% (2/3)" in text and "33,3% (1/3)" in text and "14,3% (1/7)" in text
    assert "Số hóa hồ sơ (4.1" not in text
    # The week before (D, C, A, E, B received; C with its result): scans exist in the office,
    # none of that week's: 0 of 1 and 0 of 5, no points, but computed.
    before = services.dashboard.figures(services.dashboard.period(PeriodKind.WEEK, "2026-W09"))
    e_result = before.indicator(IndicatorCode.E_RESULT)
    assert (e_result.numerator, e_result.denominator, e_result.points) == (0, 1, 0)
    reused = before.indicator(IndicatorCode.REUSED)
    assert (reused.numerator, reused.denominator, reused.missing) == (0, 5, None)


def test_what_will_be_late_is_ordered_by_risk(services: Services, history: History) -> None:
    f = figures(services)
    assert f.at_risk_until == at(16, 3, 17)
    listed = [(d.row.code, d.urgent) for g in f.at_risk for d in g.dossiers]
    c = history.codes
    assert sorted(listed) == sorted([(c["K"], True), (c["I"], True), (c["N"], True)])
    for g in f.at_risk:
        dues = [d.row.due_at for d in g.dossiers]
        assert dues == sorted(dues)


def test_the_trend_is_summed_from_the_day_counts(
    services: Services, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.facts.ensure()  # the day counts made, as at every start
    week = services.dashboard.period(PeriodKind.WEEK, "2026-W10")

    def no_report(*args: object, **kwargs: object) -> None:
        raise AssertionError("the trend computes no report")

    monkeypatch.setattr(services.reports, "compute", no_report)
    first = services.dashboard.trend(week)
    assert [p.period.key for p in first][-1] == "2026-03" and len(first) == 12
    assert [p.closed for p in first] == [True] * 11 + [False]
    last = first[-1].figures  # 15/02–14/03 so far: C, A, M early; F, J on time; B, G late
    assert (last.early, last.on_time, last.late, last.settled) == (3, 2, 2, 7)
    assert first[-1].early_share == pytest.approx(3 / 7)
    assert all(p.figures.settled == 0 for p in first[:-1])


def test_the_trend_without_the_day_counts_is_each_months_report(
    services: Services, history: History
) -> None:
    with services.db.read() as uow:
        assert not uow.facts.totals_made()  # a new database before its first start's check
    trend = services.dashboard.trend(services.dashboard.period(PeriodKind.WEEK, "2026-W10"))
    last = trend[-1].figures
    assert (last.early, last.on_time, last.late) == (3, 2, 2)


def _report_trend(services: Services, month: Period) -> TrendFigures:
    t = services.reports.compute(month, dossiers=False).total
    return TrendFigures(t.early, t.on_time, t.late)


@pytest.mark.slow
@pytest.mark.parametrize("calendar_months", [False, True])
def test_the_trend_is_each_months_report_for_a_random_history(
    services: Services, clock: FixedClock, calendar_months: bool
) -> None:
    """Early, on time and late per month from the day counts equal Biểu 06a columns 8–10 of
    each month's report, over a random history of nine months (settled, refused, withdrawn,
    stopped, closed; letters that move the due date; corrections)."""
    services.facts.ensure()
    services.settings.set_value(CALENDAR_MONTHS_KEY, calendar_months)
    _random_history(services, clock, random.Random(7), 90)
    clock.set(datetime(2026, 11, 3, 9, 0))
    trend = services.dashboard.trend()
    assert trend[0].period.start <= date(2026, 1, 5) and trend[-1].period.key == "2026-11"
    assert [p.closed for p in trend] == [True] * 11 + [False]
    assert sum(p.figures.settled for p in trend) > 40  # a history worth comparing
    for point in trend:
        assert point.figures == _report_trend(services, point.period), point.period.key
        listed = period_figures(services.reports.compute(point.period))
        assert period_figures(services.reports.compute(point.period, dossiers=False)) == listed
        new = [d for d in services.reports.compute(point.period).dossiers if not d.carried_over]
        assert [listed.new_direct, listed.new_postal, listed.new_online] == [
            sum(d.channel is c for d in new)
            for c in (Channel.DIRECT, Channel.POSTAL, Channel.ONLINE)
        ]


def test_only_the_head_of_office_and_the_administrator_see_the_dashboard(
    services: Services, history: History
) -> None:
    week = services.dashboard.period(PeriodKind.WEEK, "2026-W10")
    services.accounts.login("cuong", TEST_PASSWORD)  # a clerk
    with pytest.raises(ForbiddenError):
        services.dashboard.figures(week)
    services.accounts.login("an", TEST_PASSWORD)  # the head of office
    assert services.dashboard.figures(week).figures.received == 11
    services.accounts.login("quantri", TEST_PASSWORD)
    assert services.dashboard.at_risk()


def test_period_keys_of_the_briefing(services: Services) -> None:
    d = services.dashboard
    assert d.parse_period("2026-11").kind is PeriodKind.MONTH
    assert (d.parse_period("2026-11").start.isoformat(), d.parse_period("2026-11").key) == (
        "2026-10-15",
        "2026-11",
    )
    assert d.parse_period("2026-w45").key == "2026-W45"
    assert d.parse_period("2026-Q4").kind is PeriodKind.QUARTER
    assert d.parse_period("2026-H2").kind is PeriodKind.HALF
    assert d.parse_period("2026").kind is PeriodKind.YEAR
    from tthc_desk.domain.errors import ValidationError

    for bad in ("2026-13", "tháng 11", "26-11", ""):
        with pytest.raises(ValidationError):
            d.parse_period(bad)


def test_the_dashboard_of_the_running_month_computes_it_once(
    services: Services, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.facts.ensure()
    march = services.dashboard.period(PeriodKind.MONTH, "2026-03")
    calls: list[tuple[str, bool]] = []
    compute = services.reports.compute

    def counted(p: Period, dossiers: bool = True) -> Report:
        calls.append((p.key, dossiers))
        return compute(p, dossiers=dossiers)

    monkeypatch.setattr(services.reports, "compute", counted)
    f = services.dashboard.figures(march)
    assert calls[0] == ("2026-03", True)  # its breakdowns list the dossiers
    # The previous month's tiles need its figures, not its list; the trend computes no report.
    assert calls == [("2026-03", True), ("2026-02", False)]
    t = f.trend[-1].figures
    assert (t.early, t.on_time, t.late) == (f.figures.early, f.figures.on_time, f.figures.late)
    assert f.previous is not None and f.previous.key == "2026-02"
