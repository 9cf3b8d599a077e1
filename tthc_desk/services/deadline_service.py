"""What needs attention: dossiers due today, due soon (the warning window) and overdue; supplement
requests unanswered too long; and the dossiers received lately with no scan (issue 15).

*Received without a scan* lists the dossiers first received in the last
:data:`UNSCANNED_DAYS` days (calendar days, up to now), not withdrawn nor closed, with no scan
attached at all — neither a paper nor the result — so the clerk can scan their papers while
they are still at the office. Settled dossiers stay on it (their result can be scanned too);
older ones leave it: their papers have moved on, and the period's figures count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from tthc_desk.db.engine import Database
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.deadlines import (
    DeadlineView,
    DueWindow,
    overdue_window,
    soon_window,
    today_window,
)
from tthc_desk.domain.dossier import DossierRow
from tthc_desk.domain.lifecycle import SUPPLEMENT_CLOSE_AFTER
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.lifecycle_service import CLOSE_AFTER_DAYS_KEY
from tthc_desk.services.settings_service import SettingsService

WINDOW_KEY = "due_soon_working_days"
DEFAULT_WINDOW = 2  # rules.md: warning window of 2 working days
UNSCANNED_DAYS = 30  # received without a scan: the last 30 days

# Importable from here as before (the UI and the CLI pick a view by it).
__all__ = ["DeadlineCounts", "DeadlineService", "DeadlineView"]


@dataclass(frozen=True)
class DeadlineCounts:
    due_today: int
    due_soon: int
    overdue: int
    to_close: int = 0  # supplement requests unanswered past the limit
    unscanned: int = 0  # received in the last UNSCANNED_DAYS days with no scan

    @property
    def total(self) -> int:
        return self.due_today + self.due_soon + self.overdue


class DeadlineService:
    def __init__(
        self,
        db: Database,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    def window(self) -> int:
        return int(self._settings.get_value(WINDOW_KEY, DEFAULT_WINDOW))

    def _window(self, view: DeadlineView, now: datetime) -> DueWindow:
        """The due moments of a view's running dossiers."""
        if view == DeadlineView.OVERDUE:
            return overdue_window(now)
        if view == DeadlineView.TODAY:
            return today_window(now)
        return soon_window(now, self._calendar.calendar(), self.window())

    def thresholds(self) -> tuple[datetime, datetime, datetime]:
        """(now, start of tomorrow, end of the warning window): a running dossier due before
        ``now`` is overdue, before tomorrow due today, before the window's end due soon."""
        now = self._clock.now()
        soon = self._window(DeadlineView.SOON, now)
        assert soon.low is not None and soon.high is not None
        return now, soon.low, soon.high

    def _close_limit(self, now: datetime) -> datetime:
        """Supplement requests made at or before this moment went unanswered too long (setting,
        15 days): propose closing."""
        days = self._settings.get_value(CLOSE_AFTER_DAYS_KEY, SUPPLEMENT_CLOSE_AFTER.days)
        return now - timedelta(days=int(days))

    def counts(self) -> DeadlineCounts:
        now = self._clock.now()
        windows = {v: self._window(v, now) for v in DeadlineView}
        close_limit = self._close_limit(now)
        since = self.unscanned_since(now)
        with self._db.read() as uow:
            n = {v: uow.dossiers.count_running_due(w) for v, w in windows.items()}
            to_close = uow.dossiers.count_waiting_supplement(close_limit)
            unscanned = uow.attachments.count_unscanned_since(since)
        return DeadlineCounts(
            n[DeadlineView.TODAY],
            n[DeadlineView.SOON],
            n[DeadlineView.OVERDUE],
            to_close,
            unscanned,
        )

    @staticmethod
    def unscanned_since(now: datetime) -> datetime:
        """The first moment of the *received without a scan* view (the module says why)."""
        return datetime.combine((now - timedelta(days=UNSCANNED_DAYS)).date(), time.min)

    def unscanned_rows(self, limit: int = 500) -> list[DossierRow]:
        """The dossiers received lately with no scan, the latest received first."""
        since = self.unscanned_since(self._clock.now())
        with self._db.read() as uow:
            return uow.attachments.unscanned_rows_since(since, limit)

    def to_close_rows(self, limit: int = 500) -> list[DossierRow]:
        close_limit = self._close_limit(self._clock.now())
        with self._db.read() as uow:
            return uow.dossiers.waiting_supplement_rows(close_limit, limit)

    def rows(self, view: DeadlineView, limit: int = 500) -> list[DossierRow]:
        window = self._window(view, self._clock.now())
        with self._db.read() as uow:
            return uow.dossiers.running_due_rows(window, limit)

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
