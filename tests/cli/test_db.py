"""``tthc-desk db check`` and ``tthc-desk db copy --to URL`` as an administrator runs them.

A SQLite office with demo history is copied to a fresh PostgreSQL database, opened there through
``TTHC_DESK_DATABASE_URL`` and used (a dossier received, the journal checked, the weekly 06a
figures compared with the source's), then copied back into a new data folder and used again.
The refusals end with exit code 2 and one Vietnamese line, and leave the target as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tests.engines import ENV_URL
from tests.pg import Cluster, free_port
from tthc_desk.db import migrate
from tthc_desk.db.copy import tables_with_rows
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
from tthc_desk.services.dossier_search import DossierQuery

TODAY = "260302"  # the helper's clock: 02/03/2026 09:00
WEEK = "2026-W09"


@dataclass(frozen=True)
class Office:
    """What a copy must keep: dossiers, today's numbering, the weekly figures, a clean journal."""

    dossiers: int
    top_id: int
    today: int
    figures: dict[str, tuple[int, ...]]
    journal_ok: bool


def office_of(data_dir: Path) -> Office:
    svc = open_services(AppPaths(data_dir), FixedClock(datetime(2026, 3, 2, 9, 0)), seed=False)
    try:
        with svc.accounts.acting_as(SYSTEM):
            report = svc.reports.compute(svc.reports.week(WEEK))
            journal = svc.journal.verify_full()
        with svc.db.session() as s:
            top = s.execute(text("SELECT max(id) FROM dossiers")).scalar()
            today = s.execute(
                text("SELECT count(*) FROM dossiers WHERE code LIKE :c"), {"c": f"%-{TODAY}-%"}
            ).scalar()
        return Office(
            svc.dossiers.count(DossierQuery()),
            int(top or 0),
            int(today or 0),
            {r.field: r.values() for r in [*report.rows, report.total]},
            journal.ok,
        )
    finally:
        svc.close()


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def copy_lines(run: Cli, url: str) -> list[str]:
    code, out, err = run("db", "copy", "--to", url)
    assert code == 0, err
    return out.splitlines()


def receive_next(run: Cli, before: Office, id_number: str) -> None:
    """A dossier received at the copy gets the next code of the day and the next id."""
    code, out, err = run.receive("--id-number", id_number)
    assert code == 0, err
    assert out.strip() == f"000.17.22.H56-{TODAY}-{before.today + 1:04d}"
    after = office_of(run.data_dir)
    assert (after.dossiers, after.top_id) == (before.dossiers + 1, before.top_id + 1)


@pytest.mark.postgresql_only
def test_sqlite_office_to_postgresql_and_back_to_a_new_data_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_cluster: Cluster,
) -> None:
    monkeypatch.delenv(ENV_URL)  # the office starts on its SQLite file
    office = Cli(tmp_path / "office", capsys, office=None)
    assert office("demo", "--dossiers", "250", "--seed", "4")[0] == 0
    source = office_of(office.data_dir)
    assert source.dossiers == 250 and source.journal_ok and source.figures
    assert any(any(values) for values in source.figures.values())

    server_db = pg_cluster.create_database()  # no template: no tables at all
    url = pg_cluster.url(server_db)
    lines = copy_lines(office, url)
    assert lines[0] == f"Nguồn: SQLite tệp {office.data_dir.resolve() / 'tthc-desk.db'}"
    assert (
        lines[1]
        == f"Đích: PostgreSQL máy chủ 127.0.0.1:{pg_cluster.port}, cơ sở dữ liệu {server_db}"
    )
    assert "Bảng hồ sơ (dossiers): 250 dòng." in lines
    assert "Bảng khóa đi kèm dữ liệu (key_escrow): 1 dòng." in lines  # the journal key
    assert lines[-2].startswith("Để các máy dùng cơ sở dữ liệu này")
    assert lines[-1] == url.replace("mat-khau-may-chu", "***")
    assert office_of(office.data_dir) == source  # the source is only read
    # The office has moved: the old file opens read-only, so this PC cannot give out the
    # server's codes a second time (a cleared or lost server setting).
    line = assert_one_line_error(*office.receive())
    assert line.removeprefix("tthc-desk: ").startswith(
        f"Dữ liệu của cơ quan đã được chép lên PostgreSQL máy chủ 127.0.0.1:{pg_cluster.port}, "
        f"cơ sở dữ liệu {server_db} lúc "
    )
    assert "Đặt máy này dùng máy chủ: Hệ thống → Kết nối máy chủ…" in line
    code, out, _ = office("search", "nguyen")
    assert code == 0 and out.count("\n") >= 5  # still there to look things up
    assert office_of(office.data_dir) == source

    monkeypatch.setenv(ENV_URL, url)  # a counter PC opens the server's database
    counter = Cli(tmp_path / "counter", capsys, office=None)
    assert office_of(counter.data_dir) == source
    code, out, err = counter("journal", "verify", "--full", user=None)
    assert code == 0 and out.startswith("Dữ liệu toàn vẹn"), out + err
    code, out, err = counter("db", "check", user=None)
    assert code == 0, err
    assert f"cơ sở dữ liệu {server_db}" in out and f"{SCHEMA_HEAD} (đúng phiên bản" in out
    receive_next(counter, source, "001190012345")
    on_server = office_of(counter.data_dir)
    assert on_server.journal_ok
    server = Database(url)
    try:  # the office's server keeps the office's keys for every counter
        with server.session() as s:
            assert s.execute(text("SELECT count(*) FROM key_escrow")).scalar() >= 1
    finally:
        server.dispose()

    back = tmp_path / "back"
    lines = copy_lines(counter, f"sqlite:///{back}/tthc-desk.db")
    assert f"Bảng hồ sơ (dossiers): {on_server.dossiers} dòng." in lines
    assert any("Đã dựng lại chỉ mục tìm kiếm" in ln for ln in lines)
    assert lines[-1] == f"sqlite:///{back.resolve().as_posix()}/tthc-desk.db"

    monkeypatch.delenv(ENV_URL)  # the new data folder, on this PC
    folder = Cli(back, capsys, office=None)
    assert office_of(back) == on_server
    code, out, _ = folder("db", "check", user=None)
    assert "Mã hóa: có (SQLCipher" in out
    code, out, _ = folder("search", "nguyen")
    assert code == 0 and out.count("\n") >= 5
    receive_next(folder, on_server, "001090054321")
    assert office_of(back).journal_ok
    svc = open_services(AppPaths(back), FixedClock(datetime(2026, 3, 2, 9, 0)), seed=False)
    try:  # the journal key travels inside the encrypted file (a new PC opens it with the sheet)
        with svc.db.session() as s:
            names = s.execute(text("SELECT name FROM key_escrow")).scalars().all()
        assert "journal" in names
    finally:
        svc.close()


