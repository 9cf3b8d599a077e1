"""The outbox store against a real SQLite file: versions, replacement, the claim, the outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from tthc_desk.domain.outbox import OutboxState, QueuedFile
from tthc_desk.services.container import Services

NOW = datetime(2026, 3, 2, 8, 0)
OFFICE = "000.17.22.H56"


def _queued(version: int = 1, replaces_id: int | None = None, **changes: str) -> QueuedFile:
    values = {"kind": "weekly", "period_key": "2026-W09", "office_id": OFFICE, **changes}
    return QueuedFile(
        file_name=f"{values['office_id']}_{values['kind']}_{values['period_key']}_{version}.xlsx",
        content=f"v{version}".encode(),
        sha256=f"{version:064d}",
        version=version,
        replaces_id=replaces_id,
        **values,
    )


@pytest.fixture
def statements(services: Services) -> Iterator[list[str]]:
    """Every SQL statement the engine runs while the test watches."""
    seen: list[str] = []

    def watch(conn: object, cursor: object, sql: str, *args: object) -> None:
        seen.append(sql)

    event.listen(services.db.engine, "before_cursor_execute", watch)
    yield seen
    event.remove(services.db.engine, "before_cursor_execute", watch)


def test_add_then_read_back_with_the_replaced_name(services: Services) -> None:
    db = services.db
    with db.write() as uow:
        first = uow.outbox.add(_queued(1), NOW)
        second = uow.outbox.add(_queued(2, replaces_id=first.id), NOW + timedelta(minutes=1))
    assert (first.state, first.attempts, first.next_attempt_at) == (OutboxState.WAITING, 0, NOW)
    assert (first.size, first.replaces_file_name) == (2, "")
    assert (second.replaces_id, second.replaces_file_name) == (first.id, first.file_name)
    with db.read() as uow:
        assert uow.outbox.get(second.id) == second
        assert uow.outbox.get(second.id + 100) is None
        assert uow.outbox.latest(OFFICE, "weekly", "2026-W09") == second
        assert uow.outbox.latest(OFFICE, "weekly", "2026-W10") is None
        assert uow.outbox.name_taken(first.file_name)
        assert not uow.outbox.name_taken("x.xlsx")
        assert uow.outbox.content(first.id) == b"v1"
        assert uow.outbox.content(second.id + 100) is None
        assert [i.id for i in uow.outbox.items()] == [second.id, first.id]  # newest first
        assert uow.outbox.items(OutboxState.SENT) == []


def test_listing_never_loads_the_files(services: Services, statements: list[str]) -> None:
    with services.db.write() as uow:
        item = uow.outbox.add(_queued(1), NOW)
    statements.clear()
    with services.db.read() as uow:
        uow.outbox.items()
        uow.outbox.due(NOW)
        uow.outbox.get(item.id)
        uow.outbox.latest(OFFICE, "weekly", "2026-W09")
    selects = [sql for sql in statements if sql.startswith("SELECT")]
    assert len(selects) == 4
    assert not any("content" in sql for sql in selects), selects
    with services.db.read() as uow:
        uow.outbox.content(item.id)
    assert "content" in statements[-1]


def test_replace_unsent_leaves_sent_and_other_reports_alone(services: Services) -> None:
    with services.db.write() as uow:
        sent = uow.outbox.add(_queued(1), NOW)
        uow.outbox.mark_sent(sent.id, at=NOW, reply="201 Created")
        failed = uow.outbox.add(_queued(2), NOW)
        uow.outbox.mark_unsent(
            failed.id, state=OutboxState.FAILED, next_attempt_at=None, error="x", detail=""
        )
        waiting = uow.outbox.add(_queued(3), NOW)
        other = uow.outbox.add(_queued(1, period_key="2026-W10"), NOW)
        newest = uow.outbox.add(_queued(4), NOW)
        uow.outbox.replace_unsent(OFFICE, "weekly", "2026-W09", newest_id=newest.id, note="bỏ")
    with services.db.read() as uow:
        states = {i.id: (i.state, i.last_error) for i in uow.outbox.items()}
        counts = uow.outbox.counts()
    assert states[sent.id] == (OutboxState.SENT, "")
    assert states[failed.id] == states[waiting.id] == (OutboxState.REPLACED, "bỏ")
    assert states[other.id][0] is states[newest.id][0] is OutboxState.WAITING
    assert counts == {
        OutboxState.WAITING: 2,
        OutboxState.SENDING: 0,
        OutboxState.SENT: 1,
        OutboxState.FAILED: 0,
        OutboxState.REPLACED: 2,
    }


def test_due_follows_the_clock_unless_told_not_to(services: Services) -> None:
    with services.db.write() as uow:
        now_item = uow.outbox.add(_queued(1), NOW)
        later = uow.outbox.add(_queued(1, period_key="2026-W10"), NOW + timedelta(hours=1))
        done = uow.outbox.add(_queued(1, period_key="2026-W11"), NOW)
        uow.outbox.mark_sent(done.id, at=NOW, reply="")
    with services.db.read() as uow:
        assert [i.id for i in uow.outbox.due(NOW)] == [now_item.id]
        assert [i.id for i in uow.outbox.due(NOW, ignore_backoff=True)] == [now_item.id, later.id]


def test_a_claim_holds_once(services: Services) -> None:
    lease = NOW + timedelta(minutes=1)
    with services.db.write() as uow:
        item = uow.outbox.add(_queued(1), NOW)
    with services.db.write() as uow:
        assert uow.outbox.claim(
            item.id, attempts_before=0, at=NOW, lease_until=lease, destination="Cấp tỉnh"
        )
        # A second claim that read the item before the first: its count is stale.
        assert not uow.outbox.claim(
            item.id, attempts_before=0, at=NOW, lease_until=lease, destination="Cấp tỉnh"
        )
    with services.db.read() as uow:
        claimed = uow.outbox.get(item.id)
    assert claimed is not None
    assert (claimed.state, claimed.attempts, claimed.next_attempt_at) == (
        OutboxState.SENDING,
        1,
        lease,
    )
    assert (claimed.last_attempt_at, claimed.destination) == (NOW, "Cấp tỉnh")
    with services.db.write() as uow:
        uow.outbox.mark_sent(item.id, at=lease, reply="201 Created")
        # Sent: no longer sendable, whatever the count says.
        assert not uow.outbox.claim(
            item.id, attempts_before=1, at=lease, lease_until=lease, destination=""
        )


def test_outcomes_and_reopen(services: Services) -> None:
    with services.db.write() as uow:
        item = uow.outbox.add(_queued(1), NOW)
        uow.outbox.claim(
            item.id, attempts_before=0, at=NOW, lease_until=NOW, destination="Cấp tỉnh"
        )
        uow.outbox.mark_unsent(
            item.id,
            state=OutboxState.FAILED,
            next_attempt_at=None,
            error="Máy chủ từ chối tệp.",
            detail="HTTP 415",
        )
    with services.db.read() as uow:
        failed = uow.outbox.get(item.id)
    assert failed is not None
    assert (failed.state, failed.next_attempt_at, failed.last_error, failed.last_detail) == (
        OutboxState.FAILED,
        None,
        "Máy chủ từ chối tệp.",
        "HTTP 415",
    )
    later = NOW + timedelta(hours=2)
    with services.db.write() as uow:
        uow.outbox.reopen(item.id, later)
        uow.outbox.mark_sent(item.id, at=later, reply="201 Created")
    with services.db.read() as uow:
        sent = uow.outbox.get(item.id)
    assert sent is not None
    assert (sent.state, sent.attempts, sent.sent_at, sent.next_attempt_at) == (
        OutboxState.SENT,
        0,
        later,
        None,
    )
    assert (sent.server_reply, sent.last_error, sent.last_detail) == ("201 Created", "", "")
