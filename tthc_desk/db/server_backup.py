"""Backups of an office on a PostgreSQL server, and putting one back (issue 12).

A server office's backup is the same kind of file as a one-PC office's: ONE SQLite (SQLCipher)
database file holding the whole office, encrypted with the office's backup key (kept on the
server in ``key_escrow``, on each counter PC in its keyring, and on the *Phiếu khóa khôi phục dữ
liệu*). So verifying, listing, copying to a second destination, the retention and the recovery
key work exactly as for SQLite (:class:`~tthc_desk.db.backups.BackupFile`), a counter PC needs
no server programs (``pg_dump`` is for the server's own administrator, see the README), and a
backup of a server office can also be opened as a one-PC office.

:meth:`ServerBackup.copy`: the server is read in ONE ``REPEATABLE READ`` transaction (one
consistent state while the counters keep working) into a new encrypted file migrated to the
server's revision, table by table with the ids, then read back and compared with what was read
(:func:`tthc_desk.db.db_copy.verify`: rows and a fingerprint of the values, per table).

:meth:`ServerBackup.replace_with` (a restore): the backup is copied to a work file (the original
is never written), brought to this software's schema if it is older, then put in place of the
server's data in ONE transaction that holds the office's write lock and checks the copy before
it commits (:func:`tthc_desk.db.db_copy.replace_contents`); any failure leaves the server as it
was. The counters' screens are told that everything changed.
"""

from __future__ import annotations

import logging
from contextlib import closing, suppress
from pathlib import Path

from sqlalchemy import Connection, exc, text

from tthc_desk.db import copy as db_copy
from tthc_desk.db import files, sqlite
from tthc_desk.db.backups import LOST_CODES_LIMIT, BackupFile, Lost, Snapshot, copy_file
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.db.files import FileState
from tthc_desk.db.stores.changes import CHANNEL, PREFIX, payload

log = logging.getLogger(__name__)

#: The backup key's copy on the server (``key_escrow``).
BACKUP_KEY_ESCROW = "backup-key"
#: The work copy of a backup being restored (in the PC's backup folder, removed afterwards).
WORK_SUFFIX = ".khoi-phuc-tam"