@pytest.mark.postgresql_only
def test_refusals_leave_the_target_as_it_was(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_cluster: Cluster,
) -> None:
    monkeypatch.delenv(ENV_URL)
    run = Cli(tmp_path / "office", capsys)  # the test office: quantri is its administrator
    empty = pg_cluster.create_database()
    url = pg_cluster.url(empty)

    line = assert_one_line_error(*run("db", "copy", "--to", url, user="cuong"))
    assert "Quản trị" in line
    line = assert_one_line_error(*run("db", "copy", "--to", url, user="binh", password="sai"))
    assert "mật khẩu" in line.lower()

    closed = f"postgresql+psycopg://postgres:x@127.0.0.1:{free_port()}/tthc"
    line = assert_one_line_error(*run("db", "copy", "--to", closed, user="quantri"))
    assert "Máy chủ 127.0.0.1 không nhận kết nối ở cổng" in line
    wrong = pg_cluster.url(empty, password="mat-khau-sai")
    line = assert_one_line_error(*run("db", "copy", "--to", wrong, user="quantri"))
    assert "từ chối đăng nhập: sai mật khẩu, hoặc máy chủ không có người dùng “postgres”" in line
    line = assert_one_line_error(
        *run("db", "copy", "--to", pg_cluster.url("khong_co"), user="quantri")
    )
    assert "không có cơ sở dữ liệu “khong_co”" in line

    full = pg_cluster.create_database(template="tthc_template")
    pg_cluster.sql("INSERT INTO counters (name, value) VALUES ('x', 1)", database=full)
    line = assert_one_line_error(*run("db", "copy", "--to", pg_cluster.url(full), user="quantri"))
    assert "đã có dữ liệu (bảng bộ đếm số (counters))" in line and "Chưa chép gì" in line

    for bad, says in (
        ("mysql://u:p@may/csdl", "Địa chỉ đích không đọc được"),
        (f"sqlite:///{tmp_path}/khac.db", "Tệp đích phải tên tthc-desk.db"),
        (f"sqlite:///{run.data_dir}/tthc-desk.db", "Đích trùng với cơ sở dữ liệu đang dùng"),
    ):
        assert says in assert_one_line_error(*run("db", "copy", "--to", bad, user="quantri"))

    target = Database(url)
    try:
        assert tables_with_rows(target) == [] and target.schema_revision() is None
    finally:
        target.dispose()
    assert not (tmp_path / "khac.db").exists()


