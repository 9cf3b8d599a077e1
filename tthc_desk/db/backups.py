"""How a database is copied into a backup file, checked and put back: the storage side of
:mod:`tthc_desk.services.backup_service`.

:class:`BackupMethod` is what the service needs from a storage engine; :class:`SqliteBackup` is
SQLite's (SQLCipher): the backup API inside one read transaction, which also reads the row
counts (never a copy of the live file), encrypted with the database's own key. An office on a
PostgreSQL server writes the same kind of file (:class:`~tthc_desk.db.server_backup.ServerBackup`).

Restore swaps files in an order that a kill at any moment cannot break (see
:meth:`SqliteBackup.swap` and :func:`finish_interrupted_restore`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tthc_desk.db import files, sqlite
from tthc_desk.db.files import FileState

log = logging.getLogger(__name__)

#: Next to the database while a restore is under way.
RESTORING_SUFFIX = ".restoring"
#: Written once the restored copy is verified: from then on the swap is finished, never undone.
MARKER_SUFFIX = ".restore.json"
#: At most this many codes of the dossiers a restore would lose are named.
LOST_CODES_LIMIT = 50


@dataclass(frozen=True)
class Snapshot:
    """What a copy holds, read in the same snapshot as the copy itself."""

    counts: dict[str, int]
    schema_revision: str | None
    dossiers: int
    newest_received: str | None  # ISO moment of the newest dossier received


@dataclass(frozen=True)
class FileCheck:
    """The storage engine's verdict on a backup file (the journal is checked by the service)."""

    ok: bool
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class Lost:
    """Dossiers of the current database that a backup does not hold."""

    count: int
    codes: list[str]
    readable: bool = True  # False: the current database could not be read


