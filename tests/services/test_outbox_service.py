"""OutboxService's destination helpers for the GUI: checking a form and knowing when to ask."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import open_test_services
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.destinations import Destination, DestinationKind
from tthc_desk.domain.errors import ValidationError
from tthc_desk.paths import AppPaths
from tthc_desk.sync.credentials import InMemoryStore

DAV = Destination(DestinationKind.WEBDAV, url="https://dav.tinh.gov.vn/xa/", username="motcua")


def test_check_destination_tidies_and_refuses(data_dir: Path, clock: FixedClock) -> None:
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=InMemoryStore())
    try:
        name = unicodedata.normalize("NFD", "Sở Nội vụ")
        checked = svc.outbox.check_destination(
            Destination(DestinationKind.WEBDAV, name=name, url=DAV.url, username="motcua")
        )
        assert checked.name == unicodedata.normalize("NFC", "Sở Nội vụ")
        assert checked.secret_key == "webdav:motcua@dav.tinh.gov.vn"
        with pytest.raises(ValidationError) as e:
            svc.outbox.check_destination(Destination(DestinationKind.FOLDER, folder="tuong-doi"))
        assert set(e.value.field_messages()) == {"folder"}
        assert svc.outbox.destination() is None  # checking saves nothing
    finally:
        svc.close()


def test_a_secret_is_asked_only_when_the_keyring_lacks_it(
    data_dir: Path, clock: FixedClock
) -> None:
    store = InMemoryStore()
    svc = open_test_services(AppPaths(data_dir), clock, seed=False, credentials=store)
    try:
        dest = svc.outbox.check_destination(DAV)
        assert svc.outbox.needs_secret_prompt(dest)
        svc.outbox.save_destination(dest, "bí-mật")
        assert not svc.outbox.needs_secret_prompt(dest)
        folder = Destination(DestinationKind.FOLDER, folder=str(data_dir))
        assert not svc.outbox.needs_secret_prompt(folder)
    finally:
        svc.close()
    # Another PC without a keyring (this database's journal key is in the keyring above).
    no_keyring = InMemoryStore(available=False)
    svc = open_test_services(
        AppPaths(data_dir.parent / "other"), clock, seed=False, credentials=no_keyring
    )
    try:
        assert svc.outbox.needs_secret_prompt(svc.outbox.check_destination(DAV))
    finally:
        svc.close()
