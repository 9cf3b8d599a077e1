"""Monotonic counters (dossier sequence per day, ledger numbers, letter and list numbers).

One statement takes the next number: ``INSERT … ON CONFLICT (name) DO UPDATE SET value = value + 1
RETURNING value``. On PostgreSQL the row lock it takes holds until the transaction ends, so two
counters taking the first number of a new day at once queue on the row instead of both inserting
it; on SQLite the write unit of work is ``BEGIN IMMEDIATE`` anyway. A number is never given twice,
and a rolled-back save gives its number back (no gaps).

The same rows hold the claims of jobs that must run once per office, not once per counter PC
(:meth:`CounterStore.claim`): the value is when the job was taken, or :data:`DONE`; and small
bookmarks of background work (where the last apology scan left off, :meth:`CounterStore.put`),
which, unlike settings, are neither journalled nor announced to the other counter PCs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select, update

from tthc_desk.db.models import CounterRecord
from tthc_desk.db.stores.base import Dialect, Store

#: The value of a job's claim once the job is done: never taken again.
DONE = 2**31 - 1


def _upsert(dialect: Dialect) -> Any:
    """The dialect's ``insert`` with ``ON CONFLICT``: its package imported when first used, so
    the PostgreSQL one (~40 ms) stays out of an SQLite start-up and the reverse."""
    name = "postgresql" if dialect is Dialect.POSTGRESQL else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert


class CounterStore(Store):
    def next_value(self, name: str) -> int:
        """The next number of counter ``name`` (1 for a counter never used)."""
        insert = _upsert(self._dialect)
        stmt = insert(CounterRecord).values(name=name, value=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[CounterRecord.name], set_={"value": CounterRecord.value + 1}
        ).returning(CounterRecord.value)
        value = int(self._s.execute(stmt).scalar_one())
        cached = self._s.identity_map.get(self._s.identity_key(CounterRecord, name))
        if cached is not None:  # a row loaded earlier in this unit of work is now stale
            self._s.expire(cached)
        return value

    def values(self, names: Iterable[str]) -> dict[str, int]:
        """The current value of each named counter that exists."""
        wanted = list(names)
        if not wanted:
            return {}
        rows = self._s.execute(
            select(CounterRecord.name, CounterRecord.value).where(CounterRecord.name.in_(wanted))
        )
        return {name: value for name, value in rows}

    def put(self, values: Mapping[str, int]) -> None:
        """Set each named counter to its value (one upsert per name, in name order)."""
        insert = _upsert(self._dialect)
        for name in sorted(values):
            stmt = insert(CounterRecord).values(name=name, value=values[name])
            self._s.execute(
                stmt.on_conflict_do_update(
                    index_elements=[CounterRecord.name], set_={"value": stmt.excluded.value}
                )
            )

    def remove(self, names: Iterable[str]) -> None:
        self._s.execute(delete(CounterRecord).where(CounterRecord.name.in_(list(names))))

    def set_at_least(self, name: str, value: int) -> None:
        """Raise counter ``name`` to ``value`` (bulk writers that numbered rows themselves)."""
        rec = self._s.get(CounterRecord, name)
        if rec is None:
            self._s.add(CounterRecord(name=name, value=value))
        elif rec.value < value:
            rec.value = value

    def claim(self, name: str, at: int, stale_before: int) -> bool:
        """Take job ``name`` at ``at`` (a whole number of minutes): True for one caller only,
        however many PCs ask at once. A claim older than ``stale_before`` (its PC died while
        working) may be taken again; a claim marked :data:`DONE` never.

        One statement (``INSERT … ON CONFLICT DO UPDATE … WHERE``): on PostgreSQL a second
        caller waits on the first one's row, then finds it taken; on SQLite writes queue anyway.
        """
        insert = _upsert(self._dialect)
        stmt = insert(CounterRecord).values(name=name, value=at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[CounterRecord.name],
            set_={"value": stmt.excluded.value},
            where=CounterRecord.value < stale_before,
        ).returning(CounterRecord.value)
        return self._s.execute(stmt).first() is not None

    def end_claim(self, name: str, *, done: bool) -> None:
        """Job ``name`` is :data:`DONE` (never taken again), or given back (taken by the next
        caller)."""
        self._s.execute(
            update(CounterRecord)
            .where(CounterRecord.name == name)
            .values(value=DONE if done else 0)
        )
