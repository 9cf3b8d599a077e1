"""The registers the office prints or exports for any period: the tracking ledger (SỔ THEO DÕI
HỒ SƠ, Mẫu 07) and the list of late dossiers (explanation list to the head of office, monthly
public list).

The report store reads each in one statement however big the database; the rows are judged in
:mod:`tthc_desk.domain.registers` as of the end of the period (or now, when it is not over).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import chain
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.progress import Cancel, Progress, Watch
from tthc_desk.domain.registers import (
    LateRow,
    LedgerRow,
    check_range,
    day_start,
    late_row,
    late_rows,
    ledger_row,
    period_end,
)
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.print_service import write
from tthc_desk.services.settings_service import SettingsService

SUFFIX_ERROR = "Chỉ xuất được tệp .xlsx hoặc .pdf."


def _suffix(path: Path | str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError.for_field("path", SUFFIX_ERROR)
    return suffix


class RegistersService:
    def __init__(
        self,
        db: Database,
        lifecycle: LifecycleService,
        settings: SettingsService,
        calendar: CalendarService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._lifecycle = lifecycle
        self._settings = settings
        self._calendar = calendar
        self._clock = clock
        self._template_dir = template_dir

    # -- the tracking ledger ------------------------------------------------------------------
    def ledger_rows(self, date_from: date, date_to: date) -> list[LedgerRow]:
        """Dossiers first received in the period, in ledger order (book, number)."""
        check_range(date_from, date_to)
        as_of = period_end(date_to, self._clock.now())
        granularity: Granularity = self._lifecycle.granularity()
        with self._db.read() as uow:
            sources = uow.reports.ledger_sources(
                day_start(date_from), day_start(date_to + timedelta(days=1))
            )
        return [ledger_row(s, as_of, granularity) for s in sources]

    # -- late dossiers ------------------------------------------------------------------------
    def late_rows(self, date_from: date, date_to: date) -> list[LateRow]:
        """Dossiers settled late in the period, then those still overdue at its end."""
        check_range(date_from, date_to)
        as_of = period_end(date_to, self._clock.now())
        granularity: Granularity = self._lifecycle.granularity()
        with self._db.read() as uow:
            sources = uow.reports.late_sources(day_start(date_from), as_of, granularity)
        return late_rows(sources, as_of, self._calendar.calendar())

    # -- files --------------------------------------------------------------------------------
    def ledger_pdf(
        self,
        date_from: date,
        date_to: date,
        progress: Progress | None = None,
        cancelled: Cancel | None = None,
    ) -> bytes:
        """The ledger as PDF bytes, for a preview before printing or saving; ``progress``
        hears (rows laid out, rows in all) page by page, ``cancelled()`` true stops it. The
        rows stream from the database twice (the column widths, then the pages): a few pages'
        rows are held at a time, and the PDF being made."""
        return self._ledger_pdf(date_from, date_to, progress, cancelled)[0]

    def _ledger_pdf(
        self,
        date_from: date,
        date_to: date,
        progress: Progress | None = None,
        cancelled: Cancel | None = None,
    ) -> tuple[bytes, int]:
        """The ledger's PDF bytes and how many dossiers it lists."""
        from tthc_desk.printing.ledger import render_ledger

        check_range(date_from, date_to)
        as_of = period_end(date_to, self._clock.now())
        granularity: Granularity = self._lifecycle.granularity()
        start, end = day_start(date_from), day_start(date_to + timedelta(days=1))
        office = self._settings.office()
        with self._db.read() as uow:
            total = uow.reports.ledger_count(start, end, exact=True)

            def rows() -> Iterator[LedgerRow]:
                sources = chain.from_iterable(uow.reports.ledger_batches(start, end))
                watch = Watch(total, None, cancelled)
                return watch.rows(ledger_row(s, as_of, granularity) for s in sources)

            data = render_ledger(
                rows, office, date_from, date_to, self._template_dir, progress, total
            )
        Watch(total, None, cancelled).check()
        return data, total

    def late_list_pdf(self, date_from: date, date_to: date, public: bool = False) -> bytes:
        return self._late_list_pdf(self.late_rows(date_from, date_to), date_from, date_to, public)

    def _late_list_pdf(
        self, rows: list[LateRow], date_from: date, date_to: date, public: bool
    ) -> bytes:
        from tthc_desk.printing.late_list import render_late_list

        return render_late_list(
            rows,
            self._settings.office(),
            date_from,
            date_to,
            public=public,
            issued_on=self._clock.now().date(),
            template_dir=self._template_dir,
        )

    def write_ledger(
        self,
        date_from: date,
        date_to: date,
        path: Path | str,
        progress: Progress | None = None,
        cancelled: Cancel | None = None,
    ) -> int:
        """The ledger as .xlsx or .pdf (by the suffix); returns how many dossiers it lists.
        The rows stream from the database into the file; ``progress`` hears (rows done, rows in
        all: a count read first) as it is made, and ``cancelled()`` true stops it
        (:class:`CancelledError`) with nothing written."""
        if _suffix(path) == ".pdf":
            data, total = self._ledger_pdf(date_from, date_to, progress, cancelled)
            write(path, data)
            return total
        from tthc_desk.exporting.ledger_xlsx import write_ledger_xlsx

        check_range(date_from, date_to)
        as_of = period_end(date_to, self._clock.now())
        granularity: Granularity = self._lifecycle.granularity()
        start, end = day_start(date_from), day_start(date_to + timedelta(days=1))
        office = self._settings.office()
        with self._db.read() as uow:
            watch = Watch(uow.reports.ledger_count(start, end), progress, cancelled)
            sources = chain.from_iterable(uow.reports.ledger_batches(start, end))
            rows = watch.rows(ledger_row(s, as_of, granularity) for s in sources)
            write_ledger_xlsx(
                rows, office, date_from, date_to, path, self._template_dir, total=watch.total
            )
        watch.finish()
        return watch.done

    def write_late_list(
        self,
        date_from: date,
        date_to: date,
        path: Path | str,
        public: bool = False,
        progress: Progress | None = None,
        cancelled: Cancel | None = None,
    ) -> int:
        """The explanation list (or, with ``public``, the public list) as .xlsx or .pdf. The
        Excel rows stream from the database into the file; ``progress`` hears (rows done, 0:
        how many there are is known only at the end), ``cancelled()`` true stops it."""
        suffix = _suffix(path)
        if suffix == ".pdf":
            late = self.late_rows(date_from, date_to)
            write(path, self._late_list_pdf(late, date_from, date_to, public))
            return len(late)
        from tthc_desk.exporting.late_list_xlsx import write_late_list_xlsx

        check_range(date_from, date_to)
        as_of = period_end(date_to, self._clock.now())
        granularity: Granularity = self._lifecycle.granularity()
        calendar, office = self._calendar.calendar(), self._settings.office()
        watch = Watch(0, progress, cancelled)
        with self._db.read() as uow:
            parts = uow.reports.late_batches(day_start(date_from), as_of, granularity)
            rows = watch.rows(late_row(s, as_of, calendar) for s in chain.from_iterable(parts))
            write_late_list_xlsx(rows, office, date_from, date_to, path, public, self._template_dir)
        watch.finish()
        return watch.done
