"""The keyring backend is searched for once per PC, then loaded by name (issue 14: start-up)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring import core
from keyring.backends import null

from tthc_desk.sync import credentials


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not chosen its backend yet, with no choice made by the person."""
    previous = getattr(core, "_keyring_backend", None)
    monkeypatch.setattr(core, "_keyring_backend", None)
    monkeypatch.setattr(credentials, "_chosen", False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(core, "load_config", lambda: None)
    yield
    core._keyring_backend = previous


def test_the_search_runs_once_then_the_choice_is_loaded_by_name(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[int] = []
    found = null.Keyring()

    def search() -> keyring.backend.KeyringBackend:
        searched.append(1)
        core._keyring_backend = found
        return found

    monkeypatch.setattr(keyring, "get_keyring", search)
    remembered = tmp_path / "keys" / credentials.BACKEND_FILE
    assert credentials.choose_backend(remembered) is found and searched == [1]
    assert remembered.read_text(encoding="utf-8").strip() == "keyring.backends.null.Keyring"

    # The next start-up: no search; but null is what a search settles for, so it searches.
    monkeypatch.setattr(core, "_keyring_backend", None)
    monkeypatch.setattr(credentials, "_chosen", False)
    remembered.write_text("keyrings.alt.file.PlaintextKeyring\n", encoding="utf-8")
    backend = credentials.choose_backend(remembered)
    assert type(backend).__name__ == "PlaintextKeyring" and searched == [1]
    assert keyring.get_keyring is search and core._keyring_backend is backend

    # A remembered backend that is gone: searched for again.
    monkeypatch.setattr(core, "_keyring_backend", None)
    monkeypatch.setattr(credentials, "_chosen", False)
    remembered.write_text("keyrings.nowhere.Keyring\n", encoding="utf-8")
    assert credentials.choose_backend(remembered) is found and searched == [1, 1]


def test_the_persons_own_choice_comes_first(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered = tmp_path / credentials.BACKEND_FILE
    remembered.write_text("keyrings.alt.file.PlaintextKeyring\n", encoding="utf-8")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    assert isinstance(credentials.choose_backend(remembered), null.Keyring)
