"""The head of office's dashboard (Tổng quan) and its monthly briefing.

A period's figures come from its Biểu 06a report (``ReportService.compute``: as of the period's
end, the same numbers whenever rebuilt); :mod:`tthc_desk.domain.dashboard` turns them into tiles,
breakdowns and the Bộ chỉ số 766. Two reads are the dashboard's own (``uow.dashboard``): the
running dossiers due in the next working days, and the clock times of the dossiers settled in
the period (766 indicator 2.2). The indicators 4.1–4.3 come from the period's digitisation
(``ReportService.digitisation``: the dossiers received in it, their scans by its end).

The 12-month trend is summed from the report facts' day counts (``daily_facts``: settled early,
on time and late per day and field, kept as history is written and classed with the office's
granularity): one indexed read of a year's days, not twelve reports, and a correction to an old
dossier shows at once. Before the day counts are made (``FactsService.ensure`` at start-up) each
month is computed as its report, without the dossier list.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.domain import periods
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dashboard import (
    AtRiskGroup,
    AverageTime,
    BreakdownKind,
    DashboardFigures,
    LateBy,
    PeriodFigures,
    TrendFigures,
    TrendPoint,
    at_risk_groups,
    at_risk_window,
    average_times,
    breakdown,
    channel_mix,
    indicators,
    late_groups,
    period_figures,
    previous_period,
    satisfaction,
    tiles,
    trend_months,
    trend_points,
)
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.report import Report
from tthc_desk.domain.scans import DigitisationCounts
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.print_service import atomic_path
from tthc_desk.services.report_service import ReportService

AT_RISK_DAYS = 5  # what will be late: due within the next 5 working days
AT_RISK_LIMIT = 2000  # rows read at most (the page lists them by unit)


class DashboardService:
    def __init__(
        self,
        db: Database,
        reports: ReportService,
        calendar: CalendarService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._template_dir = template_dir
        self._db = db
        self._reports = reports
        self._calendar = calendar
        self._accounts = accounts
        self._clock = clock

    # -- periods ------------------------------------------------------------------------------
    def period(
        self,
        kind: PeriodKind,
        key: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Period:
        """A period as the reports page builds it; without a key, the one containing today (a
        week: the week containing today, not last week)."""
        if kind is PeriodKind.WEEK and not key and start is None:
            return periods.week_of(self._clock.now().date(), self._reports.week_start)
        return self._reports.period(kind, key, start, end)

    def parse_period(self, text: str) -> Period:
        """A period from its key: ``2026-11`` (month), ``2026-W45``, ``2026-Q4``, ``2026-H2`` or
        ``2026`` (year), with the office's cut-offs."""
        key = text.strip().upper()
        kind = _kind_of(key)
        if kind is None:
            raise ValidationError.for_field(
                "period",
                f"Kỳ “{text}” không đúng dạng: dùng tháng 2026-11, tuần 2026-W45, quý 2026-Q4, "
                "6 tháng 2026-H2 hoặc năm 2026.",
            )
        return self._reports.period(kind, key)

    def previous(self, period: Period) -> Period:
        """The period of the same kind before ``period`` (the tiles' changes compare with it)."""
        return previous_period(period, self._reports.cutoff, self._reports.week_start)

    # -- figures ------------------------------------------------------------------------------
    def figures(self, period: Period) -> DashboardFigures:
        """Everything the dashboard shows for ``period`` (head of office and administrator)."""
        self._accounts.require(Right.VIEW_DASHBOARD, "xem trang tổng quan")
        return self._figures(period)

    def trend(self, period: Period | None = None) -> tuple[TrendPoint, ...]:
        """The 12 reporting months ending with the one containing ``period``'s last day (or
        today, whichever is earlier), oldest first."""
        self._accounts.require(Right.VIEW_DASHBOARD, "xem trang tổng quan")
        return self._trend(period)

    def at_risk(self) -> tuple[AtRiskGroup, ...]:
        """What will be late: running dossiers due in the next working days, by unit."""
        self._accounts.require(Right.VIEW_DASHBOARD, "xem trang tổng quan")
        return self._at_risk()[0]

    def _figures(self, period: Period) -> DashboardFigures:
        now = self._clock.now().replace(second=0, microsecond=0)
        report = self._reports.compute(period)
        figures = period_figures(report)
        before = self.previous(period)
        previous = self._period_figures(before) if before.as_of <= now else None
        groups, until = self._at_risk()
        dossiers = report.dossiers
        return DashboardFigures(
            period=period,
            previous=before,
            as_of=report.as_of,
            generated_at=report.generated_at,
            office=report.office,
            figures=figures,
            tiles=tiles(figures, previous, self._reports.targets(period.end.year)),
            trend=self._trend(period),
            by_field=breakdown(dossiers, BreakdownKind.FIELD),
            by_unit=breakdown(dossiers, BreakdownKind.HANDLING_UNIT),
            by_clerk=breakdown(dossiers, BreakdownKind.CLERK),
            late_by_unit=late_groups(dossiers, LateBy.RESPONSIBLE_UNIT),
            late_by_reason=late_groups(dossiers, LateBy.REASON),
            satisfaction=satisfaction(figures),
            channels=channel_mix(figures),
            at_risk=groups,
            at_risk_until=until,
            indicators=indicators(figures, self._average_times(report), self._digitisation(period)),
        )

    def _digitisation(self, period: Period) -> DigitisationCounts | None:
        """The period's digitisation for the 766 indicators 4.x; None while the office has no
        scan at all (they are then not computable from its data)."""
        figures = self._reports.digitisation(period)
        return figures.counts if figures.office_has_scans else None

    def _average_times(self, report: Report) -> tuple[AverageTime, ...]:
        calendar = self._calendar.calendar()
        with self._db.read() as uow:
            clocks = uow.dashboard.settled_clocks(report.period.starts_at, report.as_of)
            return average_times(clocks, calendar)

    def _at_risk(self) -> tuple[tuple[AtRiskGroup, ...], datetime]:
        now = self._clock.now().replace(second=0, microsecond=0)
        urgent, until = at_risk_window(now, self._calendar.calendar(), AT_RISK_DAYS)
        with self._db.read() as uow:
            rows = uow.dashboard.due_between(now, until, AT_RISK_LIMIT)
        return at_risk_groups(rows, urgent), until

    # -- the trend, from the day counts -------------------------------------------------------
    def _trend(self, period: Period | None) -> tuple[TrendPoint, ...]:
        now = self._clock.now().replace(second=0, microsecond=0)
        last = now.date() if period is None else min(period.end, now.date())
        months = trend_months(last, self._reports.cutoff)
        with self._db.read() as uow:
            made = uow.facts.totals_made()
            days = uow.facts.day_totals(months[0].start, months[-1].end) if made else []
        if made:
            return trend_points(months, ((d.day, d.counts) for d in days), now)
        return tuple(self._computed_point(m, now) for m in months)

    def _computed_point(self, month: Period, now: datetime) -> TrendPoint:
        """A month of the trend from its report (the day counts not made yet)."""
        t = self._reports.compute(month, dossiers=False).total
        return TrendPoint(month, TrendFigures(t.early, t.on_time, t.late), month.as_of <= now)

    def _period_figures(self, period: Period) -> PeriodFigures:
        """The tiles' previous period: its figures, not its dossier list."""
        return period_figures(self._reports.compute(period, dossiers=False))

    # -- the monthly briefing -----------------------------------------------------------------
    def brief_pdf(self, period: Period) -> bytes:
        """The one- or two-page A4 briefing of ``period`` (PDF bytes)."""
        from tthc_desk.printing.brief import brief_pdf

        self._accounts.require(Right.BUILD_REPORT, "lập báo cáo tóm tắt")
        return brief_pdf(self._figures(period), self._template_dir)

    def write_brief(self, period: Period, path: Path | str) -> DashboardFigures:
        """Write the briefing to ``path`` (whole or not at all); returns its figures."""
        from tthc_desk.printing.brief import brief_pdf

        self._accounts.require(Right.BUILD_REPORT, "lập báo cáo tóm tắt")
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            raise ValidationError.for_field("path", "Báo cáo tóm tắt được xuất ra tệp PDF .pdf.")
        figures = self._figures(period)
        data = brief_pdf(figures, self._template_dir)
        with atomic_path(target) as tmp:
            Path(tmp).write_bytes(data)
        return figures


_KEY_PATTERNS = (
    (re.compile(r"^\d{4}-?W\d{1,2}$"), PeriodKind.WEEK),
    (re.compile(r"^\d{4}-Q\d$"), PeriodKind.QUARTER),
    (re.compile(r"^\d{4}-H\d$"), PeriodKind.HALF),
    (re.compile(r"^\d{4}-\d{1,2}$"), PeriodKind.MONTH),
    (re.compile(r"^\d{4}$"), PeriodKind.YEAR),
)


def _kind_of(key: str) -> PeriodKind | None:
    """The kind of period a key names by its form (``2026-11`` a month …), or None."""
    return next((kind for pattern, kind in _KEY_PATTERNS if pattern.match(key)), None)
