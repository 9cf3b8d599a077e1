"""Backups and restores on real database files: verified copies with no personal data in the
clear, retention, second destinations, the status line, restores that are exact, on a new PC,
over a lost database, and kill -9 at random moments during both."""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests import dbfiles
from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.db.old_databases import before_accounts
from tests.db.test_encryption import PEOPLE, _leaks
from tests.kill import KILLS, kill_loop
from tthc_desk.db import files, sqlite
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.backup import BackupLevel, Retention
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import DatabaseMissingError, ForbiddenError, LoginError
from tthc_desk.domain.recovery_key import format_key, parse_key
from tthc_desk.domain.search import DossierQuery
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import BackupSettings, list_folder
from tthc_desk.services.container import Services, open_services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import InMemoryStore, KeyringStore

NOW = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _office(data_dir: Path, clock: FixedClock, login: str = "binh") -> Services:
    svc = open_test_services(AppPaths(data_dir), clock, login=login)
    for p in PEOPLE:
        svc.dossiers.receive(make_draft(applicant=p))
    return svc


def _digest(path: Path, key: bytes | None) -> dict[str, str]:
    with closing(sqlite.connect(path, key, readonly=True)) as conn:
        return files.content_digest(conn)


def _restorer(data_dir: Path, credentials: object | None = None) -> RestoreService:
    store = credentials if credentials is not None else KeyringStore()
    folder = DataFolder(AppPaths(data_dir), KeyVault(store))  # type: ignore[arg-type]
    return RestoreService(folder, FixedClock(NOW), JournalKeys(store))  # type: ignore[arg-type]


# -- backups -----------------------------------------------------------------------------------
def test_backup_is_verified_listed_and_holds_no_personal_data(
    data_dir: Path, clock: FixedClock
) -> None:
    svc = _office(data_dir, clock)
    try:
        run = svc.backups.run()
        assert run.ok and run.backup is not None
        listed = svc.backups.list_backups()
        assert [b.path for b in listed] == [run.backup.path]
        b = listed[0]
        assert b.verified is True and b.encrypted is True and b.dossiers == 2
        assert b.counts["dossiers"] == 2 and b.size == b.path.stat().st_size
        assert b.path.name == "000.17.22.h56-20260302-080000.db" or b.path.name.endswith(
            "-20260302-080000.db"
        )
        assert svc.backups.verify(b.path).ok
        sidecar = json.loads(b.path.with_suffix(".json").read_text(encoding="utf-8"))
        assert sidecar["verified"] is True and sidecar["newest_received"].startswith("2026-03-02")
        assert svc.backups.status().level is BackupLevel.OK
    finally:
        svc.close()
    assert files.inspect_file(b.path) is files.FileState.SEALED
    assert _leaks(AppPaths(data_dir).backup_dir) == []


def test_only_the_administrator_or_the_system_backs_up(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock, login="cuong")
    try:
        with pytest.raises(ForbiddenError, match="Quản trị"):
            svc.backups.run()
        assert svc.backups.list_backups() == []
        with svc.accounts.acting_as(SYSTEM):
            assert svc.backups.run().ok
        svc.accounts.login("quantri", TEST_PASSWORD)
        assert svc.backups.run().ok
    finally:
        svc.close()


def test_a_tampered_or_cut_backup_fails_its_verification(
    data_dir: Path, clock: FixedClock, tmp_path: Path
) -> None:
    svc = _office(data_dir, clock)
    try:
        path = svc.backups.run().backup.path  # type: ignore[union-attr]
        data = bytearray(path.read_bytes())
        loose = tmp_path / "loose.db"  # no sidecar: the file itself must tell
        data[6000] ^= 0xFF
        loose.write_bytes(bytes(data))
        result = svc.backups.verify(loose)
        assert not result.ok and "hỏng" in result.reason
        path.write_bytes(bytes(data))  # with its sidecar: the checksum tells first
        result = svc.backups.verify(path)
        assert not result.ok and "SHA-256" in result.reason
        cut = tmp_path / "cut.db"
        cut.write_bytes(bytes(data[:10000]))
        result = svc.backups.verify(cut)
        assert not result.ok and "cắt cụt" in result.sentence
    finally:
        svc.close()


