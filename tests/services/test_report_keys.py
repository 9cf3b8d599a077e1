"""The report-signing key travels with an encrypted database or the office server's, like the
journal key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import make_draft, open_test_services
from tthc_desk.domain.clock import FixedClock
from tthc_desk.exporting.report_signature import SIGNER_KEY_KEY, signature_fields
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
from tthc_desk.services.report_keys import ESCROW_NAME, ReportKeys
from tthc_desk.sync.credentials import InMemoryStore


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    monkeypatch.setenv("TTHC_DESK_KEY_DIR", str(folder))
    return folder


def _signed_weekly(tmp_path: Path, store: InMemoryStore, name: str) -> tuple[str, str]:
    """The fingerprint a weekly report of the office in ``tmp_path/office`` is signed with, and
    the name of its key."""
    clock = FixedClock(datetime(2026, 3, 9, 9, 0))
    svc = open_test_services(AppPaths(tmp_path / "office"), clock, credentials=store)
    try:
        assert svc.db.holds_keys  # an encrypted SQLite file, or the office server
        assert svc.db.encrypted or not svc.db.is_sqlite
        svc.dossiers.receive(make_draft())
        target = tmp_path / name
        svc.reports.write_weekly(svc.reports.week(), target)
        key_name = ReportKeys.name(svc.journal.database_id)
    finally:
        svc.close()
    return signature_fields(target)[SIGNER_KEY_KEY], key_name


@pytest.mark.parametrize("keyring", [True, False], ids=["keyring", "key-file"])
def test_a_lost_signing_key_comes_back_from_the_database(
    tmp_path: Path, keys: Path, keyring: bool
) -> None:
    store = InMemoryStore(available=keyring)
    first, name = _signed_weekly(tmp_path, store, "tuan-1.xlsx")
    assert first
    key_file = keys / ReportKeys.file_name(name)
    kept = store.get(name) if keyring else key_file.read_text(encoding="ascii")
    assert kept
    if keyring:
        store.delete(name)
    else:
        key_file.unlink()

    assert _signed_weekly(tmp_path, store, "tuan-2.xlsx") == (first, name)
    # And it is kept on this PC again.
    assert (store.get(name) if keyring else key_file.read_text(encoding="ascii")) == kept


def test_an_escrowed_key_mends_a_damaged_entry(tmp_path: Path, keys: Path) -> None:
    store = InMemoryStore()
    vault = ReportKeys(store, tmp_path / "keys")
    assert vault.private_key("abc", None, create=False) is None
    assert store.get(vault.name("abc")) is None
    good = vault.private_key("abc")
    assert good is not None and len(good) == 32
    store.set(vault.name("abc"), "AAAA")  # three bytes: damaged
    with pytest.raises(Exception, match="bị hỏng"):
        vault.signer("abc", "H01")
    assert vault.signer("abc", "H01", escrowed=good).private == good
    assert vault.private_key("abc") == good


@pytest.mark.sqlite_only  # the demo's unencrypted SQLite file
def test_a_demo_database_holds_no_key(tmp_path: Path, keys: Path) -> None:
    clock = FixedClock(datetime(2026, 3, 9, 9, 0))
    svc = open_services(AppPaths(tmp_path / "demo"), clock, credentials=InMemoryStore(), demo=True)
    try:
        assert not svc.db.encrypted
        assert svc.reports.signer() is not None
        with svc.db.read() as uow:
            assert uow.journal.escrowed_key(ESCROW_NAME) is None
    finally:
        svc.close()
