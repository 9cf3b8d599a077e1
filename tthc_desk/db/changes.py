"""The change signal of a shared office: a write on one counter PC is seen by the others.

Several counter PCs share one database (a PostgreSQL server; on SQLite, the processes of one PC
share the file). Every write unit of work that changes data raises the office's change numbers
(:mod:`tthc_desk.db.stores.changes`) in its own transaction: :meth:`ChangeSignal.announce`,
called by ``Database.write`` with what the journal saw the work change, so no use case has to
remember to say so. The other PCs read the numbers and compare them with the ones they saw last.

Why counters, not ``PRAGMA data_version``: data_version only says that *another connection*
committed something, and every connection of this process's own pool is another connection, as
is every login, lock of the screen or journal check; the counters say which kind of data changed
and can tell this process's own writes from the others' (:meth:`ChangeSignal.is_own`), so a
counter does not refresh twice after its own save.

On PostgreSQL a :class:`ChangeListener` holds a connection of its own with ``LISTEN`` on a
background thread and wakes the watcher as soon as a write commits; it reconnects when the server
drops it. The counters stay the truth: a notification lost while it reconnected is caught by the
slower poll that goes on beside it.
"""

from __future__ import annotations

import collections
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from tthc_desk.db.stores.base import Dialect
from tthc_desk.db.stores.changes import CHANNEL

if TYPE_CHECKING:
    from tthc_desk.db.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

#: How many of this process's own numbers are remembered (a watcher reads every second or two).
_OWN_KEPT = 4096
#: Seconds between two tries to reach the server again.
RECONNECT_SECONDS = 2.0
#: How long one wait for notifications lasts before the listener looks whether to stop.
_SLICE_SECONDS = 0.5


def kinds_of(changed: Iterable[str]) -> set[str]:
    """The kinds in the journal's aggregate keys (``dossier:12`` → ``dossier``)."""
    return {key.split(":", 1)[0] for key in changed}


class ChangeSignal:
    """One database's change signal: raises the numbers, remembers which numbers are its own."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        #: Names this process in its notifications (its own watcher is not woken by them).
        self.origin = uuid.uuid4().hex[:16]
        self._own: set[tuple[str, int]] = set()
        self._own_order: collections.deque[tuple[str, int]] = collections.deque()
        self._lock = threading.Lock()
        #: Told, on the writing thread, the kinds each of this process's own writes changed.
        self._own_watchers: list[Callable[[frozenset[str]], None]] = []

    def announce(self, uow: UnitOfWork, changed: Iterable[str]) -> None:
        """Raise the numbers of the kinds of data ``changed`` (aggregate keys) in ``uow``'s
        transaction; once it commits, remember them as this process's own."""
        kinds = kinds_of(changed)
        if not kinds:
            return
        numbers = uow.changes.bump(kinds, self.origin)
        uow.changes.after_commit(lambda: self._remember(numbers.items()))

    def _remember(self, numbers: Iterable[tuple[str, int]]) -> None:
        numbers = list(numbers)
        with self._lock:
            for pair in numbers:
                self._own.add(pair)
                self._own_order.append(pair)
            while len(self._own_order) > _OWN_KEPT:
                self._own.discard(self._own_order.popleft())
            watchers = list(self._own_watchers)
        kinds = frozenset(kind for kind, _n in numbers)
        for watcher in watchers:
            try:
                watcher(kinds)
            except Exception:  # a screen's refresh is never worth a failed save
                log.exception("Không báo được thay đổi vừa lưu cho màn hình")

    def watch_own(self, watcher: Callable[[frozenset[str]], None]) -> None:
        """Call ``watcher(kinds)`` after each write of this process commits (on its thread):
        this process's own screens follow every save, wherever it was made."""
        with self._lock:
            if watcher not in self._own_watchers:
                self._own_watchers.append(watcher)

    def unwatch_own(self, watcher: Callable[[frozenset[str]], None]) -> None:
        with self._lock:
            if watcher in self._own_watchers:
                self._own_watchers.remove(watcher)

    def is_own(self, kind: str, number: int) -> bool:
        """Whether number ``number`` of ``kind`` was taken by a write of this process."""
        with self._lock:
            return (kind, number) in self._own

    def listener(self, engine: Engine, wake: Callable[[str], None]) -> ChangeListener | None:
        """A listener for ``engine``'s database (PostgreSQL), not started; None elsewhere."""
        if self.dialect is not Dialect.POSTGRESQL:
            return None
        return ChangeListener(_psycopg_connect(engine), wake)


def _psycopg_connect(engine: Engine) -> Callable[[], Any]:
    """A function opening a new autocommit psycopg connection to ``engine``'s database, with TCP
    keepalives so that a server gone without a word (a cable pulled) is noticed in a minute."""
    args, kwargs = engine.dialect.create_connect_args(engine.url)

    def connect() -> Any:
        import psycopg  # the optional PostgreSQL driver: imported only for a server

        params = {  # defaults; what the URL already says (db.postgres's settings) wins
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "application_name": "tthc-desk-listener",
            **kwargs,
        }
        return psycopg.connect(*args, **params, autocommit=True)

    return connect


class ChangeListener:
    """``LISTEN tthc_changes`` on a connection of its own, on a daemon thread.

    ``wake(payload)`` is called (on that thread) for every notification, and with ``""`` after
    each (re)connection, since what was committed while no one listened was not heard.
    """

    def __init__(self, connect: Callable[[], Any], wake: Callable[[str], None]) -> None:
        self._connect = connect
        self._wake = wake
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None
        #: Set while a connection listens (tests wait on it).
        self.listening = threading.Event()
        #: How many times a connection started listening (1 + the reconnections).
        self.connections = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="tthc-changes-listener", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (tests drop it)."""
        conn = self._conn
        return None if conn is None or not self.listening.is_set() else int(conn.info.backend_pid)

    def _run(self) -> None:
        quiet = False  # say once that the server is out of reach, not every two seconds
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as e:  # the server went away or refused: try again shortly
                if not quiet:
                    log.warning("Lost the change notifications of the server: %s", e)
                quiet = True
            else:
                quiet = False
            finally:
                self.listening.clear()
                self._close()
            self._stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        self._conn = self._connect()
        self._conn.execute(f"LISTEN {CHANNEL}")
        self.connections += 1
        self.listening.set()
        log.info("Listening to the server's change notifications")
        self._wake("")
        while not self._stop.is_set():
            for note in self._conn.notifies(timeout=_SLICE_SECONDS):
                self._wake(str(note.payload))

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already broken: nothing to close
                log.debug("Closing the listening connection failed", exc_info=True)
