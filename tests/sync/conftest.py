"""Fixtures of the upload tests: real servers on 127.0.0.1, services with an in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import open_test_services
from tests.sync.certs import Pki, make_test_pki
from tests.sync.servers import CutProxy, PostServer, SmtpSink, WebDavServer
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services
from tthc_desk.sync.credentials import InMemoryStore

OFFICE = "000.17.22.H56"


@pytest.fixture
def keyring_store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def svc(data_dir: Path, clock: FixedClock, keyring_store: InMemoryStore) -> Iterator[Services]:
    # The test office, set up, with binh (every role) logged in: saving a destination and
    # sending need the rights.
    services = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=keyring_store)
    yield services
    services.close()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throwaway CA with certificates for 127.0.0.1 and localhost (:mod:`tests.sync.certs`)."""
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def webdav(tmp_path: Path) -> Iterator[WebDavServer]:
    server = WebDavServer(tmp_path / "dav")
    (server.root / "bao-cao").mkdir()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.stop()


@pytest.fixture
def post_server() -> Iterator[PostServer]:
    server = PostServer()
    yield server
    server.stop()


@pytest.fixture
def cut_proxy_factory() -> Iterator[type[CutProxy]]:
    proxies: list[CutProxy] = []

    class Tracked(CutProxy):
        def __init__(self, target_port: int) -> None:
            super().__init__(target_port)
            proxies.append(self)

    yield Tracked
    for p in proxies:
        p.stop()


class MemoryKeyring:
    """A keyring backend held in memory (registered with ``keyring.set_keyring``)."""

    def __init__(self) -> None:
        from keyring.backend import KeyringBackend

        data: dict[tuple[str, str], str] = {}
        self.data = data

        class Backend(KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def get_password(self, service: str, username: str) -> str | None:
                return data.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                data[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                data.pop((service, username), None)

        self.backend = Backend()


@pytest.fixture
def os_keyring() -> Iterator[MemoryKeyring]:
    """The "operating system's" keyring, for code that uses the real KeyringStore (the CLI)."""
    import keyring

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory.backend)
    yield memory
    keyring.set_keyring(previous)
