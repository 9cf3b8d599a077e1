"""What needs attention: dossiers due today, due soon (the warning window) and overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from tthc_desk.db.engine import Database
from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.dossiers import ROW_COLUMNS
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.settings_service import SettingsService

WINDOW_KEY = "due_soon_working_days"
DEFAULT_WINDOW = 2  # rules.md: warning window of 2 working days

# Waiting for a supplement stops the clock: such dossiers are never due or overdue.
RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)


class DeadlineView(StrEnum):
    TODAY = "today"
    SOON = "soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"today": "Đến hạn hôm nay", "soon": "Sắp đến hạn", "overdue": "Quá hạn"}[self.value]


@dataclass(frozen=True)
class DeadlineCounts:
    due_today: int
    due_soon: int
    overdue: int
    to_close: int = 0  # supplement requests unanswered past the limit

    @property
    def total(self) -> int:
        return self.due_today + self.due_soon + self.overdue


class DeadlineService:
    def __init__(
        self,
        db: Database,
        dossiers: DossierService,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._dossiers = dossiers
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    def window(self) -> int:
        return int(self._settings.get_value(WINDOW_KEY, DEFAULT_WINDOW))

    def _bounds(self, view: DeadlineView, now: datetime) -> tuple[datetime | None, datetime | None]:
        """[low, high) of due_at for a view."""
        start_tomorrow = datetime.combine(now.date() + timedelta(days=1), time.min)
        if view == DeadlineView.OVERDUE:
            return None, now
        if view == DeadlineView.TODAY:
            return now, start_tomorrow
        last = self._calendar.calendar().nth_working_day_after(now.date(), self.window())
        return start_tomorrow, datetime.combine(last + timedelta(days=1), time.min)

    def thresholds(self) -> tuple[datetime, datetime, datetime]:
        """(now, start of tomorrow, end of the warning window): a running dossier due before
        ``now`` is overdue, before tomorrow due today, before the window's end due soon."""
        now = self._clock.now()
        _, soon_end = self._bounds(DeadlineView.SOON, now)
        assert soon_end is not None
        return now, datetime.combine(now.date() + timedelta(days=1), time.min), soon_end

    def _where(self, view: DeadlineView, now: datetime) -> list:  # type: ignore[type-arg]
        low, high = self._bounds(view, now)
        conds = [DossierRecord.status.in_(RUNNING)]
        if low is not None:
            conds.append(DossierRecord.due_at >= low)
        if high is not None:
            conds.append(DossierRecord.due_at < high)
        return conds

    def _to_close(self, now: datetime) -> list:  # type: ignore[type-arg]
        """Supplement requests unanswered past the limit (setting, 15 days): propose closing."""
        close_limit = now - timedelta(
            days=int(self._settings.get_value("supplement_close_after_days", 15))
        )
        return [
            DossierRecord.status == Status.SUPPLEMENT.value,
            DossierRecord.supplement_requested_at <= close_limit,
        ]

    def counts(self) -> DeadlineCounts:
        now = self._clock.now()
        with self._db.session() as s:
            n = {
                v: int(
                    s.scalar(
                        select(func.count()).select_from(DossierRecord).where(*self._where(v, now))
                    )
                    or 0
                )
                for v in DeadlineView
            }
            to_close = s.scalar(
                select(func.count()).select_from(DossierRecord).where(*self._to_close(now))
            )
        return DeadlineCounts(
            n[DeadlineView.TODAY], n[DeadlineView.SOON], n[DeadlineView.OVERDUE], int(to_close or 0)
        )

    def to_close_rows(self, limit: int = 500) -> list[DossierRow]:
        stmt = (
            select(*ROW_COLUMNS)
            .where(*self._to_close(self._clock.now()))
            .order_by(DossierRecord.supplement_requested_at)
            .limit(limit)
        )
        with self._db.session() as s:
            return [DossierRow(*row[:-1], Status(row[-1])) for row in s.execute(stmt)]

    def rows(self, view: DeadlineView, limit: int = 500) -> list[DossierRow]:
        now = self._clock.now()
        stmt = (
            select(*ROW_COLUMNS)
            .where(*self._where(view, now))
            .order_by(DossierRecord.due_at)
            .limit(limit)
        )
        with self._db.session() as s:
            return [DossierRow(*row[:-1], Status(row[-1])) for row in s.execute(stmt)]

    def summary_text(self) -> str:
        """The short start-up line: what needs attention today."""
        c = self.counts()
        parts = [
            f"{c.overdue} hồ sơ quá hạn",
            f"{c.due_today} hồ sơ đến hạn hôm nay",
            f"{c.due_soon} hồ sơ sắp đến hạn",
        ]
        if c.to_close:
            parts.append(f"{c.to_close} hồ sơ chờ bổ sung quá hạn, đề nghị đóng")
        return "Cần chú ý: " + ", ".join(parts) + "."
