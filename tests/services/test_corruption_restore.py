"""The whole story of a damaged database: caught, nothing more written, the last verified backup
restored bit-exact (the issue's "corrupt a copy … restores the last verified backup")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import dbfiles
from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.services.test_backup import _digest, _restorer
from tests.services.test_health import NAMES, NOW, _overwrite_pages
from tthc_desk.db import files
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import DatabaseDamagedError, DatabaseFileError, DatabaseMissingError
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services


def _damage(path: Path, how: str) -> None:
    if how == "pages":
        _overwrite_pages(path, 0.5, pages=8)
    elif how == "truncate":
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 2 + 100)
    elif how == "zero":
        path.write_bytes(b"")
    elif how == "text":
        path.write_text("Danh sách họp tổ dân phố số 5\n" * 3, encoding="utf-8")


@pytest.mark.parametrize("how", ["pages", "truncate", "zero", "text"])
def test_a_damaged_database_is_refused_then_restored_bit_exact(data_dir: Path, how: str) -> None:
    clock = FixedClock(NOW)
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        for i in range(150):
            person = Person(full_name=f"Lê {NAMES[i % 10]} {NAMES[i // 10 % 10]}",
                            id_number=f"0011900{i:05d}")  # fmt: skip
            svc.dossiers.receive(make_draft(applicant=person))
        run = svc.backups.run()
        assert run.ok and run.backup is not None and run.backup.verified
        backup = run.backup.path
        key = svc.db.key
    finally:
        svc.close()
    path = AppPaths(data_dir).database_file
    at_backup = _digest(backup, key)
    files.checkpoint(path, key)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    _damage(path, how)

    # Refused, explained, nothing written into the damaged file.
    try:
        svc = open_test_services(AppPaths(data_dir), clock)
    except (DatabaseDamagedError, DatabaseFileError, DatabaseMissingError) as e:
        assert "khôi phục" in e.message and "tthc-desk restore" in e.message
    else:
        try:
            report = svc.health.check(full=True)
            assert not report.ok and "dừng ghi" in report.summary()
            with pytest.raises(DatabaseDamagedError):
                svc.dossiers.receive(make_draft())
        finally:
            svc.close()

    restorer = _restorer(data_dir)
    plan = restorer.plan(backup)
    outcome = restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    assert _digest(path, dbfiles.folder_key(data_dir)) == at_backup  # bit-exact
    assert outcome.aside is None or outcome.aside.exists()  # the damaged file kept aside
    svc = open_services(AppPaths(data_dir), clock)
    try:
        assert svc.health.check(full=True).ok
        svc.accounts.login("cuong", TEST_PASSWORD)
        svc.dossiers.receive(make_draft())  # writing again
    finally:
        svc.close()
    assert os.path.exists(backup)


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
