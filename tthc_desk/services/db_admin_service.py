"""The office database itself: what it is and who uses it (``db check``), and copying the whole
office to another database (``db copy``): from the SQLite file to a PostgreSQL server when the
office grows to several counters, or back into a new data folder.

The copy (:meth:`DbAdminService.copy_to`) is the administrator's. It checks the source's data
against its journal first (a copy seals its data afresh: tampering must not be laundered into
it), refuses a target that holds any rows, migrates the target to the schema this version
expects, copies every table streamed (``db.copy``), checks every table's rows and values, then
continues the journal in the target: the same key (the database keeps its identity), a *copy*
entry that seals the data as the target's engine returns it (``domain.journal.DataChecker``),
and a full check. The source gets a *copy* entry too. The source's data is only read.

A one-PC office copied to its server has **moved**: the source file is marked (setting
:data:`MOVED_KEY`, in the same write as its *copy* entry) and from then on opens read-only
(:meth:`DbAdminService.moved_notice`, ``Database.stop_writes``). Otherwise a PC whose server
setting was cleared or lost would go back to the old file and give out dossier codes and ledger
numbers the server also gives (issue 12: never a silent local office). The way back to one PC is
a copy from the server into a new data folder, which holds everything done since.

Keys: a new SQLite data folder gets a new encryption key, kept as for a new office
(``DataFolder``). The journal and report-signing keys travel in table ``key_escrow`` into a
target that holds keys (``Database.holds_keys``: an encrypted file, the office's server; the
journal's start in the target adds the journal key when the source had no copy of it), never
into an unencrypted file.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tthc_desk.db import copy, files, server
from tthc_desk.db.blobs import (
    FOLDER,
    BlobStore,
    DbBlobStore,
    FileBlobStore,
    attachment_key,
    transfer,
)
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.db.files import FileState
from tthc_desk.db.server import DatabaseFacts, Location, RevisionState
from tthc_desk.db.server_backup import BACKUP_KEY_ESCROW
from tthc_desk.db.stores.base import Dialect
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import (
    RESTORE_HINT,
    DatabaseDamagedError,
    DatabaseFileError,
    DatabaseKeyError,
    DatabaseMissingError,
    ScanError,
    TthcError,
    ValidationError,
)
from tthc_desk.domain.journal import JournalKind, Note
from tthc_desk.domain.text import format_datetime
from tthc_desk.paths import AppPaths
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.data_folder import DataFolder, key_name
from tthc_desk.services.failures import describe_failure
from tthc_desk.services.journal_service import IntegrityReport, JournalKeys, JournalService
from tthc_desk.services.keys import KEY_BYTES, KeyVault
from tthc_desk.services.scan_store import DEMO_DATA_KEY as DEMO
from tthc_desk.services.scan_store import open_blob_store, scan_problem_text

log = logging.getLogger(__name__)

DOING = "chép cơ sở dữ liệu sang nơi khác"
#: Setting of a one-PC office's file once the office was copied to its server: where, when, who.
MOVED_KEY = "office_moved_to_server"
#: The name of a data folder's database file (``AppPaths.database_file``).
DATABASE_FILE = "tthc-desk.db"
#: The copies of the office's keys (``key_escrow``): never into a database that holds no keys.
ESCROW_TABLE = "key_escrow"
#: The scans' encrypted bytes on a server (``blob_data``); a data folder keeps them as files.
BLOB_TABLE = "blob_data"
#: A progress line every so many rows of a big table.
PROGRESS_EVERY = 100_000

#: What each table holds, in words (the table's own name follows in brackets).
TABLE_LABELS = {
    "accounts": "tài khoản",
    "applicants": "người nộp hồ sơ",
    "calendar_exceptions": "ngày nghỉ, ngày làm bù",
    "calendar_years": "năm đã có lịch",
    "counters": "bộ đếm số",
    "journal": "nhật ký",
    "key_escrow": "khóa đi kèm dữ liệu",
    "outbox": "hàng chờ gửi báo cáo",
    "postal_batches": "danh sách giao bưu chính",
    "procedures": "thủ tục",
    "settings": "thiết lập",
    "dossiers": "hồ sơ",
    "procedure_papers": "thành phần hồ sơ của thủ tục",
    "apology_letters": "phiếu xin lỗi",
    "dossier_corrections": "sửa thông tin hồ sơ",
    "dossier_events": "bước xử lý hồ sơ",
    "dossier_papers": "giấy tờ trong hồ sơ",
    "postal_items": "bưu gửi",
    "dossier_facts": "số liệu báo cáo theo hồ sơ",
    "daily_facts": "số liệu báo cáo theo ngày",
    "facts_state": "phiên bản số liệu báo cáo",
    "blobs": "nội dung bản số hóa",
    "attachments": "bản số hóa của hồ sơ",
    "blob_data": "dữ liệu mã hóa của bản số hóa",
}

#: One line of the copy's progress, for the administrator.
Say = Callable[[str], None]


class CopyError(TthcError):
    """The copy was refused or failed; the message says what to do (nothing of the source was
    changed)."""


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def table_text(name: str) -> str:
    """“hồ sơ (dossiers)”."""
    return f"{TABLE_LABELS.get(name, name)} ({name})"


def place_text(where: Location) -> str:
    """“SQLite tệp …” / “PostgreSQL máy chủ host:port, cơ sở dữ liệu …”."""
    if where.dialect is Dialect.SQLITE:
        return f"SQLite tệp {where.file}"
    return f"PostgreSQL máy chủ {where.host_port}, cơ sở dữ liệu {where.database}"


def _reach(db: Database, where: Location) -> None:
    if where.dialect is Dialect.SQLITE:
        return
    try:
        server.reach(db)
    except server.UnreachableError as e:
        raise CopyError(e.reason) from e


def location_of(db: Database) -> Location:
    return server.locate(db.url.render_as_string(hide_password=False))


# -- db check -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseReport:
    """What ``db check`` says of the office's database."""

    where: Location
    facts: DatabaseFacts

    def lines(self) -> list[str]:
        f = self.facts
        version = "Phiên bản máy chủ" if f.dialect is Dialect.POSTGRESQL else "Phiên bản"
        lines = [
            f"Cơ sở dữ liệu: {place_text(self.where)}",
            f"{version}: {f.server_version}",
            f"Phiên bản cấu trúc dữ liệu: {self._revision()}",
        ]
        if f.dialect is Dialect.SQLITE:
            cipher = f"SQLCipher {f.cipher_version}" if f.cipher_version else "không có SQLCipher"
            lines.append(f"Mã hóa: {'có' if f.encrypted else 'không'} ({cipher})")
            lines.append("Máy đang kết nối: 1 máy (tệp cục bộ)")
            return lines
        extensions = ", ".join(f"{n} {v}" for n, v in f.extensions) or "(không có)"
        lines.append(f"Tiện ích mở rộng: {extensions}")
        lines.append(f"Máy đang kết nối: {self._clients()}")
        return lines

    def _revision(self) -> str:
        revision, state = self.facts.revision, self.facts.revision_state
        if state is RevisionState.HEAD:
            return f"{revision} (đúng phiên bản phần mềm này cần)"
        if state is RevisionState.OLDER:
            return (
                f"{revision} (cũ hơn phiên bản {SCHEMA_HEAD} phần mềm này cần: được nâng cấp "
                "khi mở phần mềm)"
            )
        if state is RevisionState.NEWER:
            return (
                f"{revision} (mới hơn phiên bản {SCHEMA_HEAD} phần mềm này biết: hãy cập nhật "
                "phần mềm trên máy này)"
            )
        return "chưa có (cơ sở dữ liệu trống: phần mềm tạo cấu trúc khi mở lần đầu)"

    def _clients(self) -> str:
        by_computer: dict[str, int] = {}
        for name in self.facts.clients:
            by_computer[name or "?"] = by_computer.get(name or "?", 0) + 1
        if not by_computer:
            return "không có"
        each = "; ".join(f"{name}: {n} kết nối" for name, n in sorted(by_computer.items()))
        return f"{len(by_computer)} máy, {len(self.facts.clients)} kết nối ({each})"


