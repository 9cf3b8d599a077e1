"""``tthc_desk.db.copy``: a whole database copied table by table into an empty one, on real files
and a real PostgreSQL server, and the checks that catch a copy that differs.

The source is this test's office (the engine of the run: a SQLite file, or a PostgreSQL
database) with demo history; the target a new SQLite file or a new PostgreSQL database.
"""

from __future__ import annotations

import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from tests.pg import Cluster
from tthc_desk.db import copy
from tthc_desk.db.engine import Database
from tthc_desk.db.models import CounterRecord
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.journal import ProblemKind
from tthc_desk.services.container import Services
from tthc_desk.services.demo_service import generate_demo
from tthc_desk.services.journal_service import JournalKeys, JournalService
from tthc_desk.sync.credentials import KeyringStore

NOW = datetime(2026, 3, 2, 8, 0)


def _count(db: Database, sql: str) -> int:
    with db.session() as s:
        return int(s.execute(text(sql)).scalar() or 0)


def _new_sqlite(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    db.migrate()
    return db


@pytest.fixture
def history(services: Services) -> Services:
    generate_demo(services, 120, seed=5)
    return services


def test_every_row_is_copied_with_its_id_and_the_check_catches_a_difference(
    history: Services, tmp_path: Path
) -> None:
    target = _new_sqlite(tmp_path / "copy.db")
    seen: dict[str, list[int]] = {}
    try:
        copies = copy.copy_database(
            history.db, target, batch=37, progress=lambda t, n, _: seen.setdefault(t, []).append(n)
        )
        names = [t.name for t in copies]
        assert names == [t.name for t in copy.model_tables()]
        assert copy.verify(target, copies) == []
        by_name = {t.name: t.rows for t in copies}
        assert by_name["dossiers"] == 120 and by_name["journal"] > 1
        for name, rows in by_name.items():
            assert copy.count_rows(target, name) == rows == copy.count_rows(history.db, name)
        # read a batch at a time: one progress call per batch of 37 rows, counting up
        assert seen["dossiers"] == [*range(37, 120, 37), 120]
        ids = "SELECT group_concat(id) FROM (SELECT id FROM dossiers ORDER BY id)"
        assert _count(target, "SELECT max(id) FROM dossiers") == 120
        assert _count(target, "SELECT count(*) FROM dossiers") == 120
        with target.session() as s:
            assert s.execute(text(ids)).scalar() == ",".join(str(i) for i in range(1, 121))
        # the full-text index is rebuilt from the copied rows, its insert trigger back in place
        assert _count(target, "SELECT count(*) FROM dossier_fts_docsize") == 120
        assert _count(target, "SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH 'ng*'") > 5
        assert _count(target, "SELECT count(*) FROM sqlite_master WHERE name='dossiers_fts_ai'")
        # a value changed, or a row lost, in the target: the check names the table
        with target.session(write=True) as s:
            s.execute(text("UPDATE dossiers SET note = 'sửa' WHERE id = 7"))
            s.execute(text("DELETE FROM dossier_events WHERE id = 3"))
        mismatches = copy.verify(target, copies)
        assert [(m.name, m.expected_rows - m.found_rows) for m in mismatches] == [
            ("dossiers", 0),
            ("dossier_events", 1),
        ]
        assert copy.tables_with_rows(target) == [t.name for t in copies if t.rows]
    finally:
        target.dispose()


def test_an_empty_target_has_no_tables_with_rows(tmp_path: Path) -> None:
    target = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert copy.tables_with_rows(target) == []  # no tables at all
        target.migrate()
        assert copy.tables_with_rows(target) == []  # tables, no rows
    finally:
        target.dispose()


@pytest.mark.postgresql_only
def test_on_postgresql_each_id_sequence_moves_past_the_copied_ids(
    history: Services, pg_cluster: Cluster
) -> None:
    target = Database(pg_cluster.url(pg_cluster.create_database()))
    try:
        target.migrate()
        copies = copy.copy_database(history.db, target, skip=("key_escrow",))
        assert copy.verify(target, copies) == []
        assert next(t for t in copies if t.name == "key_escrow").skipped
        for table in ("dossiers", "dossier_events", "applicants", "procedures", "accounts"):
            top = _count(target, f"SELECT max(id) FROM {table}")
            following = _count(target, f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            assert top > 0 and following == top + 1, table
        # a table left empty keeps its sequence at the start
        assert _count(target, "SELECT count(*) FROM dossier_corrections") == 0
        assert (
            _count(target, "SELECT nextval(pg_get_serial_sequence('dossier_corrections', 'id'))")
            == 1
        )
    finally:
        target.dispose()


@pytest.mark.postgresql_only
def test_the_journal_of_a_copy_to_another_engine_checks_once_resealed(
    history: Services, tmp_path: Path
) -> None:
    """PostgreSQL → SQLite: the drivers return the rows as other raw values (text dates, 0/1),
    so every aggregate's digest differs from the one journalled. The copy entry reseals the data;
    an edit made after it is still found."""
    target = _new_sqlite(tmp_path / "copy.db")
    clock = FixedClock(NOW)
    try:
        copies = copy.copy_database(history.db, target)
        assert copy.verify(target, copies) == []
        journal = JournalService(target, history.accounts, clock, JournalKeys(KeyringStore()))
        journal.start()
        with history.accounts.acting_as(SYSTEM):
            before = journal.verify_full()
            assert not before.ok and {p.kind for p in before.problems} >= {ProblemKind.CHANGED}
            journal.reseal("chép toàn bộ cơ sở dữ liệu", {"from": "thử"})
            assert journal.verify_full().ok
            assert journal.verify_tail().ok
        with target.session(write=True) as s:
            s.execute(
                text("UPDATE dossiers SET due_at = '2027-01-01 17:00:00.000000' WHERE id = 9")
            )
        with history.accounts.acting_as(SYSTEM):
            after = journal.verify_full()
        assert [p.kind for p in after.problems] == [ProblemKind.SEALED]
    finally:
        target.dispose()


@pytest.mark.sqlite_only
def test_memory_stays_bounded_however_many_rows(tmp_path: Path) -> None:
    """Eight times the rows, about the same peak: a batch is held, never a table."""

    def peak(rows: int) -> int:
        source = _new_sqlite(tmp_path / f"source-{rows}.db")
        target = _new_sqlite(tmp_path / f"target-{rows}.db")
        try:
            with source.session(write=True) as s:
                names = ({"name": f"bộ đếm {i:08d} " + "x" * 80, "value": i} for i in range(rows))
                s.execute(insert(CounterRecord), list(names))
            tracemalloc.start()
            try:
                copy.copy_database(source, target, batch=500)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
        finally:
            source.dispose()
            target.dispose()

    small, big = peak(3_000), peak(24_000)
    # Holding the 24,000 rows (dicts of 2 values, ~100-byte names) would take over 10 MB.
    assert big < small + 2_000_000, (small, big)
