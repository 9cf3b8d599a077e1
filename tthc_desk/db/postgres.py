"""The office's PostgreSQL server (issue 12): how a counter PC connects, what a check of the
connection finds, every failure said in Vietnamese, and the watch that notices a lost server.

Every connection carries the same parameters (:func:`with_defaults`): ``connect_timeout`` (a
server that does not answer is given up after a few seconds, not the system's minutes), TCP
keepalives and ``tcp_user_timeout`` (a dead link is found within about half a minute, even on an
idle connection of the pool), ``idle_in_transaction_session_timeout`` (a transaction whose PC
vanished mid-way releases its locks soon, so the counters' next numbers do not wait on it for
hours), and ``application_name`` ``tthc-desk <computer>``, which names each counter in the
server's ``pg_stat_activity`` (the check counts the counters connected with it).

:class:`ServerWatch` sits on a live engine (``Database.server``): a connection that fails or
drops is turned into :class:`~tthc_desk.domain.errors.ServerUnavailableError` carrying
:func:`diagnose`'s sentence, the server is marked lost, and until :meth:`ServerWatch.probe`
reaches it again every new connection is refused at once with that sentence, instead of making
the screen wait ``connect_timeout`` at each click.
"""

from __future__ import annotations

import logging
import platform
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, ExceptionContext, make_url
from sqlalchemy.pool import NullPool

from tthc_desk.domain.errors import ServerUnavailableError
from tthc_desk.domain.server import ConnectionReport, SchemaState, ServerConnection

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_S = 5
#: Extensions the schema needs on the server: the search's word index is kept by PL/pgSQL
#: triggers (migration 0009). PL/pgSQL is in every database PostgreSQL creates, unless someone
#: removed it; nothing else is needed (the index is a ``tsvector`` with the built-in ``simple``
#: configuration, not ``pg_trgm``).
REQUIRED_EXTENSIONS = ("plpgsql",)
#: Added to every PostgreSQL URL that does not set them itself (see the module's docstring).
CONNECTION_DEFAULTS: dict[str, str] = {
    "connect_timeout": str(CONNECT_TIMEOUT_S),
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "15000",
    "options": "-c idle_in_transaction_session_timeout=60000",
}
APP_PREFIX = "tthc-desk"
#: The pip package that brings the driver (with libpq), as the README's install line names it.
DRIVER_PACKAGE = "psycopg[binary]"


# -- connection parameters -----------------------------------------------------------------------


