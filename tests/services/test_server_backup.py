"""Backups and restores of an office on its PostgreSQL server (issue 12), against the test
session's real server: the backup is an encrypted file verified against what was read, taken
once a day for the whole office, opened by the other counters and by the recovery key alone; a
restore puts it in place of the server's data in one transaction, keeps the data it replaces,
says what would be lost, leaves the server untouched when it fails, and the office carries on
(codes, journal, the other counters' screens)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import TEST_PASSWORD, make_draft
from tests.db.test_encryption import PEOPLE, _leaks
from tests.engines import new_database
from tests.second_pc import open_second_pc
from tthc_desk.db import copy as db_copy
from tthc_desk.db import files
from tthc_desk.db.files import FileState
from tthc_desk.db.server_backup import BACKUP_KEY_ESCROW
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import LoginError, ValidationError
from tthc_desk.domain.recovery_key import format_key, parse_key
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import BackupError
from tthc_desk.services.container import Services, open_services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import InMemoryStore

pytestmark = pytest.mark.postgresql_only

NOW = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def office(services: Services) -> Services:
    for p in PEOPLE:
        services.dossiers.receive(make_draft(applicant=p))
    return services


@pytest.fixture
def other(data_dir: Path, database_url: str | None, clock: FixedClock) -> Iterator[Services]:
    svc = open_second_pc(data_dir, database_url, clock)
    yield svc
    svc.close()


def _restorer(data_dir: Path, clock: FixedClock) -> RestoreService:
    store = InMemoryStore()
    folder = DataFolder(AppPaths(data_dir), KeyVault(store))
    return RestoreService(folder, clock, JournalKeys(store))


def _codes(svc: Services) -> list[str]:
    with svc.db.session() as s:
        return [str(c) for c in s.scalars(text("SELECT code FROM dossiers ORDER BY id"))]


def _newcomer() -> Person:
    return Person("Lương Thị Mai", "001190099999", phone="0987000111")


# -- taking one --------------------------------------------------------------------------------
def test_a_server_backup_is_an_encrypted_verified_file_of_the_whole_office(
    office: Services, other: Services, data_dir: Path
) -> None:
    run = office.backups.run()
    assert run.ok and run.backup is not None
    b = run.backup
    assert b.path.parent == AppPaths(data_dir).backup_dir and b.path.suffix == ".db"
    assert b.verified is True and b.encrypted is True and b.dossiers == len(PEOPLE)
    assert files.inspect_file(b.path) is FileState.SEALED
    assert _leaks(b.path.parent) == []  # no name, ID number or phone in the clear
    # The office's key is on the server and on this PC; the other counter opens the file.
    with office.db.read() as uow:
        escrowed = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
    assert escrowed is not None and office.backups.office_key() == escrowed
    assert office.folder.server_key() == escrowed
    assert files.opens_with(b.path, escrowed)
    assert other.backups.verify(b.path).ok
    # Every counter's status line reads the office's last run.
    assert other.backups.status().last_verified_at is not None
    assert other.backups.last_run()["last_path"] == str(b.path)


def test_the_daily_backup_is_taken_once_for_the_whole_office(
    office: Services, other: Services, clock: FixedClock
) -> None:
    clock.set(NOW + timedelta(hours=10))  # past the daily time
    assert office.backups.due() and other.backups.due()
    first = office.backups.run_if_due()
    assert first is not None and first.ok
    assert not other.backups.due()
    assert other.backups.run_if_due() is None


def test_a_copy_that_differs_from_what_was_read_fails_and_nothing_is_kept(
    office: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = db_copy._fingerprint

    def wrong(rows: list[tuple[object, ...]]) -> int:
        return real(rows) + 1

    monkeypatch.setattr(db_copy, "_fingerprint", wrong)  # the read-back never matches
    monkeypatch.setattr(db_copy, "verify", _verify_with(real))
    with pytest.raises(BackupError, match="không đạt kiểm tra"):
        office.backups.run()
    assert office.backups.list_backups() == []
    assert not list(office.paths.backup_dir.glob("*.part"))
    assert office.backups.last_run()["last_ok"] is False


def _verify_with(real: object) -> object:
    original = db_copy.verify

    def verify(target: object, copies: object, progress: object = None) -> object:
        saved = db_copy._fingerprint
        db_copy._fingerprint = real  # type: ignore[assignment]
        try:
            return original(target, copies, progress)  # type: ignore[arg-type]
        finally:
            db_copy._fingerprint = saved

    return verify


# -- restoring -----------------------------------------------------------------------------------
def test_restore_puts_the_backup_back_says_what_is_lost_and_keeps_the_current_data(
    office: Services, other: Services, data_dir: Path, clock: FixedClock
) -> None:
    run = office.backups.run()
    assert run.backup is not None
    kept = _codes(office)
    late = office.dossiers.receive(make_draft(applicant=_newcomer()))
    seen = other.changes.mark()

    restorer = _restorer(data_dir, clock)
    plan = restorer.plan(run.backup.path, parse_key(format_key(office.backups.office_key())))
    assert plan.lost.readable and plan.lost.count == 1 and plan.lost.codes == [late.code]
    assert late.code in plan.lost_sentence()
    with pytest.raises(LoginError):
        restorer.authorise(plan, "quantri", "sai-mat-khau")
    actor = restorer.authorise(plan, "quantri", TEST_PASSWORD)
    outcome = restorer.restore(plan, actor)

    assert outcome.database is None and "cơ sở dữ liệu" in outcome.where
    assert _codes(office) == kept  # the server holds the backup's dossiers, and only those
    # The data it replaced was backed up first, verified, with the late dossier in it.
    assert outcome.aside is not None and outcome.aside.name.startswith("truoc-khoi-phuc-")
    check = office.backups.verify(outcome.aside)
    assert check.ok and check.counts["dossiers"] == len(kept) + 1
    # The other counter's screens hear of it; the office carries on: a new code, a whole journal.
    assert "dossier" in other.changes.wait(seen, timeout=5).kinds
    again = other.dossiers.receive(make_draft(applicant=_newcomer()))
    assert again.code not in kept
    assert office.journal.verify_full().ok


def test_restore_onto_a_new_server_with_only_the_recovery_key(
    office: Services,
    data_dir: Path,
    tmp_path: Path,
    clock: FixedClock,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = office.backups.run()
    assert run.backup is not None
    key = office.backups.office_key()
    assert key is not None
    sheet_key = format_key(key)
    office.recovery.check_key(sheet_key)  # the sheet's key is the backups' key
    kept = _codes(office)
    office.close()
    # The server is lost: a new, empty database; a new PC with an empty keyring.
    monkeypatch.setenv("TTHC_DESK_KEY_DIR", str(tmp_path / "new-pc-keys"))
    new_pc = tmp_path / "new-pc"
    with new_database(request, empty=True).active():
        restorer = _restorer(new_pc, clock)
        with pytest.raises(BackupError):
            restorer.plan(run.backup.path)  # without the key it cannot be opened
        plan = restorer.plan(run.backup.path, parse_key(sheet_key))
        assert plan.lost.count == 0
        restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))

        svc = open_services(AppPaths(new_pc), clock, credentials=InMemoryStore())
        try:
            svc.accounts.login("binh", TEST_PASSWORD)
            assert _codes(svc) == kept
            assert svc.journal.verify_full().ok
            with svc.db.session() as s:  # who restored, in the office's journal
                noted = s.scalar(
                    text("SELECT actor FROM journal WHERE action LIKE :a"),
                    {"a": "khôi phục dữ liệu trên máy chủ%"},
                )
            assert noted == "quantri"
            assert svc.backups.office_key() == key  # the same key goes on
            assert svc.backups.run().ok
        finally:
            svc.close()


def test_a_restore_that_fails_half_way_leaves_the_server_as_it_was(
    office: Services, data_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = office.backups.run()
    assert run.backup is not None
    office.dossiers.receive(make_draft(applicant=_newcomer()))
    before = _codes(office)
    restorer = _restorer(data_dir, clock)
    plan = restorer.plan(run.backup.path, office.backups.office_key())
    actor = restorer.authorise(plan, "quantri", TEST_PASSWORD)
    real = db_copy._copy_table

    def breaks(src: object, dst: object, table: object, *args: object, **kw: object) -> object:
        restoring = kw.get("commits") is False  # the restore's copy, not the backup's
        if restoring and getattr(table, "name", "") == "dossiers":  # tables were emptied
            raise OSError("mạng bị ngắt")
        return real(src, dst, table, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(db_copy, "_copy_table", breaks)
    with pytest.raises(BackupError, match="máy chủ được giữ nguyên"):
        restorer.restore(plan, actor)
    assert _codes(office) == before
    with office.db.session() as s:
        assert s.scalar(text("SELECT count(*) FROM applicants")) == len(PEOPLE) + 1
    assert not [p for p in office.paths.backup_dir.iterdir() if "khoi-phuc-tam" in p.name]


def test_restore_refuses_a_tampered_backup(
    office: Services, data_dir: Path, clock: FixedClock
) -> None:
    run = office.backups.run()
    assert run.backup is not None
    data = bytearray(run.backup.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    run.backup.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="Không khôi phục"):
        _restorer(data_dir, clock).plan(run.backup.path, office.backups.office_key())
    assert os.path.exists(run.backup.path)


def test_the_recovery_sheet_of_a_server_office_carries_the_backup_key(office: Services) -> None:
    assert office.recovery.available
    pdf = office.recovery.sheet_pdf()
    assert pdf.startswith(b"%PDF")
    key = office.backups.office_key()
    assert key is not None
    office.recovery.check_key(format_key(key))
    with pytest.raises(ValidationError):
        office.recovery.check_key(format_key(bytes(32)))
