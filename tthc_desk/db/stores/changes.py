"""The office's change numbers: one counter per kind of data, raised by every write that changes it.

Rows ``changes:<kind>`` of ``counters`` (kinds: the journal's aggregates, ``dossier``,
``postal_batch``, ``procedure`` …). A write raises the counters of the kinds it changed with the
same upsert as any other counter (:class:`~tthc_desk.db.stores.counters.CounterStore`), just
before it commits: on PostgreSQL the row stays locked until the commit, so the numbers follow the
order of the commits, and a reader who sees number n sees every change up to n. On PostgreSQL the
write also sends ``NOTIFY tthc_changes`` with what changed (``pg_notify``: the same, with bind
parameters); the server delivers it to the listeners at commit, and never for a rolled-back write.

Reading them is a few primary-key lookups: cheap enough to poll every second or two.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tthc_desk.db.models import CounterRecord
from tthc_desk.db.stores.base import Dialect, Store
from tthc_desk.db.stores.counters import CounterStore

#: The PostgreSQL channel the notifications go to.
CHANNEL = "tthc_changes"
#: The prefix of the counters' names.
PREFIX = "changes:"
# A notification's payload must stay under 8,000 bytes; what changed is a few short words.
_MAX_PAYLOAD = 7000


def payload(origin: str, numbers: Mapping[str, int]) -> str:
    """What a notification says: who wrote (``origin``, a process) and the new numbers."""
    text_ = json.dumps({"origin": origin, "numbers": dict(numbers)}, separators=(",", ":"))
    if len(text_) > _MAX_PAYLOAD:  # never with the kinds there are; the counters still say it
        text_ = json.dumps({"origin": origin, "numbers": {}})
    return text_


class ChangeStore(Store):
    def bump(self, kinds: Iterable[str], origin: str) -> dict[str, int]:
        """Raise the counter of each kind, in name order (two writers lock the rows in the same
        order: no deadlock); on PostgreSQL notify the listeners. Returns the new numbers."""
        counters = CounterStore(self._s, self._dialect)
        numbers = {kind: counters.next_value(PREFIX + kind) for kind in sorted(set(kinds))}
        if numbers and self._dialect is Dialect.POSTGRESQL:
            self._s.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": payload(origin, numbers)},
            )
        return numbers

    def numbers(self, kinds: Iterable[str]) -> dict[str, int]:
        """The current number of each of ``kinds`` changed at least once (primary-key lookups,
        whatever the server's collation)."""
        names = [PREFIX + kind for kind in kinds]
        rows = self._s.execute(
            select(CounterRecord.name, CounterRecord.value).where(CounterRecord.name.in_(names))
        )
        return {str(n)[len(PREFIX) :]: int(v) for n, v in rows}

    def after_commit(self, then: Callable[[], None]) -> None:
        """Call ``then`` once this unit of work has committed (not if it rolls back)."""

        def committed(_session: Session) -> None:
            then()

        event.listen(self._s, "after_commit", committed, once=True)
