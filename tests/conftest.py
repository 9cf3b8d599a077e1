"""Shared fixtures: offscreen Qt, a temp data dir, a migrated database, a fixed clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import DossierDraft, Person
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services

# Monday 02/03/2026, 08:00: an ordinary working morning.
DEFAULT_NOW = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("TTHC_DESK_DATA_DIR", str(d))
    monkeypatch.delenv("TTHC_DESK_DATABASE_URL", raising=False)
    return d


@pytest.fixture
def services(data_dir: Path, clock: FixedClock) -> Iterator[Services]:
    svc = open_services(AppPaths(data_dir), clock)
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
