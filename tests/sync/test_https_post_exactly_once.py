"""HTTPS POST exactly once: the reference receiver (:mod:`tthc_desk.sync.reference_receiver`) over
loopback TLS, with faults injected here, around it: a 500 before anything is stored, the answer
lost after the report was stored, and an answer slower than the client's timeout."""

from __future__ import annotations

import random
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import open_test_services
from tests.sync.certs import Pki
from tests.sync.conftest import OFFICE
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.services.outbox_service import OutboxService
from tthc_desk.sync.credentials import InMemoryStore
from tthc_desk.sync.delivery import Payload
from tthc_desk.sync.reference_receiver import ReceiverHandler, ReceiverServer, ReceiverStore
from tthc_desk.sync.transports import HttpsPostTransport, status_url

TOKEN = "token-tinh"
TIMEOUT = 1.0  # the client's
SLOW = 2.0  # the receiver's late answers
ALREADY = "Đã có sẵn trên máy chủ"
FAULTS = ("before", "after", "slow")


class Faults:
    """What the next request meets: ``script`` first, then a seeded draw at ``rate``."""

    def __init__(self, rate: float = 0.0, seed: int = 11) -> None:
        self.rate = rate
        self.script: list[str | None] = []
        self.seen: Counter[str | None] = Counter()
        self.log: list[tuple[str, str]] = []  # (method, key)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def next(self, method: str, key: str) -> str | None:
        with self._lock:
            if self.script:
                fault = self.script.pop(0)
            elif self._rng.random() < self.rate:
                fault = self._rng.choice(FAULTS)
            else:
                fault = None
            self.seen[fault] += 1
            self.log.append((method, key))
            return fault

    def methods(self) -> list[str]:
        return [method for method, _ in self.log]


class FaultyServer(ReceiverServer):
    faults: Faults
    ignore_key = False  # a receiver that stores every POST and has no status lookup

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the injected cut, and writes to a client that gave up: both on purpose


class FaultyHandler(ReceiverHandler):
    server: FaultyServer
    fault: str | None = None

    def do_POST(self) -> None:
        key = self.headers.get("Idempotency-Key", "")
        if self.server.ignore_key:
            del self.headers["Idempotency-Key"]
            self.headers["Idempotency-Key"] = f"{key}#{len(self.server.faults.log)}"
        self._with_fault("POST", key, super().do_POST)

    def do_GET(self) -> None:
        key = parse_qs(urlsplit(self.path).query).get("key", [""])[0]
        if self.server.ignore_key:  # what a plain web server shows at any address
            self._with_fault("GET", key, self._generic_page)
        else:
            self._with_fault("GET", key, super().do_GET)

    def _generic_page(self) -> None:
        body = "<html><body>Cổng tiếp nhận báo cáo</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _with_fault(self, method: str, key: str, handle: Callable[[], None]) -> None:
        self.fault = self.server.faults.next(method, key)
        if self.fault == "before":
            self.read_body()
            self.fault = None
            self.send_answer(500, {"error": "lỗi thử nghiệm"})
            return
        if self.fault == "slow" and self.server.ignore_key and method == "GET":
            time.sleep(SLOW)
        handle()

    def send_answer(self, status: int, answer: dict[str, Any] | None) -> None:
        if self.fault == "after":  # handled (stored, if a POST), then the line drops
            raise ConnectionAbortedError("injected: no answer after handling")
        if self.fault == "slow":
            time.sleep(SLOW)
        super().send_answer(status, answer)


@dataclass
class Receiver:
    server: FaultyServer
    faults: Faults
    url: str
    ca: Path

    @property
    def store(self) -> ReceiverStore:
        return self.server.store

    def dest(self) -> Destination:
        return Destination(
            DestinationKind.HTTPS_POST,
            url=self.url,
            bearer=True,
            timeout=TIMEOUT,
            ca_file=str(self.ca),
        )


@pytest.fixture
def receiver(tmp_path: Path, pki: Pki) -> Iterator[Receiver]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(pki.server.cert), str(pki.server.key))
    server = FaultyServer(
        ("127.0.0.1", 0),
        ReceiverStore(tmp_path / "tinh"),
        token=TOKEN,
        context=context,
        handler=FaultyHandler,
    )
    server.faults = Faults()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    url = f"https://127.0.0.1:{server.server_address[1]}/nhan-bao-cao"
    yield Receiver(server, server.faults, url, pki.ca)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _report(n: int) -> bytes:
    return f"Báo cáo tuần {n:02d} – số liệu\r\n".encode() * (200 + n)


def _enqueue(svc: Services, n: int = 1) -> int:
    data = _report(n)
    return svc.outbox.enqueue(data, kind="weekly", period_key=f"2026-W{n:02d}", office_id=OFFICE).id


def _again(svc: Services, clock: FixedClock) -> list[Any]:
    clock.set(clock.now() + timedelta(hours=2))  # past every back-off step and lease
    return svc.outbox.send_due()


