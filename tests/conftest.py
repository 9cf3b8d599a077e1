"""Shared fixtures: offscreen Qt, a temp data dir, a migrated database, a fixed clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# No keyring in the tests: journal keys go to key files in a folder of this test run (the CLI's
# child processes inherit it), never the developer's own configuration folder.
if "TTHC_DESK_KEY_DIR" not in os.environ:
    import tempfile

    os.environ["TTHC_DESK_KEY_DIR"] = tempfile.mkdtemp(prefix="tthc-keys-")

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from tthc_desk.domain.access import NewAccount, Role
from tthc_desk.domain.clock import Clock, FixedClock
from tthc_desk.domain.dossier import DossierDraft, Person
from tthc_desk.domain.office import DEMO_OFFICE, OfficeHours
from tthc_desk.paths import AppPaths
from tthc_desk.services import passwords
from tthc_desk.services.container import Services, open_services

# The whole suite runs on each engine (tests/engines.py: --engine sqlite|postgresql|all).
pytest_plugins = ["tests.engines"]

# Monday 02/03/2026, 08:00: an ordinary working morning.
DEFAULT_NOW = datetime(2026, 3, 2, 8, 0)


# Test accounts are hashed with the cheapest Argon2id settings (a real hash takes ~60 ms and
# thousands are made by the suite); tests/services/test_passwords.py checks the real settings.
passwords._hasher = PasswordHasher(1, 8, 1)

#: The password of every test account.
TEST_PASSWORD = "mat-khau-1"
#: The test office's people. ``binh`` holds every role, so tests that are not about rights act
#: as before; ``cuong`` is only a clerk, ``an`` only the head of office, ``quantri`` only admin.
TEST_ACCOUNTS = (
    NewAccount("binh", "Trần Thị Bình", frozenset(Role), TEST_PASSWORD),
    NewAccount("cuong", "Lê Văn Cường", frozenset({Role.CLERK}), TEST_PASSWORD),
    NewAccount("an", "Nguyễn Văn An", frozenset({Role.HEAD}), TEST_PASSWORD),
    NewAccount("quantri", "Quản trị viên", frozenset({Role.ADMIN}), TEST_PASSWORD),
)


def set_up_test_office(svc: Services, login: str | None = "binh") -> Services:
    """The demo office saved through the first-run setup, the test accounts, and a login."""
    if not svc.settings.is_set_up():
        admin, *others = (TEST_ACCOUNTS[3], *TEST_ACCOUNTS[:3])
        svc.settings.complete_setup(DEMO_OFFICE, OfficeHours(), admin)
        for a in others:
            svc.accounts.create(a.username, a.full_name, a.roles, a.password, temporary=False)
    if login:
        svc.accounts.login(login, TEST_PASSWORD)
    return svc


def open_test_services(
    paths: AppPaths, clock: Clock | None = None, *, login: str | None = "binh", **kw: object
) -> Services:
    """``open_services`` on a test office that is set up, logged in as ``login``."""
    return set_up_test_office(open_services(paths, clock, **kw), login)  # type: ignore[arg-type]


def sign_as(svc: Services, username: str, letter_id: int, override_reason: str = "") -> Any:
    """Sign an apology letter as ``username`` (logged in for it), then log back in as before."""
    previous = svc.accounts.current
    svc.accounts.login(username, TEST_PASSWORD)
    try:
        return svc.apologies.confirm(letter_id, override_reason=override_reason)
    finally:
        if previous is not None:
            svc.accounts.login(previous.username, TEST_PASSWORD)


def upload_secrets(store: Any) -> dict[str, str]:
    """The secrets an ``InMemoryStore`` keeps, without the database's own keys."""
    return {
        k: v
        for k, v in store.secrets.items()
        if not k.startswith(("journal-key:", "database-key:"))
    }


@pytest.fixture(scope="session")
def qapp(qapp: Any) -> Any:
    """pytest-qt's application with what ``make_application`` gives the clerk's: Qt's own texts
    in Vietnamese and the Vietnamese locale, so the tests see what users see."""
    from tthc_desk.ui.i18n import install_vietnamese

    assert install_vietnamese(qapp), "resources/translations/qt_vi.qm could not be loaded"
    return qapp


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("TTHC_DESK_DATA_DIR", str(d))
    return d


@pytest.fixture
def services(data_dir: Path, clock: FixedClock) -> Iterator[Services]:
    svc = open_test_services(AppPaths(data_dir), clock)
    yield svc
    svc.close()


def make_draft(**overrides: object) -> DossierDraft:
    """A valid intake draft (khai sinh) with Vietnamese names; override any field."""
    applicant = overrides.pop("applicant", None) or Person(
        full_name="Nguyễn Thị Hồng Nhung",
        id_number="001190012345",
        phone="0912345678",
        address="Số 5 ngõ 12 phố Đông Các, phường Đồng Nguyên",
        email="nhung@example.com",
    )
    values: dict[str, object] = {"procedure_code": "1.001193", "applicant": applicant}
    values.update(overrides)
    return DossierDraft(**values)  # type: ignore[arg-type]
