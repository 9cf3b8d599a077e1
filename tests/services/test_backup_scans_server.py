"""Scans and the office's PostgreSQL server (issue 15), against the test session's real server:
a server backup holds the scans (``blob_data``) and its verification decrypts each and checks
its SHA-256; ``db copy`` carries the scans from a one-PC office's files to the server's
``blob_data`` and back into a new data folder, checked by hash; a one-PC office's backup
restored onto a new server brings its scans from the mirror beside it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.engines import ENV_URL, new_database
from tests.pg import Cluster
from tests.services.test_attachments import make_pdf
from tthc_desk.db import sqlite
from tthc_desk.db.blobs import FOLDER
from tthc_desk.db.server_backup import BACKUP_KEY_ESCROW
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import KeyringStore

pytestmark = pytest.mark.postgresql_only

NOW = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _scan_office(svc: Services) -> list[str]:
    codes = [svc.dossiers.receive(make_draft()).code for _ in range(2)]
    svc.attachments.attach_paper(codes[0], 1, make_pdf("tờ khai"))
    svc.attachments.attach_paper(codes[0], 2, make_pdf("giấy chứng sinh", 2))
    svc.attachments.attach_result(codes[1], make_pdf("trích lục"))
    return codes


def _contents(svc: Services, codes: list[str]) -> dict[tuple[str, int | None], bytes]:
    svc.accounts.login("cuong", TEST_PASSWORD)
    return {
        (a.dossier_code, a.paper_no): svc.attachments.content(a.id)
        for code in codes
        for a in svc.attachments.of_dossier(code)
    }


@pytest.fixture
def one_pc(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """A one-PC office (its SQLite file) with scans, whatever the test's engine."""
    monkeypatch.delenv(ENV_URL)
    svc = open_test_services(AppPaths(tmp_path / "office"), clock)
    yield svc
    svc.close()


def test_a_server_backup_holds_the_scans_and_its_check_decrypts_each(
    services: Services, tmp_path: Path
) -> None:
    codes = _scan_office(services)
    run = services.backups.run()
    assert run.ok and run.backup is not None
    assert run.backup.scans == 3 and run.backup.scans_absent == ()
    assert not (run.backup.path.parent / FOLDER).exists()  # in the file, no mirror
    check = services.backups.verify(run.backup.path)
    assert check.ok and check.scans == 3
    with services.db.read() as uow:
        key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
    paper = services.attachments.of_dossier(codes[0])[1]
    for damage, words in ((_flip_row, "bị hỏng"), (_delete_row, "Không tìm thấy bản số hóa")):
        loose = tmp_path / f"loose-{len(words)}.db"  # no sidecar: the file itself must tell
        shutil.copy2(run.backup.path, loose)
        with closing(sqlite.connect(loose, key)) as conn:
            damage(conn, paper.sha256)
            conn.commit()
        check = services.backups.verify(loose)
        assert not check.ok
        assert f"Hồ sơ {codes[0]}, giấy tờ số 2 “Giấy chứng sinh”" in check.reason
        assert words in check.reason


def _flip_row(conn: Any, sha256: str) -> None:
    (data,) = conn.execute("SELECT data FROM blob_data WHERE sha256 = ?", (sha256,)).fetchone()
    raw = bytearray(data)
    raw[len(raw) // 2] ^= 0x01
    conn.execute("UPDATE blob_data SET data = ? WHERE sha256 = ?", (bytes(raw), sha256))


def _delete_row(conn: Any, sha256: str) -> None:
    conn.execute("DELETE FROM blob_data WHERE sha256 = ?", (sha256,))


def test_db_copy_carries_the_scans_to_the_server_and_back(
    one_pc: Services,
    tmp_path: Path,
    clock: FixedClock,
    pg_cluster: Cluster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codes = _scan_office(one_pc)
    before = _contents(one_pc, codes)
    one_pc.accounts.login("quantri", TEST_PASSWORD)
    url = pg_cluster.url(pg_cluster.create_database())
    lines: list[str] = []
    one_pc.db_admin.copy_to(url, lines.append)
    assert any(ln.startswith("Bản số hóa: 3 bản") and "SHA-256" in ln for ln in lines), lines

    monkeypatch.setenv(ENV_URL, url)  # a counter of the server
    counter = open_services(AppPaths(tmp_path / "counter"), clock, seed=False)
    try:
        assert _contents(counter, codes) == before
        with counter.db.session() as s:
            from sqlalchemy import text

            assert s.scalar(text("SELECT count(*) FROM blob_data")) == 3
        assert not (tmp_path / "counter" / FOLDER).exists()
        counter.accounts.login("quantri", TEST_PASSWORD)
        back = tmp_path / "back"
        lines.clear()
        counter.db_admin.copy_to(f"sqlite:///{back}/tthc-desk.db", lines.append)
        assert any(ln.startswith("Bản số hóa: 3 bản") for ln in lines), lines
    finally:
        counter.close()
    monkeypatch.delenv(ENV_URL)
    folder = open_services(AppPaths(back), clock, seed=False)
    try:
        assert _contents(folder, codes) == before
        assert len(list((back / FOLDER).rglob("*"))) >= 3  # files again, under the new key
        folder.accounts.login("binh", TEST_PASSWORD)
        assert folder.attachments.verify() == []
    finally:
        folder.close()


def test_a_one_pc_backup_restored_onto_a_new_server_brings_its_scans(
    one_pc: Services, tmp_path: Path, clock: FixedClock, request: pytest.FixtureRequest
) -> None:
    codes = _scan_office(one_pc)
    before = _contents(one_pc, codes)
    one_pc.accounts.login("binh", TEST_PASSWORD)
    run = one_pc.backups.run()
    assert run.backup is not None and run.backup.scans == 3
    key = one_pc.db.key
    pc = tmp_path / "counter"
    with new_database(request, empty=True).active():
        store = KeyringStore()
        restorer = RestoreService(
            DataFolder(AppPaths(pc), KeyVault(store)), clock, JournalKeys(store)
        )
        plan = restorer.plan(run.backup.path, key)
        assert plan.scan_problems == () and plan.check.scans == 3
        outcome = restorer.restore(plan, restorer.authorise(plan, "quantri", TEST_PASSWORD))
        assert outcome.scans == 3 and outcome.scan_problems == ()
        svc = open_services(AppPaths(pc), clock)
        try:
            assert _contents(svc, codes) == before
        finally:
            svc.close()
