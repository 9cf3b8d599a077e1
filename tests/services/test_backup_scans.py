"""Scans in backups (issue 15), on real files: each place that holds backups keeps a mirror of
the encrypted scan files, a second backup copies only the new ones, verification decrypts
every scan the backup names and checks its SHA-256 (a flipped byte or a deleted file names the
dossier and paper), a restore brings the scans back byte for byte, the retention removes only
the mirror files no kept backup needs, and the office's store loses only what no row records."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.services.test_attachments import OTHER, make_pdf
from tthc_desk.db.blobs import FOLDER, FileBlobStore
from tthc_desk.domain.backup import Retention
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_scans import MANIFEST_SUFFIX
from tthc_desk.services.backup_service import BackupError, BackupSettings, list_folder, read_info
from tthc_desk.services.container import Services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import KeyringStore

pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _files(root: Path) -> dict[str, Path]:
    """The scan files under ``root`` (a store or a mirror) by name."""
    if not root.is_dir():
        return {}
    return {p.name: p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")}


def _office(data_dir: Path, clock: FixedClock) -> tuple[Services, list[str]]:
    """Two dossiers, three scans of two contents (one reused) and a result."""
    svc = open_test_services(AppPaths(data_dir), clock)
    codes = [svc.dossiers.receive(make_draft()).code, svc.dossiers.receive(make_draft()).code]
    birth = make_pdf("Giấy chứng sinh số 77", 2)
    svc.attachments.attach_paper(codes[0], 2, birth)
    svc.attachments.attach_paper(codes[1], 2, birth)
    svc.attachments.attach_paper(codes[0], 1, make_pdf("tờ khai"))
    return svc, codes


def _restorer(data_dir: Path) -> RestoreService:
    store = KeyringStore()
    return RestoreService(
        DataFolder(AppPaths(data_dir), KeyVault(store)), FixedClock(NOW), JournalKeys(store)
    )


def _contents(svc: Services, codes: list[str]) -> dict[tuple[str, int | None], bytes]:
    """Every scan of the dossiers, opened (and checked) as a clerk opens them."""
    svc.accounts.login("cuong", TEST_PASSWORD)
    try:
        return {
            (a.dossier_code, a.paper_no): svc.attachments.content(a.id)
            for code in codes
            for a in svc.attachments.of_dossier(code)
        }
    finally:
        svc.accounts.login("binh", TEST_PASSWORD)


def _flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))


# -- taking backups ----------------------------------------------------------------------------
def test_backups_carry_the_scans_and_copy_only_the_new_ones(
    data_dir: Path, clock: FixedClock, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    svc, codes = _office(data_dir, clock)
    store = data_dir / FOLDER
    try:
        svc.backups.save_settings(BackupSettings(destinations=(str(usb),)))
        first = svc.backups.run()
        assert first.ok and first.backup is not None and first.copies[0].ok
        live = _files(store)
        assert len(live) == 2  # two contents, one of them reused
        for place in (svc.backups.destinations()[0], usb):
            mirror = _files(place / FOLDER)
            assert mirror.keys() == live.keys()
            for name, path in mirror.items():  # the same encrypted bytes, never decrypted
                assert path.read_bytes() == live[name].read_bytes()
                assert b"%PDF" not in path.read_bytes()
        info = first.backup
        total = sum(p.stat().st_size for p in live.values())
        assert (info.scans, info.scan_bytes, info.scans_absent) == (2, total, ())
        side = json.loads(info.path.with_suffix(".json").read_text(encoding="utf-8"))
        assert (side["scans"]["copied"], side["scans"]["copied_bytes"]) == (2, total)
        assert sorted(info.path.with_suffix(MANIFEST_SUFFIX).read_text().split()) == sorted(live)
        assert read_info(usb / info.path.name).scans == 2
        before = {n: p.stat().st_mtime_ns for n, p in _files(usb / FOLDER).items()}

        time.sleep(0.02)  # a rewritten file would show a later time
        svc.attachments.attach_result(codes[0], make_pdf("trích lục khai sinh"))
        new = (_files(store).keys() - live.keys()).pop()
        clock.set(NOW + timedelta(days=1))
        second = svc.backups.run()
        assert second.ok and second.backup is not None
        side = json.loads(second.backup.path.with_suffix(".json").read_text(encoding="utf-8"))
        new_size = (store / new[:2] / new).stat().st_size
        assert (side["scans"]["count"], side["scans"]["copied"]) == (3, 1)
        assert side["scans"]["copied_bytes"] == new_size
        for place in (svc.backups.destinations()[0], usb):
            mirror = _files(place / FOLDER)
            assert len(mirror) == 3 and new in mirror
        after = {n: p.stat().st_mtime_ns for n, p in _files(usb / FOLDER).items()}
        assert {n: after[n] for n in before} == before  # the old files were not written again
        assert svc.backups.verify(second.backup.path).sentence.endswith(
            "3 bản số hóa khớp mã băm SHA-256."
        )
    finally:
        svc.close()


def test_verification_finds_a_flipped_byte_and_a_deleted_scan(
    data_dir: Path, clock: FixedClock
) -> None:
    svc, codes = _office(data_dir, clock)
    try:
        paper = svc.attachments.of_dossier(codes[0])[0]
        birth = svc.attachments.of_dossier(codes[0])[1]
        backup = svc.backups.run().backup
        assert backup is not None and svc.backups.verify(backup.path).ok
        names = backup.path.with_suffix(MANIFEST_SUFFIX).read_text().split()
        live = svc.attachments.blobs
        assert isinstance(live, FileBlobStore)
        form = backup.path.parent / FOLDER / live.path(paper.sha256).relative_to(live.root)
        assert form.name in names
        original = form.read_bytes()
        _flip(form)
        check = svc.backups.verify(backup.path)
        assert not check.ok
        assert f"Hồ sơ {codes[0]}, giấy tờ số 1 “Tờ khai đăng ký khai sinh”" in check.reason
        assert "bị hỏng" in check.reason
        listed = list_folder(backup.path.parent)[0]  # the backup is marked as failing
        assert listed.verified is False and "KHÔNG ĐẠT" in listed.verdict
        form.write_bytes(original)
        assert svc.backups.verify(backup.path).ok
        assert list_folder(backup.path.parent)[0].verified is True

        other = backup.path.parent / FOLDER / live.path(birth.sha256).relative_to(live.root)
        other.unlink()
        check = svc.backups.verify(backup.path)
        assert not check.ok and "Không tìm thấy bản số hóa" in check.reason
        assert "giấy tờ số 2 “Giấy chứng sinh”" in check.reason
    finally:
        svc.close()


def test_a_scan_the_office_lost_is_recorded_and_the_backup_still_taken(
    data_dir: Path, clock: FixedClock
) -> None:
    svc, codes = _office(data_dir, clock)
    try:
        lost = svc.attachments.of_dossier(codes[0])[0]
        svc.attachments.blobs.remove(lost.sha256)
        run = svc.backups.run()
        assert run.ok and run.backup is not None
        assert run.backup.scans_absent == (lost.sha256,) and run.backup.scans == 2
        assert run.backup.verdict == "đạt (thiếu 1 bản số hóa đã mất từ trước khi sao lưu)"
        check = svc.backups.verify(run.backup.path)
        assert check.ok and "Lưu ý: 1 bản số hóa đã thiếu hoặc hỏng" in check.sentence
    finally:
        svc.close()


# -- restore -----------------------------------------------------------------------------------
def test_restore_brings_the_scans_back_byte_for_byte(data_dir: Path, clock: FixedClock) -> None:
    svc, codes = _office(data_dir, clock)
    try:
        before = _contents(svc, codes)
        backup = svc.backups.run().backup
        assert backup is not None
    finally:
        svc.close()
    shutil.rmtree(data_dir / FOLDER)  # the office's scans are lost
    restorer = _restorer(data_dir)
    plan = restorer.plan(backup.path)
    assert plan.scan_problems == () and plan.check.scans == 2
    assert plan.scans_sentence() == "2 bản số hóa được khôi phục cùng dữ liệu (đã kiểm tra)."
    outcome = restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    assert outcome.scans == 2 and outcome.scan_problems == ()
    assert len(_files(data_dir / FOLDER)) == 2
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        assert _contents(svc, codes) == before
        assert svc.attachments.verify() == []
    finally:
        svc.close()


def test_a_restore_whose_scans_are_found_nowhere_is_refused_unless_accepted(
    data_dir: Path, clock: FixedClock
) -> None:
    svc, codes = _office(data_dir, clock)
    try:
        first = svc.attachments.of_dossier(codes[0])[0]
        backup = svc.backups.run().backup
        assert backup is not None
        live = svc.attachments.blobs
        assert isinstance(live, FileBlobStore)
        name = live.path(first.sha256).relative_to(live.root)
    finally:
        svc.close()
    (backup.path.parent / FOLDER / name).unlink()  # gone from the mirror ...
    restorer = _restorer(data_dir)
    assert restorer.plan(backup.path).scan_problems == ()  # ... but the office still has it
    (data_dir / FOLDER / name).unlink()  # and now from the office too
    plan = restorer.plan(backup.path)
    assert len(plan.scan_problems) == 1
    assert f"Hồ sơ {codes[0]}, giấy tờ số 1" in plan.scans_sentence()
    admin = restorer.authorise(plan, "quantri", TEST_PASSWORD)
    with pytest.raises(BackupError, match="Chưa khôi phục: 1 bản số hóa"):
        restorer.restore(plan, admin)
    outcome = restorer.restore(plan, admin, accept_missing_scans=True)
    assert len(outcome.scan_problems) == 1 and outcome.scans == 2
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        problems = svc.attachments.verify()
        assert len(problems) == 1 and codes[0] in problems[0]
    finally:
        svc.close()


def test_a_backup_from_before_the_scans_lists_verifies_and_restores(
    data_dir: Path, clock: FixedClock
) -> None:
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        code = svc.dossiers.receive(make_draft(applicant=OTHER)).code
        backup = svc.backups.run().backup
        assert backup is not None
    finally:
        svc.close()
    side = backup.path.with_suffix(".json")  # as a backup of the previous version was
    data = json.loads(side.read_text(encoding="utf-8"))
    del data["scans"]
    side.write_text(json.dumps(data), encoding="utf-8")
    backup.path.with_suffix(MANIFEST_SUFFIX).unlink()
    listed = list_folder(backup.path.parent)[0]
    assert listed.scans is None and listed.verified is True
    restorer = _restorer(data_dir)
    plan = restorer.plan(backup.path)
    assert plan.check.ok and plan.scans_sentence() == ""
    restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        assert svc.dossiers.get(code).code == code
    finally:
        svc.close()


# -- retention and the store's upkeep ----------------------------------------------------------
def test_retention_removes_only_the_mirror_files_no_kept_backup_needs(
    data_dir: Path, clock: FixedClock
) -> None:
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        svc.backups.save_settings(BackupSettings(retention=Retention(daily=2, weekly=0, monthly=0)))
        code = svc.dossiers.receive(make_draft()).code
        old = svc.attachments.attach_paper(code, 1, make_pdf("tờ khai lần đầu"))
        kept = svc.attachments.attach_paper(code, 2, make_pdf("giấy chứng sinh"))
        live = svc.attachments.blobs
        assert isinstance(live, FileBlobStore)
        name_of = {a.sha256: live.path(a.sha256).name for a in (old, kept)}
        mirror = svc.backups.destinations()[0] / FOLDER
        assert svc.backups.run().ok
        assert set(_files(mirror)) == set(name_of.values())
        clock.set(NOW + timedelta(days=1))
        new = svc.attachments.attach_paper(code, 1, make_pdf("tờ khai quét lại"))  # replaces
        assert svc.backups.run().ok
        assert len(_files(mirror)) == 3  # the first day's backup still needs the old scan
        clock.set(NOW + timedelta(days=2))
        assert svc.backups.run().ok  # the first day's backup goes, and its old scan with it
        assert len(list_folder(mirror.parent)) == 2
        assert set(_files(mirror)) == {name_of[kept.sha256], live.path(new.sha256).name}
        for b in list_folder(mirror.parent):
            assert svc.backups.verify(b.path).ok
        # The office's own store keeps the replaced scan: a row still records it.
        assert live.exists(old.sha256)
    finally:
        svc.close()


def test_the_store_drops_unrecorded_contents_after_a_day_and_cut_off_writes(
    data_dir: Path, clock: FixedClock
) -> None:
    svc, _codes = _office(data_dir, clock)
    try:
        live = svc.attachments.blobs
        assert isinstance(live, FileBlobStore)
        orphan = live.put(b"%PDF-1.4 a save that failed after its scan was stored")
        held = list(live.hashes())
        writer = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        cut = live.path(orphan).with_name(
            f".{live.path(orphan).name}-0badf00d.{writer.stdout.strip()}.part"
        )
        cut.write_bytes(b"TDA1 half written")
        assert svc.attachments.tidy_store().orphans == ()  # too young: its save may be under way
        assert not cut.exists()  # its writer has ended
        day_ago = time.time() - 2 * 86400
        for sha256 in held:
            os.utime(live.path(sha256), (day_ago, day_ago))
        dry = svc.attachments.tidy_store(dry_run=True)
        assert dry.orphans == (orphan,) and live.exists(orphan)
        assert svc.attachments.tidy_store().orphans == (orphan,)
        assert not live.exists(orphan)
        assert sorted(live.hashes()) == sorted(s for s in held if s != orphan)
        assert svc.attachments.verify() == []
    finally:
        svc.close()
