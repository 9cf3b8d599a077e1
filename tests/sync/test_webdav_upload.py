"""Uploads to a real WsgiDAV server on 127.0.0.1: every fault leaves the report queued with a
Vietnamese reason, and once healed each report arrives exactly once."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from tests.conftest import open_test_services
from tests.sync.conftest import OFFICE
from tests.sync.servers import PASSWORD, USER, CutProxy, WebDavServer, free_port
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.sync.credentials import InMemoryStore

WORKBOOK = "Báo cáo tuần – số liệu".encode() * 4000  # ~120 KB: big enough to cut half-way


def _dest(url: str) -> Destination:
    return Destination(DestinationKind.WEBDAV, url=url, username=USER, timeout=1.0)


def _setup(svc: Services, url: str) -> int:
    svc.outbox.save_destination(_dest(url), PASSWORD)
    return svc.outbox.enqueue(WORKBOOK, kind="weekly", period_key="2026-W09", office_id=OFFICE).id


def _heal_and_send(svc: Services, clock: FixedClock, webdav: WebDavServer) -> None:
    clock.set(clock.now() + timedelta(hours=2))
    svc.outbox.save_destination(_dest(webdav.url), PASSWORD)
    results = svc.outbox.send_due()
    assert [r.state for r in results] == [OutboxState.SENT]
    files = webdav.files()
    assert [f.name for f in files] == [f"{OFFICE}_tuan_2026-W09.xlsx"]
    assert files[0].read_bytes() == WORKBOOK
    item = svc.outbox.items()[0]
    assert item.state is OutboxState.SENT and item.sent_at == clock.now() and item.server_reply


def test_sends_once_and_keeps_the_reply(svc: Services, webdav: WebDavServer) -> None:
    item_id = _setup(svc, webdav.url)
    assert svc.outbox.test_destination().status == 207
    [result] = svc.outbox.send_due()
    assert result.sent and result.item_id == item_id
    item = svc.outbox.get(item_id)
    assert item.server_reply.startswith("201") and item.attempts == 1
    assert svc.outbox.send_due(ignore_backoff=True) == []  # sent is final
    assert len(webdav.files()) == 1
    assert svc.outbox.status_counts()[OutboxState.SENT] == 1


def test_server_down_then_up(svc: Services, clock: FixedClock, webdav: WebDavServer) -> None:
    item_id = _setup(svc, f"http://127.0.0.1:{free_port()}/bao-cao/")  # nothing listens there
    [result] = svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.WAITING and result.retryable
    assert item.last_error.startswith("Không kết nối được máy chủ")
    assert item.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert svc.outbox.send_due() == []  # backing off: not due yet
    clock.set(clock.now() + timedelta(minutes=1))
    svc.outbox.send_due()
    assert svc.outbox.get(item_id).next_attempt_at == clock.now() + timedelta(minutes=2)
    _heal_and_send(svc, clock, webdav)


def test_server_error_500(svc: Services, clock: FixedClock, webdav: WebDavServer) -> None:
    item_id = _setup(svc, webdav.url)
    webdav.switch.mode = "500"
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert (
        item.state is OutboxState.WAITING
        and "mã 500" in item.last_error
        and "500" in item.last_detail
    )
    webdav.switch.mode = None
    _heal_and_send(svc, clock, webdav)


def test_timeout_even_when_the_server_stored_the_file(
    svc: Services, clock: FixedClock, webdav: WebDavServer
) -> None:
    item_id = _setup(svc, webdav.url)
    webdav.switch.mode = "slow"  # HEAD stalls past the 1 s timeout
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert item.state is OutboxState.WAITING and "không trả lời kịp" in item.last_error
    webdav.switch.mode = None
    _heal_and_send(svc, clock, webdav)


def test_timeout_after_the_put_arrived_sends_nothing_twice(
    svc: Services, clock: FixedClock, webdav: WebDavServer
) -> None:
    _setup(svc, webdav.url)

    original = webdav.switch.requests
    webdav.switch.requests = _SlowOnPut(webdav)  # type: ignore[assignment]
    svc.outbox.send_due()
    assert svc.outbox.items()[0].state is OutboxState.WAITING
    webdav.switch.requests = original
    webdav.switch.mode = None
    for _ in range(100):  # the server finishes the late PUT on its own (bounded wait)
        if webdav.files() and webdav.files()[0].stat().st_size == len(WORKBOOK):
            break
        time.sleep(0.05)
    puts_before = original.count("PUT")
    clock.set(clock.now() + timedelta(hours=1))
    [result] = svc.outbox.send_due()
    assert result.sent and "Đã có sẵn trên máy chủ" in result.reply  # HEAD found it: no second PUT
    assert original.count("PUT") == puts_before
    assert len(webdav.files()) == 1


class _SlowOnPut(list):  # type: ignore[type-arg]
    """A request log that turns the server slow when the PUT comes (HEAD answered in time)."""

    def __init__(self, webdav: WebDavServer) -> None:
        super().__init__()
        self._webdav = webdav

    def append(self, method: str) -> None:  # type: ignore[override]
        super().append(method)
        self._webdav.switch.mode = "slow" if method == "PUT" else None


def test_wrong_password_fails_until_retry(
    svc: Services, clock: FixedClock, webdav: WebDavServer, keyring_store: InMemoryStore
) -> None:
    item_id = _setup(svc, webdav.url)
    second = svc.outbox.enqueue(b"period", kind="period", period_key="2026-Q1", office_id=OFFICE).id
    keyring_store.set(svc.outbox.destination().secret_key, "sai-mật-khẩu")  # type: ignore[union-attr]
    results = svc.outbox.send_due()
    assert svc.outbox.get(item_id).state is OutboxState.FAILED
    assert svc.outbox.get(item_id).last_error.startswith(
        "Máy chủ từ chối tên đăng nhập hoặc mật khẩu"
    )
    # The second report was not tried with the same wrong password.
    assert results[1].state is OutboxState.WAITING and svc.outbox.get(second).attempts == 0
    clock.set(clock.now() + timedelta(days=1))
    assert [r.item_id for r in svc.outbox.send_due()] == [second]  # failed is not retried by itself
    svc.outbox.save_destination(_dest(webdav.url), PASSWORD)
    svc.outbox.retry(item_id)
    svc.outbox.retry(second)
    assert {r.state for r in svc.outbox.send_due()} == {OutboxState.SENT}
    assert len(webdav.files()) == 2


def test_connection_cut_mid_upload(
    svc: Services, clock: FixedClock, webdav: WebDavServer, cut_proxy_factory: type[CutProxy]
) -> None:
    proxy = cut_proxy_factory(webdav.port)
    proxy.cut_after = 40_000  # headers and a third of the workbook, then the line drops
    item_id = _setup(svc, f"http://127.0.0.1:{proxy.port}/bao-cao/")
    svc.outbox.send_due()
    item = svc.outbox.get(item_id)
    assert proxy.cuts >= 1
    assert item.state is OutboxState.WAITING, item.last_detail
    assert "ngắt giữa chừng" in item.last_error or "Không kết nối" in item.last_error
    proxy.cut_after = None
    clock.set(clock.now() + timedelta(hours=2))
    [result] = svc.outbox.send_due()
    assert result.sent
    [stored] = webdav.files()
    assert stored.read_bytes() == WORKBOOK  # a partial file, if any, was overwritten


def test_crash_mid_send_is_retried_after_the_lease(
    data_dir: Path, clock: FixedClock, webdav: WebDavServer
) -> None:
    store = InMemoryStore()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    item_id = _setup(svc, webdav.url)
    dest = svc.outbox.destination()
    assert dest is not None
    svc.outbox._claim(item_id, dest, False)  # the process dies right after claiming the item
    svc.close()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        assert svc.outbox.get(item_id).state is OutboxState.SENDING
        assert svc.outbox.send_due() == []  # the lease holds for a minute
        clock.set(clock.now() + timedelta(minutes=1))
        [result] = svc.outbox.send_due()
        assert result.sent and svc.outbox.get(item_id).attempts == 2
        assert len(webdav.files()) == 1
    finally:
        svc.close()


def test_unicode_file_name(svc: Services, webdav: WebDavServer) -> None:
    svc.outbox.save_destination(_dest(webdav.url), PASSWORD)
    svc.outbox.enqueue(
        b"abc",
        kind="weekly",
        period_key="2026-W10",
        office_id=OFFICE,
        file_name="Báo cáo tuần 10.xlsx",
    )
    assert svc.outbox.send_due()[0].sent
    assert [f.name for f in webdav.files()] == ["Báo cáo tuần 10.xlsx"]