def computer_name() -> str:
    """This PC's name as the server may show it (ASCII; PostgreSQL replaces anything else)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", platform.node()).strip("-")
    return name or "may-khong-ten"


def application_name(computer: str | None = None) -> str:
    """``tthc-desk <computer>``, within the server's 63 bytes."""
    return f"{APP_PREFIX} {computer or computer_name()}"[:63]


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def with_defaults(url: str, computer: str | None = None) -> str:
    """``url`` with the connection parameters every PostgreSQL connection carries, where it does
    not set them itself; any other URL unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    wanted = {**CONNECTION_DEFAULTS, "application_name": application_name(computer)}
    query = {**wanted, **parsed.query}
    return parsed.set(query=query).render_as_string(hide_password=False)


def server_url(connection: ServerConnection, password: str, computer: str | None = None) -> str:
    """The SQLAlchemy URL of ``connection`` with its password (kept in memory only)."""
    url = URL.create(
        DRIVER,
        username=connection.user,
        password=password or None,
        host=connection.host,
        port=connection.port,
        database=connection.database,
        query={"sslmode": connection.sslmode.value},
    )
    return with_defaults(url.render_as_string(hide_password=False), computer)


def shown_url(url: str) -> str:
    """``url`` as it may be shown or written in a command: no password, no parameters."""
    parsed = make_url(url)
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return plain.render_as_string(hide_password=True)


# -- what went wrong ----------------------------------------------------------------------------


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        orig = getattr(e, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, e.__cause__, e.__context__]


def _driver_missing(error: BaseException) -> bool:
    return any(
        isinstance(e, ImportError) and "psycopg" in (f"{e.name or ''} {e}") for e in _chain(error)
    )


class _Where:
    """The host, port, user and database a failure is about (from the URL, when known)."""

    def __init__(self, url: str | URL | None) -> None:
        parsed = make_url(url) if url else None
        self.host = (parsed.host if parsed else None) or "?"
        self.port = (parsed.port if parsed else None) or 5432
        self.user = (parsed.username if parsed else None) or "?"
        self.database = (parsed.database if parsed else None) or "?"
        self.sslmode = str(parsed.query.get("sslmode", "prefer")) if parsed else "prefer"


# Each rule: the fragments of libpq's or the server's message that identify a failure, and the
# Vietnamese sentence (placeholders: host, port, user, database, sslmode, seconds).
_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("failed to resolve host", "could not translate host name", "name or service not known"),
        "Không tìm thấy máy chủ “{host}” trên mạng (tên máy không tra ra địa chỉ): hãy kiểm tra "
        "lại tên máy chủ, hoặc dùng địa chỉ IP của máy chủ (ví dụ 192.168.1.10).",
    ),
    (
        ("connection refused",),
        "Máy chủ {host} không nhận kết nối ở cổng {port}: dịch vụ PostgreSQL trên máy chủ chưa "
        "chạy, sai số cổng, hoặc tường lửa chặn cổng đó. Hãy kiểm tra máy chủ rồi thử lại.",
    ),
    (
        ("timeout expired", "timed out", "no route to host", "network is unreachable"),
        "Máy chủ {host} không trả lời sau {seconds} giây: máy chủ đang tắt, mất mạng, hoặc "
        "tường lửa chặn cổng {port}. Hãy kiểm tra mạng và máy chủ rồi thử lại.",
    ),
    (
        ("the database system is starting up", "in recovery mode", "is shutting down"),
        "Máy chủ {host} đang khởi động hoặc đang tắt: hãy chờ ít giây rồi thử lại.",
    ),
    (
        ("password authentication failed", "authentication failed"),
        "Máy chủ {host} từ chối đăng nhập: sai mật khẩu, hoặc máy chủ không có người dùng "
        "“{user}” (PostgreSQL không nói rõ là điều nào). Hãy kiểm tra lại tên người dùng và mật "
        "khẩu với người quản trị máy chủ.",
    ),
    (
        ("is not permitted to log in",),
        "Người dùng “{user}” trên máy chủ {host} không được phép đăng nhập. Người quản trị máy "
        'chủ cho phép bằng lệnh: ALTER ROLE "{user}" LOGIN;',
    ),
    (
        ("permission denied for database", "does not have connect privilege"),
        "Người dùng “{user}” không được kết nối tới cơ sở dữ liệu “{database}”. Người quản trị "
        'máy chủ cấp quyền bằng lệnh: GRANT CONNECT ON DATABASE "{database}" TO "{user}";',
    ),
    (
        ("permission denied",),
        "Người dùng “{user}” không có quyền trên dữ liệu của TTHC Desk trong “{database}”. Hãy "
        "dùng người dùng sở hữu dữ liệu, hoặc người quản trị máy chủ cấp quyền bằng lệnh: "
        'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{user}"; '
        'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{user}";',
    ),
    (
        ("server does not support ssl", "ssl was required"),
        "Máy chủ {host} chưa bật mã hóa TLS mà máy này đòi (chế độ “{sslmode}”): hãy bật ssl "
        "trên máy chủ, hoặc chọn chế độ “Mã hóa nếu máy chủ hỗ trợ” nếu mạng nội bộ tin cậy.",
    ),
    (
        ("no encryption",),  # no pg_hba.conf entry for …, no encryption: hostssl lines only
        "Máy chủ {host} chỉ nhận kết nối có mã hóa TLS: hãy chọn chế độ “Bắt buộc mã hóa” "
        "hoặc “Bắt buộc mã hóa và kiểm tra chứng chỉ”.",
    ),
    (
        ("no pg_hba.conf entry",),
        "Máy chủ {host} không cho máy này kết nối (tệp pg_hba.conf không có dòng cho địa chỉ của "
        "máy này, người dùng “{user}”, cơ sở dữ liệu “{database}”). Người quản trị máy chủ thêm "
        "một dòng, ví dụ “host {database} {user} 192.168.1.0/24 scram-sha-256”, rồi nạp lại cấu "
        "hình (SELECT pg_reload_conf();).",
    ),
    (
        ("root certificate file", "certificate verify failed", "does not match host name"),
        "Không kiểm tra được chứng chỉ TLS của máy chủ {host} (chế độ “{sslmode}”): hãy chép "
        "chứng chỉ gốc của máy chủ vào tệp root.crt (thư mục %APPDATA%\\postgresql trên Windows, "
        "~/.postgresql trên Linux) và gõ đúng tên máy chủ như trong chứng chỉ, hoặc chọn chế độ "
        "“Bắt buộc mã hóa”.",
    ),
    (
        ("too many connections", "remaining connection slots"),
        "Máy chủ {host} đã đủ số kết nối tối đa: hãy đóng bớt phần mềm trên các máy khác, hoặc "
        "người quản trị máy chủ tăng max_connections.",
    ),
    (
        (
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "consuming input failed",
            "could not receive data",
            "could not send data",
            "connection reset",
            "broken pipe",
            "ssl syscall error",
            "connection is lost",
            "eof detected",
        ),
        "Mất kết nối tới máy chủ {host}: máy chủ vừa tắt hoặc khởi động lại, hoặc đường mạng bị "
        "ngắt.",
    ),
    (
        ("ssl", "tls"),
        "Kết nối mã hóa TLS tới máy chủ {host} không thành (chế độ “{sslmode}”): hãy kiểm tra "
        "cấu hình ssl của máy chủ, hoặc chọn chế độ mã hóa khác.",
    ),
)


def diagnose(error: BaseException, url: str | URL | None = None) -> str:
    """What went wrong reaching the server (``url``: where, when known), in Vietnamese, saying
    what to do. The driver's own (English) text goes to the log only."""
    if isinstance(error, ServerUnavailableError):
        return error.message
    where = _Where(url)
    if _driver_missing(error):
        return (
            "Máy này chưa cài trình điều khiển PostgreSQL cho TTHC Desk: cài gói Python "
            f'“{DRIVER_PACKAGE}” (lệnh: pip install "tthc-desk[postgres]", hoặc cài lại TTHC '
            "Desk bản có kèm máy chủ) rồi mở lại phần mềm."
        )
    texts = " | ".join(str(e) for e in _chain(error)).lower()
    values = {
        "host": where.host,
        "port": where.port,
        "user": where.user,
        "database": where.database,
        "sslmode": where.sslmode,
        "seconds": CONNECT_TIMEOUT_S,
    }
    if f'database "{where.database.lower()}" does not exist' in texts or (
        "database" in texts and "does not exist" in texts and "role" not in texts
    ):
        return (
            "Máy chủ {host} không có cơ sở dữ liệu “{database}”: hãy kiểm tra lại tên, hoặc nhờ "
            'người quản trị máy chủ tạo bằng lệnh: CREATE DATABASE "{database}" OWNER "{user}";'
        ).format(**values)
    if 'role "' in texts and "does not exist" in texts:  # trust or peer auth says so
        return (
            "Máy chủ {host} không có người dùng “{user}”. Người quản trị máy chủ tạo bằng lệnh: "
            "CREATE ROLE \"{user}\" LOGIN PASSWORD '…';"
        ).format(**values)
    for fragments, sentence in _RULES:
        if any(f in texts for f in fragments):
            return sentence.format(**values)
    log.warning("Unrecognised server failure: %s", texts)
    return (
        "Không làm việc được với máy chủ cơ sở dữ liệu {host}: lỗi không nhận ra (chi tiết ghi "
        "trong nhật ký của phần mềm). Hãy báo người quản trị."
    ).format(**values)