def check_database(paths: AppPaths, vault: KeyVault) -> DatabaseReport:
    """The facts of the data folder's database, read without changing anything (not even
    migrating it, so an older or newer schema shows as it is)."""
    db = _open_for_check(paths, DataFolder(paths, vault))
    where = location_of(db)
    try:
        _reach(db, where)
        return DatabaseReport(where, server.facts(db))
    finally:
        db.dispose()


def _open_for_check(paths: AppPaths, folder: DataFolder) -> Database:
    url = paths.database_url
    path = files.sqlite_file(url)
    if path is None:
        return Database(url)
    found = files.inspect_file(path)
    if found in (FileState.MISSING, FileState.EMPTY):
        raise DatabaseMissingError(
            f"Chưa có cơ sở dữ liệu: tệp “{path}” không có hoặc trống (thư mục dữ liệu chưa "
            "dùng lần nào, hoặc chọn nhầm thư mục: --data-dir)."
        )
    if found is FileState.TRUNCATED:
        raise DatabaseFileError(f"Tệp “{path}” bị cắt cụt. {RESTORE_HINT}")
    key = None if found is FileState.PLAINTEXT else folder.key()
    if found is FileState.SEALED and key is None:
        raise DatabaseKeyError(
            f"Cơ sở dữ liệu “{path}” được mã hóa và máy này không có khóa để mở nó."
        )
    if not files.opens_with(path, key):
        raise DatabaseFileError(
            f"Không mở được tệp “{path}”: tệp hỏng, hoặc khóa của máy này không mở được nó. "
            f"{RESTORE_HINT}"
        )
    return Database(url, key=key, readonly=True)


