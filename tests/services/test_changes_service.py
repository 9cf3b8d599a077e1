"""The change signal between counter PCs: a save on one is seen by the other's watcher within a
few seconds, on SQLite (polled) and PostgreSQL (notified), never as a change of one's own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_draft
from tests.pg import Cluster
from tests.second_pc import open_second_pc
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.services.changes_service import (
    DOSSIER,
    FALLBACK_SECONDS,
    ChangeMark,
    OfficeChanges,
)
from tthc_desk.services.container import Services

#: What "within a few seconds" means here (the poll is 1.5 s on SQLite).
SOON = 4.0


@pytest.fixture
def other(data_dir: Path, database_url: str | None, clock: FixedClock) -> Iterator[Services]:
    svc = open_second_pc(data_dir, database_url, clock)
    yield svc
    svc.close()


NAMES = ("Phạm Thị Thu", "Đỗ Văn Hùng", "Vũ Thị Lan", "Hoàng Minh Tuấn")


def _person(n: int) -> Person:
    return Person(NAMES[n - 1], f"0011900{n:05d}", phone="0912345678")


class Waiter:
    """``svc.changes.wait`` on a thread of its own, as the window's watcher runs it."""

    def __init__(self, svc: Services, seen: ChangeMark, timeout: float) -> None:
        self.result: OfficeChanges | None = None
        self.at: float | None = None
        self._thread = threading.Thread(target=self._run, args=(svc, seen, timeout), daemon=True)
        self._thread.start()

    def _run(self, svc: Services, seen: ChangeMark, timeout: float) -> None:
        self.result = svc.changes.wait(seen, timeout)
        self.at = time.monotonic()

    def join(self, timeout: float) -> OfficeChanges:
        self._thread.join(timeout)
        assert self.result is not None, "the wait did not end"
        return self.result


def _settle(svc: Services) -> ChangeMark:
    """The mark after the listener (PostgreSQL) listens, so what follows is heard, not polled."""
    mark = svc.changes.mark()
    if svc.changes.pushed:
        svc.changes.wait(mark, timeout=0.01)  # starts the listener
        listener = svc.changes.listener
        assert listener is not None and listener.listening.wait(10)
        time.sleep(0.2)
        svc.changes.wait(mark, timeout=0.01)  # takes the wake-up of the first connection
    return svc.changes.mark()


def test_a_save_on_one_pc_is_seen_by_the_other_within_seconds(
    services: Services, other: Services
) -> None:
    seen = _settle(other)
    mine = services.changes.mark()
    # B waits longer than the fallback poll: only the notification (or SQLite's poll) ends it.
    waiter = Waiter(other, seen, timeout=FALLBACK_SECONDS + 5)
    time.sleep(0.2)
    started = time.monotonic()
    code = services.dossiers.receive(make_draft(applicant=_person(1))).code
    changes = waiter.join(SOON + 2)
    assert waiter.at is not None and waiter.at - started < SOON
    assert DOSSIER in changes.kinds and changes.mark.number > seen.number
    assert code in [r.code for r in other.dossiers.search(_query())]
    # The PC that saved sees nothing new from others: its screens refreshed already.
    assert not services.changes.since(mine)
    assert services.changes.since(mine).mark.numbers == changes.mark.numbers
    # Nothing more happened: the next look says so.
    assert not other.changes.since(changes.mark)


def test_a_move_on_the_other_pc_is_seen_and_a_read_is_not_a_change(
    services: Services, other: Services
) -> None:
    code = services.dossiers.receive(make_draft(applicant=_person(2))).code
    seen = other.changes.mark()
    other.dossiers.search(_query())  # reads and a login write nothing the others must refresh
    services.accounts.login("binh", "mat-khau-1")
    assert not other.changes.since(seen)
    from tthc_desk.domain.moves import Move, MoveRequest

    services.lifecycle.move(code, MoveRequest(Move.HAND_OVER, unit="Công chức Tư pháp"))
    assert DOSSIER in other.changes.since(seen).kinds


def test_a_write_rolled_back_raises_no_number(services: Services) -> None:
    seen = services.changes.mark()
    with pytest.raises(RuntimeError), services.db.write() as uow:
        uow.settings.put("a_setting_that_is_rolled_back", "1")
        raise RuntimeError("gone")
    assert services.changes.mark() == seen


@pytest.mark.postgresql_only
def test_the_listener_reconnects_when_the_server_drops_it(
    services: Services, other: Services, pg_cluster: Cluster
) -> None:
    _settle(other)
    listener = other.changes.listener
    assert listener is not None and listener.connections == 1
    pid = listener.backend_pid
    pg_cluster.sql(f"SELECT pg_terminate_backend({pid})")
    deadline = time.monotonic() + 15
    while listener.connections < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == 2 and listener.listening.wait(5)
    time.sleep(0.2)
    seen = other.changes.wait(other.changes.mark(), timeout=0.01).mark  # the reconnect's wake
    waiter = Waiter(other, seen, timeout=FALLBACK_SECONDS + 5)
    time.sleep(0.2)
    started = time.monotonic()
    services.dossiers.receive(make_draft(applicant=_person(3)))
    assert DOSSIER in waiter.join(SOON + 2).kinds
    assert waiter.at is not None and waiter.at - started < SOON


@pytest.mark.postgresql_only
def test_a_notification_says_what_changed(services: Services, database_url: str) -> None:
    import psycopg

    from tthc_desk.db.stores.changes import CHANNEL

    conninfo = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        services.dossiers.receive(make_draft(applicant=_person(4)))
        notes = list(conn.notifies(timeout=5, stop_after=1))
    import json

    said = json.loads(notes[0].payload)
    assert said["origin"] == services.db.changes.origin
    assert said["numbers"][DOSSIER] == services.changes.mark().numbers[DOSSIER]


def _query():  # type: ignore[no-untyped-def]
    from tthc_desk.services.dossier_search import DossierQuery

    return DossierQuery()


def test_own_writes_are_told_to_the_watchers_after_commit(services: Services) -> None:
    told: list[frozenset[str]] = []
    services.changes.watch_own(told.append)
    services.changes.watch_own(told.append)  # once is enough
    services.dossiers.receive(make_draft())
    assert told and all(kinds for kinds in told) and told[-1] >= {DOSSIER}
    n = len(told)
    services.changes.unwatch_own(told.append)
    services.dossiers.receive(
        make_draft(applicant=Person(full_name="Lê Văn Tám", id_number="001190054321"))
    )
    assert len(told) == n
