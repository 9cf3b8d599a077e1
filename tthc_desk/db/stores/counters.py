"""Monotonic counters (dossier sequence per day, ledger numbers, letter and list numbers).

Called inside a write unit of work, which is ``BEGIN IMMEDIATE`` on SQLite: the read-and-increment
cannot interleave with another process, so a number is never given twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from tthc_desk.db.models import CounterRecord
from tthc_desk.db.stores.base import Store


class CounterStore(Store):
    def next_value(self, name: str) -> int:
        """The next number of counter ``name`` (1 for a counter never used)."""
        rec = self._s.get(CounterRecord, name, with_for_update=True)
        if rec is None:
            rec = CounterRecord(name=name, value=0)
            self._s.add(rec)
        rec.value += 1
        self._s.flush()
        return rec.value

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
