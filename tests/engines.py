"""The whole suite runs on both engines: the embedded SQLite file and a PostgreSQL server.

``python3 -m pytest`` runs every test that can touch a database twice, first on SQLite, then on a
throwaway PostgreSQL cluster started for the session (``tests/pg.py``) and stopped at its end;
``--engine sqlite`` or ``--engine postgresql`` runs one. On PostgreSQL each test gets a database of
its own, copied from a template migrated once (``TEMPLATE`` copies take ~30 ms), named by
``TTHC_DESK_DATABASE_URL`` so the CLI's child processes use it too.

Marks: ``sqlite_only`` (the SQLite file itself: encryption, file backups, damage, the key of a data
folder), ``postgresql_only``, ``empty_database`` (the test starts from a database with no tables).

A fixture wider than one test (an office prepared once per module, copied for each test) owns a
database of its own through :func:`own_database`: it prepares it with :meth:`OwnDatabase.active`,
and each test takes a fresh copy with :meth:`OwnDatabase.copy_to_test`. A test that needs a second
database (two data folders: a demo one and a real one) opens one with :func:`another_database`
for a block, or :func:`new_database` for the rest of the test.
On SQLite all of this does nothing: the database is the data folder's file, and copying or making
a folder copies or makes the database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.pg import Cluster

ENGINES = ("sqlite", "postgresql")
ENV_URL = "TTHC_DESK_DATABASE_URL"
# Tests of pure code (no database anywhere beneath them) run once.
PURE = ("tests/domain/", "tests/checks/", "tests/scanning/", "tests/test_architecture.py")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=[*ENGINES, "all"],
        default=os.environ.get("TTHC_DESK_TEST_ENGINE", "all"),
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A mark on one parameter set (``pytest.param(..., marks=pytest.mark.sqlite_only)``) is
    seen only once the items exist: such an item on the other engine is skipped."""
    for item in items:
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("db_engine")
        for mark, runs_on in (("sqlite_only", "sqlite"), ("postgresql_only", "postgresql")):
            if engine not in (None, "-", runs_on) and item.get_closest_marker(mark):
                item.add_marker(pytest.mark.skip(reason="không chạy trên cơ sở dữ liệu đã chọn"))


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
def database_url(db_engine: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The URL of this test's database (None on SQLite: the data folder's file).

    The variable is set here, not with the test's ``monkeypatch``: a test that calls
    ``monkeypatch.undo()`` must keep its database."""
    before = os.environ.pop(ENV_URL, None)
    try:
        if db_engine != "postgresql":
            yield None
            return
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        empty = request.node.get_closest_marker("empty_database") is not None
        template = None if empty else request.getfixturevalue("pg_template")
        name = cluster.create_database(template=template)
        url = cluster.url(name)
        os.environ[ENV_URL] = url
        try:
            yield url
        finally:
            os.environ.pop(ENV_URL, None)
            cluster.drop_database(name)
    finally:
        if before is not None:
            os.environ[ENV_URL] = before


# -- databases wider or narrower than one test -------------------------------------------------


@dataclass(frozen=True)
class OwnDatabase:
    """A database of its own on PostgreSQL (``cluster`` and ``name``); on SQLite nothing but the
    data folder's file, which the folder carries."""

    cluster: Cluster | None = None
    name: str | None = None

    @property
    def url(self) -> str | None:
        return self.cluster.url(self.name) if self.cluster and self.name else None

    @contextlib.contextmanager
    def active(self) -> Iterator[OwnDatabase]:
        """``TTHC_DESK_DATABASE_URL`` names this database for the duration (what the block opens,
        its CLI commands included, uses it); the URL before is put back after."""
        if self.url is None:
            yield self
            return
        before = os.environ.get(ENV_URL)
        os.environ[ENV_URL] = self.url
        try:
            yield self
        finally:
            if before is None:
                os.environ.pop(ENV_URL, None)
            else:
                os.environ[ENV_URL] = before

    def copy_to_test(self) -> None:
        """The running test's database (its ``TTHC_DESK_DATABASE_URL``, which stays the same)
        becomes a fresh copy of this one. Whatever prepared this one must be closed by now: a
        template with connections open cannot be copied."""
        if self.cluster is None or self.name is None:
            return
        url = os.environ.get(ENV_URL)
        test = make_url(url).database if url else None
        if not test or test == self.name:
            raise RuntimeError(f"no database of the test's own to replace (URL: {url!r})")
        self.cluster.drop_database(test)
        self.cluster.create_database(test, template=self.name)


@contextlib.contextmanager
def own_database(
    db_engine: str, request: pytest.FixtureRequest, *, empty: bool = False
) -> Iterator[OwnDatabase]:
    """A database for a fixture of any scope (declare ``db_engine`` among its arguments so that it
    runs once per engine), migrated to head unless ``empty``, dropped when the block ends."""
    if db_engine != "postgresql":
        yield OwnDatabase()
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    template = None if empty else request.getfixturevalue("pg_template")
    db = OwnDatabase(cluster, cluster.create_database(template=template))
    try:
        yield db
    finally:
        assert db.name is not None
        cluster.drop_database(db.name)


def new_database(request: pytest.FixtureRequest, *, empty: bool = False) -> OwnDatabase:
    """A further database for the rest of the test (a data folder of its own, used through
    :meth:`OwnDatabase.active`), dropped when the test ends."""
    stack = contextlib.ExitStack()
    request.addfinalizer(stack.close)
    return stack.enter_context(
        own_database(request.getfixturevalue("db_engine"), request, empty=empty)
    )


@contextlib.contextmanager
def another_database(request: pytest.FixtureRequest, *, empty: bool = False) -> Iterator[None]:
    """For the block, a second database of the test's own: ``TTHC_DESK_DATABASE_URL`` names it
    (a second data folder made in the block gets it), then names the test's first again."""
    engine = request.getfixturevalue("db_engine")
    with own_database(engine, request, empty=empty) as db, db.active():
        yield
