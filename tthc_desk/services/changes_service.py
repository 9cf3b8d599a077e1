"""What the other counter PCs changed: "what changed since the numbers I saw last".

Every write raises the office's change numbers (one per kind of data, :mod:`tthc_desk.db.changes`).
A screen keeps the :class:`ChangeMark` it last saw; :meth:`ChangesService.since` reads the numbers
again (a few primary-key lookups) and says which kinds another PC (or another process on this
PC) changed in between, leaving out what this process wrote itself — its own screens refreshed
after their own saves already.

:meth:`ChangesService.wait` blocks a background thread until something changed or a while passed:
on SQLite it reads the numbers every :data:`POLL_SECONDS`; on PostgreSQL the server's
``NOTIFY`` wakes it at once, and it still reads the numbers every :data:`FALLBACK_SECONDS`, so a
notification missed while the listener was reconnecting is caught anyway.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tthc_desk.db.changes import ChangeListener
from tthc_desk.db.engine import Database
from tthc_desk.db.stores.base import Dialect
from tthc_desk.domain.journal import Aggregate

log = logging.getLogger(__name__)

#: SQLite: how often the numbers are read (the other counters' saves show within ~2 s).
POLL_SECONDS = 1.5
#: PostgreSQL: how often the numbers are read besides the notifications.
FALLBACK_SECONDS = 15.0
#: A gap wider than this in one kind's numbers is not looked through number by number.
_MAX_GAP = 10_000

#: Every kind of data that has a change number.
KINDS = tuple(a.value for a in Aggregate)
DOSSIER = Aggregate.DOSSIER.value
APPLICANT = Aggregate.APPLICANT.value
POSTAL_BATCH = Aggregate.POSTAL_BATCH.value
PROCEDURE = Aggregate.PROCEDURE.value
CALENDAR = frozenset({Aggregate.CALENDAR_DAY.value, Aggregate.CALENDAR_YEAR.value})
SETTING = Aggregate.SETTING.value
OUTBOX = Aggregate.OUTBOX.value
#: The kinds whose change can change a list of dossiers, a deadline or a count of them.
DOSSIER_KINDS = frozenset({DOSSIER, APPLICANT, POSTAL_BATCH, PROCEDURE, SETTING}) | CALENDAR


@dataclass(frozen=True)
class ChangeMark:
    """The office's change numbers as read once, per kind of data."""

    numbers: Mapping[str, int] = field(default_factory=dict)

    @property
    def number(self) -> int:
        """The office-wide change number: it only grows while the database is not replaced."""
        return sum(self.numbers.values())


@dataclass(frozen=True)
class OfficeChanges:
    """What changed between two marks: ``kinds`` written by others (empty: nothing, or only this
    process's own writes); ``mark`` to compare with next time."""

    mark: ChangeMark
    kinds: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def touches(self, kinds: frozenset[str]) -> bool:
        return bool(self.kinds & kinds)


class ChangesService:
    """The change numbers of the office this database holds, and the wait for them to move."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._woken = threading.Event()
        self._listener: ChangeListener | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._interrupted = False

    # -- reading ----------------------------------------------------------------------------------
    def mark(self) -> ChangeMark:
        """The numbers now."""
        with self._db.read() as uow:
            return ChangeMark(uow.changes.numbers(KINDS))

    def since(self, seen: ChangeMark) -> OfficeChanges:
        """What others changed since ``seen`` (and the new mark)."""
        now = self.mark()
        kinds = frozenset(
            kind
            for kind in set(now.numbers) | set(seen.numbers)
            if self._by_others(kind, seen.numbers.get(kind, 0), now.numbers.get(kind, 0))
        )
        return OfficeChanges(now, kinds)

    def _by_others(self, kind: str, before: int, after: int) -> bool:
        if after == before:
            return False
        if after < before or after - before > _MAX_GAP:  # the database was replaced (restore)
            return True
        return any(not self._db.changes.is_own(kind, n) for n in range(before + 1, after + 1))

    # -- this process's own writes ------------------------------------------------------------
    def watch_own(self, watcher: Callable[[frozenset[str]], None]) -> None:
        """``watcher(kinds)`` after each of this process's own writes commits, on the thread
        that wrote: a screen showing counts follows a save made on any other screen."""
        self._db.changes.watch_own(watcher)

    def unwatch_own(self, watcher: Callable[[frozenset[str]], None]) -> None:
        self._db.changes.unwatch_own(watcher)

    # -- waiting ----------------------------------------------------------------------------------
    @property
    def pushed(self) -> bool:
        """Whether the server tells of changes as they commit (PostgreSQL) instead of being
        polled for them."""
        return self._db.dialect is Dialect.POSTGRESQL

    def wait(self, seen: ChangeMark, timeout: float | None = None) -> OfficeChanges:
        """Block until others changed something since ``seen``, ``timeout`` seconds passed
        (None: one poll interval, or until the next notification) or :meth:`wake` was called;
        then say what changed since ``seen``."""
        self._start_listening()
        interval = FALLBACK_SECONDS if self.pushed else POLL_SECONDS
        deadline = time.monotonic() + (interval if timeout is None else timeout)
        found = OfficeChanges(seen)
        while not self._closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            woken = self._woken.wait(min(interval, left))
            self._woken.clear()
            if self._closed:
                break
            found = self.since(seen)
            if found or timeout is None or (woken and self._interrupted):
                break
        self._interrupted = False
        return found

    def wake(self) -> None:
        """End the current :meth:`wait` now, after one more look (a watcher stopping)."""
        self._interrupted = True
        self._woken.set()

    @property
    def listener(self) -> ChangeListener | None:
        """The PostgreSQL listener, once a wait started it."""
        return self._listener

    def _start_listening(self) -> None:
        with self._lock:
            if self._listener is not None or self._closed or not self.pushed:
                return
            self._listener = self._db.changes.listener(self._db.engine, self._on_notified)
            if self._listener is not None:
                self._listener.start()

    def _on_notified(self, payload: str) -> None:
        """A notification (or a reconnection, ``""``): wake the wait unless it only tells of
        this process's own write."""
        try:
            origin = json.loads(payload).get("origin") if payload else None
        except (ValueError, AttributeError):
            origin = None
        if origin != self._db.changes.origin:
            self._woken.set()

    def close(self) -> None:
        """Stop listening (the services close)."""
        with self._lock:
            self._closed = True
            listener, self._listener = self._listener, None
        self._woken.set()
        if listener is not None:
            listener.stop()