class ServerBackupError(Exception):
    """A backup or a restore of the server could not be made; ``reason`` is Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ServerBackup(BackupFile):
    """Backups of the office's PostgreSQL database ``db`` into files encrypted with ``key``."""

    def __init__(self, db: Database, key: bytes) -> None:
        self.db = db
        self.key = key

    # -- taking one ------------------------------------------------------------------------------
    def copy(self, target: Path) -> Snapshot:
        from tthc_desk.db import migrate

        files.remove_with_sides(target)
        revision = self.db.schema_revision()
        if revision is None:
            raise ServerBackupError("Cơ sở dữ liệu trên máy chủ chưa có dữ liệu của TTHC Desk.")
        made = Database(f"sqlite:///{target}", key=self.key)
        try:
            migrate.upgrade(made.engine, revision)
            tables = db_copy.copy_database(self.db, made)
            mismatches = db_copy.verify(made, tables)
        except (OSError, exc.SQLAlchemyError, sqlite.DatabaseError) as e:
            log.error("The backup of the server failed", exc_info=True)
            raise ServerBackupError(
                "Không đọc hết được dữ liệu từ máy chủ hoặc không ghi được tệp sao lưu (mất kết "
                "nối, ổ đầy?). Kiểm tra máy chủ và chỗ trống trên ổ rồi sao lưu lại."
            ) from e
        finally:
            made.dispose()
        if mismatches:
            m = mismatches[0]
            raise ServerBackupError(
                f"Bản sao lưu khác dữ liệu đọc từ máy chủ ở bảng {m.name} ({m.expected_rows} "
                f"dòng đọc được, {m.found_rows} dòng trong tệp)."
            )
        _single_file(target, self.key)
        return self.describe(target, self.key)

    def holds_office(self) -> bool:
        """Whether the server's database holds an office (a restore onto a new one has none)."""
        if self.db.schema_revision() is None:
            return False
        with self.db.engine.connect() as conn:
            return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM settings)")).scalar())

    # -- what a restore would lose ---------------------------------------------------------------
    def lost_by_restoring(self, backup: Path, backup_key: bytes | None) -> Lost:
        """Dossiers on the server that ``backup`` does not hold (same id and code): both read in
        id order side by side, never a whole list in memory."""
        use = backup_key if files.inspect_file(backup) is FileState.SEALED else None
        codes: list[str] = []
        count = 0
        try:
            with (
                closing(sqlite.connect(backup, use, readonly=True)) as kept,
                self.db.engine.connect() as live,
            ):
                if not _has_dossiers(live):
                    return Lost(0, [])
                theirs = iter(kept.execute("SELECT id, code FROM dossiers ORDER BY id"))
                ours = live.execution_options(yield_per=5000).execute(
                    text("SELECT id, code FROM dossiers ORDER BY id")
                )
                other = next(theirs, None)
                for dossier_id, code in ours:
                    while other is not None and other[0] < dossier_id:
                        other = next(theirs, None)
                    if other is None or other[0] != dossier_id or other[1] != code:
                        count += 1
                        codes.append(str(code))
                        del codes[:-LOST_CODES_LIMIT]
        except (sqlite.DatabaseError, exc.SQLAlchemyError):
            log.warning("Could not compare the server with %s", backup, exc_info=True)
            return Lost(0, [], readable=False)
        return Lost(count, codes)

    # -- a restore -----------------------------------------------------------------------------
    def replace_with(
        self,
        backup: Path,
        key: bytes | None,
        work_dir: Path,
        progress: db_copy.Progress | None = None,
        *,
        backup_key: bytes | None = None,
    ) -> list[db_copy.TableCopy]:
        """Put the office held by ``backup`` in place of the server's data (see the module).
        ``backup_key``: kept as the office's backup key when the backup brings none (a
        one-PC office's backup, restored onto its new server)."""
        from tthc_desk.db import migrate

        work_dir.mkdir(parents=True, exist_ok=True)
        work = work_dir / (backup.name + WORK_SUFFIX)
        files.remove_with_sides(work)
        copy_file(backup, work)
        use = key if files.inspect_file(work) is FileState.SEALED else None
        source = Database(f"sqlite:///{work}", key=use)
        try:
            revision = source.schema_revision()
            if revision is None:
                raise ServerBackupError("Tệp sao lưu không có dữ liệu của TTHC Desk.")
            if revision > SCHEMA_HEAD:
                raise ServerBackupError(
                    f"Bản sao lưu do phiên bản TTHC Desk mới hơn tạo (phiên bản dữ liệu "
                    f"{revision}): hãy cập nhật TTHC Desk trên máy này rồi khôi phục lại."
                )
            if revision != SCHEMA_HEAD:  # an older backup: brought to this schema first
                migrate.upgrade(source.engine)
            if self.db.schema_revision() != SCHEMA_HEAD:
                self.db.migrate()  # a new, empty server (the old one was lost)
            seen: dict[str, int] = {}
            tables = db_copy.replace_contents(
                source,
                self.db,
                progress=progress,
                before=lambda conn: seen.update(_change_numbers(conn)),
                after=lambda conn: _after_restore(conn, seen, backup_key),
            )
        except db_copy.CopyMismatchError as e:
            m = e.mismatch
            raise ServerBackupError(
                f"Dữ liệu chép lên máy chủ không khớp với bản sao lưu ở bảng {m.name}: máy chủ "
                "được giữ nguyên như trước khi khôi phục."
            ) from e
        except (OSError, exc.SQLAlchemyError, sqlite.DatabaseError) as e:
            log.error("Restore onto the server failed", exc_info=True)
            raise ServerBackupError(
                "Việc chép bản sao lưu lên máy chủ bị gián đoạn (mất kết nối, hết chỗ trên đĩa "
                "hoặc tệp hỏng; chi tiết trong tệp nhật ký chạy của phần mềm): máy chủ được giữ "
                "nguyên như trước khi khôi phục."
            ) from e
        finally:
            source.dispose()
            files.remove_with_sides(work)
        log.info("Server data replaced by the backup %s", backup)
        return tables


def _has_dossiers(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT to_regclass('dossiers') IS NOT NULL")).scalar())


def _change_numbers(conn: Connection) -> dict[str, int]:
    """The office's change numbers before a restore (``counters``: ``changes:<kind>``)."""
    rows = conn.execute(
        text("SELECT name, value FROM counters WHERE name LIKE :p"), {"p": PREFIX + "%"}
    )
    return {str(n): int(v) for n, v in rows}


def _after_restore(conn: Connection, before: dict[str, int], backup_key: bytes | None) -> None:
    if backup_key is not None:
        conn.execute(
            text(
                "INSERT INTO key_escrow (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING"
            ),
            {"n": BACKUP_KEY_ESCROW, "v": backup_key},
        )
    _announce_everything(conn, before)


def _announce_everything(conn: Connection, before: dict[str, int]) -> None:
    """After a restore every kind of data changed: each change number is raised past both the
    one the counters saw and the restored one, and the listeners are told at the commit."""
    restored = _change_numbers(conn)
    numbers: dict[str, int] = {}
    for name in sorted(set(before) | set(restored)):
        value = max(before.get(name, 0), restored.get(name, 0)) + 1
        conn.execute(
            text(
                "INSERT INTO counters (name, value) VALUES (:n, :v) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
            ),
            {"n": name, "v": value},
        )
        numbers[name[len(PREFIX) :]] = value
    if numbers:
        conn.execute(
            text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload("restore", numbers)}
        )


def _single_file(path: Path, key: bytes | None) -> None:
    """The finished backup as one file (no write-ahead log beside it), like SQLite's."""
    with closing(sqlite.connect(path, key)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    for side in files.SIDE_SUFFIXES:
        with suppress(FileNotFoundError):
            if path.with_name(path.name + side).stat().st_size == 0:
                path.with_name(path.name + side).unlink()
