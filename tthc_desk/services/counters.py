"""Monotonic counters (dossier sequence per day, ledger numbers, letter numbers).

Called inside a write transaction, which is ``BEGIN IMMEDIATE`` on SQLite: the read-and-increment
cannot interleave with another process, so a number is never given twice.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tthc_desk.db.models import CounterRecord


def next_value(s: Session, name: str) -> int:
    rec = s.get(CounterRecord, name, with_for_update=True)
    if rec is None:
        rec = CounterRecord(name=name, value=0)
        s.add(rec)
    rec.value += 1
    s.flush()
    return rec.value