# -- db copy --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyOutcome:
    target: Location
    tables: list[copy.TableCopy]
    seconds: float
    #: A new SQLite data folder: where its encryption key is kept on this PC.
    key_location: str = ""

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def count(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.name == table), 0)


@dataclass
class _Target:
    db: Database | None  # None: a new data folder whose file is not made yet
    where: Location
    folder: DataFolder | None = None  # a new SQLite data folder
    touched: bool = False  # something was written into it

    @property
    def database(self) -> Database:
        assert self.db is not None
        return self.db

    def dispose(self) -> None:
        if self.db is not None:
            self.db.dispose()

    def cleanup_text(self) -> str:
        if self.folder is not None:
            return f"Đã xóa tệp dở dang “{self.where.file}”; có thể chép lại."
        if not self.touched:
            return "Chưa ghi gì vào cơ sở dữ liệu đích."
        name = self.where.database
        return (
            f"Cơ sở dữ liệu đích “{name}” đã có một phần dữ liệu: hãy xóa và tạo lại nó trống "
            f'(DROP DATABASE "{name}"; CREATE DATABASE "{name}";) trước khi chép lại.'
        )


class DbAdminService:
    def __init__(
        self,
        db: Database,
        folder: DataFolder,
        accounts: AccountService,
        journal: JournalService,
        clock: Clock,
        journal_keys: JournalKeys,
    ) -> None:
        self._db = db
        self._folder = folder
        self._accounts = accounts
        self._journal = journal
        self._clock = clock
        self._journal_keys = journal_keys

    def copy_to(self, url: str, say: Say | None = None) -> CopyOutcome:
        """Copy the whole office database into the empty database at ``url`` (see the module)."""
        say = say or (lambda _line: None)
        started = time.perf_counter()
        self._accounts.require(Right.COPY_DATABASE, DOING)
        source = location_of(self._db)
        where = self._target_location(url, source)
        if self._db.writes_stopped is not None:
            raise CopyError(self._db.writes_stopped)
        target = self._open_target(where)  # the refusals come first: nothing is written yet
        try:
            say(f"Nguồn: {place_text(source)}")
            say(f"Đích: {place_text(where)}")
            checked = self._checked_source(say)
            if target.folder is not None:
                target.db = target.folder.open_copy_target()
        except Exception:
            target.dispose()
            raise
        self._accounts.require(Right.COPY_DATABASE, DOING)
        try:
            tables = self._copy(target, source, checked.summary(), say)
        except Exception as e:
            self._failed(target, e)
            raise  # not reached: _failed raises the error to show
        finally:
            target.dispose()
        key_location = ""
        if target.folder is not None:
            target.folder.mark_set_up()
            key_location = target.folder.vault.location(key_name(target.folder.state().database_id))
        moved = self._moved(source, where)
        self._note(f"chép toàn bộ cơ sở dữ liệu sang {where.shown}", _details(tables, where), moved)
        if moved is not None:
            self._db.stop_writes(moved_text(moved))  # this PC too, from now on
        return CopyOutcome(where, tables, time.perf_counter() - started, key_location)

    # -- steps --------------------------------------------------------------------------------
    def _checked_source(self, say: Say) -> IntegrityReport:
        """The source's data checked against its journal: data edited behind the software's
        back is not copied (the copy seals its data afresh)."""
        say("Đang kiểm tra dữ liệu nguồn với nhật ký…")
        checked = self._journal.verify_full()
        if not checked.ok:
            raise CopyError(
                f"Dữ liệu nguồn không khớp với nhật ký ({checked.summary()}) Không chép dữ "
                "liệu đã bị sửa ngoài phần mềm; xem “tthc-desk journal verify --full”. "
                "Chưa chép gì."
            )
        say(f"Kiểm tra nguồn: {checked.summary()}")
        return checked

    def _target_location(self, url: str, source: Location) -> Location:
        try:
            where = server.locate(url)
        except ValueError:
            raise ValidationError.for_field(
                "to",
                "Địa chỉ đích không đọc được: dùng postgresql+psycopg://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY:"
                "CỔNG/TÊN_CSDL hoặc sqlite:///THƯ_MỤC/tthc-desk.db.",
            ) from None
        if where.dialect is Dialect.SQLITE and where.database != DATABASE_FILE:
            raise ValidationError.for_field(
                "to",
                f"Tệp đích phải tên {DATABASE_FILE} (tệp của một thư mục dữ liệu), ví dụ "
                f"sqlite:///{(where.file or Path()).parent.as_posix()}/{DATABASE_FILE}.",
            )
        same = (
            where.file == source.file
            if where.dialect is Dialect.SQLITE
            else (where.dialect, where.host_port, where.database)
            == (source.dialect, source.host_port, source.database)
        )
        if same:
            raise ValidationError.for_field(
                "to", "Đích trùng với cơ sở dữ liệu đang dùng: hãy chọn một cơ sở dữ liệu khác."
            )
        return where

    def _open_target(self, where: Location) -> _Target:
        """The target, checked: a new data folder (its file is made later), or a server's
        database that answers and holds no rows."""
        if where.file is not None:
            folder = DataFolder(AppPaths(where.file.parent), self._folder.vault)
            folder.check_copy_target()
            return _Target(None, where, folder)
        target = _Target(Database(where.url), where)
        try:
            _reach(target.database, where)
            self._refuse_occupied(target)
        except Exception:
            target.dispose()
            raise
        return target

    def _refuse_occupied(self, target: _Target) -> None:
        full = copy.tables_with_rows(target.database)
        if full:
            shown = "; ".join(table_text(t) for t in full[:3]) + ("; …" if len(full) > 3 else "")
            raise CopyError(
                f"Cơ sở dữ liệu đích “{target.where.database}” đã có dữ liệu (bảng {shown}): chỉ "
                "chép vào cơ sở dữ liệu trống. Hãy tạo một cơ sở dữ liệu mới (CREATE DATABASE) "
                "hoặc chọn đích khác. Chưa chép gì."
            )
        revision = target.database.schema_revision()
        if server.revision_state(revision) is RevisionState.NEWER:
            raise CopyError(
                f"Cơ sở dữ liệu đích có cấu trúc phiên bản {revision}, mới hơn phiên bản "
                f"{SCHEMA_HEAD} của phần mềm này: hãy dùng một cơ sở dữ liệu trống khác. "
                "Chưa chép gì."
            )

    def _copy(
        self, target: _Target, source: Location, source_check: str, say: Say
    ) -> list[copy.TableCopy]:
        target.touched = True
        db = target.database
        db.migrate()
        say(f"Đã tạo cấu trúc dữ liệu ở đích (phiên bản {SCHEMA_HEAD}).")
        skip = () if db.holds_keys else (ESCROW_TABLE,)
        for name in skip:
            say(f"Bảng {table_text(name)}: không chép (đích không mã hóa, không giữ khóa).")
        if db.dialect is Dialect.SQLITE:  # a data folder keeps its scans as files
            skip = (*skip, BLOB_TABLE)
            say(f"Bảng {table_text(BLOB_TABLE)}: không chép (bản số hóa được chép thành tệp).")
        tables = copy.copy_database(self._db, db, skip=skip, progress=_Progress(say))
        if db.dialect is Dialect.POSTGRESQL:
            say("Đã đặt lại bộ đếm mã tự tăng (sequence) của từng bảng sau các mã đã chép.")
        else:
            say(f"Đã dựng lại chỉ mục tìm kiếm cho {_n(_count(tables, 'dossiers'))} hồ sơ.")
        mismatches = copy.verify(db, tables)
        if mismatches:
            m = mismatches[0]
            raise CopyError(
                f"Bản chép không khớp với nguồn ở bảng {table_text(m.name)} (nguồn "
                f"{_n(m.expected_rows)} dòng, đích {_n(m.found_rows)} dòng hoặc khác nội dung)."
            )
        copied = [t for t in tables if not t.skipped]
        say(f"Kiểm tra đích: số dòng và nội dung của {len(copied)} bảng khớp với nguồn.")
        if db.dialect is Dialect.POSTGRESQL and self._db.key is not None:
            # The office keeps its key: its backups, and its printed recovery sheet, stay valid.
            with db.write() as uow:
                uow.journal.escrow_key(BACKUP_KEY_ESCROW, self._db.key)
            say("Khóa khôi phục của cơ quan được giữ nguyên cho các bản sao lưu trên máy chủ.")
        self._copy_scans(target, say)
        self._continue_journal(target, source, source_check, tables, say)
        return tables

    def _copy_scans(self, target: _Target, say: Say) -> None:
        """Every scan an attachment names, from this office's store into the target's (the
        stored form as it is when the keys agree, as from one PC to its server; else
        re-encrypted with the target's key), then each read back from the target, decrypted
        and checked against its SHA-256."""
        with self._db.read() as uow:
            named = [sha256 for sha256, _count in uow.attachments.blob_rows()]
        if not named:
            return
        source = open_blob_store(self._db, self._folder.paths.data_dir, self._source_office_key)
        dest = _scan_store(target)
        moved, current = 0, ""
        try:
            for current in named:
                moved += transfer(source, dest, current)
            for current in named:
                dest.get(current)
        except ScanError as e:
            with self._db.read() as uow:
                first = uow.attachments.naming(current)
            shown = e.message if first is None else scan_problem_text(first, e)
            raise CopyError(f"Bản số hóa không chép được: {shown}") from e
        say(
            f"Bản số hóa: {_n(len(named))} bản ({_n(moved // 1024)} KB) đã chép sang đích, đọc "
            "lại và khớp mã băm SHA-256."
        )

    def _source_office_key(self) -> bytes | None:
        """The office's backup key on its server (the source), without making one."""
        with self._db.read() as uow:
            return uow.journal.escrowed_key(BACKUP_KEY_ESCROW)

    def _continue_journal(
        self,
        target: _Target,
        source: Location,
        source_check: str,
        tables: list[copy.TableCopy],
        say: Say,
    ) -> None:
        """The target's journal: same key, a copy entry sealing its data, then a full check."""
        journal = JournalService(target.database, self._accounts, self._clock, self._journal_keys)
        journal.start()
        self._accounts.require(Right.COPY_DATABASE, DOING)
        details: dict[str, Any] = {"source_check": source_check, **_details(tables, source)}
        journal.reseal(f"chép toàn bộ cơ sở dữ liệu từ {source.shown}", details)
        report = journal.verify_full()
        if not report.ok:
            raise CopyError(f"Nhật ký ở đích không kiểm tra được: {report.summary()}")
        journal.record_check(report)
        self._accounts.require(Right.COPY_DATABASE, DOING)
        say(f"Nhật ký ở đích: {report.summary()}")

    def _failed(self, target: _Target, error: Exception) -> None:
        """Say why the copy failed and what to do with the target; note it in the source."""
        if isinstance(error, TthcError):
            reason = error.message.rstrip()
        elif isinstance(error, server.UnreachableError):
            reason = error.reason
        else:
            log.error("Copy to %s failed", target.where.shown, exc_info=error)
            reason = describe_failure(error) or (
                f"Đích báo lỗi khi ghi ({type(error).__name__}; chi tiết trong tệp nhật ký chạy "
                "của phần mềm)."
            )
        if target.folder is not None and target.where.file is not None:
            target.dispose()
            files.remove_with_sides(target.where.file)
        try:
            self._note(
                f"chép cơ sở dữ liệu sang {target.where.shown} không thành",
                {"reason": reason},
            )
        except Exception:
            log.warning("Could not journal the failed copy", exc_info=True)
        raise CopyError(
            f"Chép chưa xong: {reason.rstrip('.')}. {target.cleanup_text()} Dữ liệu nguồn "
            "không thay đổi."
        ) from error

    def _note(
        self, action: str, details: dict[str, Any], moved: dict[str, str] | None = None
    ) -> None:
        with self._db.write() as uow:
            uow.journal.note(Note(JournalKind.COPY, action, details=details))
            if moved is not None:
                uow.settings.put(MOVED_KEY, moved)

    def _moved(self, source: Location, where: Location) -> dict[str, str] | None:
        """The mark of a one-PC office copied to its server (None for any other copy)."""
        if source.dialect is not Dialect.SQLITE or where.dialect is not Dialect.POSTGRESQL:
            return None
        actor = self._accounts.current
        return {
            "to": place_text(where),
            "at": self._clock.now().isoformat(timespec="minutes"),
            "by": actor.full_name if actor is not None else "",
        }

    def moved_notice(self) -> str | None:
        """Why this one-PC file is read-only, when the office was moved to its server (None:
        it was not). The container stops writes with it at every start."""
        if not self._db.is_sqlite:
            return None
        try:
            with self._db.read() as uow:
                moved = uow.settings.get(MOVED_KEY)
        except DatabaseDamagedError:  # the settings' page is the damaged one: damage, not a move
            return None
        return moved_text(moved) if isinstance(moved, dict) else None


