"""The journal's rows, the aggregates it protects, and the tracking of what a write changes.

A write unit of work (``Database.write``) watches its session: before the first change to an
aggregate (ORM flushes and ORM ``UPDATE``/``DELETE`` statements alike) it takes the aggregate's
digest, and when the work is done it takes the digest again and appends the entries
(``domain.journal``) in the same transaction. Rows are read with plain SQL, as the driver returns
them, so the digest taken at write time and the one taken at verification are made the same way.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, bindparam, event, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from tthc_desk.db.models import (
    AccountRecord,
    ApologyLetterRecord,
    ApplicantRecord,
    AttachmentRecord,
    CalendarExceptionRecord,
    CalendarYearRecord,
    DossierCorrectionRecord,
    DossierEventRecord,
    DossierPaperRecord,
    DossierRecord,
    JournalRecord,
    KeyEscrowRecord,
    OutboxRecord,
    PostalBatchRecord,
    PostalItemRecord,
    ProcedurePaperRecord,
    ProcedureRecord,
    SettingRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.journal import (
    GENESIS,
    Aggregate,
    JournalContext,
    JournalEntry,
    JournalKind,
    Note,
    Sums,
    agg_key,
    entry_data,
    row_digest,
    row_digests,
    seal_sums,
    sum_digest,
)


def _table(record: type[Any]) -> Table:
    table = record.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class _Part:
    """One table of an aggregate and the column that names the aggregate."""

    record: type[Any]
    key_attr: str

    @property
    def table(self) -> Table:
        return _table(self.record)

    @property
    def columns(self) -> str:
        return ", ".join(f'"{c.name}"' for c in self.table.columns)

    @property
    def key_index(self) -> int:
        """Where the column naming the aggregate is in a row of :attr:`columns`."""
        return [c.name for c in self.table.columns].index(self.key_attr)


#: What each aggregate is made of; the first part is the root.
PARTS: dict[Aggregate, tuple[_Part, ...]] = {
    Aggregate.DOSSIER: (
        _Part(DossierRecord, "id"),
        _Part(DossierPaperRecord, "dossier_id"),
        _Part(DossierEventRecord, "dossier_id"),
        _Part(DossierCorrectionRecord, "dossier_id"),
        _Part(ApologyLetterRecord, "dossier_id"),
        _Part(PostalItemRecord, "dossier_id"),
        _Part(AttachmentRecord, "dossier_id"),
    ),
    Aggregate.APPLICANT: (_Part(ApplicantRecord, "id"),),
    Aggregate.POSTAL_BATCH: (_Part(PostalBatchRecord, "id"),),
    Aggregate.PROCEDURE: (
        _Part(ProcedureRecord, "id"),
        _Part(ProcedurePaperRecord, "procedure_id"),
    ),
    Aggregate.CALENDAR_DAY: (_Part(CalendarExceptionRecord, "id"),),
    Aggregate.CALENDAR_YEAR: (_Part(CalendarYearRecord, "year"),),
    Aggregate.SETTING: (_Part(SettingRecord, "key"),),
    Aggregate.ACCOUNT: (_Part(AccountRecord, "id"),),
    Aggregate.OUTBOX: (_Part(OutboxRecord, "id"),),
}

#: Record class → (aggregate, attribute naming it).
_OWNER: dict[type[Any], tuple[Aggregate, str]] = {
    part.record: (kind, part.key_attr) for kind, parts in PARTS.items() for part in parts
}

#: The column shown to name an aggregate in a message (dossier code, user name …).
_LABEL_COLUMN: dict[Aggregate, str] = {
    Aggregate.DOSSIER: "code",
    Aggregate.APPLICANT: "full_name",
    Aggregate.POSTAL_BATCH: "number",
    Aggregate.PROCEDURE: "code",
    Aggregate.CALENDAR_DAY: "day",
    Aggregate.CALENDAR_YEAR: "year",
    Aggregate.SETTING: "key",
    Aggregate.ACCOUNT: "username",
    Aggregate.OUTBOX: "file_name",
}


#: Rows fetched at a time when streaming a table (a few hundred kilobytes).
_BATCH = 2000
#: Aggregate ids asked for in one ``IN (…)`` (SQLite allows 32,766 parameters).
_IN_CHUNK = 500

#: A batch of one part's rows: the aggregate id of each row, and each row's digest.
_Batch = tuple[list[Any], list[int]]


def _merge_sums(streams: Sequence[Iterator[_Batch]]) -> Iterator[tuple[Any, int]]:
    """Per aggregate id, in order, the sum of its rows' digests over the parts' streams (each
    sorted by id): what ``heapq.merge`` + ``groupby`` would give, a batch at a time.

    Each round adds every row up to the smallest last id of the batches at hand (``bound``),
    then hands out the ids below it; ``bound`` itself may go on in a part's next batch."""
    batches: list[_Batch | None] = [next(s, None) for s in streams]
    starts = [0] * len(streams)
    totals: dict[Any, int] = {}
    while any(b is not None for b in batches):
        bound = min(b[0][-1] for b in batches if b is not None)
        for i, batch in enumerate(batches):
            if batch is None:
                continue
            ids, digests = batch
            start, stop = starts[i], bisect.bisect_right(ids, bound, starts[i])
            for ident, digest in zip(ids[start:stop], digests[start:stop], strict=True):
                totals[ident] = totals.get(ident, 0) + digest
            if stop == len(ids):
                batches[i], starts[i] = next(streams[i], None), 0
            else:
                starts[i] = stop
        ready = sorted(ident for ident in totals if ident < bound)
        for ident in ready:
            yield ident, totals.pop(ident)
    yield from sorted(totals.items())


