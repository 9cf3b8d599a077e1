"""The office's PostgreSQL server as the database layer sees it (issue 12): every failure said in
Vietnamese, the administrator's check, the parameters of every connection, and the watch that
turns a lost server into ``ServerUnavailableError`` — all against real servers, no mocks."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.pg import Cluster, free_port
from tests.server_support import own_cluster
from tthc_desk.db import postgres
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.domain.errors import ServerUnavailableError
from tthc_desk.domain.server import SchemaState, ServerConnection, SslMode
from tthc_desk.presentation import connection_report_text

pytestmark = pytest.mark.postgresql_only

ENGLISH = ("connection", "failed", "FATAL", "password authentication", "does not exist")


def _check(url: str) -> tuple[bool, str]:
    report = postgres.check_connection(url, SCHEMA_HEAD)
    said = connection_report_text(report)
    assert not any(word in said for word in ENGLISH), said  # no driver's English reaches anyone
    return report.ok, said


def test_a_working_connection_says_version_schema_and_counters(
    pg_cluster: Cluster, database_url: str
) -> None:
    name = str(make_url(database_url).database)
    report = postgres.check_connection(pg_cluster.url(name), SCHEMA_HEAD)
    assert report.ok, report.problems
    assert report.server_version.startswith("15") or report.server_version[:2].isdigit()
    assert report.revision == SCHEMA_HEAD and report.schema is SchemaState.CURRENT
    assert report.counters == 1  # the check's own connection: this PC
    assert connection_report_text(report) == (
        f"Kết nối được: PostgreSQL {report.server_version}, phiên bản dữ liệu {SCHEMA_HEAD}, "
        "1 quầy đang kết nối."
    )


def test_wrong_password(pg_cluster: Cluster, database_url: str) -> None:
    name = str(make_url(database_url).database)
    ok, said = _check(pg_cluster.url(name, password="sai-mat-khau"))
    assert not ok
    assert said.startswith("Máy chủ 127.0.0.1 từ chối đăng nhập: sai mật khẩu")


def test_a_role_that_does_not_exist_is_told_like_a_wrong_password(pg_cluster: Cluster) -> None:
    # PostgreSQL answers alike so that nobody can probe which roles exist.
    ok, said = _check(pg_cluster.url("postgres", user="khong_co_ai", password="x"))
    assert not ok and "không có người dùng “khong_co_ai”" in said


def test_a_database_that_does_not_exist(pg_cluster: Cluster) -> None:
    ok, said = _check(pg_cluster.url("khong_co_csdl"))
    assert not ok
    assert "không có cơ sở dữ liệu “khong_co_csdl”" in said
    assert 'CREATE DATABASE "khong_co_csdl" OWNER "postgres";' in said


def test_a_closed_port(pg_cluster: Cluster) -> None:
    port = free_port()
    url = pg_cluster.url("postgres").replace(f":{pg_cluster.port}/", f":{port}/")
    started = time.monotonic()
    ok, said = _check(url)
    assert not ok and f"không nhận kết nối ở cổng {port}" in said
    assert time.monotonic() - started < postgres.CONNECT_TIMEOUT_S


def test_a_host_that_is_not_on_the_network() -> None:
    url = "postgresql+psycopg://u:p@khong-co-may-nay.invalid:5432/tthc"
    ok, said = _check(url)
    assert not ok and said.startswith("Không tìm thấy máy chủ “khong-co-may-nay.invalid”")


def test_a_role_without_rights(pg_cluster: Cluster, database_url: str) -> None:
    role = "quay_" + uuid.uuid4().hex[:8]
    name = str(make_url(database_url).database)
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'mk'")
    try:
        # Allowed in, but the tables (made by the owner) are not theirs.
        ok, said = _check(pg_cluster.url(name, user=role, password="mk"))
        assert not ok
        assert f"Người dùng “{role}” không có quyền trên dữ liệu" in said
        assert f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}";' in said
        # Not even allowed in.
        pg_cluster.sql(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC')
        ok, said = _check(pg_cluster.url(name, user=role, password="mk"))
        assert not ok
        assert f'GRANT CONNECT ON DATABASE "{name}" TO "{role}";' in said
    finally:
        pg_cluster.sql(f"REASSIGN OWNED BY {role} TO postgres", database=name)
        pg_cluster.sql(f"DROP OWNED BY {role}", database=name)
        pg_cluster.sql(f"DROP ROLE {role}")


def test_an_empty_database_the_user_may_not_create_tables_in(pg_cluster: Cluster) -> None:
    role = "quay_" + uuid.uuid4().hex[:8]
    name = pg_cluster.create_database()
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'mk'")
    try:
        ok, said = _check(pg_cluster.url(name, user=role, password="mk"))
        assert not ok
        assert f'ALTER DATABASE "{name}" OWNER TO "{role}";' in said
        pg_cluster.sql(f'ALTER DATABASE "{name}" OWNER TO {role}')
        pg_cluster.sql(f"ALTER SCHEMA public OWNER TO {role}", database=name)
        report = postgres.check_connection(pg_cluster.url(name, role, "mk"), SCHEMA_HEAD)
        assert report.ok and report.schema is SchemaState.EMPTY and report.has_dossiers is None
        assert "chưa có dữ liệu" in connection_report_text(report)
    finally:
        pg_cluster.drop_database(name)
        pg_cluster.sql(f"DROP ROLE {role}")


def test_missing_extension_says_the_sql_to_run(pg_cluster: Cluster) -> None:
    name = pg_cluster.create_database()
    try:
        pg_cluster.sql("DROP EXTENSION plpgsql", database=name)  # the search's triggers need it
        ok, said = _check(pg_cluster.url(name))
        assert not ok
        assert said == (
            "Máy chủ chưa bật phần mở rộng plpgsql mà TTHC Desk cần (tìm kiếm). Người quản trị máy "
            f"chủ chạy, trên cơ sở dữ liệu “{name}”: CREATE EXTENSION IF NOT EXISTS plpgsql;"
        )
        pg_cluster.sql("CREATE EXTENSION IF NOT EXISTS plpgsql", database=name)
        assert _check(pg_cluster.url(name))[0]
    finally:
        pg_cluster.drop_database(name)


def test_schema_newer_and_older_than_this_software(pg_cluster: Cluster, database_url: str) -> None:
    name = str(make_url(database_url).database)
    pg_cluster.sql("UPDATE alembic_version SET version_num = '9999'", database=name)
    ok, said = _check(pg_cluster.url(name))
    assert not ok and "phiên bản TTHC Desk mới hơn" in said and "cập nhật TTHC Desk" in said
    older = f"{int(SCHEMA_HEAD) - 1:04d}"
    pg_cluster.sql(f"UPDATE alembic_version SET version_num = '{older}'", database=name)
    report = postgres.check_connection(pg_cluster.url(name), SCHEMA_HEAD)
    assert report.ok and report.schema is SchemaState.OLDER and report.has_dossiers is False
    assert f"phần mềm sẽ nâng cấp lên {SCHEMA_HEAD} khi mở" in connection_report_text(report)


def test_a_database_of_another_program_is_refused(pg_cluster: Cluster) -> None:
    name = pg_cluster.create_database()
    try:
        pg_cluster.sql("CREATE TABLE ke_toan (id int)", database=name)
        ok, said = _check(pg_cluster.url(name))
        assert not ok and "đã có 1 bảng không phải của TTHC Desk" in said
    finally:
        pg_cluster.drop_database(name)


def test_tls_the_server_does_not_offer(pg_cluster: Cluster) -> None:
    url = pg_cluster.url("postgres") + "?sslmode=require"
    ok, said = _check(url)
    assert not ok and "chưa bật mã hóa TLS mà máy này đòi (chế độ “require”)" in said


def test_tls_the_server_requires() -> None:
    import psycopg

    with own_cluster() as cluster:
        hba = cluster.folder / "data" / "pg_hba.conf"
        url = make_url(cluster.url("postgres"))
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password,
            dbname="postgres", autocommit=True,
        ) as admin:  # fmt: skip
            hba.write_text("local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n")
            admin.execute("SELECT pg_reload_conf()")
        ok, said = _check(cluster.url("postgres") + "?sslmode=disable")
    assert not ok and "chỉ nhận kết nối có mã hóa TLS" in said


def test_every_connection_carries_the_parameters(pg_cluster: Cluster, database_url: str) -> None:
    url = postgres.with_defaults(database_url, computer="QUAY-1")
    assert postgres.with_defaults(url, computer="KHAC") == url  # what a URL sets is kept
    assert postgres.with_defaults("sqlite:///x.db") == "sqlite:///x.db"
    db = Database(url)
    try:
        with db.session() as s:
            name = s.execute(text("SHOW application_name")).scalar()
            idle = s.execute(text("SHOW idle_in_transaction_session_timeout")).scalar()
    finally:
        db.dispose()
    assert name == "tthc-desk QUAY-1" and idle == "1min"
    query = make_url(url).query
    assert query["connect_timeout"] == "5" and query["keepalives"] == "1"
    # A URL without them (made elsewhere) gets them all the same from the engine.
    bare = Database(database_url)
    try:
        with bare.session() as s:
            name = s.execute(text("SHOW application_name")).scalar()
            idle = s.execute(text("SHOW idle_in_transaction_session_timeout")).scalar()
    finally:
        bare.dispose()
    assert name == postgres.application_name() and idle == "1min"


def test_the_url_of_a_connection_keeps_odd_passwords(pg_cluster: Cluster) -> None:
    role = "quay_" + uuid.uuid4().hex[:8]
    password = "mật khẩu @:/?#&= có dấu"
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    try:
        c = ServerConnection("127.0.0.1", "postgres", role, pg_cluster.port, SslMode.PREFER)
        url = postgres.server_url(c, password)
        report = postgres.check_connection(url, SCHEMA_HEAD)
        assert report.server_version  # it connected (the schema of "postgres" is not ours)
        assert (
            postgres.shown_url(url) == f"postgresql://{role}@127.0.0.1:{pg_cluster.port}/postgres"
        )
    finally:
        pg_cluster.sql(f"DROP ROLE {role}")


def test_a_lost_server_is_said_at_once_refused_fast_and_found_again() -> None:
    with own_cluster() as cluster:
        db = Database(postgres.with_defaults(cluster.url(cluster.create_database())))
        try:
            _lose_and_find(cluster, db)
        finally:
            db.dispose()


def _lose_and_find(cluster: Cluster, db: Database) -> None:
    heard: list[str | None] = []
    assert db.server is not None
    db.server.subscribe(heard.append)
    db.migrate()
    with db.read() as uow:
        assert uow.server.holds_dossiers() is False
    cluster.stop()
    with pytest.raises(ServerUnavailableError) as lost, db.read() as uow:
        uow.server.holds_dossiers()
    assert "không nhận kết nối ở cổng" in lost.value.message
    assert db.server.lost == lost.value.message and heard == [lost.value.message]
    started = time.monotonic()
    with pytest.raises(ServerUnavailableError), db.session(write=True) as s:
        s.execute(text("SELECT 1"))
    assert time.monotonic() - started < 0.5  # refused at once while lost
    assert db.server.probe() == lost.value.message  # still down
    cluster.start_again()
    assert db.server.probe() is None
    assert db.server.lost is None and heard[-1] is None
    with db.read() as uow:
        assert uow.server.holds_dossiers() is False  # the pool works again


def test_a_connection_dropped_mid_transaction() -> None:
    with own_cluster() as cluster:
        db = Database(postgres.with_defaults(cluster.url(cluster.create_database())))
        try:
            with pytest.raises(ServerUnavailableError) as lost, db.session(write=True) as s:
                pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
                cluster.sql(f"SELECT pg_terminate_backend({pid})")
                s.execute(text("SELECT 1"))
            assert lost.value.message.startswith("Mất kết nối tới máy chủ 127.0.0.1")
            assert db.server is not None and db.server.probe() is None
        finally:
            db.dispose()


def test_not_a_connection_failure_stays_what_it_was(pg_cluster: Cluster, database_url: str) -> None:
    db = Database(database_url)
    try:
        with pytest.raises(Exception) as failed, db.session() as s:
            s.execute(text("SELECT * FROM khong_co_bang"))
        assert not isinstance(failed.value, ServerUnavailableError)
        assert db.server is not None and db.server.lost is None
    finally:
        db.dispose()


def test_diagnose_driver_missing() -> None:
    said = postgres.diagnose(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"))
    assert "psycopg[binary]" in said and 'pip install "tthc-desk[postgres]"' in said


def test_a_write_waiting_too_long_for_the_office_gives_up_in_vietnamese(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another counter (here: a restore) holds the office's write lock: a save waits
    WRITE_WAIT_MS, then stops with the clerk's sentence, nothing written; once the lock is free
    the same write goes through."""
    from tthc_desk.db import engine as db_engine
    from tthc_desk.services.failures import describe_failure

    monkeypatch.setattr(db_engine, "WRITE_WAIT_MS", 300)
    db = Database(database_url)
    holder = Database(database_url)
    try:
        with holder.engine.connect() as other:
            other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": db_engine.WRITE_LOCK})
            started = time.monotonic()
            with pytest.raises(Exception) as caught, db.write() as uow:
                uow.settings.put("lock_probe", "1")
            assert 0.25 < time.monotonic() - started < 5
            said = describe_failure(caught.value)
            assert said is not None and said.startswith("Dữ liệu đang bận: đã chờ 0,3 giây")
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": db_engine.WRITE_LOCK})
            other.commit()
        with db.read() as uow:
            assert uow.settings.get("lock_probe") is None  # nothing half-written
        with db.write() as uow:
            uow.settings.put("lock_probe", "1")
        with db.read() as uow:
            assert uow.settings.get("lock_probe") == "1"
    finally:
        db.dispose()
        holder.dispose()