def test_a_backup_that_fails_verification_is_retried_then_flagged(
    data_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc_desk.services import backup_service

    svc = _office(data_dir, clock)
    calls: list[Path] = []
    real = backup_service.check_journal

    def broken(path: Path, key: bytes | None, keys: JournalKeys) -> tuple[str, int]:
        calls.append(path)
        return (
            ("chuỗi nhật ký bị đứt hoặc bị sửa (từ mục số 3).", 0)
            if len(calls) < 3
            else real(path, key, keys)
        )

    monkeypatch.setattr(backup_service, "check_journal", broken)
    try:
        with pytest.raises(backup_service.BackupError, match="không đạt kiểm tra"):
            svc.backups.run()
        assert len(calls) == 2  # taken, failed, taken again, failed
        assert svc.backups.list_backups() == []
        assert list(AppPaths(data_dir).backup_dir.glob("*.part")) == []
        status = svc.backups.status()
        assert status.level is BackupLevel.ALERT
        assert svc.backups.run().ok  # the third check passes
        assert svc.backups.status().level is BackupLevel.OK
    finally:
        svc.close()


def test_retention_keeps_exactly_the_right_backups(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    try:
        svc.backups.save_settings(BackupSettings(retention=Retention(daily=3, weekly=2, monthly=2)))
        start = datetime(2026, 1, 20, 17, 0)
        moments = [start + timedelta(days=d) for d in range(0, 40, 2)]  # every other day
        for m in moments:
            clock.set(m)
            assert svc.backups.run().ok
        kept = sorted(b.created_at for b in svc.backups.list_backups())  # type: ignore[type-var]
    finally:
        svc.close()
    last = moments[-1]  # 27/02 (Fri): days 27/02, 25/02, 23/02; weeks 9 (27/02), 8 (21/02 Sat);
    # months 02 (27/02), 01 (30/01)
    expected = {
        last,
        last - timedelta(days=2),
        last - timedelta(days=4),
        datetime(2026, 2, 21, 17, 0),
        datetime(2026, 1, 30, 17, 0),
    }
    assert set(kept) == expected


def test_an_unreachable_second_destination_is_recorded_and_turns_the_status_red(
    data_dir: Path, clock: FixedClock, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    gone = tmp_path / "network-share-offline"
    svc = _office(data_dir, clock)
    try:
        svc.backups.save_settings(BackupSettings(destinations=(str(usb), str(gone))))
        run = svc.backups.run()
        assert run.ok and run.unreachable == [str(gone)]
        copy = usb / run.backup.path.name  # type: ignore[union-attr]
        assert copy.read_bytes() == run.backup.path.read_bytes()  # type: ignore[union-attr]
        assert copy.with_suffix(".json").exists()
        status = svc.backups.status()
        assert status.level is BackupLevel.ALERT and str(gone) in status.sentence
        assert len(svc.backups.list_backups()) == 2  # the data folder's and the USB drive's
        gone.mkdir()
        svc.backups.run()
        assert svc.backups.status().level is BackupLevel.OK
    finally:
        svc.close()
    assert _leaks(usb) == []


def test_schedule_first_start_of_the_day_and_daily_time(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    try:
        assert svc.backups.due()  # nothing yet today
        run = svc.backups.run_if_due()
        assert run is not None and run.ok
        assert not svc.backups.due() and svc.backups.run_if_due() is None
        clock.set(NOW.replace(hour=17, minute=1))  # the daily time (17:00) passed
        assert svc.backups.due()
        assert svc.backups.run_if_due() is not None
        clock.set(NOW + timedelta(days=3))
        assert svc.backups.status().level is BackupLevel.WARN
        clock.set(NOW + timedelta(days=8))
        assert svc.backups.status().level is BackupLevel.ALERT
    finally:
        svc.close()


def test_before_an_upgrade_the_backup_is_verified(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    try:
        path = svc.backups.before_upgrade("0008")
    finally:
        svc.close()
    assert path.name.endswith("-truoc-nang-cap-0008.db")
    assert json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["verified"] is True


# -- restore -----------------------------------------------------------------------------------
def test_restore_is_exact_and_says_what_is_lost(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    try:
        key = svc.db.key
        at_backup = _digest(svc.db.file_path, key)  # type: ignore[arg-type]
        # (the run then writes its own line into the journal, after the copy)
        backup = svc.backups.run().backup.path  # type: ignore[union-attr]
        later = svc.dossiers.receive(make_draft()).code
    finally:
        svc.close()
    assert _digest(backup, key) == at_backup
    restorer = _restorer(data_dir)
    plan = restorer.plan(backup)
    assert plan.lost.count == 1 and plan.lost.codes == [later]
    assert later in plan.lost_sentence()
    with pytest.raises(LoginError):
        restorer.authorise(plan, "quantri", "sai-mat-khau")
    with pytest.raises(ForbiddenError):
        restorer.authorise(plan, "cuong", TEST_PASSWORD)
    outcome = restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    assert _digest(AppPaths(data_dir).database_file, key) == at_backup
    assert outcome.aside is not None and outcome.aside.exists()
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        assert svc.journal.dossier_id(later) is None
        assert svc.journal.verify_full().ok
    finally:
        svc.close()
    with closing(dbfiles.connect(outcome.aside)) as conn:  # the replaced database, kept
        assert conn.execute("SELECT count(*) FROM dossiers WHERE code = ?", (later,)).fetchone()[0]


def test_restore_onto_a_new_pc_with_the_recovery_key(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_pc = InMemoryStore()
    office = tmp_path / "office"
    svc = open_test_services(AppPaths(office), clock, credentials=old_pc)
    try:
        codes = [svc.dossiers.receive(make_draft(applicant=p)).code for p in PEOPLE]
        signing = svc.reports.signer().fingerprint  # type: ignore[union-attr]
        backup = svc.backups.run().backup.path  # type: ignore[union-attr]
        sheet = format_key(svc.db.key)  # type: ignore[arg-type]
        digest = _digest(backup, svc.db.key)
    finally:
        svc.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copy2(backup, usb / backup.name)
    shutil.rmtree(office)  # the old PC is gone
    monkeypatch.setenv("TTHC_DESK_KEY_DIR", str(tmp_path / "empty-keys"))  # no key files either
    new_pc = InMemoryStore()
    new_dir = tmp_path / "new-pc"
    restorer = _restorer(new_dir, new_pc)
    with pytest.raises(Exception, match="khóa"):
        restorer.plan(usb / backup.name)  # no key on this PC
    plan = restorer.plan(usb / backup.name, parse_key(sheet))
    assert not plan.lost.readable
    restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    assert _digest(AppPaths(new_dir).database_file, parse_key(sheet)) == digest
    assert DataFolder(AppPaths(new_dir), KeyVault(new_pc)).state().set_up
    svc = open_services(AppPaths(new_dir), clock, credentials=new_pc)
    try:
        assert [svc.dossiers.get(c).code for c in codes] == codes
        svc.accounts.login("quantri", TEST_PASSWORD)
        assert svc.journal.verify_full().ok
        # The province still knows the office by its key: the same one signs on the new PC.
        assert svc.reports.signer().fingerprint == signing  # type: ignore[union-attr]
    finally:
        svc.close()


def test_restore_over_a_lost_database(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    try:
        backup = svc.backups.run().backup.path  # type: ignore[union-attr]
    finally:
        svc.close()
    path = AppPaths(data_dir).database_file
    files.remove_with_sides(path)
    path.write_bytes(b"")
    with pytest.raises(DatabaseMissingError):
        open_services(AppPaths(data_dir), clock)
    restorer = _restorer(data_dir)
    plan = restorer.plan(backup)
    restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        assert svc.dossiers.count(DossierQuery()) == 2
    finally:
        svc.close()


def _codes(svc: Services) -> set[str]:
    return {r.code for r in svc.dossiers.search(DossierQuery(limit=1000))}


def test_an_upgrade_takes_a_verified_backup_first(data_dir: Path, clock: FixedClock) -> None:
    paths = AppPaths(data_dir)
    before_accounts(paths)
    open_services(paths, clock).close()
    upgrade = [b for b in list_folder(paths.backup_dir) if b.kind == "truoc-nang-cap"]
    assert len(upgrade) == 1
    b = upgrade[0]
    assert b.path.name.endswith("-truoc-nang-cap-0005.db") and b.path.name.startswith("000.")
    assert b.verified is True and b.encrypted is True and b.schema_revision == "0005"
    assert files.inspect_file(b.path) is files.FileState.SEALED


# -- kill -9 -----------------------------------------------------------------------------------
BACKUP_CHILD = """
import sys
from pathlib import Path
from tthc_desk.domain.access import SYSTEM
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
print("ready", flush=True)
svc = open_services(AppPaths(Path(sys.argv[1])), seed=False)
with svc.accounts.acting_as(SYSTEM):
    svc.backups.run()
svc.close()
"""

RESTORE_CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import KeyringStore
print("ready", flush=True)
store = KeyringStore()
folder = DataFolder(AppPaths(Path(sys.argv[1])), KeyVault(store))
r = RestoreService(folder, FixedClock(datetime.now()), JournalKeys(store))
plan = r.plan(Path(sys.argv[2]))
r.restore(plan, r.authorise(plan, "quantri", sys.argv[3]))
"""


def test_kill_during_backup_never_harms_the_office(data_dir: Path, clock: FixedClock) -> None:
    svc = _office(data_dir, clock)
    codes = [svc.dossiers.receive(make_draft()).code for _ in range(30)]
    svc.close()
    backups = AppPaths(data_dir).backup_dir

    def check() -> None:
        svc = open_test_services(AppPaths(data_dir), clock)
        try:
            assert [svc.dossiers.get(c).code for c in codes] == codes
            for b in svc.backups.list_backups():  # a .part is never one; every one verifies
                assert b.path.suffix == ".db" and b.verified is True
                assert svc.backups.verify(b.path).ok
        finally:
            svc.close()

    kills = kill_loop(
        [sys.executable, "-c", BACKUP_CHILD, str(data_dir)], lambda: None, check, seed=3
    )
    assert kills == KILLS
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        with svc.accounts.acting_as(SYSTEM):
            svc.backups.run()  # the next run clears what a kill left
    finally:
        svc.close()
    assert list(backups.glob("*.part")) == []


def test_kill_during_restore_always_leaves_a_usable_database(
    data_dir: Path, clock: FixedClock, tmp_path: Path
) -> None:
    svc = _office(data_dir, clock)
    backup = svc.backups.run().backup.path  # type: ignore[union-attr]
    at_backup = _codes(svc)
    kept = tmp_path / "the-backup.db"
    shutil.copy2(backup, kept)
    shutil.copy2(backup.with_suffix(".json"), kept.with_suffix(".json"))
    before = [svc.dossiers.receive(make_draft()).code for _ in range(20)]
    svc.close()
    pristine = tmp_path / "pristine"
    shutil.copytree(data_dir, pristine)
    key = dbfiles.folder_key(data_dir)

    def reset() -> None:
        shutil.rmtree(data_dir)
        shutil.copytree(pristine, data_dir)

    def codes_in(path: Path) -> set[str]:
        with closing(sqlite.connect(path, key, readonly=True)) as conn:
            return {r[0] for r in conn.execute("SELECT code FROM dossiers")}

    outcomes: set[str] = set()

    def check() -> None:
        svc = open_test_services(AppPaths(data_dir), clock)
        try:
            now_there = {c for c in before if svc.journal.dossier_id(c) is not None}
        finally:
            svc.close()
            assert at_backup <= _codes(svc)  # what the backup holds is there either way
        if now_there == set(before):
            outcomes.add("kept")
        else:  # restored: the dossiers received after the backup are in the copy kept aside
            assert now_there == set()
            asides = list(AppPaths(data_dir).backup_dir.glob("truoc-khoi-phuc-*.db"))
            assert len(asides) == 1 and set(before) <= codes_in(asides[0])
            outcomes.add("restored")
        left = [p.name for p in data_dir.iterdir() if ".restor" in p.name]
        assert left == []

    kills = kill_loop(
        [sys.executable, "-c", RESTORE_CHILD, str(data_dir), str(kept), TEST_PASSWORD],
        reset,
        check,
        seed=4,
    )
    assert kills == KILLS and outcomes == {"kept", "restored"}


def test_backups_and_restores_are_journalled_with_who_did_them(
    data_dir: Path, clock: FixedClock
) -> None:
    from tthc_desk.db.stores.journal import JournalFilter
    from tthc_desk.domain.journal import JournalKind

    svc = _office(data_dir, clock)
    try:
        svc.accounts.login("quantri", TEST_PASSWORD)
        backup = svc.backups.run().backup
        assert backup is not None
        entries = svc.journal.entries(JournalFilter(kinds=[JournalKind.BACKUP.value]))
        assert [(e.actor, e.action) for e in entries] == [
            ("quantri", f"sao lưu (sao lưu ngay): {backup.path.name}, đã kiểm tra đạt")
        ]
    finally:
        svc.close()
    restorer = _restorer(data_dir)
    plan = restorer.plan(backup.path)
    restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    for _ in range(2):  # written once, at the first start after the restore
        svc = open_test_services(AppPaths(data_dir), clock, login="quantri")
        try:
            restored = svc.journal.entries(JournalFilter(kinds=[JournalKind.RESTORE.value]))
            assert [(e.actor, e.actor_name) for e in restored] == [("quantri", "Quản trị viên")]
            assert backup.path.name in restored[0].action
            with svc.accounts.acting_as(SYSTEM):
                assert svc.journal.verify_full().ok
        finally:
            svc.close()


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