def _get(url: str, ca: Path) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    context = ssl.create_default_context(cafile=str(ca))
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_the_contract_post_repeat_and_status_by_key(receiver: Receiver) -> None:
    import hashlib

    data = _report(1)
    payload = Payload(
        "000.17.22.H56_tuan_2026-W01.xlsx",
        data,
        hashlib.sha256(data).hexdigest(),
        "<abc.1@tthc-desk>",
        OFFICE,
        "weekly",
        "2026-W01",
    )
    transport, dest = HttpsPostTransport(), receiver.dest()
    lookup = status_url(receiver.url, payload.message_id)
    assert lookup.endswith("/nhan-bao-cao/status?key=%3Cabc.1%40tthc-desk%3E")
    assert _get(lookup, receiver.ca) == (404, '{"key": "<abc.1@tthc-desk>", "receipt": null}')

    first = transport.send(dest, payload, TOKEN)
    repeat = transport.send(dest, payload, TOKEN)  # the receiver drops it, same receipt
    assert (first.status, repeat.status) == (201, 200)
    assert first.reply == 'Created {"key": "<abc.1@tthc-desk>", "receipt": "R000001"}'
    assert repeat.reply.endswith('"receipt": "R000001"}') and not repeat.already_there
    assert _get(lookup, receiver.ca) == (200, '{"key": "<abc.1@tthc-desk>", "receipt": "R000001"}')

    found = transport.send(dest, replace(payload, tried_before=True), TOKEN)
    assert found.already_there and found.reply.endswith('"receipt": "R000001"}')
    assert receiver.faults.methods() == ["GET", "POST", "POST", "GET", "GET"]  # no third POST

    [entry] = receiver.store.entries()
    assert receiver.store.content("R000001") == data
    assert entry["file_name"] == payload.file_name and entry["period"] == "2026-W01"
    with pytest.raises(Exception) as e:
        transport.send(dest, replace(payload, tried_before=True), "sai")
    assert "từ chối tên đăng nhập" in str(e.value)


def test_answer_lost_after_storing_is_found_by_key_not_posted_again(
    svc: Services, clock: FixedClock, receiver: Receiver
) -> None:
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    item_id = _enqueue(svc)
    receiver.faults.script = ["after"]
    [result] = svc.outbox.send_due()
    assert result.state is OutboxState.WAITING and "ngắt giữa chừng" in result.message
    assert len(receiver.store.entries()) == 1  # stored, but the client cannot know
    [result] = _again(svc, clock)
    item = svc.outbox.get(item_id)
    assert result.sent and item.state is OutboxState.SENT
    assert item.server_reply.startswith(ALREADY) and '"receipt": "R000001"' in item.server_reply
    assert receiver.faults.methods() == ["POST", "GET"]
    assert [e["key"] for e in receiver.store.entries()] == [item.message_id]


def test_answer_later_than_the_timeout_is_found_by_key(
    svc: Services, clock: FixedClock, receiver: Receiver
) -> None:
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    item_id = _enqueue(svc)
    receiver.faults.script = ["slow"]
    [result] = svc.outbox.send_due()
    assert result.state is OutboxState.WAITING and "không trả lời kịp" in result.message
    [result] = _again(svc, clock)
    assert result.sent and svc.outbox.get(item_id).server_reply.startswith(ALREADY)
    assert receiver.faults.methods() == ["POST", "GET"] and len(receiver.store.entries()) == 1


def test_failure_before_storing_is_looked_up_then_posted_again(
    svc: Services, clock: FixedClock, receiver: Receiver
) -> None:
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    item_id = _enqueue(svc)
    receiver.faults.script = ["before"]
    [result] = svc.outbox.send_due()
    assert result.state is OutboxState.WAITING and "mã 500" in result.message
    assert receiver.store.entries() == []
    [result] = _again(svc, clock)
    item = svc.outbox.get(item_id)
    assert result.sent and item.server_reply.startswith("201 Created")
    assert receiver.faults.methods() == ["POST", "GET", "POST"]  # unknown (404): post again
    assert [e["key"] for e in receiver.store.entries()] == [item.message_id]


class _Crash(BaseException):
    """The process dies (power cut) after the POST was answered, before the outcome is kept."""


