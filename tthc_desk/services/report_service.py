"""Reports upward: the Biểu 06a figures of any period, computed from the office's own records.

Figures are as of the period's end and come from the time-stamped history, so rebuilding a past
period after later events (a result, a supplement restarting the clock, a re-appointment) gives
the same numbers: a dossier's settlement moment never changes, and for a dossier still pending
at the end its status and appointment at that moment are replayed from its events
(:func:`tthc_desk.domain.report.state_at`).

One query reads the dossiers of the period (received in it, or received before and not settled
at its start); the events are read only for those pending at the end, and the letters only for
the late ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import case, func, or_, select

from tthc_desk import __version__
from tthc_desk.db.engine import Database
from tthc_desk.db.models import ApologyLetterRecord, DossierEventRecord, DossierRecord
from tthc_desk.domain import periods
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import SETTLED, DossierEvent, LetterStatus
from tthc_desk.domain.periods import Period, PeriodKind, report_file_name
from tthc_desk.domain.postal import PostalShares, postal_state_at
from tthc_desk.domain.report import (
    ENDED_WITHOUT_RESULT,
    ExtraFigures,
    Report,
    ReportDossier,
    Targets,
    content_checksum,
    evaluate,
    figures_checksum,
    pending_outcome,
    settled_outcome,
    state_at,
    summarise,
)
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
_CHUNK = 500


def _letter_text(number: int, year: int) -> str:
    return f"{number:02d}/{year}/PXL"


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        catalog: CatalogService,
        lifecycle: LifecycleService,
        postal: PostalService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
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
        granularity = self._lifecycle.granularity()
        d = DossierRecord
        intake = func.coalesce(d.intake_at, d.received_at)
        ended_at = case(
            (
                d.status.in_([s.value for s in ENDED_WITHOUT_RESULT]),
                select(func.max(DossierEventRecord.at))
                .where(
                    DossierEventRecord.dossier_id == d.id,
                    DossierEventRecord.kind.in_(["withdrawn", "closed"]),
                )
                .scalar_subquery(),
            ),
            else_=None,
        )
        stmt = (
            select(
                d.id,
                d.code,
                d.field,
                d.procedure_code,
                d.procedure_name,
                d.applicant_name,
                d.channel,
                d.return_method,
                intake,
                d.due_at,
                d.status,
                d.settled_at,
                ended_at,
                d.returned_at,
                d.rating,
                d.late_reason,
                d.responsible_unit,
            )
            .where(intake < as_of, or_(d.settled_at.is_(None), d.settled_at >= start))
            .order_by(d.id)
        )
        base: list[tuple] = []  # type: ignore[type-arg]
        pending_ids: list[int] = []
        with self._db.session() as s:
            for row in s.execute(stmt):
                (dossier_id, *_rest) = row
                status, settled_at, ended = Status(row[10]), row[11], row[12]
                if ended is not None and ended < start:
                    continue  # withdrawn or closed before the period
                done_at = settled_at if status in SETTLED else ended
                if done_at is None or done_at >= as_of:
                    pending_ids.append(dossier_id)
                base.append(tuple(row))
            history = self._events(s, pending_ids, as_of)
        dossiers: list[ReportDossier] = []
        late_ids: list[int] = []
        # A year holds ~200,000 dossiers of a few hundred procedures: share their strings.
        shared: dict[str, str] = {}
        one = lambda text: shared.setdefault(text, text)  # noqa: E731
        for (
            dossier_id,
            code,
            fld,
            proc_code,
            proc_name,
            name,
            channel,
            return_method,
            intake_at,
            due_at,
            status_v,
            settled_at,
            ended,
            returned_at,
            rating,
            reason,
            unit,
        ) in base:
            status = Status(status_v)
            done_at = settled_at if status in SETTLED else ended
            if done_at is not None and done_at < as_of:
                outcome = settled_outcome(status, done_at, due_at, granularity)
                status_at_end = status
                if status is Status.RETURNED and returned_at is not None and returned_at >= as_of:
                    status_at_end = Status.RESULT_READY
            else:
                done_at = None
                status_at_end, due_at = state_at(history.get(dossier_id, []), as_of, status, due_at)
                outcome = pending_outcome(status_at_end, due_at, as_of)
            returned_in = (
                returned_at if returned_at is not None and start <= returned_at < as_of else None
            )
            if outcome.late:
                late_ids.append(dossier_id)
            dossiers.append(
                ReportDossier(
                    code=code,
                    field=one(fld or "Khác"),
                    procedure_code=one(proc_code),
                    procedure_name=one(proc_name),
                    applicant_name=name,
                    channel=Channel(channel),
                    intake_at=intake_at,
                    due_at=due_at,
                    settled_at=done_at,
                    outcome=outcome,
                    carried_over=intake_at < start,
                    status_label=status_at_end.label,
                    late_reason=one(reason or ""),
                    responsible_unit=one(unit or ""),
                    postal_return=return_method == ReturnMethod.POSTAL.value,
                    returned_at=returned_in,
                    rating=(rating or "") if returned_in else "",
                )
            )
        ids = [r[0] for r in base]
        del base, history  # the raw rows are no longer needed
        letters = self._letters(late_ids, as_of)
        if letters:
            dossiers = [
                replace(x, letter_number=letters[i][0], letter_date=letters[i][1])
                if i in letters
                else x
                for i, x in zip(ids, dossiers, strict=True)
            ]
        rows, total = summarise(dossiers)
        last_day = (as_of - timedelta(minutes=1)).date()
        postal_items = tuple(
            replace(x, state=postal_state_at(x, as_of))
            for x in self._postal.items()
            if x.handed_over_at is not None and start <= x.handed_over_at < as_of
        )
        extra = self._extra(
            dossiers, self._postal.postal_shares(period.start, max(period.start, last_day))
        )
        office = self._settings.office()
        return Report(
            period=period,
            as_of=as_of,
            office=office,
            receiving_unit=self._settings.get_value(RECEIVING_UNIT_KEY, DEFAULT_RECEIVING_UNIT),
            generated_at=now,
            app_version=__version__,
            dossiers=tuple(dossiers),
            rows=tuple(rows),
            total=total,
            extra=extra,
            targets=tuple(evaluate(total, extra, self.targets(period.end.year))),
            postal_items=postal_items,
            checksum=figures_checksum(rows, total),
        )

    @staticmethod
    def _events(s, ids: Sequence[int], as_of: datetime) -> dict[int, list[DossierEvent]]:  # type: ignore[no-untyped-def]
        """The histories needed to replay a pending dossier at ``as_of``: only of those with an
        event at or after it (for the others, what the dossier says now is what it said then)."""
        e = DossierEventRecord
        history: dict[int, list[DossierEvent]] = defaultdict(list)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            changed = list(
                s.scalars(
                    select(e.dossier_id).where(e.dossier_id.in_(chunk), e.at >= as_of).distinct()
                )
            )
            if not changed:
                continue
            rows = s.execute(
                select(e.dossier_id, e.at, e.kind, e.data)
                .where(e.dossier_id.in_(changed))
                .order_by(e.dossier_id, e.at, e.id)
            )
            for dossier_id, at, kind, data in rows:
                try:
                    payload = json.loads(data or "{}")
                except ValueError:
                    payload = {}
                history[dossier_id].append(DossierEvent(at, kind, data=payload))
        return history

    def _letters(self, ids: Sequence[int], as_of: datetime) -> dict[int, tuple[str, datetime]]:
        """The first letter signed by ``as_of`` of each late dossier."""
        found: dict[int, tuple[str, datetime]] = {}
        with self._db.session() as s:
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                stmt = (
                    select(
                        ApologyLetterRecord.dossier_id,
                        ApologyLetterRecord.number,
                        ApologyLetterRecord.year,
                        ApologyLetterRecord.confirmed_at,
                    )
                    .where(
                        ApologyLetterRecord.dossier_id.in_(chunk),
                        ApologyLetterRecord.status != LetterStatus.DRAFT.value,
                        ApologyLetterRecord.confirmed_at < as_of,
                    )
                    .order_by(ApologyLetterRecord.confirmed_at, ApologyLetterRecord.id)
                )
                for dossier_id, number, year, confirmed_at in s.execute(stmt):
                    if dossier_id not in found and number is not None and year is not None:
                        found[dossier_id] = (_letter_text(number, year), confirmed_at)
        return found

    def _extra(self, dossiers: Sequence[ReportDossier], shares: PostalShares) -> ExtraFigures:
        late = [x for x in dossiers if x.outcome.late]
        ratings = [x.rating for x in dossiers if x.returned_at is not None and x.rating]
        procedures = self._catalog.list(active_only=True)
        return ExtraFigures(
            late_total=len(late),
            late_with_letter=sum(bool(x.letter_number) for x in late),
            received_total=shares.received_total,
            received_postal=shares.received_by_post,
            returned_postal=shares.returned_by_post,
            returned_total=shares.returned_total,
            rated=len(ratings),
            very_satisfied=ratings.count("very_satisfied"),
            satisfied=ratings.count("satisfied"),
            dissatisfied=ratings.count("dissatisfied"),
            procedures_postal=sum(p.postal_return for p in procedures),
            procedures_total=len(procedures),
        )

    # -- files --------------------------------------------------------------------------------
    def write_weekly(self, period: Period, path: Path | str) -> Report:
        """The weekly workbook: Tổng hợp, Chi tiết, Quá hạn, Bưu chính, Chỉ tiêu, Thông tin."""
        return self._write(period, Path(path), full=True)

    def write_period(self, period: Period, path: Path | str) -> Report:
        """The periodic 06a report alone (with its Thông tin sheet for the province's roll-up)."""
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
        from tthc_desk.exporting.report_reader import info_of

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
