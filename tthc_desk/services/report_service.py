"""Reports upward: the Biểu 06a figures of any period, computed from the office's own records.

The report store reads the period's dossiers (received in it, or received before and not
settled at its start), the histories of those pending at its end, the first letters of the late
ones and the postal items handed over in it; :mod:`tthc_desk.domain.report_build` replays them
into the report (see there for why rebuilding a past period gives the same figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tthc_desk import __version__
from tthc_desk.db.engine import Database
from tthc_desk.domain import periods
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.periods import Period, PeriodKind, report_file_name
from tthc_desk.domain.report import Report, Targets
from tthc_desk.domain.report_build import (
    ReportFrame,
    build_report,
    counted,
    late_ids,
    pending_ids,
    replay,
    share_days,
)
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.postal_service import PostalService
from tthc_desk.services.print_service import atomic_path
from tthc_desk.services.settings_service import SettingsService

if TYPE_CHECKING:
    from tthc_desk.domain.outbox import OutboxItem
    from tthc_desk.exporting.report_reader import RollUp
    from tthc_desk.services.outbox_service import OutboxService

CALENDAR_MONTHS_KEY = "report_calendar_months"  # True: months without the 15th cut-off
WEEK_START_KEY = "report_week_start"  # 0 Monday … 6 Sunday
WEEKDAY_KEY = "report_weekday"  # the weekday (0 Monday …) from which last week's report is built
BUILT_KEY = "weekly_reports_built"  # {period key: {"file": name, "at": iso, "checksum": …}}
TARGETS_KEY = "plan_targets"  # {"2026": {"on_time": 0.95, ...}}
RECEIVING_UNIT_KEY = "report_receiving_unit"
DEFAULT_RECEIVING_UNIT = "Văn phòng Ủy ban nhân dân tỉnh"
PROVINCE_RECEIVER_KEY = "report_province_receiving_unit"
DEFAULT_PROVINCE_RECEIVER = "Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)"


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        catalog: CatalogService,
        lifecycle: LifecycleService,
        postal: PostalService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._postal = postal
        self._settings = settings
        self._catalog = catalog
        self._lifecycle = lifecycle
        self._clock = clock
        self._template_dir = template_dir

    # -- periods ------------------------------------------------------------------------------
    @property
    def cutoff(self) -> bool:
        return not self._settings.get_value(CALENDAR_MONTHS_KEY, False)

    @property
    def week_start(self) -> int:
        return int(self._settings.get_value(WEEK_START_KEY, 0))

    def week(self, key: str | None = None) -> Period:
        """The week ``2026-W09``; without a key, the last week that has ended."""
        if key:
            return periods.parse_week(key, self.week_start)
        return periods.last_week(self._clock.now().date(), self.week_start)

    def period(
        self,
        kind: PeriodKind,
        key: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Period:
        """A period by its key (``2026-Q1``), its range (custom), or the one containing today."""
        if kind is PeriodKind.CUSTOM:
            if start is None or end is None:
                raise ValidationError.for_field(
                    "period", "Khoảng thời gian tùy chọn cần ngày đầu và ngày cuối."
                )
            return periods.custom(start, end)
        if kind is PeriodKind.WEEK:
            return self.week(key)
        if key:
            return periods.parse_key(kind, key, self.cutoff)
        return periods.containing(kind, self._clock.now().date(), self.cutoff)

    @property
    def weekday(self) -> int:
        return int(self._settings.get_value(WEEKDAY_KEY, 0))

    def scheduled_week(self) -> Period | None:
        """Last week, when its report is due (from the set weekday on) and not built yet."""
        today = self._clock.now().date()
        period = periods.last_week(today, self.week_start)
        days_after = (today - period.end).days  # 1 on the first day of the new week
        if days_after - 1 < self.weekday or period.key in self.built_weeks():
            return None
        return period

    def built_weeks(self) -> dict[str, dict[str, str]]:
        return dict(self._settings.get_value(BUILT_KEY, {}) or {})

    def build_scheduled(self, folder: Path) -> tuple[Report, Path] | None:
        """Build last week's workbook into ``folder`` if it is due; returns it and its path."""
        period = self.scheduled_week()
        if period is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        office = self._settings.office()
        path = folder / report_file_name(office.agency_id, period.key, weekly=True)
        report = self.write_weekly(period, path)
        built = self.built_weeks()
        built[period.key] = {
            "file": path.name,
            "at": report.generated_at.isoformat(sep=" "),
            "checksum": report.checksum,
        }
        self._settings.set_value(BUILT_KEY, built)
        return report, path

    def targets(self, year: int) -> Targets:
        all_years = self._settings.get_value(TARGETS_KEY, {}) or {}
        return Targets.from_dict(all_years.get(str(year), {}))

    def set_targets(self, year: int, targets: Targets) -> None:
        self._accounts.require(Right.OFFICE, "đặt chỉ tiêu kế hoạch")
        all_years = dict(self._settings.get_value(TARGETS_KEY, {}) or {})
        all_years[str(year)] = {
            "on_time": targets.on_time,
            "early": targets.early,
            "apologised": targets.apologised,
            "satisfied": targets.satisfied,
        }
        self._settings.set_value(TARGETS_KEY, all_years)

    # -- figures ------------------------------------------------------------------------------
    def compute(self, period: Period) -> Report:
        """The figures as of the period's end, or as of now for a period still running."""
        now = self._clock.now().replace(second=0, microsecond=0)
        start, as_of = period.starts_at, min(period.as_of, now)
        granularity: Granularity = self._lifecycle.granularity()
        with self._db.read() as uow:
            rows = counted(uow.reports.period_dossiers(start, as_of), start)
            histories = uow.reports.histories(pending_ids(rows, as_of), as_of)
            dossiers = replay(rows, histories, start, as_of, granularity)
            del rows, histories  # a year's raw rows: not kept while the rest is read
            letters = uow.reports.first_letters(late_ids(dossiers), as_of)
            postal_items = uow.postal.handed_over_between(start, as_of)
        return build_report(self._frame(period, as_of, now), dossiers, letters, postal_items)

    def _frame(self, period: Period, as_of: datetime, now: datetime) -> ReportFrame:
        procedures = self._catalog.list(active_only=True)
        return ReportFrame(
            period=period,
            as_of=as_of,
            office=self._settings.office(),
            receiving_unit=self._settings.get_value(RECEIVING_UNIT_KEY, DEFAULT_RECEIVING_UNIT),
            generated_at=now,
            app_version=__version__,
            targets=self.targets(period.end.year),
            shares=self._postal.postal_shares(*share_days(period, as_of)),
            procedures_postal=sum(p.postal_return for p in procedures),
            procedures_total=len(procedures),
        )

    # -- files --------------------------------------------------------------------------------
    def write_weekly(self, period: Period, path: Path | str) -> Report:
        """The weekly workbook: Tổng hợp, Chi tiết, Quá hạn, Bưu chính, Chỉ tiêu, Thông tin."""
        self._accounts.require(Right.BUILD_REPORT, "lập báo cáo")
        return self._write(period, Path(path), full=True)

    def write_period(self, period: Period, path: Path | str) -> Report:
        """The periodic 06a report alone (with its Thông tin sheet for the province's roll-up)."""
        self._accounts.require(Right.BUILD_REPORT, "lập báo cáo")
        return self._write(period, Path(path), full=False)

    def _write(self, period: Period, path: Path, full: bool) -> Report:
        from tthc_desk.exporting.report_xlsx import write_report_workbook

        if path.suffix.lower() != ".xlsx":
            raise ValidationError.for_field("path", "Báo cáo được xuất ra tệp Excel .xlsx.")
        report = self.compute(period)
        with atomic_path(path) as tmp:
            write_report_workbook(report, tmp, full=full, template_dir=self._template_dir)
        return report

    def aggregate(
        self, files: Sequence[Path], path: Path | str, period_key: str | None = None
    ) -> RollUp:
        """The province's roll-up of commune workbooks (checked one by one) into ``path``."""
        from tthc_desk.exporting.report_reader import roll_up, write_roll_up

        if Path(path).suffix.lower() != ".xlsx":
            raise ValidationError.for_field("path", "Bảng tổng hợp được xuất ra tệp Excel .xlsx.")
        result = roll_up(list(files), period_key)
        if result.included:
            office = self._settings.office()
            with atomic_path(path) as tmp:
                write_roll_up(
                    result,
                    tmp,
                    province=f"UBND {office.province.upper()}",
                    receiving_unit=self._settings.get_value(
                        PROVINCE_RECEIVER_KEY, DEFAULT_PROVINCE_RECEIVER
                    ),
                    place=office.province.removeprefix("Tỉnh ").removeprefix("Thành phố "),
                    day=self._clock.now().date(),
                )
        return result

    def queue(
        self, outbox: OutboxService, report: Report, path: Path, full: bool = True
    ) -> OutboxItem:
        """Put a built workbook in the upload queue. Rebuilt with the same content (only the
        build time differs), it is the item already queued; after a correction it is a new
        version that names the one it replaces."""
        self._accounts.require(Right.QUEUE_REPORT, "đưa báo cáo vào hàng chờ gửi")
        from tthc_desk.exporting.report_reader import info_of
        from tthc_desk.exporting.report_xlsx import content_checksum

        kind = "weekly" if full else "period"
        office_id = report.office.agency_id
        same = [
            x
            for x in outbox.items()
            if (x.office_id, x.kind, x.period_key) == (office_id, kind, report.period.key)
        ]
        if same:
            latest = max(same, key=lambda x: x.version)
            if info_of(outbox.content(latest.id)).get("content_checksum") == content_checksum(
                report
            ):
                return latest
        return outbox.enqueue(path, kind=kind, period_key=report.period.key, office_id=office_id)

    def run_schedule(self, outbox: OutboxService, folder: Path) -> OutboxItem | None:
        """Build and queue last week's report when it is due (start-up, and hourly)."""
        built = self.build_scheduled(folder)
        if built is None:
            return None
        report, path = built
        return self.queue(outbox, report, path)
