"""The period reads behind Biểu 06a and the registers.

Each read is one statement (or one per chunk of ids) however big the database: the moment a
dossier ended, its first hand-off and its first signed letter come from correlated subqueries
that walk the ``(dossier_id, at)`` index of the events and the ``dossier_id`` index of the
letters, never one query per dossier. Rows come back as the domain's typed rows
(:class:`~tthc_desk.domain.report_build.ReportSource`, the registers' sources). The postal items
a report lists come from the postal store (``handed_over_between``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from tthc_desk.db.models import (
    ApologyLetterRecord,
    DossierEventRecord,
    DossierRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.db.stores.events import decode_data
from tthc_desk.domain.apology import FirstLetter
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.lifecycle import (
    ENDED_WITHOUT_RESULT,
    SETTLED,
    DossierEvent,
    Granularity,
    LetterStatus,
    Move,
)
from tthc_desk.domain.registers import LateSource, LedgerSource
from tthc_desk.domain.report_build import ReportSource

_CHUNK = 500  # ids per IN (…): well under SQLite's bound on parameters
#: Rows a streamed read hands over at a time.
STREAM_BATCH = 2000
# Enum members by value: a dict lookup is several times cheaper than ``Status(value)`` on the
# ~200,000 rows of a year.
_STATUS = {s.value: s for s in Status}
_CHANNEL = {c.value: c for c in Channel}
_SETTLED = tuple(s.value for s in SETTLED)
_RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)
_POSTAL = ReturnMethod.POSTAL.value

_d = DossierRecord
_intake = func.coalesce(_d.intake_at, _d.received_at)
# Withdrawn or stopped while waiting for a supplement: the request is still on the dossier (the
# supplement coming back clears it), and the clock was stopped (domain.report.settled_outcome).
_ended_waiting = and_(
    _d.status.in_([Status.WITHDRAWN.value, Status.STOPPED.value]),
    _d.supplement_requested_at.is_not(None),
)


def _ledger_period(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """First received in [start, end); received_at never comes before the first receipt, so
    its index narrows the scan."""
    return (_d.received_at >= start, _intake >= start, _intake < end)


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _first_letter(column: Any) -> Any:
    """The given column of the dossier's first signed letter (by signing moment)."""
    return (
        select(column)
        .where(
            ApologyLetterRecord.dossier_id == _d.id,
            ApologyLetterRecord.status != LetterStatus.DRAFT.value,
        )
        .order_by(ApologyLetterRecord.confirmed_at, ApologyLetterRecord.id)
        .limit(1)
        .scalar_subquery()
    )


def settled_late(granularity: Granularity) -> ColumnElement[bool]:
    """Settled after the due day (by day) or the due moment (by minute)."""
    if granularity is Granularity.DAY:
        return func.date(_d.settled_at) > func.date(_d.due_at)
    return _d.settled_at > _d.due_at