def moved_text(moved: dict[str, str]) -> str:
    """The read-only file's sentence: where the office went, and what to do on this PC."""
    try:
        at = format_datetime(datetime.fromisoformat(moved.get("at", "")))
    except ValueError:
        at = ""
    when = f" lúc {at}" if at else ""
    who = f" ({moved['by']})" if moved.get("by") else ""
    return (
        f"Dữ liệu của cơ quan đã được chép lên {moved.get('to', 'máy chủ')}{when}{who}; từ đó "
        "các quầy làm việc trên máy chủ. Tệp trên máy này chỉ còn để xem và làm bản lưu, không "
        "ghi thêm được (hồ sơ mới ở đây sẽ trùng mã với máy chủ). Đặt máy này dùng máy chủ: "
        "Hệ thống → Kết nối máy chủ… (hoặc lệnh tthc-desk server set), rồi mở lại phần mềm."
    )


def _scan_store(target: _Target) -> BlobStore:
    """Where the target keeps scans: a new data folder's ``attachments`` (its own key), or a
    server's ``blob_data`` under the office's backup key (made now if the office has none:
    an unencrypted source, the demo)."""
    db = target.database
    if db.dialect is Dialect.SQLITE:
        assert target.where.file is not None
        return FileBlobStore(target.where.file.parent / FOLDER, attachment_key(db.key or DEMO))
    with db.write() as uow:
        key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
        if key is None:
            key = os.urandom(KEY_BYTES)
            uow.journal.escrow_key(BACKUP_KEY_ESCROW, key)
    return DbBlobStore(db, attachment_key(key))


def _count(tables: list[copy.TableCopy], name: str) -> int:
    return next((t.rows for t in tables if t.name == name), 0)


def _details(tables: list[copy.TableCopy], other: Location) -> dict[str, Any]:
    return {
        "database": other.shown,
        "rows": {t.name: t.rows for t in tables if not t.skipped},
    }


class _Progress:
    """Copy progress as lines: one per table when it is done, and every
    :data:`PROGRESS_EVERY` rows of a big one."""

    def __init__(self, say: Say) -> None:
        self._say = say
        self._next: dict[str, int] = {}

    def __call__(self, table: str, done: int, total: int) -> None:
        if done >= total:
            self._say(f"Bảng {table_text(table)}: {_n(done)} dòng.")
            return
        if done >= self._next.get(table, PROGRESS_EVERY):
            self._next[table] = done + PROGRESS_EVERY
            self._say(f"… {table_text(table)}: {_n(done)}/{_n(total)} dòng")
