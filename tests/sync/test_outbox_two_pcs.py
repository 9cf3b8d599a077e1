"""Two counter PCs sending the same queue: an item is claimed by one of them only (an atomic
compare-and-set in the database), so the province's receiver gets each report once.

The claimers race for real: both have read the queue and found the item due before either claims.
The claim itself is a compare-and-set (``UPDATE … WHERE state is sendable AND attempts = n``) in a
write unit of work; the office's writes run one at a time (SQLite's ``BEGIN IMMEDIATE``,
PostgreSQL's advisory lock), so the second claimer re-reads the item as taken.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.second_pc import open_second_pc
from tests.sync.certs import Pki
from tests.sync.conftest import OFFICE
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.services.container import Services
from tthc_desk.services.outbox_service import OutboxService
from tthc_desk.sync.credentials import InMemoryStore
from tthc_desk.sync.reference_receiver import ReceiverHandler, ReceiverServer, ReceiverStore

TOKEN = "token-tinh"


class CountingHandler(ReceiverHandler):
    server: Any

    def do_POST(self) -> None:
        self.server.posts.append(self.headers.get("Idempotency-Key", ""))
        super().do_POST()


@pytest.fixture
def receiver(tmp_path: Path, pki: Pki) -> Iterator[tuple[ReceiverServer, str]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(pki.server.cert), str(pki.server.key))
    server = ReceiverServer(
        ("127.0.0.1", 0),
        ReceiverStore(tmp_path / "tinh"),
        token=TOKEN,
        context=context,
        handler=CountingHandler,
    )
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server, f"https://127.0.0.1:{server.server_address[1]}/nhan-bao-cao"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def other(
    data_dir: Path, database_url: str | None, clock: FixedClock, keyring_store: InMemoryStore
) -> Iterator[Services]:
    # The same keyring: on SQLite a second process of the same PC; on PostgreSQL another PC that
    # holds the office's journal key (and the destination's password) too.
    svc = open_second_pc(
        data_dir, database_url, clock, login="binh", seed=False, credentials=keyring_store
    )
    yield svc
    svc.close()


def _meet_when_claiming(barrier: threading.Barrier, m: pytest.MonkeyPatch) -> None:
    """Hold each claimer at ``barrier`` once it has read the queue and found the item due, just
    before its claiming transaction (writers of the office queue for the write lock: SQLite's
    ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock, so they cannot meet inside it)."""
    claim = OutboxService._claim

    def meet(self: OutboxService, *args: Any) -> Any:
        barrier.wait(10)
        return claim(self, *args)

    m.setattr(OutboxService, "_claim", meet)


def test_two_pcs_claiming_the_same_report_send_it_once(
    svc: Services,
    other: Services,
    receiver: tuple[Any, str],
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, url = receiver
    dest = Destination(DestinationKind.HTTPS_POST, url=url, bearer=True, ca_file=str(pki.ca))
    svc.outbox.save_destination(dest, TOKEN)
    data = "Báo cáo tuần 10 – số liệu\r\n".encode() * 300
    item = svc.outbox.enqueue(data, kind="weekly", period_key="2026-W10", office_id=OFFICE)

    barrier = threading.Barrier(2)
    _meet_when_claiming(barrier, monkeypatch)
    results: dict[str, Any] = {}

    def send(name: str, pc: Services) -> None:
        try:
            results[name] = pc.outbox.send_due()
        except BaseException as e:  # reported below
            results[name] = e

    threads = [
        threading.Thread(target=send, args=(name, pc)) for name, pc in (("a", svc), ("b", other))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not barrier.broken, "both claimers did not meet: the race did not happen"
    sent = {name: r for name, r in results.items() if r}
    assert all(isinstance(r, list) for r in results.values()), results
    assert len(sent) == 1, results  # one PC sent it; the other found it taken
    [[result]] = sent.values()
    assert result.sent and result.item_id == item.id
    assert server.posts == [svc.outbox.get(item.id).message_id]  # one POST reached the province
    assert svc.outbox.get(item.id).state is OutboxState.SENT
    assert svc.outbox.get(item.id).attempts == 1
