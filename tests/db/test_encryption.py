"""Encryption at rest: what someone with the PC's disk (and not its key) can read.

The raw database file, its write-ahead log, the copies taken before an upgrade and the files
left by the conversion of an older, unencrypted database are searched byte for byte for the
test people's names and ID numbers, in every encoding they could be written in.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import pytest

from tests import dbfiles
from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.db.old_databases import before_accounts
from tests.kill import KILLS, kill_loop
from tthc_desk.db import sqlite
from tthc_desk.db.files import FileState, inspect_file
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import DatabaseFileError, DatabaseKeyError, DatabaseMissingError
from tthc_desk.domain.recovery_key import format_key, parse_key
from tthc_desk.domain.search import DossierQuery
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
from tthc_desk.services.data_folder import STATE_FILE
from tthc_desk.sync.credentials import InMemoryStore

PEOPLE = (
    Person(full_name="Nguyễn Thị Hồng Nhung", id_number="001190012345", phone="0912345678"),
    Person(full_name="Đặng Văn Khuyến", id_number="036085004321", phone="0987654321"),
)


def _spellings(text: str) -> list[bytes]:
    """``text`` as it could sit in a file: UTF-8 (composed and decomposed), UTF-16 both ways,
    and without its accents."""
    plain = (
        "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        .replace("Đ", "D")
        .replace("đ", "d")
    )
    out = []
    for form in (unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text), plain):
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            out.append(form.encode(enc))
    return out


def _needles() -> list[bytes]:
    out: list[bytes] = []
    for p in PEOPLE:
        out += _spellings(p.full_name) + _spellings(p.id_number) + _spellings(p.phone)
    return out


def _leaks(folder: Path) -> list[str]:
    """Every file under ``folder`` that holds a name, ID number or phone of the test people."""
    needles = _needles()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


@pytest.fixture
def clock() -> FixedClock:
    from datetime import datetime

    return FixedClock(datetime(2026, 3, 2, 8, 0))


def _office_with_people(data_dir: Path, clock: FixedClock) -> list[str]:
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        return [svc.dossiers.receive(make_draft(applicant=p)).code for p in PEOPLE]
    finally:
        svc.close()


def _decrypt_to_plaintext(data_dir: Path) -> None:
    """Turn the folder's database back into the unencrypted file an older version kept."""
    path = AppPaths(data_dir).database_file
    key = dbfiles.folder_key(data_dir)
    plain = path.with_name("plain.db")
    conn = sqlite.connect(path, key)
    conn.execute("ATTACH DATABASE ? AS p KEY ''", (str(plain),))
    conn.execute("SELECT sqlcipher_export('p')")
    conn.execute("DETACH DATABASE p")
    conn.close()
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    os.replace(plain, path)
    (data_dir / STATE_FILE).unlink()


def test_a_new_office_is_encrypted_file_wal_and_all(data_dir: Path, clock: FixedClock) -> None:
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        for p in PEOPLE:
            svc.dossiers.receive(make_draft(applicant=p))
        wal = AppPaths(data_dir).database_file.with_name("tthc-desk.db-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the rows are in the log right now
        assert _leaks(data_dir) == []
        assert svc.db.encrypted
    finally:
        svc.close()
    assert inspect_file(AppPaths(data_dir).database_file) is FileState.SEALED
    assert _leaks(data_dir) == []
    # The test data is really there: the search above would have found it unencrypted.
    conn = dbfiles.connect(AppPaths(data_dir).database_file)
    names = {r[0] for r in conn.execute("SELECT full_name FROM applicants")}
    conn.close()
    assert {p.full_name for p in PEOPLE} <= names


def test_the_demo_stays_unencrypted_and_says_so(data_dir: Path, clock: FixedClock) -> None:
    svc = open_services(AppPaths(data_dir), clock, demo=True)
    try:
        assert not svc.db.encrypted and svc.settings.is_demo()
    finally:
        svc.close()
    assert inspect_file(AppPaths(data_dir).database_file) is FileState.PLAINTEXT


def test_an_encrypted_connection_keeps_a_larger_page_cache(
    data_dir: Path, clock: FixedClock, tmp_path: Path
) -> None:
    """A page read again costs a decryption when it is not in SQLite's own cache (the demo's
    unencrypted file is served by the OS cache and keeps the default)."""

    def cache_size(svc: object) -> int:
        with svc.db.engine.connect() as conn:  # type: ignore[attr-defined]
            return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())

    svc = open_test_services(AppPaths(data_dir), clock)
    demo = open_services(AppPaths(tmp_path / "demo"), clock, demo=True)
    try:
        assert svc.db.encrypted and cache_size(svc) == -sqlite.ENCRYPTED_CACHE_KIB
        assert not demo.db.encrypted and cache_size(demo) > -sqlite.ENCRYPTED_CACHE_KIB
    finally:
        svc.close()
        demo.close()


