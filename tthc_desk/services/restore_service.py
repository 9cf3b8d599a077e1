"""Restore: put a verified backup in place of the database, keeping the current one aside.

Works without opening the current database through :func:`~tthc_desk.services.container.
open_services`: a restore is needed most when that database is missing, empty or damaged, or on
a new PC whose keyring is empty (the recovery key opens the backup then).

Who may restore: an administrator **of the backup** — an active account with the Quản trị role
in the backup being restored, whose password matches the one kept there. That backup's accounts
are the ones in force after the restore, the rule does not depend on the current database being
readable, and on a new PC it is the only list of accounts there is. (The check reads the backup
only: a wrong password is not counted against the account, and the attempt is in the log.)

Steps (:meth:`RestoreService.restore`): the backup is verified; copied next to the database as
``tthc-desk.db.restoring``; that copy is verified again (structure, row counts equal to the
backup's, the journal's chain); then the swap (:meth:`tthc_desk.db.backups.SqliteBackup.swap`)
keeps the current database as ``backups/truoc-khoi-phuc-<time>.db`` (encrypted as it was, with
its own key kept in the keyring) and renames the copy into place. A kill at any moment leaves a
usable database: the next start finishes the swap or drops the unfinished copy
(:meth:`tthc_desk.services.data_folder.DataFolder.finish_restore`).

An office on a PostgreSQL server (issue 12): the server's current data is first backed up into
``backups/truoc-khoi-phuc-<time>.db`` (when it holds an office), then the backup is put in place
of it in ONE transaction that holds the office's write lock and checks the copy before it
commits (:meth:`tthc_desk.db.server_backup.ServerBackup.replace_with`): a failure leaves the
server as it was. The other counters see the restored data at once (their screens are told);
this PC's software starts again, as after a restore on SQLite.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from tthc_desk.db import files
from tthc_desk.db.backups import Lost, SqliteBackup
from tthc_desk.db.blobs import FOLDER, DbBlobStore, FileBlobStore, attachment_key
from tthc_desk.db.engine import Database
from tthc_desk.db.files import FileState
from tthc_desk.domain.access import Actor, Right, Role, require
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import LoginError, ValidationError
from tthc_desk.domain.text import nfc
from tthc_desk.services.backup_scans import ScanCheck, blob_key, bring_back
from tthc_desk.services.backup_service import (
    BackupError,
    BackupInfo,
    Verification,
    read_info,
    verify_file,
)
from tthc_desk.services.data_folder import DataFolder, key_name
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.passwords import verify_password

log = logging.getLogger(__name__)

ASIDE_PREFIX = "truoc-khoi-phuc"


@dataclass(frozen=True)
class RestorePlan:
    """What a restore of ``backup`` would do, shown before it is confirmed."""

    backup: BackupInfo
    check: Verification
    key: bytes | None
    lost: Lost

    @property
    def scan_problems(self) -> tuple[str, ...]:
        """The scans the backup names that are found intact nowhere (not in the backup, not in
        this data folder): restoring it loses them (see :meth:`RestoreService.restore`)."""
        return self.check.scan_problems

    def scans_sentence(self) -> str:
        """What the restore does with the scans, for people ("" when the backup names none)."""
        problems = self.scan_problems
        if problems:
            shown = "; ".join(p.rstrip(".") for p in problems[:3])
            shown += "; …" if len(problems) > 3 else "."
            return (
                f"{len(problems)} bản số hóa của bản sao lưu này bị thiếu hoặc hỏng, không khôi "
                f"phục được (các giấy tờ đó phải quét lại): {shown}"
            )
        if self.check.scans:
            return f"{self.check.scans} bản số hóa được khôi phục cùng dữ liệu (đã kiểm tra)."
        return ""

    def lost_sentence(self) -> str:
        if not self.lost.readable:
            return (
                "Không đọc được cơ sở dữ liệu hiện tại (không còn, hỏng hoặc không có khóa): "
                "không biết những hồ sơ nào sẽ mất."
            )
        if not self.lost.count:
            return "Không mất hồ sơ nào: mọi hồ sơ hiện có đều có trong bản sao lưu."
        shown = ", ".join(self.lost.codes)
        more = "" if len(self.lost.codes) == self.lost.count else " (các mã mới nhất)"
        return (
            f"Sẽ mất {self.lost.count} hồ sơ tiếp nhận sau thời điểm sao lưu{more}: {shown}. "
            "Bản hiện tại vẫn được giữ lại trong thư mục sao lưu."
        )


@dataclass(frozen=True)
class RestoreOutcome:
    database: Path | None  # the database file restored (None: the office's server)
    aside: Path | None  # the database that was replaced, or its backup (None: there was none)
    where: str = ""  # where the data now is, for people
    scans: int = 0  # scans the restored database names, all in the office's store ...
    scan_problems: tuple[str, ...] = ()  # ... but these (accepted before the restore)


class RestoreService:
    def __init__(self, folder: DataFolder, clock: Clock, journal_keys: JournalKeys) -> None:
        self._folder = folder
        self._paths = folder.paths
        self._clock = clock
        self._journal_keys = journal_keys

    def _method(self) -> SqliteBackup:
        path = self._paths.database_file
        return SqliteBackup(path, self._folder.key())

    @property
    def on_server(self) -> bool:
        """The office's database is its PostgreSQL server (this PC's connection)."""
        return files.sqlite_file(self._folder.database_url()) is None

    @property
    def where(self) -> str:
        """Where the restored data goes, for people."""
        if not self.on_server:
            return str(self._paths.database_file)
        from tthc_desk.db.server import locate

        place = locate(self._folder.database_url())
        return f"máy chủ {place.host_port}, cơ sở dữ liệu {place.database}"

    def _server(self) -> Database:
        return Database(self._folder.database_url())

    def _server_keys(self, db: Database) -> list[bytes]:
        """The office's backup key on the server (none when unreachable or a new server)."""
        from tthc_desk.db.server_backup import BACKUP_KEY_ESCROW

        try:
            if db.schema_revision() is None:
                return []
            with db.read() as uow:
                key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
        except Exception:  # unreachable, or not an office of ours: the other keys are tried
            log.warning("Could not read the office's backup key from the server", exc_info=True)
            return []
        return [] if key is None else [key]

    def plan(self, backup: Path, recovery_key: bytes | None = None) -> RestorePlan:
        """Verify ``backup`` (with the recovery key, else this PC's key) and say what a restore
        would lose; raises :class:`BackupError` when the backup is not sound."""
        if not backup.is_file():
            raise BackupError(f"Không tìm thấy tệp sao lưu “{backup}”.")
        keys = [k for k in (recovery_key, *self._folder.backup_keys()) if k is not None]
        if not self.on_server:
            check, key = self._verify(backup, keys)
            if not check.ok:
                raise BackupError(f"Không khôi phục từ “{backup}”: {check.reason}")
            lost = self._method().lost_by_restoring(backup, key)
            return RestorePlan(read_info(backup), check, key, lost)
        from tthc_desk.db.server_backup import ServerBackup

        db = self._server()
        try:
            check, key = self._verify(backup, [*keys, *self._server_keys(db)])
            if not check.ok:
                raise BackupError(f"Không khôi phục từ “{backup}”: {check.reason}")
            lost = ServerBackup(db, key or b"").lost_by_restoring(backup, key)
        finally:
            db.dispose()
        return RestorePlan(read_info(backup), check, key, lost)

    def _verify(self, backup: Path, keys: list[bytes]) -> tuple[Verification, bytes | None]:
        """The backup's check; its scans are looked for in the file, in the mirror beside it
        and in this data folder's store, and those found nowhere are listed, not refused."""
        folders = [backup.parent / FOLDER, self._paths.data_dir / FOLDER]
        return verify_file(
            backup, keys, self._journal_keys, scan_folders=folders, scans_required=False
        )

    def authorise(self, plan: RestorePlan, username: str, password: str) -> Actor:
        """The administrator of the backup (see the module) who asks for the restore."""
        return _administrator_of(
            plan.backup.path,
            plan.key,
            username,
            password,
            "so với các tài khoản trong bản sao lưu",
        )

    def use_recovery_key(self, key: bytes, username: str, password: str) -> Actor:
        """On a new PC (or another Windows account) with the data folder in place: check that
        ``key`` opens its database and that ``username`` is one of its administrators, then keep
        the key on this PC; the software opens the data as usual from then on. The next start
        writes it into the journal."""
        path = self._paths.database_file
        found = files.inspect_file(path)
        if found is FileState.PLAINTEXT:
            raise ValidationError.for_field(
                "recovery_key", "Cơ sở dữ liệu của thư mục này không mã hóa: không cần khóa."
            )
        if found is not FileState.SEALED or not files.opens_with(path, key):
            raise ValidationError.for_field(
                "recovery_key",
                "Khóa khôi phục này không mở được cơ sở dữ liệu của thư mục dữ liệu "
                f"“{self._paths.data_dir}”: hãy kiểm tra lại từng nhóm ký tự trên Phiếu khóa "
                "khôi phục dữ liệu của đúng cơ quan này.",
            )
        actor = _administrator_of(
            path,
            key,
            username,
            password,
            "so với các tài khoản trong cơ sở dữ liệu",
            "dùng khóa khôi phục trên máy này",
        )
        self._folder.remember_key(key)
        self._folder.mark_set_up()
        self._folder.add_note(
            "recovery_key", "dùng khóa khôi phục trên máy này", actor.username, self._clock.now()
        )
        log.info("Recovery key kept on this PC by %s", actor.username)
        return actor

    def restore(
        self, plan: RestorePlan, actor: Actor, *, accept_missing_scans: bool = False
    ) -> RestoreOutcome:
        """Replace the database with the backup of ``plan`` (see the module for the steps).
        No connection to the database may be open (close the services first). A backup some
        of whose scans are found nowhere (:attr:`RestorePlan.scan_problems`) is restored only
        with ``accept_missing_scans``: the person saw which papers must be scanned again."""
        require(actor, Right.RESTORE, "khôi phục dữ liệu")
        if plan.scan_problems and not accept_missing_scans:
            raise BackupError(
                f"Chưa khôi phục: {plan.scans_sentence()} Dùng một bản sao lưu khác (ở nơi sao "
                "lưu thứ hai), hoặc xác nhận khôi phục dù thiếu các bản số hóa đó."
            )
        if self.on_server:
            return self._restore_server(plan, actor)
        return self._restore_file(plan, actor)

    def _restore_file(self, plan: RestorePlan, actor: Actor) -> RestoreOutcome:
        """This folder's SQLite file replaced by the backup, the old one kept aside."""
        method = self._method()
        path = self._paths.database_file
        path.parent.mkdir(parents=True, exist_ok=True)
        brought = self._staged(method, plan)
        state = self._folder.state()
        database_id = state.database_id
        if plan.key is not None and plan.key != self._folder.key():
            # A new name for the restored database's key: the one replaced keeps its own key
            # (its copy aside needs it), and nothing changes until the swap is under way.
            database_id = uuid.uuid4().hex
            self._folder.vault.save(key_name(database_id), plan.key)
        stamp = self._clock.now().strftime("%Y%m%d-%H%M%S")
        aside = self._paths.backup_dir / f"{ASIDE_PREFIX}-{stamp}.db"
        had = path.exists()
        method.swap(
            aside,
            {
                "database_id": database_id,
                "demo": plan.key is None and state.demo,
                "backup": plan.backup.path.name,
                "by": actor.username,
                "at": self._clock.now().isoformat(timespec="seconds"),
            },
            self._folder.after_restore,
        )
        log.info(
            "Restored %s by %s; previous database: %s",
            plan.backup.path,
            actor.username,
            aside if had else "none",
        )
        problems = tuple(p.text for p in brought.problems)
        return RestoreOutcome(path, aside if had else None, str(path), brought.count, problems)

    def _staged(self, method: SqliteBackup, plan: RestorePlan) -> ScanCheck:
        """The backup copied beside the database, its scans brought into this data folder's
        store, then the copy checked again (with those scans); the scans found nowhere."""
        staged = method.stage(plan.backup.path)
        store = FileBlobStore(self._paths.data_dir / FOLDER, blob_key(plan.key))
        brought = bring_back(staged, plan.key, [plan.backup.path.parent / FOLDER], store)
        check, _ = verify_file(
            staged,
            [plan.key],
            self._journal_keys,
            plan.check.counts or None,
            method,
            absent=[p.sha256 for p in brought.problems],
        )
        if not check.ok:
            staged.unlink(missing_ok=True)
            raise BackupError(f"Bản chép để khôi phục không đạt kiểm tra: {check.reason}")
        return brought

    def _restore_server(self, plan: RestorePlan, actor: Actor) -> RestoreOutcome:
        """The server's data replaced by the backup (see the module)."""
        from tthc_desk.db.server_backup import (
            BACKUP_KEY_ESCROW,
            ServerBackup,
            ServerBackupError,
        )

        db = self._server()
        try:
            current = self._server_keys(db)
            key = plan.key or (current[0] if current else None)
            aside = self._keep_server_aside(db, current[0] if current else key)
            try:
                ServerBackup(db, key or b"").replace_with(
                    plan.backup.path, plan.key, self._paths.backup_dir, backup_key=key
                )
            except ServerBackupError as e:
                raise BackupError(f"Chưa khôi phục: {e.reason}") from e
            with db.read() as uow:
                database_id = uow.settings.get("database_id")
                office_key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
            brought = self._scans_to_server(db, plan, office_key)
        finally:
            db.dispose()
        if database_id and office_key is not None:
            self._folder.remember_server_key(str(database_id), office_key)
        self._folder.add_note(
            "restore",
            f"khôi phục dữ liệu trên máy chủ từ bản sao lưu {plan.backup.path.name}",
            actor.username,
            self._clock.now(),
        )
        log.info("Restored the server from %s by %s", plan.backup.path, actor.username)
        problems = tuple(p.text for p in brought.problems)
        return RestoreOutcome(None, aside, self.where, brought.count, problems)

    def _scans_to_server(self, db: Database, plan: RestorePlan, key: bytes | None) -> ScanCheck:
        """The restored office's scans in ``blob_data``: a server's backup brought them with
        its rows; a one-PC office's backup has them in the mirror beside it."""
        if key is None:
            return ScanCheck()
        target = DbBlobStore(db, attachment_key(key))
        return bring_back(plan.backup.path, plan.key, [plan.backup.path.parent / FOLDER], target)

    def _keep_server_aside(self, db: Database, key: bytes | None) -> Path | None:
        """The server's data as it is now, copied into ``truoc-khoi-phuc-<stamp>.db`` before
        a restore replaces it (None: the server holds no office yet)."""
        from tthc_desk.db.server_backup import ServerBackup, ServerBackupError

        if not ServerBackup(db, b"").holds_office():
            return None
        stamp = self._clock.now().strftime("%Y%m%d-%H%M%S")
        aside = self._paths.backup_dir / f"{ASIDE_PREFIX}-{stamp}.db"
        self._paths.backup_dir.mkdir(parents=True, exist_ok=True)
        part = aside.with_name(aside.name + ".part")
        try:
            ServerBackup(db, key or self._new_key(db)).copy(part)
            os.replace(part, aside)
        except (ServerBackupError, OSError) as e:
            files.remove_with_sides(part)
            log.error("The copy of the server before the restore failed", exc_info=True)
            reason = e.reason if isinstance(e, ServerBackupError) else "xem tệp nhật ký"
            raise BackupError(
                f"Chưa khôi phục: không sao lưu được dữ liệu hiện tại trên máy chủ trước khi "
                f"thay ({reason}). Dữ liệu trên máy chủ vẫn giữ nguyên."
            ) from e
        return aside

    def _new_key(self, db: Database) -> bytes:
        """A key for the copy of a server office that never had a backup key (kept here)."""
        from tthc_desk.services.keys import KEY_BYTES

        key = os.urandom(KEY_BYTES)
        with db.read() as uow:
            database_id = uow.settings.get("database_id")
        self._folder.remember_server_key(str(database_id or uuid.uuid4().hex), key)
        return key


def _administrator_of(
    path: Path,
    key: bytes | None,
    username: str,
    password: str,
    against: str,
    doing: str = "khôi phục dữ liệu",
) -> Actor:
    """The active administrator ``username`` of the database file at ``path`` (read only),
    whose password is ``password``; ``LoginError`` otherwise."""
    username = nfc(username).strip().lower()
    db = Database(f"sqlite:///{path}", key=key, readonly=True)
    try:
        with db.read() as uow:
            account = uow.accounts.get(username)
            stored = uow.accounts.password_hash(username) if account else None
    finally:
        db.dispose()
    if account is None or not account.active or not verify_password(stored, password):
        log.warning("Refused: wrong user or password for %s", username)
        raise LoginError(f"Sai tên đăng nhập hoặc mật khẩu ({against}), hoặc tài khoản đã bị khóa.")
    actor = account.actor()
    if Role.ADMIN not in actor.roles:
        require(actor, Right.RESTORE, doing)
    return actor
