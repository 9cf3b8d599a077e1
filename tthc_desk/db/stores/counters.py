"""Monotonic counters (dossier sequence per day, ledger numbers, letter and list numbers).

One statement takes the next number: ``INSERT … ON CONFLICT (name) DO UPDATE SET value = value + 1
RETURNING value``. On PostgreSQL the row lock it takes holds until the transaction ends, so two
counters taking the first number of a new day at once queue on the row instead of both inserting
it; on SQLite the write unit of work is ``BEGIN IMMEDIATE`` anyway. A number is never given twice,
and a rolled-back save gives its number back (no gaps).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tthc_desk.db.models import CounterRecord
from tthc_desk.db.stores.base import Dialect, Store


class CounterStore(Store):
    def next_value(self, name: str) -> int:
        """The next number of counter ``name`` (1 for a counter never used)."""
        insert: Any = postgresql.insert if self._dialect is Dialect.POSTGRESQL else sqlite.insert
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

    def set_at_least(self, name: str, value: int) -> None:
        """Raise counter ``name`` to ``value`` (bulk writers that numbered rows themselves)."""
        rec = self._s.get(CounterRecord, name)
        if rec is None:
            self._s.add(CounterRecord(name=name, value=value))
        elif rec.value < value:
            rec.value = value