def test_crash_between_the_answer_and_the_commit_is_found_by_key(
    data_dir: Path, clock: FixedClock, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = InMemoryStore()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    item_id = _enqueue(svc)

    def crash(self: OutboxService, *args: object) -> None:
        raise _Crash

    monkeypatch.setattr(OutboxService, "_record_sent", crash)
    with pytest.raises(_Crash):
        svc.outbox.send_due()
    monkeypatch.undo()
    svc.close()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        assert svc.outbox.get(item_id).state is OutboxState.SENDING
        [result] = _again(svc, clock)  # the lease ran out
        item = svc.outbox.get(item_id)
        assert result.sent and item.server_reply.startswith(ALREADY) and item.attempts == 2
        assert receiver.faults.methods() == ["POST", "GET"]
        assert len(receiver.store.entries()) == 1
    finally:
        svc.close()


def _send_until_all_sent(svc: Services, clock: FixedClock, count: int) -> int:
    """Rounds of ``send_due`` (each stops at the first failure, as at a counter) until done."""
    for rounds in range(1, 200):
        _again(svc, clock)
        if svc.outbox.status_counts().get(OutboxState.SENT, 0) == count:
            return rounds
    raise AssertionError(f"not all sent: {svc.outbox.status_counts()}")


def test_twenty_reports_through_a_receiver_failing_30_percent_arrive_exactly_once(
    svc: Services, clock: FixedClock, receiver: Receiver
) -> None:
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    ids = [_enqueue(svc, n) for n in range(1, 21)]
    receiver.faults.rate = 0.3
    _send_until_all_sent(svc, clock, 20)

    seen = receiver.faults.seen
    assert all(seen[f] > 0 for f in FAULTS), seen  # every kind of fault happened
    entries = {e["key"]: e for e in receiver.store.entries()}
    assert len(receiver.store.entries()) == 20  # 20 stored, no report twice
    posts = Counter(key for method, key in receiver.faults.log if method == "POST")
    assert any(n > 1 for n in posts.values()), posts  # some reports were posted more than once
    items = [svc.outbox.get(i) for i in ids]
    assert {i.message_id for i in items} == set(entries)
    found_by_key = 0
    for n, item in enumerate(items, start=1):
        entry = entries[item.message_id]
        assert item.state is OutboxState.SENT and item.sent_at is not None
        assert receiver.store.content(entry["receipt"]) == _report(n)
        assert f'"receipt": "{entry["receipt"]}"' in item.server_reply  # the receiver's own
        found_by_key += item.server_reply.startswith(ALREADY)
    assert found_by_key > 0  # the lookup, not only the receiver's dedup, did the work
    assert svc.outbox.send_due(ignore_backoff=True) == []


def test_a_receiver_ignoring_the_key_may_store_twice_but_loses_nothing(
    svc: Services, clock: FixedClock, receiver: Receiver
) -> None:
    receiver.server.ignore_key = True
    svc.outbox.save_destination(receiver.dest(), TOKEN)
    ids = [_enqueue(svc, n) for n in range(1, 21)]
    receiver.faults.script = ["after"]  # the first report is stored, its answer lost
    receiver.faults.rate = 0.3
    _send_until_all_sent(svc, clock, 20)

    stored = Counter(str(e["key"]).rsplit("#", 1)[0] for e in receiver.store.entries())
    items = [svc.outbox.get(i) for i in ids]
    assert set(stored) == {i.message_id for i in items}  # every report arrived
    assert stored[items[0].message_id] >= 2  # ... some more than once: the receiver's to drop
    assert sum(stored.values()) > 20
    assert len(svc.outbox.items()) == 20
    for item in items:  # each marked sent once, on a POST the receiver answered
        assert item.state is OutboxState.SENT and item.server_reply.startswith("201 Created")
    assert "GET" in receiver.faults.methods()  # it was asked; its generic page proved nothing


def test_the_reference_receiver_runs_as_the_readme_says(tmp_path: Path, pki: Pki) -> None:
    import hashlib
    import subprocess
    import sys

    from tests.sync.servers import free_port

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    command = "python -m tthc_desk.sync.reference_receiver THƯ_MỤC --port 8443 --token MÃ"
    assert f"`{command} --cert C --private-key K`" in readme
    port = free_port()
    args = command.replace("THƯ_MỤC", str(tmp_path / "tinh")).replace("8443", str(port))
    args = args.replace("MÃ", TOKEN).split()[1:]
    args += ["--cert", str(pki.server.cert), "--private-key", str(pki.server.key)]
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=Path(__file__).parents[2], stderr=subprocess.PIPE
    )
    try:
        url = f"https://127.0.0.1:{port}/nhan-bao-cao"
        for _ in range(100):  # bounded wait for it to listen
            try:
                assert _get(status_url(url, "<x>"), pki.ca)[0] == 404
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        data = _report(3)
        payload = Payload(
            "a.xlsx", data, hashlib.sha256(data).hexdigest(), "<k>", OFFICE, "weekly", "W"
        )
        dest = Destination(
            DestinationKind.HTTPS_POST, url=url, bearer=True, timeout=5, ca_file=str(pki.ca)
        )
        assert HttpsPostTransport().send(dest, payload, TOKEN).status == 201
        assert (
            HttpsPostTransport()
            .send(dest, replace(payload, tried_before=True), TOKEN)
            .already_there
        )
        assert ReceiverStore(tmp_path / "tinh").content("R000001") == data  # kept on disk
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()
