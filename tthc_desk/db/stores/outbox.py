"""The upload queue of reports (``outbox``): each version of a report and the tries to send it.

A queued file's bytes live in the row (``content``) and only :meth:`OutboxStore.content` reads
them: every other query defers the column and would raise if something touched it, so listing the
queue never loads the workbooks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Select, func, or_, select, update
from sqlalchemy.orm import aliased, defer

from tthc_desk.db.models import OutboxRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.outbox import (
    REPLACEABLE,
    SENDABLE,
    OutboxItem,
    OutboxState,
    QueuedFile,
)

# The version a row replaces, joined for its file name.
_Replaced = aliased(OutboxRecord)


def _items_query() -> Select[OutboxRecord, str]:
    # The joined name is None for a first version (an outer join), whatever the column type says.
    return (
        select(OutboxRecord, _Replaced.file_name)
        .options(defer(OutboxRecord.content, raiseload=True))
        .outerjoin(_Replaced, _Replaced.id == OutboxRecord.replaces_id)
    )


def item_from_record(rec: OutboxRecord, replaces_file_name: str | None) -> OutboxItem:
    return OutboxItem(
        id=rec.id,
        kind=rec.kind,
        period_key=rec.period_key,
        office_id=rec.office_id,
        file_name=rec.file_name,
        size=rec.size,
        sha256=rec.sha256,
        version=rec.version,
        replaces_id=rec.replaces_id,
        replaces_file_name=replaces_file_name or "",
        state=OutboxState(rec.state),
        attempts=rec.attempts,
        next_attempt_at=rec.next_attempt_at,
        last_attempt_at=rec.last_attempt_at,
        last_error=rec.last_error,
        last_detail=rec.last_detail,
        server_reply=rec.server_reply,
        destination=rec.destination,
        created_at=rec.created_at,
        sent_at=rec.sent_at,
    )


def _states(states: tuple[OutboxState, ...]) -> list[str]:
    return [s.value for s in states]


class OutboxStore(Store):
    # -- reading ------------------------------------------------------------------------------
    def get(self, item_id: int) -> OutboxItem | None:
        found = self._fetch(_items_query().where(OutboxRecord.id == item_id))
        return found[0] if found else None

    def items(self, state: OutboxState | None = None) -> list[OutboxItem]:
        """Newest first."""
        q = _items_query()
        if state is not None:
            q = q.where(OutboxRecord.state == state.value)
        q = q.order_by(OutboxRecord.created_at.desc(), OutboxRecord.id.desc())
        return self._fetch(q)

    def due(self, now: datetime, *, ignore_backoff: bool = False) -> list[OutboxItem]:
        """Sendable items whose next try has come (a lapsed lease included), oldest first.

        With ``ignore_backoff`` every sendable item, whenever its next try was planned.
        """
        q = _items_query().where(OutboxRecord.state.in_(_states(SENDABLE)))
        if not ignore_backoff:
            q = q.where(
                or_(OutboxRecord.next_attempt_at.is_(None), OutboxRecord.next_attempt_at <= now)
            )
        q = q.order_by(OutboxRecord.created_at, OutboxRecord.id)
        return self._fetch(q)

    def latest(self, office_id: str, kind: str, period_key: str) -> OutboxItem | None:
        """The newest version of one report, or None before its first."""
        found = self._fetch(
            _items_query()
            .where(
                OutboxRecord.office_id == office_id,
                OutboxRecord.kind == kind,
                OutboxRecord.period_key == period_key,
            )
            .order_by(OutboxRecord.version.desc())
            .limit(1)
        )
        return found[0] if found else None

    def name_taken(self, file_name: str) -> bool:
        q = select(OutboxRecord.id).where(OutboxRecord.file_name == file_name)
        return self._s.scalar(q) is not None

    def content(self, item_id: int) -> bytes | None:
        """The queued file's bytes, or None when there is no such item."""
        return self._s.scalar(select(OutboxRecord.content).where(OutboxRecord.id == item_id))

    def counts(self) -> dict[OutboxState, int]:
        """How many items are in each state (every state listed, zero included)."""
        rows = self._s.execute(
            select(OutboxRecord.state, func.count()).group_by(OutboxRecord.state)
        ).all()
        counts = dict.fromkeys(OutboxState, 0)
        for state, n in rows:
            counts[OutboxState(state)] = n
        return counts

    def _fetch(self, q: Select[OutboxRecord, str]) -> list[OutboxItem]:
        return [item_from_record(rec, name) for rec, name in self._s.execute(q)]

    # -- writing ------------------------------------------------------------------------------
    def add(self, queued: QueuedFile, at: datetime) -> OutboxItem:
        """Queue a new version, waiting and due at ``at``; returns it with its id."""
        rec = OutboxRecord(
            kind=queued.kind,
            period_key=queued.period_key,
            office_id=queued.office_id,
            file_name=queued.file_name,
            content=queued.content,
            size=len(queued.content),
            sha256=queued.sha256,
            version=queued.version,
            replaces_id=queued.replaces_id,
            state=OutboxState.WAITING.value,
            attempts=0,
            next_attempt_at=at,
            last_error="",
            last_detail="",
            server_reply="",
            destination="",
            created_at=at,
        )
        self._s.add(rec)
        self._s.flush()
        item = self.get(rec.id)
        assert item is not None  # just flushed in this transaction
        return item

    def replace_unsent(
        self, office_id: str, kind: str, period_key: str, *, newest_id: int, note: str
    ) -> None:
        """Mark every unsent earlier version of one report ``replaced``, with ``note`` as reason."""
        self._s.execute(
            update(OutboxRecord)
            .where(
                OutboxRecord.office_id == office_id,
                OutboxRecord.kind == kind,
                OutboxRecord.period_key == period_key,
                OutboxRecord.id != newest_id,
                OutboxRecord.state.in_(_states(REPLACEABLE)),
            )
            .values(state=OutboxState.REPLACED.value, next_attempt_at=None, last_error=note)
        )

    def claim(
        self,
        item_id: int,
        *,
        attempts_before: int,
        at: datetime,
        lease_until: datetime,
        destination: str,
    ) -> bool:
        """Take one item for a try: ``sending``, one more attempt, the lease as its next try.

        Only if it is still sendable with ``attempts_before`` attempts: False when another
        process took it in between (it then changed the count).
        """
        return self._update(
            item_id,
            {
                "state": OutboxState.SENDING.value,
                "attempts": attempts_before + 1,
                "last_attempt_at": at,
                "next_attempt_at": lease_until,
                "destination": destination,
            },
            OutboxRecord.state.in_(_states(SENDABLE)),
            OutboxRecord.attempts == attempts_before,
        )

    def reopen(self, item_id: int, at: datetime) -> None:
        """Back to waiting, due at ``at``, with a fresh back-off schedule."""
        self._update(
            item_id,
            {"state": OutboxState.WAITING.value, "next_attempt_at": at, "attempts": 0},
        )

    def mark_sent(self, item_id: int, *, at: datetime, reply: str) -> None:
        self._update(
            item_id,
            {
                "state": OutboxState.SENT.value,
                "sent_at": at,
                "next_attempt_at": None,
                "server_reply": reply,
                "last_error": "",
                "last_detail": "",
            },
        )

    def mark_unsent(
        self,
        item_id: int,
        *,
        state: OutboxState,
        next_attempt_at: datetime | None,
        error: str,
        detail: str,
    ) -> None:
        """Record a failed try: ``waiting`` for the next one, or ``failed`` for a person."""
        self._update(
            item_id,
            {
                "state": state.value,
                "next_attempt_at": next_attempt_at,
                "last_error": error,
                "last_detail": detail,
            },
        )

    def _update(
        self, item_id: int, values: dict[str, Any], *conditions: ColumnElement[bool]
    ) -> bool:
        """Set ``values`` on one item if ``conditions`` hold; True when it was updated."""
        result = self._s.execute(
            update(OutboxRecord).where(OutboxRecord.id == item_id, *conditions).values(**values)
        )
        assert isinstance(result, CursorResult)  # what an UPDATE statement returns
        return result.rowcount == 1