@pytest.mark.postgresql_only
def test_a_copy_that_fails_half_way_says_what_to_do(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_cluster: Cluster,
) -> None:
    monkeypatch.delenv(ENV_URL)
    run = Cli(tmp_path / "office", capsys, office=None)
    assert run("demo", "--dossiers", "40")[0] == 0
    before = office_of(run.data_dir)
    target = pg_cluster.create_database(template="tthc_template")
    # the server refuses the 30th event: the copy stops in the middle of a table
    pg_cluster.sql("ALTER TABLE dossier_events ADD CONSTRAINT few CHECK (id < 30)", database=target)
    code, out, err = run("db", "copy", "--to", pg_cluster.url(target))
    assert code == 2 and "Bảng hồ sơ (dossiers): 40 dòng." in out
    [line] = err.strip().splitlines()
    assert line.startswith("tthc-desk: Chép chưa xong:")
    assert f'DROP DATABASE "{target}"; CREATE DATABASE "{target}";' in line
    assert line.endswith("Dữ liệu nguồn không thay đổi.")
    assert office_of(run.data_dir) == before
    code, out, _ = run("journal", "list", "--kind", "copy")
    assert code == 0 and "không thành" in out.splitlines()[0]


def test_db_check_on_either_engine(run: Cli, database_url: str | None) -> None:
    code, out, err = run("db", "check", user=None)
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[2] == f"Phiên bản cấu trúc dữ liệu: {SCHEMA_HEAD} (đúng phiên bản phần mềm này cần)"
    )
    if database_url is None:
        assert lines[0] == f"Cơ sở dữ liệu: SQLite tệp {run.data_dir.resolve() / 'tthc-desk.db'}"
        assert lines[1].startswith("Phiên bản: SQLite 3.")
        assert lines[3].startswith("Mã hóa: có (SQLCipher 4.")
        assert lines[4] == "Máy đang kết nối: 1 máy (tệp cục bộ)"
    else:
        name = database_url.rsplit("/", 1)[1]
        assert lines[0].startswith("Cơ sở dữ liệu: PostgreSQL máy chủ 127.0.0.1:")
        assert lines[0].endswith(f", cơ sở dữ liệu {name}")
        assert lines[1].startswith("Phiên bản máy chủ: PostgreSQL ")
        assert lines[3].startswith("Tiện ích mở rộng: ") and "plpgsql" in lines[3]
        # its own connection at least, named after this computer
        assert lines[4].startswith("Máy đang kết nối: 1 máy, ")
    # any role, or nobody: it only reads
    code, again, _ = run("--user", "cuong", "--password-stdin", "db", "check", user=None,
                         stdin=f"{TEST_PASSWORD}\n")  # fmt: skip
    assert code == 0 and again.splitlines()[:4] == lines[:4]


def test_db_check_shows_an_older_or_newer_schema_without_touching_it(
    run: Cli, database_url: str | None
) -> None:
    svc = open_services(AppPaths(run.data_dir), seed=False)
    db = svc.db
    try:
        migrate.downgrade(db.engine, "0007")
        code, out, _ = run("db", "check", user=None)
        assert f"0007 (cũ hơn phiên bản {SCHEMA_HEAD} phần mềm này cần" in out
        assert db.schema_revision() == "0007"  # not upgraded by the check
        with db.session(write=True) as s:
            s.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        code, out, _ = run("db", "check", user=None)
        assert code == 0 and f"0099 (mới hơn phiên bản {SCHEMA_HEAD} phần mềm này biết" in out
    finally:
        svc.close()


def test_db_check_of_a_server_that_cannot_be_reached(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv(ENV_URL, f"postgresql+psycopg://postgres:x@127.0.0.1:{port}/tthc")
    line = assert_one_line_error(*run("db", "check", user=None))
    assert line.startswith(f"tthc-desk: Máy chủ 127.0.0.1 không nhận kết nối ở cổng {port}: ")
    assert "Hãy kiểm tra máy chủ rồi thử lại." in line


def test_db_check_of_a_folder_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    line = assert_one_line_error(*Cli(tmp_path / "trong", capsys, office=None)("db", "check"))
    assert "Chưa có cơ sở dữ liệu" in line
    assert not (tmp_path / "trong" / "tthc-desk.db").exists()


def test_data_edited_behind_the_softwares_back_is_not_copied(run: Cli, tmp_path: Path) -> None:
    """A copy seals its data afresh: an edit the journal has not seen must not be laundered."""
    assert run.receive()[0] == 0
    svc = open_services(AppPaths(run.data_dir), seed=False)
    try:
        with svc.db.session(write=True) as s:
            s.execute(text("UPDATE dossiers SET applicant_name = 'Người Khác'"))
    finally:
        svc.close()
    target = tmp_path / "moi" / "tthc-desk.db"
    code, out, err = run("db", "copy", "--to", f"sqlite:///{target}", user="quantri")
    assert code == 2 and out.splitlines()[-1] == "Đang kiểm tra dữ liệu nguồn với nhật ký…"
    [line] = err.splitlines()
    assert "Dữ liệu nguồn không khớp với nhật ký" in line and "Chưa chép gì" in line
    assert not target.exists()
