"""The tamper-evident journal against a real database edited behind the software's back.

Each test builds a short real history through the services, closes them, edits the database
with a connection of its own as someone with the PC's disk (SQLite) or the server's password
(PostgreSQL) would, reopens it and checks that the verification finds the edit and names the
journal entry after which it happened.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect, select, update

from tests import dbfiles, engines
from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tests.db.old_databases import before_accounts
from tthc_desk.db.models import JournalRecord
from tthc_desk.db.stores.journal import JournalFilter
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import ForbiddenError, JournalKeyError, LoginError
from tthc_desk.domain.journal import JournalEntry, JournalKind, ProblemKind
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.moves import MoveRequest
from tthc_desk.paths import AppPaths, key_dir
from tthc_desk.services.container import Services, open_services
from tthc_desk.services.journal_service import IntegrityReport
from tthc_desk.sync.credentials import InMemoryStore

NOW = datetime(2026, 3, 2, 8, 0)


def _svc(data_dir: Path, login: str | None = "binh", **kw: object) -> Services:
    return open_test_services(AppPaths(data_dir), FixedClock(NOW), login=login, **kw)


def _history(data_dir: Path) -> dict[str, str]:
    """Three dossiers: one handed over, one corrected, one left as received."""
    svc = _svc(data_dir, login="cuong")
    try:
        a = svc.dossiers.receive(make_draft())
        b = svc.dossiers.receive(
            make_draft(applicant=Person(full_name="Lê Văn Tám", id_number="001090011111"))
        )
        c = svc.dossiers.receive(
            make_draft(applicant=Person(full_name="Phạm Thị Thu", id_number="001190022222"))
        )
        svc.lifecycle.move(a.code, MoveRequest(Move.HAND_OVER, unit="Công chức Tư pháp"))
        svc.dossiers.correct(b.code, {"applicant_name": "Lê Văn Tâm"}, "Gõ nhầm dấu")
    finally:
        svc.close()
    return {"a": a.code, "b": b.code, "c": c.code}


def _verify(data_dir: Path, full: bool = True) -> IntegrityReport:
    svc = _svc(data_dir, login=None)
    try:
        with svc.accounts.acting_as(SYSTEM):
            return svc.journal.verify_full() if full else svc.journal.verify_tail()
    finally:
        svc.close()


def _entries(svc: Services, f: JournalFilter) -> list[JournalEntry]:
    """The entries as the store reads them (nobody needs to be logged in)."""
    with svc.db.read() as uow:
        return uow.journal.find(f)


def _sql(data_dir: Path, *statements: str, **params: object) -> None:
    """``statements`` (named ``:parameters``) in one transaction of a connection of their own."""
    with dbfiles.database(data_dir) as db:
        for s in statements:
            dbfiles.execute(db, s, **params)


def _one(data_dir: Path, query: str, **params: object) -> Any:
    with dbfiles.database(data_dir) as db:
        return dbfiles.execute(db, query, **params).scalar_one()


def _last_entry_of(data_dir: Path, code: str) -> int:
    dossier_id = _one(data_dir, "SELECT id FROM dossiers WHERE code = :code", code=code)
    return int(_one(data_dir, "SELECT max(seq) FROM journal WHERE dossier_id = :id", id=dossier_id))


@pytest.fixture
def office(data_dir: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    yield data_dir, _history(data_dir)


# -- what is written --------------------------------------------------------------------------


def test_each_step_is_an_entry_of_its_person_and_dossier(data_dir: Path) -> None:
    codes = _history(data_dir)
    svc = _svc(data_dir, login="an")
    try:
        steps = [
            (e.actor, e.kind, e.action, e.subject)
            for e in reversed(svc.journal.entries())
            if e.subject in codes.values()
        ]
    finally:
        svc.close()
    assert steps == [
        ("cuong", "change", "tiếp nhận hồ sơ", codes["a"]),
        ("cuong", "change", "tiếp nhận hồ sơ", codes["b"]),
        ("cuong", "change", "tiếp nhận hồ sơ", codes["c"]),
        ("cuong", "change", "chuyển bước hồ sơ", codes["a"]),
        ("cuong", "change", "sửa thông tin hồ sơ", codes["b"]),
    ]


def test_logins_failures_and_logouts_are_entries(data_dir: Path) -> None:
    svc = _svc(data_dir, login=None)
    try:
        with pytest.raises(LoginError):
            svc.accounts.login("cuong", "sai-mat-khau")
        with pytest.raises(LoginError):
            svc.accounts.login("khong-ai", "sai-mat-khau")
        svc.accounts.login("cuong", TEST_PASSWORD)
        svc.accounts.logout()
        svc.accounts.login("an", TEST_PASSWORD)
        kinds = [(e.actor, e.kind) for e in reversed(svc.journal.entries())][-5:]
    finally:
        svc.close()
    assert kinds == [
        ("cuong", JournalKind.LOGIN_FAILED),
        ("khong-ai", JournalKind.LOGIN_FAILED),
        ("cuong", JournalKind.LOGIN),
        ("cuong", JournalKind.LOGOUT),
        ("an", JournalKind.LOGIN),
    ]


def test_only_the_head_and_the_administrator_read_and_check_it(data_dir: Path) -> None:
    svc = _svc(data_dir, login="cuong")
    try:
        with pytest.raises(ForbiddenError, match="Lãnh đạo hoặc Quản trị"):
            svc.journal.entries()
        with pytest.raises(ForbiddenError):
            svc.journal.verify_tail()
        for who in ("an", "quantri"):
            svc.accounts.login(who, TEST_PASSWORD)
            assert svc.journal.entries() and svc.journal.verify_tail().ok
    finally:
        svc.close()


# -- an untouched database ----------------------------------------------------------------------


def test_an_untouched_database_verifies_clean(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, _ = office
    full, tail = _verify(data_dir), _verify(data_dir, full=False)
    assert full.ok and tail.ok, full.messages() + tail.messages()
    assert full.entries > 10 and full.aggregates > 3
    assert "Dữ liệu toàn vẹn" in full.summary()


def test_a_demo_database_verifies_clean(data_dir: Path) -> None:
    from tthc_desk.services.demo_service import generate_demo

    svc = open_services(AppPaths(data_dir), FixedClock(NOW), demo=True)
    try:
        generate_demo(svc, 600, seed=3)
        with svc.accounts.acting_as(SYSTEM):
            report = svc.journal.verify_full()
        seals = _entries(svc, JournalFilter(kinds=[JournalKind.SEAL]))
    finally:
        svc.close()
    assert report.ok, report.messages()
    assert report.aggregates > 600 and len(seals) >= 2  # the start, then each chunk written


def test_a_demo_databases_scans_are_sealed_with_their_dossiers(data_dir: Path) -> None:
    from tthc_desk.services.demo_service import generate_demo

    def verify() -> IntegrityReport:
        svc = open_services(AppPaths(data_dir), FixedClock(NOW), demo=True)
        try:
            with svc.accounts.acting_as(SYSTEM):
                return svc.journal.verify_full()
        finally:
            svc.close()

    svc = open_services(AppPaths(data_dir), FixedClock(NOW), demo=True)
    try:
        generate_demo(svc, 300, seed=3)
    finally:
        svc.close()
    assert verify().ok
    assert _one(data_dir, "SELECT count(*) FROM attachments") > 20
    _sql(data_dir, "UPDATE attachments SET attached_by = 'Kẻ Mạo Danh' "
         "WHERE id = (SELECT min(id) FROM attachments)")  # fmt: skip
    [problem] = verify().problems
    assert (problem.kind, problem.aggregate) == (ProblemKind.SEALED, "dossier")
    assert problem.entry is not None
    assert problem.entry.action == "niêm phong hồ sơ mẫu ghi hàng loạt"


@pytest.mark.empty_database  # an old database is made in it
def test_an_upgraded_database_is_sealed_and_says_so(data_dir: Path) -> None:
    before_accounts(AppPaths(data_dir))
    svc = open_services(AppPaths(data_dir), FixedClock(NOW))
    try:
        first = _entries(svc, JournalFilter(kinds=[JournalKind.SEAL]))[-1]
        with svc.accounts.acting_as(SYSTEM):
            assert svc.journal.verify_full().ok
    finally:
        svc.close()
    assert "niêm phong" in first.action and "không được ghi nhật ký từng bước" in first.action
    _sql(data_dir, "UPDATE settings SET value = '{}' WHERE key = 'office_profile'")
    report = _verify(data_dir)
    assert [p.kind for p in report.problems] == [ProblemKind.SEALED]
    assert "thiết lập đã niêm phong bị sửa" in report.messages()[0]


# -- edits behind the software's back ------------------------------------------------------------


def test_a_due_date_changed_in_the_file_is_found_and_named(
    office: tuple[Path, dict[str, str]],
) -> None:
    data_dir, codes = office
    seq = _last_entry_of(data_dir, codes["c"])
    _sql(data_dir, "UPDATE dossiers SET due_at = :due WHERE code = :code",
         due=datetime(2027, 1, 1, 17, 0), code=codes["c"])  # fmt: skip
    for report in (_verify(data_dir), _verify(data_dir, full=False)):
        assert not report.ok
        [problem] = report.problems
        assert (problem.kind, problem.seq, problem.name) == (ProblemKind.CHANGED, seq, codes["c"])
        assert report.messages() == [
            f"Hồ sơ {codes['c']} bị sửa ngoài phần mềm sau mục nhật ký số {seq} "
            "(02/03/2026 08:00, cuong, tiếp nhận hồ sơ)."
        ]


def test_an_events_actor_changed_in_the_file_is_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, codes = office
    seq = _last_entry_of(data_dir, codes["a"])
    _sql(data_dir, "UPDATE dossier_events SET actor = 'Kẻ Mạo Danh' WHERE id = (SELECT max(id) "
         "FROM dossier_events WHERE dossier_id = (SELECT id FROM dossiers WHERE code = :code))",
         code=codes["a"])  # fmt: skip
    [problem] = _verify(data_dir).problems
    assert (problem.seq, problem.name) == (seq, codes["a"])


def test_a_deleted_correction_is_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, codes = office
    seq = _last_entry_of(data_dir, codes["b"])
    _sql(data_dir, "DELETE FROM dossier_corrections")
    [problem] = _verify(data_dir).problems
    assert (problem.kind, problem.seq, problem.name) == (ProblemKind.CHANGED, seq, codes["b"])


def test_reordered_rows_are_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, codes = office
    # Two events swap their moments (the hand-over now before the intake).
    _sql(
        data_dir,
        "UPDATE dossier_events SET at = CASE WHEN kind = 'received' THEN :late ELSE :early END "
        "WHERE dossier_id = (SELECT id FROM dossiers WHERE code = :code)",
        late=datetime(2026, 3, 2, 8, 30),
        early=datetime(2026, 3, 2, 7, 0),
        code=codes["a"],
    )
    [problem] = _verify(data_dir).problems
    assert problem.name == codes["a"]


def test_reordered_journal_entries_are_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, _ = office
    _sql(
        data_dir,
        "UPDATE journal SET seq = -1 WHERE seq = 5",
        "UPDATE journal SET seq = 5 WHERE seq = 6",
        "UPDATE journal SET seq = 6 WHERE seq = -1",
    )
    report = _verify(data_dir)
    assert report.first is not None and report.first.kind is ProblemKind.GAP
    assert report.first.seq == 5
    assert "Nhật ký bị xóa, chèn hoặc đảo mục" in report.messages()[0]


def test_a_deleted_journal_entry_is_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, _ = office
    _sql(data_dir, "DELETE FROM journal WHERE seq = 7")
    report = _verify(data_dir)
    assert report.first is not None and report.first.kind is ProblemKind.GAP
    assert report.first.seq == 8 and report.first.expected_seq == 7


def test_the_journals_last_entries_deleted_with_the_data_unchanged_are_found(
    office: tuple[Path, dict[str, str]],
) -> None:
    data_dir, codes = office
    last = int(_one(data_dir, "SELECT max(seq) FROM journal"))
    correction = _last_entry_of(data_dir, codes["b"])
    _sql(data_dir, "DELETE FROM journal WHERE seq >= :seq", seq=correction)
    report = _verify(data_dir)
    assert not report.ok and last >= correction
    assert any(p.name == codes["b"] for p in report.problems)


def test_an_edited_entry_and_a_chain_rewritten_without_the_key_are_found(
    office: tuple[Path, dict[str, str]],
) -> None:
    data_dir, codes = office
    seq = _last_entry_of(data_dir, codes["b"])
    with dbfiles.database(data_dir) as db:
        # The forger changes who corrected the dossier and re-signs every entry from there on
        # with a key of their own, so that every link looks right.
        j = JournalRecord.__table__.c
        rows = db.execute(
            select(j.seq, j.at, j.actor, j.actor_name, j.kind, j.action, j.dossier_id, j.subject,
                   j.data, j.prev).where(j.seq >= seq).order_by(j.seq)
        ).all()  # fmt: skip
        forged_key, prev = os.urandom(32), rows[0][9]
        for i, row in enumerate(rows):
            actor = "an" if i == 0 else row[2]
            entry = JournalEntry(row[0], row[1], actor, *row[3:9], prev)
            mac = hmac.new(forged_key, entry.canonical(), hashlib.sha256).hexdigest()
            db.execute(
                update(JournalRecord).where(j.seq == row[0]).values(actor=actor, prev=prev, mac=mac)
            )
            prev = mac
    report = _verify(data_dir)
    assert report.first is not None and report.first.kind is ProblemKind.CHAIN
    assert report.first.seq == seq
    assert f"Mục nhật ký số {seq}" in report.messages()[0] and "đã bị sửa" in report.messages()[0]


def test_a_dossier_inserted_in_the_file_is_found(office: tuple[Path, dict[str, str]]) -> None:
    data_dir, codes = office
    with dbfiles.database(data_dir) as db:
        columns = [c["name"] for c in inspect(db).get_columns("dossiers")]
        copied = ", ".join(
            "code || '-X'"
            if c == "code"
            else ("ledger_number + 100" if c == "ledger_number" else c)
            for c in columns
            if c != "id"
        )
        names = ", ".join(c for c in columns if c != "id")
        dbfiles.execute(
            db,
            f"INSERT INTO dossiers ({names}) SELECT {copied} FROM dossiers WHERE code = :code",
            code=codes["c"],
        )
    [problem] = _verify(data_dir).problems
    assert problem.kind is ProblemKind.UNRECORDED and problem.count == 1
    assert "Có 1 hồ sơ không do phần mềm ghi" in _verify(data_dir).messages()[0]


# -- the key ---------------------------------------------------------------------------------------


def test_without_its_key_the_database_is_not_opened_silently(data_dir: Path) -> None:
    _history(data_dir)
    query = "SELECT value FROM settings WHERE key = 'database_id'"
    database_id = json.loads(str(_one(data_dir, query)))
    key_file = key_dir() / f"journal-{database_id}.key"
    key_file.rename(key_file.with_suffix(".moved"))  # another PC, another Windows user
    _sql(data_dir, "DELETE FROM key_escrow")  # and no copy inside the database either
    with pytest.raises(JournalKeyError, match="Không đọc được khóa nhật ký"):
        open_services(AppPaths(data_dir), FixedClock(NOW))


def test_an_encrypted_database_brings_its_journal_key_to_a_new_pc(data_dir: Path) -> None:
    _history(data_dir)
    query = "SELECT value FROM settings WHERE key = 'database_id'"
    database_id = json.loads(str(_one(data_dir, query)))
    key_file = key_dir() / f"journal-{database_id}.key"
    original = key_file.read_bytes()
    key_file.unlink()  # a new PC: the keyring has only the database key (recovery key)
    report = _verify(data_dir)
    assert report.ok, report.messages()
    assert key_file.read_bytes() == original  # kept on this PC again


def test_the_key_goes_to_the_keyring_per_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = InMemoryStore()
    open_services(AppPaths(tmp_path / "that"), FixedClock(NOW), credentials=store).close()
    with engines.another_database(request):  # the other folder's database is another one
        open_services(AppPaths(tmp_path / "other"), FixedClock(NOW), credentials=store).close()
    keys = [k for k in store.secrets if k.startswith("journal-key:")]
    assert len(keys) == 2 and len(set(store.secrets[k] for k in keys)) == 2
    svc = open_services(AppPaths(tmp_path / "that"), FixedClock(NOW), credentials=store)
    try:
        assert svc.journal.key_location() == "kho mật khẩu của hệ điều hành"
    finally:
        svc.close()


def test_the_key_and_passwords_are_nowhere_in_the_data_folder_or_exports(data_dir: Path) -> None:
    codes = _history(data_dir)
    svc = _svc(data_dir, login="an")
    try:
        key = svc.journal.key
        svc.journal.export_xlsx(data_dir / "output" / "nhat-ky.xlsx")
    finally:
        svc.close()
    wb = load_workbook(data_dir / "output" / "nhat-ky.xlsx", read_only=True)
    sheet = wb["Nhật ký"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(codes["a"] in c for c in cells)  # the export holds the entries…
    forms = [key, key.hex().encode(), base64.b64encode(key), TEST_PASSWORD.encode()]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    for secret in forms:  # …and no key or password, in any file of the data folder
        assert not any(secret in p.read_bytes() for p in files), secret