def _parse_key(key: str) -> tuple[Aggregate, object]:
    kind, ident = key.split(":", 1)
    aggregate = Aggregate(kind)
    if aggregate is Aggregate.SETTING:
        return aggregate, ident
    return aggregate, int(ident)


@dataclass
class JournalFilter:
    """The journal viewer's filters; empty ones do not filter."""

    actor: str = ""
    dossier_id: int | None = None
    kinds: Sequence[str] = ()
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    limit: int | None = 1000


@dataclass
class _Pending:
    before: dict[str, str | None] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    seals: list[tuple[dict[str, Sums], str]] = field(default_factory=list)
    reseals: list[tuple[dict[str, Sums], str, dict[str, Any]]] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        """Entries were asked for, whatever the data changed."""
        return bool(self.notes or self.seals or self.reseals)


class JournalStore(Store):
    """Reads and appends journal entries; tracks the aggregates a write unit of work changes."""

    _pending: _Pending | None = None
    #: The aggregates (keys) the last :meth:`finish` found changed: what the office's change
    #: signal announces to the other counter PCs (``db.changes``).
    changed: tuple[str, ...] = ()

    # -- digests -------------------------------------------------------------------------------
    def digest(self, key: str) -> str | None:
        """The aggregate's digest as the database holds it now; None when it does not exist."""
        aggregate, ident = _parse_key(key)
        return self._digest(aggregate, ident)

    def _digest(self, aggregate: Aggregate, ident: object) -> str | None:
        key = self._key
        conn = self._s.connection()
        total, found = 0, False
        for part in PARTS[aggregate]:
            sql = f'SELECT {part.columns} FROM "{part.table.name}" WHERE "{part.key_attr}" = :k'
            for row in conn.execute(text(sql), {"k": ident}):
                total += row_digest(key, part.table.name, tuple(row))
                found = True
        return sum_digest(total) if found else None

    def digests(self, keys: Sequence[str]) -> dict[str, str | None]:
        """:meth:`digest` of each of ``keys``, read with one statement per table and kind (the
        start-up check and the end of a write ask for tens of aggregates at once)."""
        wanted: dict[Aggregate, dict[object, None]] = {}
        for key in keys:
            aggregate, ident = _parse_key(key)
            wanted.setdefault(aggregate, {})[ident] = None
        totals: dict[str, int] = {}
        for aggregate, idents in wanted.items():
            ordered = list(idents)
            for start in range(0, len(ordered), _IN_CHUNK):
                for part in PARTS[aggregate]:
                    self._add_rows(aggregate, part, ordered[start : start + _IN_CHUNK], totals)
        return {key: sum_digest(totals[key]) if key in totals else None for key in keys}

    def _add_rows(
        self, aggregate: Aggregate, part: _Part, idents: list[object], totals: dict[str, int]
    ) -> None:
        """Add the digests of ``part``'s rows of the aggregates ``idents`` to ``totals``."""
        name, at = part.table.name, part.key_index
        query = text(
            f'SELECT {part.columns} FROM "{name}" WHERE "{part.key_attr}" IN :ids'
        ).bindparams(bindparam("ids", expanding=True))
        rows = [tuple(r) for r in self._s.connection().execute(query, {"ids": idents})]
        for row, digest in zip(rows, row_digests(self._key, name, rows), strict=True):
            key = agg_key(aggregate, row[at])
            totals[key] = totals.get(key, 0) + digest

    @property
    def _key(self) -> bytes:
        key = self._s.info.get("journal_key")
        assert isinstance(key, bytes), "the journal key is installed by Database.write"
        return key

    def aggregates(
        self, aggregate: Aggregate, *, lo: int | None = None, hi: int | None = None
    ) -> Iterator[tuple[str, str]]:
        """Every aggregate of a kind as ``(key, digest)``, streamed in key order.

        ``lo``/``hi`` restrict integer keys to a range (the demo seals each chunk it writes).
        Each part's rows are read in key order a batch at a time; the parts' batches are merged
        by key (:func:`_merge_sums`), so memory holds a few batches, not the table.
        """
        conn = self._s.connection()
        where = ""
        params: dict[str, object] = {}
        if lo is not None and hi is not None:
            where, params = " WHERE {col} BETWEEN :lo AND :hi", {"lo": lo, "hi": hi}
        streams = [
            self._part_digests(
                conn.execute(
                    text(
                        f'SELECT {part.columns} FROM "{part.table.name}"'
                        + where.format(col=f'"{part.key_attr}"')
                        + f' ORDER BY "{part.key_attr}"'
                    ),
                    params,
                ),
                part,
            )
            for part in PARTS[aggregate]
        ]
        for ident, total in _merge_sums(streams):
            yield agg_key(aggregate, ident), sum_digest(total)

    def _part_digests(self, result: CursorResult[Any], part: _Part) -> Iterator[_Batch]:
        """A part's rows as batches of ``(aggregate id, row digest)``, in key order.

        The rows are fetched from the driver's cursor as they are (the raw values
        ``row_digest`` is defined on, as ``tuple(row)`` of the result would give them)."""
        key, name, at = self._key, part.table.name, part.key_index
        cursor = result.cursor
        try:
            while rows := cursor.fetchmany(_BATCH):
                yield [r[at] for r in rows], row_digests(key, name, rows)
        finally:
            result.close()

    def labels(self, keys: Sequence[str]) -> dict[str, str]:
        """The raw value that names each aggregate (dossier code, user name …), where it exists."""
        found: dict[str, str] = {}
        conn = self._s.connection()
        for key in keys:
            aggregate, ident = _parse_key(key)
            root = PARTS[aggregate][0]
            column = _LABEL_COLUMN[aggregate]
            value = conn.execute(
                text(f'SELECT "{column}" FROM "{root.table.name}" WHERE "{root.key_attr}" = :k'),
                {"k": ident},
            ).scalar()
            if value is not None:
                found[key] = str(value)
        return found

    def count_rows(self) -> int:
        """How many protected rows there are (for the progress of a full verification)."""
        conn = self._s.connection()
        return sum(
            int(conn.execute(text(f'SELECT count(*) FROM "{part.table.name}"')).scalar() or 0)
            for parts in PARTS.values()
            for part in parts
        )

    # -- tracking a write ----------------------------------------------------------------------
    def track(self) -> None:
        """Watch this unit of work's session (called by ``Database.write``)."""
        self._pending = _Pending()
        event.listen(self._s, "before_flush", self._before_flush)
        event.listen(self._s, "after_flush", self._after_flush)
        event.listen(self._s, "do_orm_execute", self._before_execute)

    def untrack(self) -> None:
        if self._pending is not None:
            event.remove(self._s, "before_flush", self._before_flush)
            event.remove(self._s, "after_flush", self._after_flush)
            event.remove(self._s, "do_orm_execute", self._before_execute)
            self._pending = None

    def _touch(self, idents: Iterable[tuple[Aggregate, object]]) -> None:
        """Take the digest of each aggregate before its first change in this unit of work."""
        assert self._pending is not None
        before = self._pending.before
        keys = list(dict.fromkeys(agg_key(a, i) for a, i in idents if i is not None))
        new = [k for k in keys if k not in before]
        if new:
            before.update(self.digests(new))

    def _before_flush(self, session: Session, *_: object) -> None:
        owned = (
            (owner, obj)
            for obj in itertools.chain(session.new, session.dirty, session.deleted)
            if (owner := _OWNER.get(type(obj))) is not None
        )
        self._touch((owner[0], getattr(obj, owner[1], None)) for owner, obj in owned)

    def _after_flush(self, session: Session, *_: object) -> None:
        # New rows have their keys now; an aggregate first seen here did not exist before.
        assert self._pending is not None
        for obj in session.new:
            owner = _OWNER.get(type(obj))
            ident = None if owner is None else getattr(obj, owner[1], None)
            if owner is not None and ident is not None:
                self._pending.before.setdefault(agg_key(owner[0], ident), None)

    def _before_execute(self, state: ORMExecuteState) -> None:
        if not (state.is_update or state.is_delete):
            return
        mapper = state.bind_mapper
        if mapper is None:
            return
        owner = _OWNER.get(mapper.class_)
        if owner is None:
            return
        aggregate, attr = owner
        column = getattr(mapper.class_, attr)
        # Update and Delete statements have a WHERE clause; the Executable type does not say so.
        where = getattr(state.statement, "whereclause", None)
        query = select(column).distinct()
        if where is not None:
            query = query.where(where)
        self._touch((aggregate, ident) for (ident,) in self._s.connection().execute(query))

    def note(self, note: Note) -> None:
        """An entry beside the data (a login, a logout …), appended when the work commits."""
        if self._pending is not None:  # None: a database opened without its journal (tools)
            self._pending.notes.append(note)

    def seal(self, sums: dict[str, Sums], action: str) -> None:
        """A seal entry for data written without tracking (an upgraded database, demo rows)."""
        if self._pending is not None:
            self._pending.seals.append((sums, action))

    def reseal(self, action: str, details: dict[str, Any]) -> None:
        """A copy entry that seals every aggregate as this database holds it now and sets aside
        what the entries before recorded (``domain.journal.DataChecker``): written in a database
        just copied from another engine, whose rows read back as other raw values."""
        if self._pending is None:
            return
        sums: dict[str, Sums] = {}
        for kind in Aggregate:
            sums.update(seal_sums(self.aggregates(kind)))
        self._pending.reseals.append((sums, action, details))

    def seal_ranges(self, ranges: dict[Aggregate, tuple[int, int]], action: str) -> None:
        """Seal the aggregates with ids in ``ranges`` (rows the demo wrote in bulk)."""
        sums: dict[str, Sums] = {}
        for kind, (lo, hi) in ranges.items():
            total = Sums()
            for _, digest in self.aggregates(kind, lo=lo, hi=hi):
                total.add(digest)
            if total.count:
                sums[kind.value] = total
        self.seal(sums, action)

    def finish(self, context: Callable[[], JournalContext]) -> int:
        """Append this unit of work's entries; returns how many."""
        pending = self._pending
        if pending is None:
            return 0
        self._s.flush()
        afters = self.digests(list(pending.before))
        changed = {
            key: (before, afters[key])
            for key, before in pending.before.items()
            if afters[key] != before
        }
        self.changed = tuple(changed)
        if not changed and not pending.asked:
            return 0
        ctx = context()
        drafts = _drafts(ctx, changed, pending.notes, pending.seals)
        drafts += [_reseal_draft(ctx, *reseal) for reseal in pending.reseals]
        last = self._s.execute(
            select(JournalRecord.seq, JournalRecord.mac).order_by(JournalRecord.seq.desc()).limit(1)
        ).first()
        seq, prev = (last[0], last[1]) if last else (0, GENESIS)
        codes = self._dossier_codes([d.dossier_id for d in drafts if d.dossier_id is not None])
        rows = []
        for d in drafts:
            seq += 1
            entry = JournalEntry(
                seq,
                ctx.at,
                d.actor,
                d.actor_name,
                d.kind,
                d.action,
                d.dossier_id,
                d.subject or codes.get(d.dossier_id or 0, ""),
                d.data,
                prev,
            ).sealed(self._key)
            prev = entry.mac
            rows.append(_record(entry))
        self._s.add_all(rows)
        self._s.flush()
        return len(rows)

    def _dossier_codes(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        q = select(DossierRecord.id, DossierRecord.code).where(DossierRecord.id.in_(set(ids)))
        return {i: c for i, c in self._s.execute(q)}

    # -- keys that travel with the database --------------------------------------------------
    def escrowed_key(self, name: str) -> bytes | None:
        value = self._s.scalar(select(KeyEscrowRecord.value).where(KeyEscrowRecord.name == name))
        return None if value is None else bytes(value)

    def escrow_key(self, name: str, value: bytes) -> None:
        table = _table(KeyEscrowRecord)
        self._s.execute(table.delete().where(table.c.name == name))
        self._s.execute(table.insert().values(name=name, value=value))

    # -- reading -------------------------------------------------------------------------------
    def last(self) -> JournalEntry | None:
        rec = self._s.scalars(
            select(JournalRecord).order_by(JournalRecord.seq.desc()).limit(1)
        ).first()
        return None if rec is None else _entry(rec)

    def count(self) -> int:
        last = self._s.scalar(select(JournalRecord.seq).order_by(JournalRecord.seq.desc()).limit(1))
        return int(last or 0)

    def get(self, seq: int) -> JournalEntry | None:
        rec = self._s.get(JournalRecord, seq)
        return None if rec is None else _entry(rec)

    def tail(self, n: int) -> list[JournalEntry]:
        """The last ``n`` entries, oldest first, plus the one before them (to check the link)."""
        q = select(JournalRecord).order_by(JournalRecord.seq.desc()).limit(n + 1)
        return [_entry(r) for r in reversed(self._s.scalars(q).all())]

    def stream(self) -> Iterator[JournalEntry]:
        """Every entry in order, streamed."""
        q = select(JournalRecord).order_by(JournalRecord.seq).execution_options(yield_per=2000)
        for rec in self._s.scalars(q):
            yield _entry(rec)
            self._s.expunge(rec)

    def find(self, f: JournalFilter) -> list[JournalEntry]:
        """Entries matching the viewer's filters, newest first."""
        q = select(JournalRecord).order_by(JournalRecord.seq.desc())
        if f.actor:
            q = q.where(JournalRecord.actor == f.actor)
        if f.dossier_id is not None:
            q = q.where(JournalRecord.dossier_id == f.dossier_id)
        if f.kinds:
            q = q.where(JournalRecord.kind.in_(list(f.kinds)))
        if f.since is not None:
            q = q.where(JournalRecord.at >= f.since)
        if f.until is not None:
            q = q.where(JournalRecord.at < f.until)
        if f.limit is not None:
            q = q.limit(f.limit)
        return [_entry(r) for r in self._s.scalars(q)]

    def actors(self) -> list[tuple[str, str]]:
        """(user name, full name) of everyone the journal names, for the viewer's filter."""
        q = (
            select(JournalRecord.actor, JournalRecord.actor_name)
            .distinct()
            .order_by(JournalRecord.actor)
        )
        return [(a, n) for a, n in self._s.execute(q)]


@dataclass(frozen=True)
class _Draft:
    actor: str
    actor_name: str
    kind: str
    action: str
    dossier_id: int | None
    subject: str
    data: str


def _drafts(
    ctx: JournalContext,
    changed: dict[str, tuple[str | None, str | None]],
    notes: Sequence[Note],
    seals: Sequence[tuple[dict[str, Sums], str]],
) -> list[_Draft]:
    """The entries of one unit of work: one per dossier changed (so the viewer finds each
    dossier's steps), the other changes with the first; notes and seals as asked."""
    kind = JournalKind.CHANGE.value if ctx.right else JournalKind.WRITE.value
    action = ctx.action or "ghi dữ liệu"
    dossiers = {k: v for k, v in changed.items() if k.startswith(Aggregate.DOSSIER.value + ":")}
    others = {k: v for k, v in changed.items() if k not in dossiers}
    drafts: list[_Draft] = []
    for note in notes:
        attached, others = others, {}
        drafts.append(
            _Draft(
                ctx.actor if note.actor is None else note.actor,
                ctx.actor_name if note.actor_name is None else note.actor_name,
                note.kind.value,
                note.action,
                note.dossier_id,
                note.subject,
                entry_data(attached, note.details),
            )
        )
    details = {"right": ctx.right} if ctx.right else None
    for key, change in dossiers.items():
        attached, others = {key: change, **others}, {}
        drafts.append(
            _Draft(
                ctx.actor,
                ctx.actor_name,
                kind,
                action,
                int(key.split(":", 1)[1]),
                "",
                entry_data(attached, details),
            )
        )
    if others:  # what they are is in the details (presentation.journal_details)
        drafts.append(
            _Draft(ctx.actor, ctx.actor_name, kind, action, None, "", entry_data(others, details))
        )
    for sums, seal_action in seals:
        drafts.append(
            _Draft(
                ctx.actor,
                ctx.actor_name,
                JournalKind.SEAL.value,
                seal_action,
                None,
                "",
                entry_data(seal=sums),
            )
        )
    return drafts


def _reseal_draft(
    ctx: JournalContext, sums: dict[str, Sums], action: str, details: dict[str, Any]
) -> _Draft:
    data = entry_data(details=details, seal=sums, reseal=True)
    return _Draft(ctx.actor, ctx.actor_name, JournalKind.COPY.value, action, None, "", data)


def _record(e: JournalEntry) -> JournalRecord:
    return JournalRecord(
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        actor_name=e.actor_name,
        kind=e.kind,
        action=e.action,
        dossier_id=e.dossier_id,
        subject=e.subject,
        data=e.data,
        prev=e.prev,
        mac=e.mac,
    )


def _entry(r: JournalRecord) -> JournalEntry:
    return JournalEntry(
        r.seq,
        r.at,
        r.actor,
        r.actor_name,
        r.kind,
        r.action,
        r.dossier_id,
        r.subject,
        r.data,
        r.prev,
        r.mac,
    )
