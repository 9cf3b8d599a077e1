"""The data folder and its database file: opened with its key, converted to encryption, never
silently replaced.

The folder keeps a small plaintext state file (``tthc-desk.json``, no personal data) that names
the database's key in the keyring and remembers whether an office was set up here: a database
that was there and is now missing or empty is a loss to restore, not a new office to start.

Keys: ``database-key:<id>`` in the keyring (``services.keys``). The recovery key printed on the
*Phiếu khóa khôi phục dữ liệu* is that same key, written for people (``domain.recovery_key``).

Where the database is (issue 12), first found first used: ``TTHC_DESK_DATABASE_URL`` (scripts,
tests), then the office's PostgreSQL server this PC was set to use (``server`` in the state
file; its password in the keyring as ``server-password:user@host:port/db``), then the folder's
own SQLite file. The demo database is always the demo folder's own file.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tthc_desk.db import backups, files, postgres
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.db.files import FileState
from tthc_desk.domain.errors import (
    RESTORE_HINT,
    DatabaseFileError,
    DatabaseKeyError,
    DatabaseMissingError,
    SchemaTooNewError,
    ServerUnavailableError,
)
from tthc_desk.domain.server import ServerConnection
from tthc_desk.paths import ENV_DATABASE_URL, AppPaths
from tthc_desk.services.keys import KeyVault

log = logging.getLogger(__name__)

STATE_FILE = "tthc-desk.json"


@dataclass
class FolderState:
    #: Names the database's key in the keyring (``database-key:<id>``).
    database_id: str = ""
    #: An office was set up on this folder's database.
    set_up: bool = False
    #: The demo database (made-up people): stays unencrypted.
    demo: bool = False
    #: What happened to the database outside any session, for its journal at the next start
    #: (a conversion to encryption, a restore, the recovery key kept on this PC): kind (a
    #: ``JournalKind``), action, by (a user name, or ``system``), at, and details.
    notes: list[dict[str, str]] = field(default_factory=list)
    #: This PC's connection to the office's PostgreSQL server (``ServerConnection.to_dict``);
    #: empty: the database is this folder's SQLite file. Never the password (the keyring).
    server: dict[str, Any] = field(default_factory=dict)
    #: The office on the server (its ``database_id`` setting): names the office's backup key
    #: kept on this PC (``server-backup-key:<id>``), which opens its backups when the server
    #: itself is lost.
    server_database_id: str = ""


def key_name(database_id: str) -> str:
    return f"database-key:{database_id}"


def server_key_name(database_id: str) -> str:
    return f"server-backup-key:{database_id}"


class DataFolder:
    """One data folder: its state file, its database file and the key that opens it."""

    def __init__(self, paths: AppPaths, vault: KeyVault) -> None:
        self.paths = paths
        self.vault = vault
        self.state_file = paths.data_dir / STATE_FILE

    # -- state ---------------------------------------------------------------------------------
    def state(self) -> FolderState:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return FolderState()
        except (OSError, ValueError):
            log.warning("Unreadable %s; treated as empty", self.state_file, exc_info=True)
            return FolderState()
        known = {k: data[k] for k in asdict(FolderState()) if k in data}
        return FolderState(**known)

    def save_state(self, state: FolderState) -> None:
        self.paths.data_dir.mkdir(parents=True, exist_ok=True)
        part = self.state_file.with_name(self.state_file.name + ".part")
        with part.open("w", encoding="utf-8") as f:
            json.dump(asdict(state), f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, self.state_file)

    def mark_set_up(self) -> None:
        state = self.state()
        if state.server:  # the office is on its server: this folder's own file is not in use
            return
        if not state.set_up:
            state.set_up = True
            self.save_state(state)

    def key(self) -> bytes | None:
        """The key of this folder's database on this PC, if it has one."""
        state = self.state()
        return self.vault.load(key_name(state.database_id)) if state.database_id else None

    def remember_key(self, key: bytes) -> None:
        """Keep ``key`` as this folder's database key (after a restore or a recovery key)."""
        state = self.state()
        if not state.database_id:
            state.database_id = uuid.uuid4().hex
        self.vault.save(key_name(state.database_id), key)
        self.save_state(state)

    def server_key(self, database_id: str = "") -> bytes | None:
        """The backup key of the office on the server (``database_id``, else the one this PC
        last worked with), as kept on this PC; None: never kept here. Before that office has a
        key: the key of this folder's own database when it is the same office (``db copy``
        moved it to the server), so its backups and its printed sheet stay valid."""
        state = self.state()
        office = database_id or state.server_database_id
        if not office:
            return None
        kept = self.vault.load(server_key_name(office))
        if kept is None and state.database_id == office:
            return self.key()
        return kept

    def remember_server_key(self, database_id: str, key: bytes) -> None:
        """Keep the server office's backup key on this PC (when it changed)."""
        state = self.state()
        name = server_key_name(database_id)
        if state.server_database_id == database_id and self.vault.load(name) == key:
            return
        self.vault.save(name, key)
        state.server_database_id = database_id
        self.save_state(state)

    def backup_keys(self) -> list[bytes]:
        """Every key this PC holds for this folder's backups: its database's, its server
        office's."""
        found = [self.key(), self.server_key()]
        return [k for i, k in enumerate(found) if k is not None and k not in found[:i]]

    # -- the office's server (issue 12) ---------------------------------------------------------
    def server(self) -> ServerConnection | None:
        """The server this PC was set to use, or None (the folder's SQLite file)."""
        return ServerConnection.from_dict(self.state().server)

    def server_password(self, connection: ServerConnection) -> str | None:
        """The password of ``connection`` kept on this PC, if any."""
        raw = self.vault.load(connection.secret_name)
        return None if raw is None else raw.decode("utf-8")

    def set_server(self, connection: ServerConnection, password: str | None) -> None:
        """Use ``connection`` from the next start; ``password`` None keeps the one stored."""
        if password is not None:
            self.vault.save(connection.secret_name, password.encode("utf-8"))
        state = self.state()
        state.server = connection.to_dict()
        self.save_state(state)

    def clear_server(self) -> ServerConnection | None:
        """Back to this folder's own SQLite file; the old connection's password is forgotten.
        Returns the connection that was set."""
        state = self.state()
        old = ServerConnection.from_dict(state.server)
        state.server = {}
        self.save_state(state)
        if old is not None:
            self.vault.forget(old.secret_name)
        return old

    def has_local_database(self) -> bool:
        """Whether this folder's own database file exists (and is not empty)."""
        found = files.inspect_file(self.paths.database_file)
        return found not in (FileState.MISSING, FileState.EMPTY)

    def database_url(self, *, demo: bool = False) -> str:
        """Where this folder's database is (see the module's docstring)."""
        env = os.environ.get(ENV_DATABASE_URL)
        if env:
            return postgres.with_defaults(env)
        raw = {} if demo else self.state().server
        connection = ServerConnection.from_dict(raw)
        if raw and connection is None:  # never a silent fall back to a database of this PC
            raise ServerUnavailableError(
                f"Thiết lập máy chủ trong tệp {self.state_file} không hợp lệ (tệp bị sửa tay?): "
                "người Quản trị đặt lại ở Hệ thống → Kết nối máy chủ…, hoặc chạy “tthc-desk "
                "server set …”."
            )
        if connection is None:
            return f"sqlite:///{self.paths.database_file}"
        password = self.server_password(connection)
        if password is None:
            raise ServerUnavailableError(
                f"Máy này được đặt dùng máy chủ {connection.where} nhưng chưa có mật khẩu của "
                "người dùng đó (kho mật khẩu của máy đã bị xóa, hoặc tài khoản Windows khác): "
                "người Quản trị nhập lại ở Hệ thống → Kết nối máy chủ…, hoặc chạy “tthc-desk "
                "server set … --password-stdin”."
            )
        return postgres.server_url(connection, password)

    # -- restore -------------------------------------------------------------------------------
    def after_restore(self, marker: dict[str, Any]) -> None:
        """A restore's swap is done: the folder's key is the restored database's, and an office
        is set up here (its loss would be a loss, never a new office)."""
        state = self.state()
        state.database_id = str(marker.get("database_id") or state.database_id)
        state.demo = bool(marker.get("demo", False))
        state.set_up = not state.demo
        backup = str(marker.get("backup", ""))
        state.notes.append(
            {
                "kind": "restore",
                "action": f"khôi phục dữ liệu từ bản sao lưu {backup}",
                "by": str(marker.get("by", "")),
                "at": str(marker.get("at", "")),
                "backup": backup,
            }
        )
        self.save_state(state)

    def add_note(self, kind: str, action: str, by: str, at: datetime) -> None:
        """Something done to the database outside a session, for its journal (see ``notes``)."""
        state = self.state()
        state.notes.append(
            {"kind": kind, "action": action, "by": by, "at": at.isoformat(timespec="seconds")}
        )
        self.save_state(state)

    def take_notes(self) -> list[dict[str, str]]:
        """The notes to write into the journal, once (then forgotten)."""
        state = self.state()
        notes, state.notes = state.notes, []
        if notes:
            self.save_state(state)
        return notes

    def finish_restore(self) -> None:
        """Finish (or drop) a restore that was cut off (``db.backups``), before opening."""
        path = files.sqlite_file(self.database_url())
        if path is not None:
            backups.finish_interrupted_restore(path, self.after_restore)

    # -- opening -------------------------------------------------------------------------------
    def open(
        self,
        *,
        demo: bool = False,
        recovery_key: bytes | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Database:
        """The folder's database, opened with its key; a new one is encrypted (not the demo),
        an unencrypted one from an older version is converted first. On a server, the schema
        is checked first: data of a newer version is never touched by an older one."""
        url = self.database_url(demo=demo or self.state().demo)
        path = files.sqlite_file(url)
        if path is None:  # PostgreSQL or an in-memory database: no file of ours to look after
            return _on_server(Database(url))
        self.finish_restore()
        state = self.state()
        key = recovery_key or self.key()
        files.finish_interrupted_conversion(path, key)
        found = files.inspect_file(path)
        if found in (FileState.MISSING, FileState.EMPTY):
            return self._new(url, path, state, demo=demo, found=found)
        if found is FileState.TRUNCATED:
            raise DatabaseFileError(
                f"Tệp cơ sở dữ liệu “{path}” bị cắt cụt hoặc không phải cơ sở dữ liệu của "
                f"TTHC Desk. {RESTORE_HINT}"
            )
        if found is FileState.PLAINTEXT:
            if demo or state.demo:
                return Database(url)
            return self._encrypt(url, path, state, progress)
        if key is None:
            raise DatabaseKeyError(
                "Cơ sở dữ liệu được mã hóa và máy này (tài khoản Windows này) không có khóa để "
                "mở: có thể đây là máy mới, tài khoản Windows khác, hoặc kho mật khẩu đã bị xóa. "
                "Hãy nhập khóa khôi phục ghi trên Phiếu khóa khôi phục dữ liệu (người đứng đầu "
                "cơ quan giữ)."
            )
        if not files.opens_with(path, key):
            if recovery_key is not None:
                raise DatabaseKeyError(
                    "Khóa khôi phục này không mở được cơ sở dữ liệu: hãy kiểm tra lại từng nhóm "
                    "ký tự trên Phiếu khóa khôi phục dữ liệu của đúng cơ quan này."
                )
            raise DatabaseFileError(
                f"Không mở được tệp cơ sở dữ liệu “{path}” bằng khóa của máy này: tệp bị hỏng, "
                f"bị thay bằng tệp khác, hoặc là của cơ quan khác. {RESTORE_HINT}"
            )
        if recovery_key is not None and recovery_key != self.key():
            self.remember_key(recovery_key)
        return Database(url, key=key)

    def check_copy_target(self) -> None:
        """Refuse this folder as the target of a copy (``db copy``) when it already holds a
        database or an office: only a new data folder takes one."""
        found = files.inspect_file(self.paths.database_file)
        if found not in (FileState.MISSING, FileState.EMPTY) or self.state().set_up:
            raise DatabaseFileError(
                f"Thư mục “{self.paths.data_dir}” đã có cơ sở dữ liệu của một cơ quan: chỉ chép "
                "vào một thư mục dữ liệu mới (chưa có tệp tthc-desk.db). Chưa chép gì."
            )

    def open_copy_target(self) -> Database:
        """A new, encrypted database file for this folder, to copy an office into: its key is
        made and kept as for a new office. The folder's own file, even when
        ``TTHC_DESK_DATABASE_URL`` names a server."""
        self.check_copy_target()
        path = self.paths.database_file
        found = files.inspect_file(path)
        return self._new(f"sqlite:///{path}", path, self.state(), demo=False, found=found)

    def _new(
        self, url: str, path: Path, state: FolderState, *, demo: bool, found: FileState
    ) -> Database:
        if state.set_up:
            what = "không còn" if found is FileState.MISSING else "trống (0 byte)"
            raise DatabaseMissingError(
                f"Tệp cơ sở dữ liệu “{path}” của cơ quan đã khai báo trên thư mục này {what}. "
                f"Phần mềm không tự tạo cơ quan mới đè lên. {RESTORE_HINT}"
            )
        files.remove_with_sides(path)
        if demo:
            self.save_state(FolderState(database_id=state.database_id, demo=True))
            return Database(url)
        state.database_id = state.database_id or uuid.uuid4().hex
        state.demo = False
        key = self.vault.load(key_name(state.database_id)) or self.vault.create(
            key_name(state.database_id)
        )
        self.save_state(state)
        log.info("New encrypted database at %s", path)
        return Database(url, key=key)

    def _encrypt(
        self,
        url: str,
        path: Path,
        state: FolderState,
        progress: Callable[[str], None] | None,
    ) -> Database:
        """An unencrypted database of a real office (made before encryption): convert it, and
        its copies in the backup folder, keeping the original until the copy is verified."""
        state.database_id = state.database_id or uuid.uuid4().hex
        name = key_name(state.database_id)
        key = self.vault.load(name) or self.vault.create(name)
        self.save_state(state)  # the key is kept before any file needs it
        log.info("Encrypting the database %s", path)
        try:
            files.encrypt_in_place(path, key, progress)
        except files.ConversionError as e:
            raise DatabaseFileError(
                f"Không mã hóa được cơ sở dữ liệu “{path}”: bản mã hóa không khớp với bản gốc "
                f"({e.where}). Bản gốc vẫn nguyên vẹn; {RESTORE_HINT[0].lower()}{RESTORE_HINT[1:]}"
            ) from e
        for old in sorted(self.paths.backup_dir.glob("*.db")):
            if files.inspect_file(old) is FileState.PLAINTEXT:
                files.encrypt_copy(old, key)
        self.add_note(
            "write",
            "mã hóa cơ sở dữ liệu và các bản sao cũ (chuyển từ bản không mã hóa)",
            "system",
            datetime.now(),
        )
        return Database(url, key=key)


def _on_server(db: Database) -> Database:
    """``db`` unless its schema was made by a newer version of the software."""
    try:
        revision = db.schema_revision()
        if revision is not None and revision > SCHEMA_HEAD:
            raise SchemaTooNewError(
                f"Dữ liệu trên máy chủ do phiên bản TTHC Desk mới hơn tạo (phiên bản dữ liệu "
                f"{revision}, phần mềm trên máy này chỉ đọc được đến {SCHEMA_HEAD}): hãy cập "
                "nhật TTHC Desk trên máy này rồi mở lại."
            )
    except Exception:
        db.dispose()
        raise
    return db
