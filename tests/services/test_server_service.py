"""Where a counter PC's database is (issue 12): the environment, then the office's server kept in
the data folder (its password in the keyring), then the folder's own file; and a save over a
server that is lost at the worst moment is never made twice."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import make_draft, open_test_services
from tests.pg import Cluster
from tests.server_support import CommitCutter
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import (
    ForbiddenError,
    SchemaTooNewError,
    ServerUnavailableError,
)
from tthc_desk.domain.server import SaveAttempt, ServerConnection, SslMode, parse_connection
from tthc_desk.paths import ENV_DATABASE_URL, AppPaths
from tthc_desk.services.container import Services, open_services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.services.keys import KeyVault
from tthc_desk.sync.credentials import InMemoryStore, KeyringStore

NOW = datetime(2026, 3, 2, 8, 0)
PASSWORD = "bí mật: @/#?"


def _folder(tmp_path: Path, store: InMemoryStore | None = None) -> DataFolder:
    return DataFolder(
        AppPaths(tmp_path / "data"), KeyVault(store or InMemoryStore(), tmp_path / "k")
    )


def test_where_the_database_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    store = InMemoryStore()
    folder = _folder(tmp_path, store)
    local = f"sqlite:///{folder.paths.database_file}"
    assert folder.database_url() == local and folder.server() is None

    c = ServerConnection("192.168.1.10", "tthc_xa", "quay", 5433, SslMode.REQUIRE)
    folder.set_server(c, PASSWORD)
    url = make_url(folder.database_url())
    assert (url.host, url.port, url.database, url.username) == (
        "192.168.1.10",
        5433,
        "tthc_xa",
        "quay",
    )
    assert url.password == PASSWORD
    assert url.query["sslmode"] == "require" and url.query["connect_timeout"] == "5"
    assert str(url.query["application_name"]).startswith("tthc-desk ")
    # The state file names the server, never the password; the keyring keeps that.
    state = folder.state_file.read_text(encoding="utf-8")
    assert "192.168.1.10" in state and "bí mật" not in state and PASSWORD not in state
    assert c.secret_name == "server-password:quay@192.168.1.10:5433/tthc_xa"
    assert c.secret_name in store.secrets
    # The demo is always its own file.
    assert folder.database_url(demo=True) == local
    # The environment (scripts, tests) comes first, with the same connection parameters.
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql+psycopg://a:b@may-chu/khac")
    env = make_url(folder.database_url())
    assert env.host == "may-chu" and env.query["keepalives"] == "1"
    monkeypatch.delenv(ENV_DATABASE_URL)

    assert folder.clear_server() == c
    assert folder.database_url() == local and c.secret_name not in store.secrets


def test_a_server_without_its_password_on_this_pc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    folder = _folder(tmp_path)
    state = folder.state()
    state.server = ServerConnection("may-chu", "tthc", "quay").to_dict()
    folder.save_state(state)
    with pytest.raises(ServerUnavailableError) as refused:
        folder.database_url()
    assert "chưa có mật khẩu" in refused.value.message
    assert "Hệ thống → Kết nối máy chủ…" in refused.value.message


def test_without_a_keyring_the_password_goes_to_a_file_of_this_user(tmp_path: Path) -> None:
    folder = _folder(tmp_path, InMemoryStore(available=False))
    c = ServerConnection("may-chu", "tthc", "quay")
    folder.set_server(c, PASSWORD)
    assert folder.server_password(c) == PASSWORD
    key_file = tmp_path / "k" / KeyVault.file_name(c.secret_name)
    assert key_file.parent == tmp_path / "k"  # "/" of the name is no folder
    assert key_file.exists() and (key_file.stat().st_mode & 0o077) == 0
    assert KeyVault.file_name("database-key:ab12") == "database-key-ab12.key"  # as before
    folder.clear_server()
    assert not key_file.exists()


def test_a_hand_edited_state_file_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ServerConnection.from_dict({"host": "may chu", "database": "x", "user": "y"}) is None
    assert ServerConnection.from_dict({"host": "h", "port": 99999, "database": "x"}) is None
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    folder = _folder(tmp_path)
    state = folder.state()
    state.server = {"host": "192.168.1.10", "port": "năm", "database": "tthc", "user": "quay"}
    folder.save_state(state)
    # Never a silent fall back to a database of this PC (it would give codes of its own).
    with pytest.raises(ServerUnavailableError) as refused:
        folder.database_url()
    assert "không hợp lệ" in refused.value.message
    assert not folder.paths.database_file.exists()
    from tthc_desk.services.server_service import ServerService

    assert ServerService(folder).setting().invalid


def test_typed_fields_are_checked_all_at_once() -> None:
    from tthc_desk.domain.errors import ValidationError

    with pytest.raises(ValidationError) as bad:
        parse_connection(" ", "cổng", "", "a\u200bb", "verify-ca")
    fields = bad.value.field_messages()
    assert set(fields) == {"host", "port", "database", "user", "sslmode"}
    assert fields["port"] == "Cổng “cổng” không hợp lệ: cần một số từ 1 đến 65535."
    c = parse_connection(" 192.168.1.10 ", "５４３２", "tthc", "quay", "VERIFY-FULL")
    assert c == ServerConnection("192.168.1.10", "tthc", "quay", 5432, SslMode.VERIFY_FULL)


def test_only_the_administrator_changes_the_server(services: Services) -> None:
    c = ServerConnection("may-chu", "tthc", "quay")
    services.accounts.login("cuong", "mat-khau-1")
    with pytest.raises(ForbiddenError):
        services.server.save(c, PASSWORD)
    assert services.folder.server() is None
    services.accounts.login("quantri", "mat-khau-1")
    services.server.save(c, PASSWORD)
    assert services.folder.server() == c
    note = services.folder.state().notes[-1]
    assert note["by"] == "quantri" and "đặt máy này dùng máy chủ" in note["action"]
    assert services.server.clear() == c and services.folder.server() is None


# -- on a real server -----------------------------------------------------------------------


def _connection_of(url: str, port: int | None = None) -> ServerConnection:
    u = make_url(url)
    return ServerConnection(
        str(u.host), str(u.database), str(u.username), port or int(u.port or 5432)
    )


@pytest.mark.postgresql_only
def test_a_pc_set_to_the_server_works_there(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL)
    paths = AppPaths(tmp_path / "quay")
    DataFolder(paths, KeyVault(KeyringStore())).set_server(
        _connection_of(database_url), str(make_url(database_url).password)
    )
    svc = open_test_services(paths, FixedClock(NOW))
    try:
        assert svc.db.server is not None and svc.db.url.port == make_url(database_url).port
        code = svc.dossiers.receive(make_draft()).code
    finally:
        svc.close()
    # The office is on the server: this folder's own file was never made nor marked set up.
    assert not paths.database_file.exists() and svc.folder.state().set_up is False
    # Another counter on the same server sees the dossier.
    other = AppPaths(tmp_path / "quay-2")
    DataFolder(other, KeyVault(KeyringStore())).set_server(
        _connection_of(database_url), str(make_url(database_url).password)
    )
    svc2 = open_test_services(other, FixedClock(NOW), login="cuong")
    try:
        assert svc2.dossiers.get(code).code == code
    finally:
        svc2.close()


@pytest.mark.postgresql_only
def test_data_of_a_newer_version_is_not_opened(
    tmp_path: Path, pg_cluster: Cluster, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL)
    name = str(make_url(database_url).database)
    pg_cluster.sql("UPDATE alembic_version SET version_num = '9999'", database=name)
    paths = AppPaths(tmp_path / "quay")
    DataFolder(paths, KeyVault(KeyringStore())).set_server(
        _connection_of(database_url), str(make_url(database_url).password)
    )
    with pytest.raises(SchemaTooNewError) as refused:
        open_services(paths, FixedClock(NOW))
    assert "9999" in refused.value.message and "cập nhật TTHC Desk" in refused.value.message


def _behind(cutter: CommitCutter, database_url: str) -> str:
    u = make_url(database_url)
    return u.set(port=cutter.port).render_as_string(hide_password=False)


def _count(database_url: str) -> int:
    from tthc_desk.db.engine import Database

    db = Database(database_url)
    try:
        with db.session() as s:
            from sqlalchemy import text

            return int(s.execute(text("SELECT count(*) FROM dossiers")).scalar_one())
    finally:
        db.dispose()


@pytest.mark.postgresql_only
def test_a_commit_whose_answer_was_lost_is_not_saved_again(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutter = CommitCutter(int(make_url(database_url).port or 5432))
    monkeypatch.setenv(ENV_DATABASE_URL, _behind(cutter, database_url))
    svc = open_test_services(AppPaths(tmp_path / "data"), FixedClock(NOW))
    try:
        attempt = SaveAttempt()
        cutter.arm()  # the server commits; the answer never arrives
        with pytest.raises(ServerUnavailableError) as lost:
            svc.dossiers.receive(make_draft(), attempt)
        assert cutter.cut.is_set() and lost.value.message.startswith("Mất kết nối tới máy chủ")
        assert attempt.in_doubt and _count(database_url) == 1  # it WAS saved
        # While lost, a new try is refused at once and saves nothing.
        with pytest.raises(ServerUnavailableError):
            svc.dossiers.receive(make_draft(), attempt)
        assert svc.server.probe() is None  # the server answers again
        again = svc.dossiers.receive(make_draft(), attempt)
        assert _count(database_url) == 1  # never twice
        assert again.code == svc.dossiers.search(DossierQuery())[0].code
        assert attempt.saved_id == again.id
    finally:
        svc.close()
        cutter.close()


@pytest.mark.postgresql_only
def test_a_commit_that_never_reached_the_server_is_saved_on_the_next_try(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutter = CommitCutter(int(make_url(database_url).port or 5432))
    monkeypatch.setenv(ENV_DATABASE_URL, _behind(cutter, database_url))
    svc = open_test_services(AppPaths(tmp_path / "data"), FixedClock(NOW))
    try:
        attempt = SaveAttempt()
        cutter.arm(before=True)  # the COMMIT is lost on the way: the server rolls back
        with pytest.raises(ServerUnavailableError):
            svc.dossiers.receive(make_draft(), attempt)
        assert attempt.in_doubt and _count(database_url) == 0
        assert svc.server.probe() is None
        saved = None
        for _ in range(50):  # the server may need a moment to see the dropped connection
            try:
                saved = svc.dossiers.receive(make_draft(), attempt)
                break
            except ServerUnavailableError as e:
                assert "chưa cho biết" in e.message
                time.sleep(0.1)
        assert saved is not None and _count(database_url) == 1
        assert saved.code.endswith("-0001")  # the rolled-back try gave its number back
    finally:
        svc.close()
        cutter.close()
