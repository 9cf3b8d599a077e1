"""Migrations: one head, empty → head, down and up again with rows, models == migrations."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests import dbfiles
from tthc_desk.db import migrate as m
from tthc_desk.db.base import Base
from tthc_desk.db.engine import Database


def _db(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 't.db'}")


def test_single_head() -> None:
    heads = ScriptDirectory.from_config(m.alembic_config()).get_heads()
    assert len(heads) == 1


def test_empty_to_head_and_models_agree(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.migrate()
    assert m.current_revision(db.engine) == m.head_revision()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_name": m.include_name, "compare_type": True}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], diff


def test_pragmas_for_durability(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.migrate()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_downgrade_and_upgrade_keep_rows(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.migrate()
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO settings(key, value)"
            " VALUES ('office_profile', '{\"office_name\": \"Trung tâm\"}')"
        )
    m.downgrade(db.engine, "0001")
    with db.engine.connect() as conn:
        tables = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert "dossier_fts" not in tables
    m.upgrade(db.engine)
    with db.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT value FROM settings").scalar()
            == '{"office_name": "Trung tâm"}'
        )
        assert conn.exec_driver_sql("SELECT count(*) FROM dossier_fts").scalar() == 0


def test_existing_database_is_copied_aside_before_migrating(tmp_path: Path) -> None:
    db = _db(tmp_path)
    m.upgrade(db.engine, "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO counters(name, value) VALUES ('ledger:2026', 41)")
    backup = db.migrate(tmp_path / "backups")
    assert backup is not None and backup.exists()
    copy = dbfiles.connect(backup)
    try:
        assert copy.execute("SELECT value FROM counters").fetchone() == (41,)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    finally:
        copy.close()
    assert m.current_revision(db.engine) == m.head_revision()
    assert db.migrate(tmp_path / "backups") is None  # already at head: no new copy


def test_fts_follows_dossier_rows(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.migrate()
    now = datetime(2026, 3, 2, 8, 0)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO procedures(code,name,field,deciding_agency,handling_unit,"
            "duration_value,duration_unit,fee,charge,postal_return,online,active,search_text)"
            " VALUES ('1.001193','Đăng ký khai sinh','Hộ tịch','','',0,'same_day',0,0,1,1,1,'')"
        )
        conn.exec_driver_sql(
            "INSERT INTO applicants(id_number,full_name,phone,address,email,updated_at)"
            " VALUES ('001190012345','A','','','',?)",
            (now,),
        )
        conn.exec_driver_sql(
            "INSERT INTO dossiers(code,agency_id,ledger_book,ledger_number,procedure_id,"
            "procedure_code,procedure_name,field,deciding_agency,handling_unit,"
            "duration_value,duration_unit,applicant_id,applicant_name,applicant_id_number,"
            "applicant_phone,applicant_address,applicant_email,"
            "authorised_name,authorised_id_number,authorised_phone,channel,return_method,"
            "return_address,postal_reference,sets_count,fee_amount,note,"
            "received_at,due_at,computed_due_at,due_override_reason,backdate_reason,status,"
            "clerk_name,created_at,search_text)"
            " VALUES ('X-260302-0001','X','2026',1,1,'1.001193','Đăng ký khai sinh','Hộ tịch',"
            "'','',0,'same_day',1,'Đỗ Đức',"
            "'001190012345','','','','','','','direct','counter','','',1,0,'',?,?,?,'','',"
            "'received','',?,'do duc x 260302 0001')",
            (now, now, now, now),
        )
        hit = conn.exec_driver_sql(
            "SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH '\"duc\"*'"
        ).fetchall()
        assert hit == [(1,)]
        conn.exec_driver_sql("UPDATE dossiers SET search_text='le van y' WHERE id=1")
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH 'duc'"
            ).scalar()
            == 0
        )
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH 'van'"
            ).scalar()
            == 1
        )


def test_schema_head_constant_matches_alembic() -> None:
    from tthc_desk.db.engine import SCHEMA_HEAD

    assert m.head_revision() == SCHEMA_HEAD