def test_an_unencrypted_database_is_converted_with_its_old_copies(
    data_dir: Path, clock: FixedClock
) -> None:
    codes = _office_with_people(data_dir, clock)
    _decrypt_to_plaintext(data_dir)
    paths = AppPaths(data_dir)
    old_copy = paths.backup_dir / "tthc-desk-20260101-080000-0007.db"
    sqlite.backup_file(paths.database_file, old_copy)  # a copy taken before an older upgrade
    assert _leaks(data_dir) != []  # what an attacker with the disk read before
    svc = open_test_services(paths, clock)
    try:
        assert svc.db.encrypted
        assert [svc.dossiers.get(c).applicant.full_name for c in codes] == [
            p.full_name for p in PEOPLE
        ]
        # The search index came across too, and keeps indexing new dossiers.
        found = svc.dossiers.search(DossierQuery(text="dang van khuyen"))
        assert [r.code for r in found] == [codes[1]]
        svc.dossiers.receive(
            make_draft(applicant=Person(full_name="Vũ Thị Xuân", id_number="001199000001"))
        )
        assert len(svc.dossiers.search(DossierQuery(text="xuân"))) == 1
    finally:
        svc.close()
    assert _leaks(data_dir) == []
    assert sorted(p.name for p in data_dir.iterdir() if "plaintext" in p.name) == []
    conn = dbfiles.connect(old_copy)
    assert conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == len(PEOPLE)
    conn.close()


def test_an_old_schema_database_is_converted_then_upgraded(
    data_dir: Path, clock: FixedClock
) -> None:
    before_accounts(AppPaths(data_dir))
    assert inspect_file(AppPaths(data_dir).database_file) is FileState.PLAINTEXT
    svc = open_services(AppPaths(data_dir), clock)
    try:
        assert svc.db.encrypted and svc.settings.office().office_name
    finally:
        svc.close()
    for copy in AppPaths(data_dir).backup_dir.glob("*.db"):
        assert inspect_file(copy) is FileState.SEALED, copy


def test_each_data_folder_has_its_own_key(tmp_path: Path, clock: FixedClock) -> None:
    store = InMemoryStore()
    for name in ("that", "other"):
        open_services(AppPaths(tmp_path / name), clock, credentials=store).close()
    keys = {k: v for k, v in store.secrets.items() if k.startswith("database-key:")}
    assert len(keys) == 2 and len(set(keys.values())) == 2