class ReportStore(Store):
    # -- Biểu 06a -------------------------------------------------------------------------------
    def period_dossiers(self, start: datetime, as_of: datetime) -> list[ReportSource]:
        """Dossiers received before ``as_of`` and not settled before ``start``, by id."""
        ended_at = case(
            (
                _d.status.in_([s.value for s in ENDED_WITHOUT_RESULT]),
                select(func.max(DossierEventRecord.at))
                .where(
                    DossierEventRecord.dossier_id == _d.id,
                    DossierEventRecord.kind.in_(["withdrawn", "closed"]),
                )
                .scalar_subquery(),
            ),
            else_=None,
        )
        stmt = (
            select(
                _d.id,
                _d.code,
                _d.field,
                _d.procedure_code,
                _d.procedure_name,
                _d.applicant_name,
                _d.channel,
                _d.return_method,
                _intake,
                _d.due_at,
                _d.status,
                _d.settled_at,
                ended_at,
                _d.returned_at,
                _d.rating,
                _d.late_reason,
                _d.responsible_unit,
                _ended_waiting,
                _d.handling_unit,
                _d.clerk_name,
            )
            .where(_intake < as_of, or_(_d.settled_at.is_(None), _d.settled_at >= start))
            .order_by(_d.id)
        )
        status, channel = _STATUS, _CHANNEL
        return [
            ReportSource(
                i,
                code,
                fld,
                proc_code,
                proc_name,
                name,
                channel[chan],
                ret == _POSTAL,
                intake,
                due,
                status[st],
                settled,
                ended,
                returned,
                rating,
                reason,
                unit,
                bool(waiting),
                handling,
                clerk,
            )
            for (
                i,
                code,
                fld,
                proc_code,
                proc_name,
                name,
                chan,
                ret,
                intake,
                due,
                st,
                settled,
                ended,
                returned,
                rating,
                reason,
                unit,
                waiting,
                handling,
                clerk,
            ) in self._s.execute(stmt)
        ]

    def histories(self, ids: Sequence[int], as_of: datetime) -> dict[int, list[DossierEvent]]:
        """The histories needed to replay the given dossiers at ``as_of``: only of those with an
        event at or after it (for the others, what the dossier says now is what it said then).
        Events carry their moment, kind and data, oldest first."""
        e = DossierEventRecord
        history: dict[int, list[DossierEvent]] = defaultdict(list)
        for chunk in _chunks(ids):
            changed = list(
                self._s.scalars(
                    select(e.dossier_id).where(e.dossier_id.in_(chunk), e.at >= as_of).distinct()
                )
            )
            if not changed:
                continue
            rows = self._s.execute(
                select(e.dossier_id, e.at, e.kind, e.data)
                .where(e.dossier_id.in_(changed))
                .order_by(e.dossier_id, e.at, e.id)
            )
            for dossier_id, at, kind, data in rows:
                history[dossier_id].append(DossierEvent(at, kind, data=decode_data(data)))
        return dict(history)

    def first_letters(self, ids: Sequence[int], as_of: datetime) -> dict[int, FirstLetter]:
        """The first letter signed before ``as_of`` of each given dossier that has one."""
        a = ApologyLetterRecord
        found: dict[int, FirstLetter] = {}
        for chunk in _chunks(ids):
            stmt = (
                select(a.dossier_id, a.number, a.year, a.confirmed_at)
                .where(
                    a.dossier_id.in_(chunk),
                    a.status != LetterStatus.DRAFT.value,
                    a.confirmed_at < as_of,
                )
                .order_by(a.confirmed_at, a.id)
            )
            for dossier_id, number, year, confirmed_at in self._s.execute(stmt):
                if dossier_id in found or number is None or year is None or confirmed_at is None:
                    continue  # not the first, or a signed letter somehow left unnumbered
                found[dossier_id] = FirstLetter(number, year, confirmed_at)
        return found

    # -- the registers --------------------------------------------------------------------------
    def ledger_count(self, start: datetime, end: datetime, exact: bool = False) -> int:
        """How many dossiers the ledger of [start, end) lists; without ``exact``, about how
        many (for a progress bar): those received in it, counted on the received_at index
        alone (0.03 s for a year of a 1,000,000-dossier database, against 0.8 s reading each
        row for its first receipt)."""
        where = (
            _ledger_period(start, end) if exact else (_d.received_at >= start, _d.received_at < end)
        )
        stmt = select(func.count()).select_from(_d).where(*where)
        return int(self._s.execute(stmt).scalar_one())

    def ledger_batches(
        self, start: datetime, end: datetime, size: int = STREAM_BATCH
    ) -> Iterator[list[LedgerSource]]:
        """Dossiers first received in [start, end), in ledger order (book, number), ``size`` at
        a time as the database hands them over (a server-side cursor on PostgreSQL), so a
        year's ledger is never in memory. Read them inside the unit of work."""
        handed_over = (
            select(func.min(DossierEventRecord.at))
            .where(
                DossierEventRecord.dossier_id == _d.id,
                DossierEventRecord.kind == Move.HAND_OVER.value,
            )
            .scalar_subquery()
        )
        stmt = (
            select(
                _d.code,
                _d.ledger_book,
                _d.ledger_number,
                _d.procedure_name,
                _d.field,
                _d.applicant_name,
                _d.applicant_address,
                _d.applicant_phone,
                _d.deciding_agency,
                _d.handling_unit,
                _d.sets_count,
                _intake,
                _d.due_at,
                handed_over,
                _d.settled_at,
                _d.returned_at,
                _d.status,
                _d.note,
            )
            .where(*_ledger_period(start, end))
            # coalesce(): SQLite would otherwise walk the whole table in the order of the
            # (book, number) key to avoid a sort (3.3 s on 1,000,000 dossiers); this way it
            # reads the period by the received_at index and sorts the year (0.9 s).
            .order_by(func.coalesce(_d.ledger_book, ""), _d.ledger_number)
            .execution_options(yield_per=size)
        )
        # The columns are selected in LedgerSource's field order; only the status needs reading.
        # On the session's connection (same transaction): the ORM's wrapping of plain rows
        # costs ~0.8 s on a year's 177,000.
        for part in self._s.connection().execute(stmt).partitions():
            yield [LedgerSource._make((*row[:-2], _STATUS[row[-2]], row[-1])) for row in part]

    def ledger_sources(self, start: datetime, end: datetime) -> list[LedgerSource]:
        """Dossiers first received in [start, end), in ledger order (book, number)."""
        return [s for part in self.ledger_batches(start, end) for s in part]

    def late_batches(
        self,
        start: datetime,
        as_of: datetime,
        granularity: Granularity,
        size: int = STREAM_BATCH,
    ) -> Iterator[list[LateSource]]:
        """Dossiers settled late in [start, as_of), then those open at ``as_of`` (still
        running, or settled only after it) and overdue then; each group by due moment, then
        code (the order :func:`~tthc_desk.domain.registers.late_rows` gives), ``size`` at a time
        as the database hands them over. Read them inside the unit of work."""
        settled_in_period = and_(
            _d.status.in_(_SETTLED),
            _d.settled_at >= start,
            _d.settled_at < as_of,
            settled_late(granularity),
            ~_ended_waiting,  # a stop while the clock was stopped is never late
        )
        open_overdue = and_(
            _d.due_at < as_of,
            _intake < as_of,
            or_(_d.status.in_(_RUNNING), and_(_d.status.in_(_SETTLED), _d.settled_at >= as_of)),
        )
        still_open = case((or_(_d.settled_at.is_(None), _d.settled_at >= as_of), 1), else_=0)
        stmt = (
            select(
                _d.code,
                _d.applicant_name,
                _d.procedure_name,
                _d.field,
                _d.received_at,
                _d.due_at,
                _d.settled_at,
                _d.status,
                _d.late_reason,
                _d.responsible_unit,
                _first_letter(ApologyLetterRecord.number),
                _first_letter(ApologyLetterRecord.year),
                _first_letter(ApologyLetterRecord.confirmed_at),
            )
            .where(or_(settled_in_period, open_overdue))
            .order_by(still_open, _d.due_at, _d.code)
            .execution_options(yield_per=size)
        )
        # The columns are selected in LateSource's field order; only the status needs reading.
        for part in self._s.connection().execute(stmt).partitions():
            yield [LateSource._make((*r[:7], _STATUS[r[7]], *r[8:])) for r in part]

    def late_sources(
        self, start: datetime, as_of: datetime, granularity: Granularity
    ) -> list[LateSource]:
        """:meth:`late_batches` as one list."""
        return [s for part in self.late_batches(start, as_of, granularity) for s in part]
