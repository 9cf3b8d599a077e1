"""The whole suite runs on both engines: the embedded SQLite file and a PostgreSQL server.

``python3 -m pytest`` runs every test that can touch a database twice, first on SQLite, then on a
throwaway PostgreSQL cluster started for the session (``tests/pg.py``) and stopped at its end;
``--engine sqlite`` or ``--engine postgresql`` runs one. On PostgreSQL each test gets a database of
its own, copied from a template migrated once (``TEMPLATE`` copies take ~30 ms), named by
``TTHC_DESK_DATABASE_URL`` so the CLI's child processes use it too.

Marks: ``sqlite_only`` (the SQLite file itself: encryption, file backups, damage, the key of a data
folder), ``postgresql_only``, ``empty_database`` (the test starts from a database with no tables).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import Cluster

ENGINES = ("sqlite", "postgresql")
ENV_URL = "TTHC_DESK_DATABASE_URL"
# Tests of pure code (no database anywhere beneath them) run once.
PURE = ("tests/domain/", "tests/checks/", "tests/test_architecture.py")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=[*ENGINES, "all"],
        default=os.environ.get("TTHC_DESK_TEST_ENGINE", "sqlite"),
        help="database engine(s) to run the suite on (all: SQLite first, then PostgreSQL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "sqlite_only: about the SQLite file itself (not run on PostgreSQL)",
        "postgresql_only: about the PostgreSQL server (not run on SQLite)",
        "empty_database: starts from a database without tables (PostgreSQL: not the template)",
    ):
        config.addinivalue_line("markers", line)


def _engines(config: pytest.Config) -> list[str]:
    chosen = config.getoption("--engine")
    return list(ENGINES) if chosen == "all" else [chosen]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames:
        return
    engines = _engines(metafunc.config)
    where = metafunc.definition.nodeid
    if where.startswith(PURE):
        engines = engines[:1]
    marks = {m.name for m in metafunc.definition.iter_markers()}
    if "sqlite_only" in marks:
        engines = [e for e in engines if e == "sqlite"]
    if "postgresql_only" in marks:
        engines = [e for e in engines if e == "postgresql"]
    if not engines:
        metafunc.parametrize(
            "db_engine",
            [
                pytest.param(
                    "-", marks=pytest.mark.skip(reason="không chạy trên cơ sở dữ liệu đã chọn")
                )
            ],
            scope="session",
            indirect=True,
        )
        return
    metafunc.parametrize("db_engine", engines, scope="session", indirect=True)


@pytest.fixture(scope="session")
def db_engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="tthc-pg-"))
    cluster = Cluster.start(folder)
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A database migrated to the head revision, copied for each test."""
    from tthc_desk.db.engine import Database

    name = pg_cluster.create_database("tthc_template")
    db = Database(pg_cluster.url(name))
    try:
        db.migrate()
    finally:
        db.dispose()
    return name


@pytest.fixture(autouse=True)
def database_url(
    db_engine: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """The URL of this test's database (None on SQLite: the data folder's file)."""
    if db_engine != "postgresql":
        monkeypatch.delenv(ENV_URL, raising=False)
        yield None
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    empty = request.node.get_closest_marker("empty_database") is not None
    template = None if empty else request.getfixturevalue("pg_template")
    name = cluster.create_database(template=template)
    url = cluster.url(name)
    monkeypatch.setenv(ENV_URL, url)
    try:
        yield url
    finally:
        os.environ.pop(ENV_URL, None) if os.environ.get(ENV_URL) == url else None
        cluster.drop_database(name)
