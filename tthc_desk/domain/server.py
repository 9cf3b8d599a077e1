"""The office's PostgreSQL server as one counter PC reaches it (issue 12).

:class:`ServerConnection` says where (host, port, database), as whom (user) and how (TLS mode);
the password is never part of it: it lives in the operating system's keyring under
:attr:`ServerConnection.secret_name`. :class:`ConnectionReport` is what a check of a connection
found; :class:`SaveAttempt` remembers, for one intake form, the transactions whose commit the
server never confirmed, so that pressing *Lưu* again after the server is back never saves the
same dossier twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.text import address_problem, ascii_digits, nfc, text_problem

DEFAULT_PORT = 5432
#: PostgreSQL cuts names (of databases, roles) at 63 bytes.
NAME_MAX_BYTES = 63
HOST_MAX = 253
_HOST = re.compile(r"[A-Za-z0-9._:\-\[\]]+")


class SslMode(StrEnum):
    """libpq's ``sslmode``, the four an office may choose."""

    DISABLE = "disable"  # no TLS (a trusted office network only)
    PREFER = "prefer"  # TLS when the server offers it
    REQUIRE = "require"  # TLS or no connection (the certificate is not checked)
    VERIFY_FULL = "verify-full"  # TLS with the server's certificate and name checked


@dataclass(frozen=True)
class ServerConnection:
    """Where one PC finds the office's database; no password (see the module's docstring)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: SslMode = SslMode.PREFER

    @property
    def where(self) -> str:
        """``user@host:port/database``, as shown to the administrator."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def secret_name(self) -> str:
        """The keyring entry of this connection's password."""
        return f"server-password:{self.where}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "user": self.user,
            "sslmode": self.sslmode.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ServerConnection | None:
        """The connection kept in a state file; None when there is none or it is not valid
        (a hand-edited file is refused as a whole rather than half used)."""
        if not data:
            return None
        try:
            return parse_connection(
                str(data.get("host", "")),
                str(data.get("port", DEFAULT_PORT)),
                str(data.get("database", "")),
                str(data.get("user", "")),
                str(data.get("sslmode", SslMode.PREFER.value)),
            )
        except ValidationError:
            return None


def _name_problem(value: str, label: str) -> str | None:
    if not value:
        return f"Chưa nhập {label.lower()}."
    if problem := text_problem(value, label, NAME_MAX_BYTES):
        return problem
    if len(value.encode("utf-8")) > NAME_MAX_BYTES:
        return f"{label} dài quá {NAME_MAX_BYTES} byte (giới hạn của PostgreSQL)."
    return None


def _host_problem(host: str) -> str | None:
    if not host:
        return "Chưa nhập địa chỉ máy chủ (tên máy hoặc địa chỉ IP, ví dụ 192.168.1.10)."
    if problem := address_problem(host, "Địa chỉ máy chủ", HOST_MAX):
        return problem
    if not _HOST.fullmatch(host):
        return (
            "Địa chỉ máy chủ chỉ gồm chữ không dấu, chữ số, dấu chấm và dấu gạch ngang "
            "(ví dụ 192.168.1.10 hoặc may-chu.xa.local)."
        )
    return None


def _port(text: str) -> int | None:
    digits = ascii_digits(nfc(text))
    if not digits.isdigit():
        return None
    port = int(digits)
    return port if 1 <= port <= 65535 else None


def parse_connection(
    host: str, port: str | int, database: str, user: str, sslmode: str = SslMode.PREFER.value
) -> ServerConnection:
    """The connection typed by the administrator (GUI fields, CLI options), NFC and trimmed;
    every problem at once in a :class:`~tthc_desk.domain.errors.ValidationError` whose fields
    are ``host``, ``port``, ``database``, ``user`` and ``sslmode``."""
    problems = ProblemCollector()
    host, database, user = nfc(host), nfc(database), nfc(user)
    if problem := _host_problem(host):
        problems.add(problem, field="host")
    number = _port(str(port))
    if number is None:
        shown = nfc(str(port))
        problems.add(f"Cổng “{shown}” không hợp lệ: cần một số từ 1 đến 65535.", field="port")
    if problem := _name_problem(database, "Tên cơ sở dữ liệu"):
        problems.add(problem, field="database")
    if problem := _name_problem(user, "Tên người dùng"):
        problems.add(problem, field="user")
    try:
        mode = SslMode(nfc(sslmode).lower())
    except ValueError:
        choices = ", ".join(m.value for m in SslMode)
        problems.add(f"Chế độ mã hóa “{sslmode}” không hợp lệ: chọn {choices}.", field="sslmode")
        mode = SslMode.PREFER
    problems.raise_if_any("Thông tin kết nối máy chủ chưa đúng.")
    assert number is not None
    return ServerConnection(host, database, user, number, mode)


class SchemaState(StrEnum):
    """The server's data against this version of the software."""

    EMPTY = "empty"  # no table of ours yet: a new office, or data still to copy there
    OLDER = "older"  # made by an older version: upgraded when the software starts
    CURRENT = "current"
    NEWER = "newer"  # made by a newer version: this PC's software must be updated first


@dataclass(frozen=True)
class ConnectionReport:
    """What a check of a connection found. ``ok`` only when the software can work there;
    ``problems`` are Vietnamese sentences, each saying what to do."""

    ok: bool
    problems: tuple[str, ...] = ()
    server_version: str = ""
    revision: str | None = None
    head: str = ""
    schema: SchemaState | None = None
    #: Counters (PCs) connected to that database now, this one included.
    counters: int = 0
    #: Whether the server holds dossiers (None: not looked at, the schema is not ours yet).
    has_dossiers: bool | None = None


@dataclass
class SaveAttempt:
    """One intake form's saves while the server may be lost.

    Each try that reached the server notes its transaction (``pending``: the server's
    transaction id, and the dossier id it wrote) before asking to commit; a commit the server
    confirmed sets ``saved_id``. After a lost connection the server alone knows whether an
    unconfirmed commit happened: the next try asks it first (``DossierService.receive``)."""

    pending: list[tuple[int, int]] = field(default_factory=list)
    saved_id: int | None = None
    #: The dossier came from an earlier try (the server had committed it), not from this one.
    saved_earlier: bool = False

    def noted(self, transaction: int | None, dossier_id: int) -> None:
        if transaction is not None:
            self.pending.append((transaction, dossier_id))

    @property
    def in_doubt(self) -> bool:
        return bool(self.pending) and self.saved_id is None
