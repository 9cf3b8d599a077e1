"""Apology letters with a new appointment (Mẫu 04): drafts, signed and delivered letters, and
the dossiers that still need one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update

from tthc_desk.db.models import ApologyLetterRecord, DossierRecord, JournalRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.db.stores.counters import CounterStore
from tthc_desk.db.stores.dossiers import ROW_COLUMNS, rows_from
from tthc_desk.db.stores.reports import settled_late
from tthc_desk.domain.apology import (
    LetterCandidate,
    LetterWindow,
    NewLetter,
    ScanMark,
    crossed_since,
    scan_mark,
)
from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.journal import JournalKind
from tthc_desk.domain.lifecycle import SETTLED, ApologyLetter, Granularity, LetterStatus

_RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)
_SETTLED = tuple(s.value for s in SETTLED)
_DRAFT = LetterStatus.DRAFT.value
#: Where the last scan left off: counters (one small integer each), not settings, so that keeping
#: it after every scan is neither a journal entry nor a change the other counter PCs refresh for.
_MARK_PREFIX = "apology_scan:"
_MARK_FIELDS = ("seq", "at", "since", "granularity", "rules")
_EPOCH = datetime(2000, 1, 1)
_NO_SINCE = -1
#: Journal entries that name every dossier they change (one entry per dossier) or change none.
#: Any other kind since the mark (a seal of rows written in bulk, a restore, a copy) makes the
#: next scan a full one.
_UNNAMING = (JournalKind.SEAL, JournalKind.RESTORE, JournalKind.COPY)
_NAMING_KINDS = tuple(k.value for k in JournalKind if k not in _UNNAMING)
_AnySelect = Select[*tuple[Any, ...]]
#: Dossier ids asked for in one ``IN (…)``.
_IN_CHUNK = 500
# The columns an edit, a signature or a delivery may change; the rest are set at drafting.
_UPDATABLE = frozenset(
    {
        "reason",
        "reason_detail",
        "responsible_unit",
        "proposed_due_at",
        "status",
        "year",
        "number",
        "confirmed_at",
        "confirmed_by",
        "delivered_at",
        "delivery_method",
        "override",
        "override_by",
        "override_reason",
    }
)


@dataclass(frozen=True)
class ScanScope:
    """What an incremental scan looks at: the dossiers named by the journal after ``seq``, and
    the running ones due from ``crossed`` (the last scan's moment) to now or on the next working
    day. The rest needed no letter at the last scan and still need none."""

    seq: int
    crossed: datetime


def _minutes(at: datetime) -> int:
    return int((at - _EPOCH).total_seconds() // 60)


def _moment(minutes: int) -> datetime:
    return _EPOCH + timedelta(minutes=minutes)


class FoundLetter(NamedTuple):
    """A letter with the id of its dossier (which the letter DTO does not carry)."""

    dossier_id: int
    letter: ApologyLetter


#: A letter's row with the columns of its dossier it is shown with (no name is in both tables).
_LETTER_COLUMNS = (
    *ApologyLetterRecord.__table__.c,
    DossierRecord.code,
    DossierRecord.applicant_name,
    DossierRecord.applicant_address,
    DossierRecord.procedure_name,
    DossierRecord.received_at,
)


def letter_from_row(r: Any) -> ApologyLetter:
    """A letter from a row of :data:`_LETTER_COLUMNS` (plain rows: no ORM objects to build, the
    register of a large office holds a hundred thousand letters)."""
    return ApologyLetter(
        id=r.id,
        dossier_code=r.code,
        applicant_name=r.applicant_name,
        applicant_address=r.applicant_address,
        procedure_name=r.procedure_name,
        received_at=r.received_at,
        original_due_at=r.original_due_at,
        proposed_due_at=r.proposed_due_at,
        reason=r.reason,
        reason_detail=r.reason_detail,
        responsible_unit=r.responsible_unit,
        signer_name=r.signer_name,
        signer_title=r.signer_title,
        signer_prefix=r.signer_prefix,
        status=LetterStatus(r.status),
        created_at=r.created_at,
        auto=bool(r.auto),
        year=r.year,
        number=r.number,
        confirmed_at=r.confirmed_at,
        confirmed_by=r.confirmed_by,
        delivered_at=r.delivered_at,
        delivery_method=r.delivery_method,
        override=bool(r.override),
        override_by=r.override_by,
        override_reason=r.override_reason,
    )


def _no_letter() -> ColumnElement[bool]:
    d = DossierRecord
    return ~exists().where(ApologyLetterRecord.dossier_id == d.id)


def _needing_letter(w: LetterWindow) -> ColumnElement[bool]:
    """Dossiers without any letter that are late, at risk (due in the window), or settled late."""
    d = DossierRecord
    running = d.status.in_(_RUNNING)
    needing = and_(
        _no_letter(),
        or_(
            and_(running, d.due_at < w.now),
            and_(running, d.due_at >= w.risk_from, d.due_at < w.risk_until),
            and_(d.status.in_(_SETTLED), settled_late(w.granularity)),
        ),
    )
    # The look-back: nothing due before it (settled late two years ago) gets a new draft.
    return needing if w.since is None else and_(needing, d.due_at >= w.since)


def _running_due(w: LetterWindow, start: datetime, end: datetime) -> ColumnElement[bool]:
    """Running dossiers without a letter due in [start, end) and within the look-back: one range
    of the (status, due_at) index per status."""
    d = DossierRecord
    if w.since is not None:
        start = max(start, w.since)
    return and_(d.status.in_(_RUNNING), d.due_at >= start, d.due_at < end, _no_letter())


_CANDIDATE_COLUMNS = (
    DossierRecord.id,
    DossierRecord.due_at,
    DossierRecord.settled_at,
    DossierRecord.status,
    DossierRecord.current_unit,
    DossierRecord.handling_unit,
)


def _candidates(rows: Iterable[Any]) -> list[LetterCandidate]:
    return [
        LetterCandidate(i, due, settled, Status(status), current, handling)
        for i, due, settled, status, current, handling in rows
    ]


class LetterStore(Store):
    # -- which dossiers need a letter -----------------------------------------------------------
    def needing_letter(
        self, window: LetterWindow, scope: ScanScope | None = None
    ) -> list[LetterCandidate]:
        """The dossiers that need a letter now, by id; with ``scope``, only among those it names
        (the same answer once the last scan left none behind)."""
        if scope is None:
            stmt = select(*_CANDIDATE_COLUMNS).where(_needing_letter(window))
            return _candidates(self._s.execute(stmt.order_by(DossierRecord.id)))
        found: dict[int, LetterCandidate] = {}
        for stmt in self._scoped(select(*_CANDIDATE_COLUMNS), window, scope):
            found.update((c.dossier_id, c) for c in _candidates(self._s.execute(stmt)))
        return [found[i] for i in sorted(found)]

    def count_needing_letter(self, window: LetterWindow, scope: ScanScope | None = None) -> int:
        if scope is None:
            stmt = select(func.count()).select_from(DossierRecord).where(_needing_letter(window))
            return int(self._s.scalar(stmt) or 0)
        ids: set[int] = set()
        for stmt in self._scoped(select(DossierRecord.id), window, scope):
            ids.update(self._s.scalars(stmt))
        return len(ids)

    def _scoped(
        self, base: _AnySelect, window: LetterWindow, scope: ScanScope
    ) -> Iterator[_AnySelect]:
        """The statements of an incremental scan: the changed dossiers (by primary key, a chunk
        at a time), then the two ranges of running ones."""
        for chunk in self._changed_chunks(scope.seq):
            yield base.where(DossierRecord.id.in_(chunk), _needing_letter(window))
        yield base.where(_running_due(window, scope.crossed, window.now))
        yield base.where(_running_due(window, window.risk_from, window.risk_until))

    def _changed_chunks(self, seq: int) -> Iterator[list[int]]:
        """The ids of the dossiers the journal names after entry ``seq``, in chunks."""
        stmt = (
            select(JournalRecord.dossier_id)
            .where(JournalRecord.seq > seq, JournalRecord.dossier_id.is_not(None))
            .distinct()
        )
        ids = sorted(int(i) for i in self._s.scalars(stmt) if i is not None)
        for start in range(0, len(ids), _IN_CHUNK):
            yield ids[start : start + _IN_CHUNK]

    def settled_late_without_letter(
        self, window: LetterWindow, limit: int, scope: ScanScope | None = None
    ) -> list[DossierRow]:
        """Dossiers whose result came late and that still have no letter, the latest first."""
        d = DossierRecord
        stmt = select(*ROW_COLUMNS).where(_needing_letter(window), d.status.in_(_SETTLED))
        if scope is None:
            stmt = stmt.order_by(d.settled_at.desc(), d.id.desc()).limit(limit)
            return rows_from(self._s.execute(stmt))
        # Unchanged since the last scan, a settled dossier that needed a letter got one then.
        rows = [r for chunk in self._changed_chunks(scope.seq) for r in self._rows_in(stmt, chunk)]
        rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
        return rows_from(r[2:] for r in rows[:limit])

    def _rows_in(self, stmt: _AnySelect, ids: Sequence[int]) -> list[Any]:
        d = DossierRecord
        sortable = stmt.add_columns(d.settled_at, d.id).where(d.id.in_(ids))
        return [(*r[-2:], *r[:-2]) for r in self._s.execute(sortable)]

    # -- where the last scan left off --------------------------------------------------------------
    def scan_mark(self) -> ScanMark | None:
        """Where the last scan left off; None when none was kept (or a part is missing)."""
        names = [_MARK_PREFIX + f for f in _MARK_FIELDS]
        values = CounterStore(self._s, self._dialect).values(names)
        if len(values) != len(names):
            return None
        seq, at, since, granularity, rules = (values[n] for n in names)
        return ScanMark(
            seq,
            _moment(at),
            None if since == _NO_SINCE else _moment(since),
            Granularity.MINUTE if granularity else Granularity.DAY,
            rules,
        )

    def scan_scope(self, window: LetterWindow) -> ScanScope | None:
        """What a scan under ``window`` must look at; None: everything (no mark, a mark made
        under other settings, or the journal since then holds rows it does not name)."""
        mark = self.scan_mark()
        crossed = crossed_since(mark, window)
        if mark is None or crossed is None or mark.seq > self.journal_position():
            return None
        unnamed = select(JournalRecord.seq).where(
            JournalRecord.seq > mark.seq, JournalRecord.kind.not_in(_NAMING_KINDS)
        )
        if self._s.scalar(unnamed.limit(1)) is not None:
            return None
        return ScanScope(mark.seq, crossed)

    def journal_position(self) -> int:
        """The last journal entry's number (0: none)."""
        last = self._s.scalar(select(func.max(JournalRecord.seq)))
        return int(last or 0)

    def keep_scan_mark(self, window: LetterWindow) -> None:
        """Remember that a scan under ``window`` has left no dossier needing a letter, with the
        journal as it stands (this write's own entries come after: looked at next time)."""
        mark = scan_mark(self.journal_position(), window)
        since = _NO_SINCE if mark.since is None else _minutes(mark.since)
        values = (mark.seq, _minutes(mark.at), since, int(mark.granularity is Granularity.MINUTE))
        CounterStore(self._s, self._dialect).put(
            {_MARK_PREFIX + f: v for f, v in zip(_MARK_FIELDS, (*values, mark.rules), strict=True)}
        )

    def forget_scan_mark(self) -> None:
        """The next scan is a full one (a scan made without the journal cannot vouch for it)."""
        CounterStore(self._s, self._dialect).remove([_MARK_PREFIX + f for f in _MARK_FIELDS])

    # -- reading --------------------------------------------------------------------------------
    def _query(self, *conds: ColumnElement[bool]) -> list[FoundLetter]:
        stmt = (
            select(*_LETTER_COLUMNS)
            .join(DossierRecord, DossierRecord.id == ApologyLetterRecord.dossier_id)
            .where(*conds)
            .order_by(ApologyLetterRecord.id)
        )
        return [FoundLetter(r.dossier_id, letter_from_row(r)) for r in self._s.execute(stmt)]

    def matching(
        self, status: LetterStatus | None = None, year: int | None = None
    ) -> list[ApologyLetter]:
        """Letters by id, of one status and one register year when given."""
        conds = []
        if status is not None:
            conds.append(ApologyLetterRecord.status == status.value)
        if year is not None:
            conds.append(ApologyLetterRecord.year == year)
        return [x.letter for x in self._query(*conds)]

    def for_dossier(self, code: str) -> list[ApologyLetter]:
        return [x.letter for x in self._query(DossierRecord.code == code)]

    def for_dossiers(self, codes: Sequence[str]) -> dict[str, list[ApologyLetter]]:
        """The letters of each dossier of ``codes`` that has any, by id (a chunk of codes at a
        time: the late list asks for a few thousand, never for every letter)."""
        found: dict[str, list[ApologyLetter]] = {}
        unique = list(dict.fromkeys(codes))
        for start in range(0, len(unique), _IN_CHUNK):
            chunk = unique[start : start + _IN_CHUNK]
            for x in self._query(DossierRecord.code.in_(chunk)):
                found.setdefault(x.letter.dossier_code, []).append(x.letter)
        return found

    def find(self, letter_id: int) -> FoundLetter | None:
        found = self._query(ApologyLetterRecord.id == letter_id)
        return found[0] if found else None

    def count(self, status: LetterStatus | None = None) -> int:
        stmt = select(func.count()).select_from(ApologyLetterRecord)
        if status is not None:
            stmt = stmt.where(ApologyLetterRecord.status == status.value)
        return int(self._s.scalar(stmt) or 0)

    def has_draft(self, dossier_id: int) -> bool:
        stmt = select(ApologyLetterRecord.id).where(
            ApologyLetterRecord.dossier_id == dossier_id, ApologyLetterRecord.status == _DRAFT
        )
        return self._s.scalar(stmt.limit(1)) is not None

    def signed_count(self, dossier_id: int) -> int:
        """How many letters of the dossier were signed (each one re-appointed it)."""
        stmt = (
            select(func.count())
            .select_from(ApologyLetterRecord)
            .where(
                ApologyLetterRecord.dossier_id == dossier_id, ApologyLetterRecord.status != _DRAFT
            )
        )
        return int(self._s.scalar(stmt) or 0)

    # -- writing --------------------------------------------------------------------------------
    def add(self, letter: NewLetter) -> int:
        """Store a draft; returns its id."""
        rec = _record(letter)
        self._s.add(rec)
        self._s.flush()
        return rec.id

    def add_all(self, letters: Iterable[NewLetter]) -> int:
        """Store many drafts in one flush; returns how many."""
        records = [_record(x) for x in letters]
        self._s.add_all(records)
        return len(records)

    def update(self, letter_id: int, changes: Mapping[str, object]) -> None:
        if not changes:
            return
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise KeyError(f"not updatable: {sorted(unknown)}")
        self._s.execute(
            update(ApologyLetterRecord).where(ApologyLetterRecord.id == letter_id).values(**changes)
        )

    def delete(self, letter_id: int) -> None:
        self._s.execute(delete(ApologyLetterRecord).where(ApologyLetterRecord.id == letter_id))


def _record(x: NewLetter) -> ApologyLetterRecord:
    return ApologyLetterRecord(
        dossier_id=x.dossier_id,
        status=_DRAFT,
        auto=x.auto,
        created_at=x.created_at,
        reason=x.reason,
        responsible_unit=x.responsible_unit,
        original_due_at=x.original_due_at,
        proposed_due_at=x.proposed_due_at,
        signer_name=x.signer_name,
        signer_title=x.signer_title,
        signer_prefix=x.signer_prefix,
    )