def test_a_new_pc_needs_the_recovery_key(data_dir: Path, clock: FixedClock) -> None:
    codes = _office_with_people(data_dir, clock)
    key = dbfiles.folder_key(data_dir)
    assert key is not None
    written = format_key(key)  # as printed on the recovery sheet
    new_pc = InMemoryStore()  # an empty keyring
    for f in Path(os.environ["TTHC_DESK_KEY_DIR"]).glob("database-key-*.key"):
        f.unlink()
    with pytest.raises(DatabaseKeyError, match="khóa khôi phục"):
        open_services(AppPaths(data_dir), clock, credentials=new_pc)
    wrong = bytes(32)
    with pytest.raises(DatabaseKeyError, match="không mở được"):
        open_services(AppPaths(data_dir), clock, credentials=new_pc, recovery_key=wrong)
    svc = open_services(
        AppPaths(data_dir), clock, credentials=new_pc, recovery_key=parse_key(written)
    )
    try:
        svc.accounts.login("binh", TEST_PASSWORD)
        assert svc.dossiers.get(codes[0]).applicant.full_name == PEOPLE[0].full_name
    finally:
        svc.close()
    # From now on this PC has the key: no recovery key asked.
    open_services(AppPaths(data_dir), clock, credentials=new_pc).close()


@pytest.mark.parametrize(
    ("damage", "error", "match"),
    [
        ("zero", DatabaseMissingError, "trống"),
        ("missing", DatabaseMissingError, "không còn"),
        ("truncate", DatabaseFileError, "cắt cụt"),
        ("text", DatabaseFileError, "cắt cụt"),
        ("foreign", DatabaseFileError, "cơ quan khác"),
    ],
)
def test_a_lost_or_foreign_file_is_never_replaced_by_a_new_office(
    data_dir: Path, clock: FixedClock, damage: str, error: type[Exception], match: str
) -> None:
    _office_with_people(data_dir, clock)
    path = AppPaths(data_dir).database_file
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    if damage == "zero":
        path.write_bytes(b"")
    elif damage == "missing":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:3000])
    elif damage == "text":
        path.write_text("Biên bản họp tổ dân phố\n", encoding="utf-8")
    else:
        path.write_bytes(os.urandom(8192))
    left = path.read_bytes() if path.exists() else None
    with pytest.raises(error, match=match):
        open_services(AppPaths(data_dir), clock)
    assert (path.read_bytes() if path.exists() else None) == left  # nothing written over it


CONVERT = """
import sys
from pathlib import Path
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
print("ready", flush=True)
open_services(AppPaths(Path(sys.argv[1])), seed=False).close()
"""


def test_kill_during_conversion_never_loses_the_office(data_dir: Path, clock: FixedClock) -> None:
    """Conversions killed with SIGKILL at random moments (20 times): every time the next start
    finds one usable database holding every dossier, and no plaintext left on the disk."""
    codes = _office_with_people(data_dir, clock)
    _decrypt_to_plaintext(data_dir)
    pristine = AppPaths(data_dir).database_file.read_bytes()
    path = AppPaths(data_dir).database_file

    def reset() -> None:
        for f in data_dir.iterdir():
            if f.name.startswith("tthc-desk.db") or f.name == STATE_FILE:
                f.unlink()
        path.write_bytes(pristine)

    def check() -> None:
        svc = open_test_services(AppPaths(data_dir), clock)
        try:
            assert [svc.dossiers.get(c).code for c in codes] == codes
            assert svc.db.encrypted
        finally:
            svc.close()
        assert _leaks(data_dir) == []

    kills = kill_loop([sys.executable, "-c", CONVERT, str(data_dir)], reset, check, seed=10)
    assert kills == KILLS


def test_the_conversion_is_in_the_journal(data_dir: Path, clock: FixedClock) -> None:
    from tthc_desk.db.stores.journal import JournalFilter
    from tthc_desk.domain.access import SYSTEM
    from tthc_desk.domain.journal import JournalKind

    _office_with_people(data_dir, clock)
    _decrypt_to_plaintext(data_dir)
    svc = open_test_services(AppPaths(data_dir), clock, login="an")
    try:
        notes = svc.journal.entries(JournalFilter(kinds=[JournalKind.WRITE.value]))
        converted = [e for e in notes if e.action.startswith("mã hóa cơ sở dữ liệu")]
        assert [(e.actor, e.actor_name) for e in converted] == [("system", SYSTEM.full_name)]
    finally:
        svc.close()


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
