"""Is the database file sound? Checked early, so a damaged file is caught before more is written
into it.

- At start-up: the header and the schema (milliseconds), then ``PRAGMA quick_check`` bounded in
  time (the whole check of a large ward's file takes minutes; the bound keeps the counter
  waiting for nothing — the GUI runs it off the GUI thread).
- Daily, in the background: the full ``PRAGMA integrity_check``.

A failed check stops every write (``Database.stop_writes``): the next save raises
``DatabaseDamagedError`` with the explanation and the way out, which is restoring the last
verified backup. Reading goes on, so the clerk can still look things up and print.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from tthc_desk.db.engine import Database
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import DAMAGED_PAGES, DAMAGED_TEXT

log = logging.getLogger(__name__)

#: The start-up quick check stops after this long (it goes on, complete, in the daily check).
START_CHECK_SECONDS = 2.0
LAST_FULL_CHECK_KEY = "database_last_full_check"


@dataclass(frozen=True)
class HealthReport:
    full: bool
    at: datetime
    ok: bool
    complete: bool
    seconds: float
    details: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.ok:
            return DAMAGED_TEXT.format(what=_what(self.details))
        scope = "toàn bộ" if self.full else "nhanh"
        done = "" if self.complete else " (phần đầu, trong giới hạn thời gian)"
        took = f"{self.seconds:.1f}"
        return f"Tệp cơ sở dữ liệu không có lỗi: đã kiểm tra {scope}{done} trong {took} giây."


def _what(details: list[str]) -> str:
    text = " ".join(details).lower()
    if "missing tables" in text:
        return "thiếu bảng dữ liệu"
    if "not a whole number of pages" in text or "page size" in text:
        return "tệp bị cắt cụt hoặc phần đầu tệp bị ghi đè"
    if "not a database" in text or "malformed" in text or "hmac" in text:
        return DAMAGED_PAGES
    return "kiểm tra toàn vẹn của SQLite báo lỗi"


class HealthService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.last: HealthReport | None = None

    @property
    def damaged(self) -> str | None:
        """The explanation, once a check found the file damaged (writes are stopped)."""
        return self._db.writes_stopped

    def check(
        self,
        *,
        full: bool,
        max_seconds: float | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> HealthReport:
        """Check the file; a failure stops writes. Safe to call from a worker thread; ``stop``
        ends it early (closing the window), as an incomplete check that found nothing."""
        result = self._db.check_file(full=full, max_seconds=max_seconds, stop=stop)
        report = HealthReport(
            full, self._clock.now(), result.ok, result.complete, result.seconds, result.messages
        )
        self.last = report
        if not report.ok:
            log.error("Database check failed: %s", "; ".join(result.messages[:10]))
            self._db.stop_writes(report.summary())
        elif full and report.complete:
            self._record_full_check(report.at)
        return report

    def start_check(self, max_seconds: float = START_CHECK_SECONDS) -> HealthReport:
        return self.check(full=False, max_seconds=max_seconds)

    def full_check_due(self, today: date | None = None) -> bool:
        last = self.last_full_check()
        return last is None or last.date() < (today or self._clock.now().date())

    def last_full_check(self) -> datetime | None:
        with self._db.read() as uow:
            value = uow.settings.get(LAST_FULL_CHECK_KEY)
        try:
            return datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    def _record_full_check(self, at: datetime) -> None:
        with self._db.write(action="kiểm tra toàn vẹn tệp cơ sở dữ liệu") as uow:
            uow.settings.put(LAST_FULL_CHECK_KEY, at.isoformat(timespec="seconds"))