# -- the watch on a live engine --------------------------------------------------------------

Listener = Callable[[str | None], None]


def _is_connection_failure(ctx: ExceptionContext) -> bool:
    """A connection that could not be made, or one that dropped (not a constraint, a deadlock
    or a statement error, which the caller handles as before)."""
    if ctx.is_disconnect:
        return True
    orig = ctx.original_exception
    return ctx.connection is None and type(orig).__name__ in ("OperationalError", "InterfaceError")


class ServerWatch:
    """Whether the server answers, as this engine last found it, and who wants to know.

    Listeners are called with the reason when the server is lost and with None when it is back,
    on whichever thread noticed (the GUI relays them to its own thread)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._lost: str | None = None
        self._listeners: list[Listener] = []
        self._probing = threading.local()

    @property
    def lost(self) -> str | None:
        """Why the server is lost (Vietnamese), or None while it answers."""
        return self._lost

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` at each change; returns what stops it."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def probe(self) -> str | None:
        """Reach the server now, waiting up to ``connect_timeout`` (off the GUI thread): None
        when it answers (and it is no longer lost), else why not."""
        self._probing.active = True
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except ServerUnavailableError as e:
            return e.message
        finally:
            self._probing.active = False
        self._set(None)
        return None

    def _set(self, reason: str | None) -> None:
        with self._lock:
            changed = reason != self._lost
            self._lost = reason
            listeners = list(self._listeners)
        if not changed:
            return
        if reason is None:
            log.info("The database server answers again")
        else:
            log.warning("Database server lost: %s", reason)
        for listener in listeners:
            try:
                listener(reason)
            except Exception:  # a listener's fault must not hide the server's state
                log.exception("A listener of the server's state failed")

    # SQLAlchemy events ---------------------------------------------------------------------
    def _on_do_connect(
        self, _dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]
    ) -> None:
        reason = self._lost
        if reason is not None and not getattr(self._probing, "active", False):
            raise ServerUnavailableError(reason)
        # Whatever URL the engine was made with, every connection carries the parameters.
        for name, value in CONNECTION_DEFAULTS.items():
            cparams.setdefault(name, value)
        cparams.setdefault("application_name", application_name())
        # None: the dialect connects as usual

    def _on_handle_error(self, ctx: ExceptionContext) -> None:
        if ctx.is_pre_ping or not _is_connection_failure(ctx):
            return  # the pool replaces a stale connection itself; other errors are not ours
        log.warning("Database server failure: %s", ctx.original_exception)
        reason = diagnose(ctx.original_exception, self._engine.url)
        self._set(reason)
        raise ServerUnavailableError(reason) from ctx.sqlalchemy_exception


def configure(engine: Engine) -> ServerWatch:
    """Watch ``engine`` (a PostgreSQL one): see :class:`ServerWatch`."""
    watch = ServerWatch(engine)
    event.listen(engine, "do_connect", watch._on_do_connect)
    event.listen(engine, "handle_error", watch._on_handle_error)
    return watch


# -- the administrator's check ----------------------------------------------------------------


def _schema_state(revision: str | None, head: str) -> SchemaState:
    if revision is None:
        return SchemaState.EMPTY
    if revision == head:
        return SchemaState.CURRENT
    return SchemaState.NEWER if revision > head else SchemaState.OLDER


def _extension_problems(conn: Connection, database: str) -> list[str]:
    problems = []
    for name in REQUIRED_EXTENSIONS:
        installed = conn.execute(
            text("SELECT 1 FROM pg_extension WHERE extname = :n"), {"n": name}
        ).first()
        if installed:
            continue
        available = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = :n"), {"n": name}
        ).first()
        if available:
            problems.append(
                f"Máy chủ chưa bật phần mở rộng {name} mà TTHC Desk cần (tìm kiếm). Người quản "
                f"trị máy chủ chạy, trên cơ sở dữ liệu “{database}”: "
                f"CREATE EXTENSION IF NOT EXISTS {name};"
            )
        else:
            problems.append(
                f"Máy chủ không có phần mở rộng {name} mà TTHC Desk cần (tìm kiếm): người quản "
                "trị máy chủ cài lại PostgreSQL đầy đủ (bộ cài chính thức trên Windows, gói "
                f"postgresql trên Linux), rồi chạy trên cơ sở dữ liệu “{database}”: "
                f"CREATE EXTENSION IF NOT EXISTS {name};"
            )
    return problems


def _revision(conn: Connection) -> tuple[str | None, int]:
    """The stamped revision (None: not stamped) and how many other tables ``public`` holds."""
    stamped = conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar()
    revision = None
    if stamped is not None:
        value = conn.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
        revision = None if value is None else str(value)
    tables = conn.execute(
        text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
    ).scalar_one()
    return revision, int(tables)


def _schema_problems(
    conn: Connection, state: SchemaState, revision: str | None, head: str, tables: int, user: str
) -> list[str]:
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    if state is SchemaState.NEWER:
        return [
            f"Dữ liệu trên máy chủ do phiên bản TTHC Desk mới hơn tạo (phiên bản dữ liệu "
            f"{revision}, máy này chỉ đọc được đến {head}): hãy cập nhật TTHC Desk trên máy này."
        ]
    if state is SchemaState.EMPTY and tables:
        return [
            f"Cơ sở dữ liệu “{database}” đã có {tables} bảng không phải của TTHC Desk: hãy chọn "
            "một cơ sở dữ liệu trống, hoặc cơ sở dữ liệu TTHC Desk của cơ quan."
        ]
    if state is SchemaState.CURRENT:
        return []
    may_create = conn.execute(
        text("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")
    ).scalar()
    if may_create:
        return []
    return [
        f"Người dùng “{user}” không được tạo bảng trong cơ sở dữ liệu “{database}” (cần để tạo "
        "hoặc nâng cấp dữ liệu). Người quản trị máy chủ chạy: "
        f'ALTER DATABASE "{database}" OWNER TO "{user}"; hoặc, trên cơ sở dữ liệu đó: '
        f'GRANT CREATE ON SCHEMA public TO "{user}";'
    ]


def _counters(conn: Connection) -> int:
    return int(
        conn.execute(
            text(
                "SELECT count(DISTINCT application_name) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE :p"
            ),
            {"p": f"{APP_PREFIX} %"},
        ).scalar_one()
    )


def check_connection(url: str, head: str) -> ConnectionReport:
    """Connect to ``url`` and say whether TTHC Desk can work there: the server's version, the
    extensions it needs, the schema's revision against ``head`` (this software's), the rights
    of the user, how many counters are connected. Never raises: a failure is a problem."""
    where = make_url(url)
    try:
        engine = create_engine(with_defaults(url), poolclass=NullPool, hide_parameters=True)
    except ImportError as e:
        return ConnectionReport(False, (diagnose(e, where),), head=head)
    try:
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one()).split()[0]
            revision, tables = _revision(conn)
            state = _schema_state(revision, head)
            database = where.database or ""
            problems = _extension_problems(conn, database)
            problems += _schema_problems(conn, state, revision, head, tables, where.username or "")
            has_dossiers = None
            if state is SchemaState.CURRENT or state is SchemaState.OLDER:
                found = conn.execute(text("SELECT EXISTS (SELECT 1 FROM dossiers)")).scalar()
                has_dossiers = bool(found)
            counters = _counters(conn)
    except Exception as e:  # every failure becomes a sentence; the details go to the log
        log.warning("Server check of %s failed", shown_url(url), exc_info=True)
        return ConnectionReport(False, (diagnose(e, where),), head=head)
    finally:
        engine.dispose()
    return ConnectionReport(
        not problems,
        tuple(problems),
        server_version=version,
        revision=revision,
        head=head,
        schema=state,
        counters=counters,
        has_dossiers=has_dossiers,
    )