class BackupMethod(Protocol):
    """What the backup service needs from a storage engine."""

    suffix: str

    def copy(self, target: Path) -> Snapshot:
        """A consistent copy of the live database written to ``target`` (a temporary name the
        caller renames once the copy is verified), and what it holds."""
        ...

    def check(self, path: Path, key: bytes | None, expected: dict[str, int] | None) -> FileCheck:
        """Open ``path`` with ``key``, check its structure and, given ``expected``, its counts."""
        ...

    def describe(self, path: Path, key: bytes | None) -> Snapshot:
        """What the backup at ``path`` holds."""
        ...

    def lost_by_restoring(self, backup: Path, backup_key: bytes | None) -> Lost:
        """Dossiers of the live database that ``backup`` does not hold."""
        ...


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def copy_file(source: Path, target: Path) -> None:
    """A byte copy of a closed backup file (never a live database) to ``target``, atomically."""
    with files.part_file(target) as part:
        shutil.copyfile(source, part)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A small JSON file written whole or not at all (sidecars, markers)."""
    part = path.with_name(path.name + ".part")
    with part.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)
    sqlite.fsync_dir(path.parent)


def _summary(conn: Any) -> tuple[str | None, int, str | None]:
    tables = set(files.user_tables(conn))
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = None if row is None else str(row[0])
    dossiers, newest = 0, None
    if "dossiers" in tables:
        row = conn.execute("SELECT count(*), max(received_at) FROM dossiers").fetchone()
        dossiers, newest = int(row[0]), (None if row[1] is None else str(row[1]))
    return revision, dossiers, newest


class BackupFile:
    """What every backup is: one SQLite (SQLCipher) database file, checked and described the
    same way whichever engine the office runs on (:mod:`tthc_desk.db.server_backup` writes the
    same kind of file from a PostgreSQL server)."""

    suffix = ".db"

    def check(self, path: Path, key: bytes | None, expected: dict[str, int] | None) -> FileCheck:
        import time

        started = time.perf_counter()
        state = files.inspect_file(path)
        if state is FileState.MISSING:
            return FileCheck(False, f"Không có tệp “{path}”.")
        if state is FileState.EMPTY:
            return FileCheck(False, "Tệp sao lưu trống (0 byte).")
        if state is FileState.TRUNCATED:
            return FileCheck(False, "Tệp sao lưu bị cắt cụt hoặc không phải cơ sở dữ liệu.")
        encrypted = state is FileState.SEALED
        use = key if encrypted else None
        if encrypted and key is None:
            return FileCheck(False, "Bản sao lưu được mã hóa nhưng không có khóa để mở.", {}, True)
        if not files.opens_with(path, use):
            return FileCheck(
                False,
                "Không mở được bản sao lưu bằng khóa của cơ quan: tệp bị hỏng, bị sửa, hoặc là "
                "của cơ sở dữ liệu khác.",
                {},
                encrypted,
            )
        try:
            with closing(sqlite.connect(path, use, readonly=True)) as conn:
                result = files.check(conn, full=True)
                if not result.ok:
                    return FileCheck(
                        False,
                        "Bản sao lưu bị hỏng (kiểm tra cấu trúc không đạt: "
                        f"{'; '.join(result.messages[:2])}).",
                        {},
                        encrypted,
                    )
                counts = files.table_counts(conn)
        except sqlite.DatabaseError as e:
            return FileCheck(False, f"Bản sao lưu bị hỏng ({e}).", {}, encrypted)
        if expected is not None and counts != expected:
            tables = set(counts) | set(expected)
            wrong = sorted(t for t in tables if counts.get(t) != expected.get(t))
            return FileCheck(
                False,
                f"Số dòng trong bản sao lưu khác với lúc sao lưu (bảng {', '.join(wrong[:3])}).",
                counts,
                encrypted,
            )
        return FileCheck(True, "", counts, encrypted, time.perf_counter() - started)

    def describe(self, path: Path, key: bytes | None) -> Snapshot:
        use = key if files.inspect_file(path) is FileState.SEALED else None
        with closing(sqlite.connect(path, use, readonly=True)) as conn:
            counts = files.table_counts(conn)
            revision, dossiers, newest = _summary(conn)
        return Snapshot(counts, revision, dossiers, newest)


class SqliteBackup(BackupFile):
    """Backups of one SQLite (SQLCipher) database file."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        self.key = key

    def copy(self, target: Path) -> Snapshot:
        with closing(sqlite.connect(self.path, self.key)) as src:
            src.execute("BEGIN")  # one read snapshot for the counts, the summary and the copy
            try:
                counts = files.table_counts(src)
                revision, dossiers, newest = _summary(src)
                files.remove_with_sides(target)
                sqlite.copy_snapshot(src, target, self.key)
            finally:
                src.execute("COMMIT")
        return Snapshot(counts, revision, dossiers, newest)

    def lost_by_restoring(self, backup: Path, backup_key: bytes | None) -> Lost:
        use = backup_key if files.inspect_file(backup) is FileState.SEALED else None
        if not files.opens_with(self.path, self.key):
            return Lost(0, [], readable=False)
        key_clause = "KEY ''" if use is None else f"KEY \"x'{use.hex()}'\""
        try:
            with closing(sqlite.connect(self.path, self.key, readonly=True)) as conn:
                conn.execute(f"ATTACH DATABASE ? AS bk {key_clause}", (str(backup),))
                rows = conn.execute(
                    "SELECT d.code FROM main.dossiers d WHERE NOT EXISTS "
                    "(SELECT 1 FROM bk.dossiers b WHERE b.code = d.code) ORDER BY d.received_at"
                ).fetchall()
        except sqlite.DatabaseError:
            return Lost(0, [], readable=False)
        codes = [str(r[0]) for r in rows]
        return Lost(len(codes), codes[-LOST_CODES_LIMIT:])

    # -- restore -----------------------------------------------------------------------------
    def stage(self, backup: Path) -> Path:
        """Copy ``backup`` next to the database as ``<name>.restoring`` (atomic); returns it."""
        target = self.path.with_name(self.path.name + RESTORING_SUFFIX)
        copy_file(backup, target)
        return target

    def swap(
        self,
        aside: Path,
        marker: dict[str, Any],
        on_done: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        """Put the verified ``.restoring`` copy in place of the database, keeping the current
        database (with its write-ahead log) at ``aside``.

        1. the marker is written (with where ``aside`` is): from now on the swap only goes
        forward; 2. the current database and its log move to ``aside``; 3. the restored copy is
        renamed onto the database's name; 4. the marker is removed. No connection to the
        database may be open. A kill at any moment is repaired by
        :func:`finish_interrupted_restore`.
        """
        restoring = self.path.with_name(self.path.name + RESTORING_SUFFIX)
        if not restoring.exists():
            raise FileNotFoundError(restoring)
        write_json(marker_path(self.path), {**marker, "aside": str(aside)})
        finish_interrupted_restore(self.path, on_done)


def marker_path(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def finish_interrupted_restore(
    path: Path, on_done: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any] | None:
    """Bring the files back to one usable database after a restore that was cut off.

    Without a marker the restore had not started to swap: a left-over ``.restoring`` copy is
    removed and the database is untouched. With a marker the restored copy was verified: the
    swap is finished (the current database moved aside, the copy renamed into place).
    ``on_done(marker)`` runs before the marker goes (the data folder records the key's name);
    returns the marker when a swap was finished.
    """
    restoring = path.with_name(path.name + RESTORING_SUFFIX)
    marker_file = marker_path(path)
    with suppress(FileNotFoundError):
        (marker_file.with_name(marker_file.name + ".part")).unlink()
    if not marker_file.exists():
        files.remove_with_sides(restoring)
        files.remove_with_sides(restoring.with_name(restoring.name + ".part"))
        return None
    marker: dict[str, Any] = json.loads(marker_file.read_text(encoding="utf-8"))
    if restoring.exists():
        aside = Path(marker["aside"])
        aside.parent.mkdir(parents=True, exist_ok=True)
        # The log first: a database file without its log is older than it was; moved together
        # (log, then file) the copy aside is the database as it was at the last commit.
        for s in reversed(files.SIDE_SUFFIXES):
            side = path.with_name(path.name + s)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + s))
        if path.exists():
            os.replace(path, aside)
        sqlite.fsync_dir(aside.parent)
        os.replace(restoring, path)
        sqlite.fsync_dir(path.parent)
        log.info("Restore: the database was replaced; the previous one is %s", aside)
    if on_done is not None:
        on_done(marker)
    marker_file.unlink()
    sqlite.fsync_dir(path.parent)
    return marker
