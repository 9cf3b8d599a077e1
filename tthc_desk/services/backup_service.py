"""Backups: take one (now, daily, at the first start of the day, before an upgrade), verify it,
copy it to the administrator's second destinations, keep the right ones, and say how fresh the
last one is.

A backup is a consistent copy of the live database (the storage engine's
:class:`~tthc_desk.db.backups.BackupMethod`: SQLite's backup API in one read snapshot),
encrypted with the database's own key (the demo database's backups are not, and say so). It is
written as ``<name>.db.part``, verified (opened with the key, ``PRAGMA integrity_check``, row
counts equal to the source's at copy time, the journal's chain of signatures), then its sidecar
``<name>.json`` (no personal data) is written and only then is it renamed to ``<name>.db``: a
``.db`` of ours always has its verdict next to it, and a ``.part`` left by a kill is never
listed and is removed by the next run. A copy that fails is removed, recorded, and taken again
once. The outcome of the last run is kept in ``backups/backup-state.json`` (the main window's
status reads it; no personal data).

An office on a PostgreSQL server (issue 12) makes the same kind of file
(:class:`~tthc_desk.db.server_backup.ServerBackup`), encrypted with the office's backup key: kept
on the server (``key_escrow``), on each counter PC that took or restored a backup, and on the
*Phiếu khóa khôi phục dữ liệu*. An office that moved from one PC to its server keeps its key
(``db copy`` hands it over), so its old backups and its printed sheet stay valid. The automatic
backup runs once a day for the whole office (claimed on the server, not once per counter), and
the status line reads the office's last run from the server.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tthc_desk.db import files, sqlite
from tthc_desk.db.backups import (
    BackupMethod,
    FileCheck,
    Snapshot,
    SqliteBackup,
    sha256_file,
    write_json,
)
from tthc_desk.db.blobs import FOLDER
from tthc_desk.db.engine import Database
from tthc_desk.db.server_backup import ServerBackupError
from tthc_desk.domain.access import SYSTEM, Right
from tthc_desk.domain.backup import (
    DEFAULT_DAILY_TIME,
    BackupKind,
    Freshness,
    Retention,
    file_stem,
    freshness,
    moment_of,
    office_label,
    parse_daily_time,
    to_keep,
)
from tthc_desk.domain.backup import due as is_due
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import Problem, TthcError, ValidationError
from tthc_desk.domain.journal import ChainChecker
from tthc_desk.domain.text import PATH_MAX, text_problem
from tthc_desk.paths import AppPaths
from tthc_desk.presentation import label
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.backup_scans import (
    MANIFEST_SUFFIX,
    Mirrored,
    ScanCheck,
    check_scans,
    copy_mirror,
    fill_mirror,
    manifest_of,
    prune_mirror,
    read_manifest,
    write_manifest,
)
from tthc_desk.services.journal_service import DATABASE_ID_KEY, ESCROW_NAME, JournalKeys
from tthc_desk.services.keys import KEY_BYTES
from tthc_desk.services.scan_store import open_blob_store

if TYPE_CHECKING:
    from tthc_desk.db.server_backup import ServerBackup
    from tthc_desk.services.data_folder import DataFolder

log = logging.getLogger(__name__)

STATE_FILE = "backup-state.json"
SETTINGS_KEY = "backup_settings"
OFFICE_KEY = "office_profile"
#: A server office: the last run of the office's backups, whichever counter took it.
OFFICE_STATE_KEY = "backup_office_state"
#: The first schema with the journal (0007) and with the journal key inside the database (0008).
JOURNAL_REVISION = "0007"
ESCROW_REVISION = "0008"


class BackupError(TthcError):
    """A backup could not be taken or verified, or a file is not a sound backup."""


@dataclass(frozen=True)
class BackupSettings:
    """What the administrator sets (Hệ thống → Sao lưu và khôi phục)."""

    #: Second destinations: a USB drive's or a network share's folder, several allowed.
    destinations: tuple[str, ...] = ()
    daily_at: time = DEFAULT_DAILY_TIME
    retention: Retention = field(default_factory=Retention)
    #: The daily backup and the one at the first start of the day.
    automatic: bool = True


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and what its sidecar says (``verified`` None: no sidecar)."""

    path: Path
    size: int
    created_at: datetime | None
    office: str = ""
    kind: str = ""
    encrypted: bool | None = None
    schema_revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    dossiers: int | None = None
    newest_received: str | None = None
    sha256: str = ""
    verified: bool | None = None
    verified_at: datetime | None = None
    reason: str = ""
    #: The scans the backup covers (None: taken before backups carried scans), their stored
    #: size, and those already missing or damaged in the office when it was taken.
    scans: int | None = None
    scan_bytes: int = 0
    scans_absent: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        if self.verified is None:
            return "chưa kiểm tra"
        if not self.verified:
            return f"KHÔNG ĐẠT: {self.reason}"
        if self.scans_absent:
            return f"đạt (thiếu {len(self.scans_absent)} bản số hóa đã mất từ trước khi sao lưu)"
        return "đạt" if self.encrypted else "đạt (không mã hóa: cơ sở dữ liệu mẫu)"


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False
    journal_entries: int = 0
    #: The scans the backed-up database names, and (Vietnamese) those not found intact: on a
    #: verified backup only the ones the office had already lost when it was taken.
    scans: int = 0
    scan_problems: tuple[str, ...] = ()
    scan_bytes: int = 0

    @property
    def sentence(self) -> str:
        if self.ok:
            rows = f"{sum(self.counts.values()):,}".replace(",", ".")
            scans = f", {self.scans} bản số hóa khớp mã băm SHA-256" if self.scans else ""
            lost = (
                f" Lưu ý: {len(self.scan_problems)} bản số hóa đã thiếu hoặc hỏng từ trước khi "
                f"sao lưu ({self.scan_problems[0]})"
                if self.scan_problems
                else ""
            )
            return (
                "Bản sao lưu đạt kiểm tra: mở được"
                + (" bằng khóa của cơ quan" if self.encrypted else " (không mã hóa)")
                + f", cấu trúc toàn vẹn, {rows} dòng, chuỗi nhật ký hợp lệ "
                f"({self.journal_entries} mục){scans}.{lost}"
            )
        return f"Bản sao lưu không đạt kiểm tra: {self.reason}"


@dataclass(frozen=True)
class CopyOutcome:
    """The backup at one second destination."""

    destination: str
    path: Path | None
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class BackupRun:
    """The outcome of one run: the verified backup in the data folder and its copies."""

    backup: BackupInfo | None
    copies: list[CopyOutcome]
    failures: list[str]
    at: datetime

    @property
    def ok(self) -> bool:
        return self.backup is not None and self.backup.verified is True

    @property
    def unreachable(self) -> list[str]:
        return [c.destination for c in self.copies if not c.ok]


# -- files of a destination ----------------------------------------------------------------
def sidecar_of(path: Path) -> Path:
    return path.with_suffix(".json")


def read_info(path: Path) -> BackupInfo:
    """The backup at ``path`` and its sidecar (if it has one)."""
    size = path.stat().st_size
    try:
        data: dict[str, Any] = json.loads(sidecar_of(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BackupInfo(path, size, moment_of(path.stem))
    scans = data.get("scans")
    scans = scans if isinstance(scans, dict) else None
    return BackupInfo(
        path,
        size,
        _moment(data.get("created_at")) or moment_of(path.stem),
        str(data.get("office", "")),
        str(data.get("kind", "")),
        bool(data.get("encrypted")),
        data.get("schema_revision"),
        {str(k): int(v) for k, v in dict(data.get("counts", {})).items()},
        data.get("dossiers"),
        data.get("newest_received"),
        str(data.get("sha256", "")),
        bool(data.get("verified")),
        _moment(data.get("verified_at")),
        str(data.get("reason", "")),
        None if scans is None else int(scans.get("count", 0)),
        0 if scans is None else int(scans.get("bytes", 0)),
        () if scans is None else tuple(str(s) for s in scans.get("absent", [])),
    )


def list_folder(folder: Path) -> list[BackupInfo]:
    """The backups in ``folder``, newest first (``.part`` files are never backups)."""
    if not folder.is_dir():
        return []
    found = [read_info(p) for p in folder.glob("*.db") if p.is_file()]
    return sorted(found, key=lambda b: b.created_at or datetime.min, reverse=True)


def tidy(folder: Path) -> None:
    """Remove what a run cut off left: ``.part`` files and sidecars without their backup."""
    if not folder.is_dir():
        return
    for part in folder.glob("*.part"):
        files.remove_with_sides(part)
    for side in [*folder.glob("*.json"), *folder.glob(f"*{MANIFEST_SUFFIX}")]:
        orphan = moment_of(side.stem) and not side.with_suffix(".db").exists()
        if side.name != STATE_FILE and orphan:
            side.unlink(missing_ok=True)


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def check_journal(path: Path, key: bytes | None, keys: JournalKeys) -> tuple[str, int]:
    """The journal's chain of signatures in the backup at ``path``: ("", entries) when sound,
    else the reason. The journal key is the one inside an encrypted backup, else this PC's."""
    db = Database(f"sqlite:///{path}", key=key, readonly=True)
    try:
        revision = db.schema_revision()
        if revision is None or revision < JOURNAL_REVISION:
            return "", 0  # made before the journal existed
        with db.read() as uow:
            database_id = uow.settings.get(DATABASE_ID_KEY)
            entries = uow.journal.count()
            if not entries:
                return "", 0
            journal_key = None
            if revision >= ESCROW_REVISION:
                journal_key = uow.journal.escrowed_key(ESCROW_NAME)
            if journal_key is None and database_id is not None:
                journal_key = keys.load_for(str(database_id))
            if journal_key is None:
                return "không có khóa nhật ký để kiểm tra chuỗi nhật ký của bản sao lưu.", 0
            chain = ChainChecker(journal_key)
            for entry in uow.journal.stream():
                chain.check(entry)
        if chain.problems:
            first = chain.problems[0]
            return f"chuỗi nhật ký bị đứt hoặc bị sửa (từ mục số {first.seq}).", chain.checked
        return "", chain.checked
    except Exception as e:  # a backup damaged in a way the structure check did not see
        log.warning("Journal check of %s failed", path, exc_info=True)
        return f"không đọc được nhật ký trong bản sao lưu ({type(e).__name__}).", 0
    finally:
        db.dispose()


def verify_file(
    path: Path,
    keys: Iterable[bytes | None],
    journal_keys: JournalKeys,
    expected: dict[str, int] | None = None,
    method: BackupMethod | None = None,
    *,
    scan_folders: Sequence[Path] | None = None,
    absent: Collection[str] | None = None,
    scans_required: bool = True,
) -> tuple[Verification, bytes | None]:
    """Check the backup at ``path`` with the first of ``keys`` that opens it: structure, row
    counts (``expected``, else its sidecar's), the journal's chain, the sidecar's checksum, and
    every scan its database names (``backup_scans.check_scans``: in the file, else in the
    mirror beside it or in ``scan_folders``). A scan missing or damaged fails the check unless
    the office had lost it before the backup (``absent``, else the sidecar's) or
    ``scans_required`` is False (a restore's plan: it lists them). Returns the verdict and the
    key that opened it."""
    m = method or SqliteBackup(path, None)
    info = read_info(path) if path.is_file() else None
    if expected is None and info is not None and info.counts:
        expected = info.counts
    if info is not None and info.sha256 and sha256_file(path) != info.sha256:
        return Verification(False, "nội dung tệp khác với lúc sao lưu (mã kiểm tra SHA-256)."), None
    result, used = _open_with_any(m, path, keys, expected)
    if not result.ok:
        return Verification(False, _lower_first(result.reason), {}, result.encrypted), None
    use = used if result.encrypted else None
    problem, entries = check_journal(path, use, journal_keys)
    if problem:
        return Verification(False, problem, result.counts, result.encrypted), None
    folders = [path.parent / FOLDER] if scan_folders is None else list(scan_folders)
    verdict = _with_scans(
        Verification(True, "", result.counts, result.encrypted, entries),
        check_scans(path, use, folders),
        _lost_before(info, absent),
        scans_required,
    )
    return verdict, (use if verdict.ok else None)


def _lost_before(info: BackupInfo | None, absent: Collection[str] | None) -> Collection[str]:
    """The scans the office had lost when the backup was taken (``absent``: the caller
    knows; else the sidecar says)."""
    if absent is not None:
        return absent
    return info.scans_absent if info is not None else ()


def _with_scans(
    verdict: Verification, scans: ScanCheck, absent: Collection[str], required: bool
) -> Verification:
    """The verdict with the backup's scans: failed by one missing or damaged that the office
    had not lost before the backup (unless not ``required``)."""
    texts = tuple(p.text for p in scans.problems)
    verdict = replace(
        verdict, scans=scans.count, scan_problems=texts, scan_bytes=scans.stored_bytes
    )
    blocking = [p.text for p in scans.problems if p.sha256 not in set(absent)]
    if not blocking or not required:
        return verdict
    more = f" (và {len(blocking) - 1} bản khác)" if len(blocking) > 1 else ""
    return replace(verdict, ok=False, reason=f"thiếu hoặc hỏng bản số hóa{more}: {blocking[0]}")


def record_verdict(path: Path, check: Verification, at: datetime) -> None:
    """Keep the outcome of checking a backup again in its sidecar (a backup that no longer
    passes is listed as not verified, and one repaired passes again); nothing for a file
    without a sidecar, or on a place that cannot be written."""
    side = sidecar_of(path)
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or (
            bool(data.get("verified")) == check.ok and data.get("reason", "") == check.reason
        ):
            return
        data.update(verified=check.ok, reason=check.reason)
        data["verified_at"] = at.isoformat(timespec="seconds")
        write_json(side, data)
    except (OSError, ValueError):
        log.warning("Could not record the verdict of %s", path, exc_info=True)


def _open_with_any(
    method: BackupMethod, path: Path, keys: Iterable[bytes | None], expected: dict[str, int] | None
) -> tuple[FileCheck, bytes | None]:
    """The storage engine's check with the first of ``keys`` that opens the file."""
    result, used = FileCheck(False, "Không mở được bản sao lưu."), None
    for key in list(keys) or [None]:
        result, used = method.check(path, key, expected), key
        if result.ok or not result.reason.startswith("Không mở được"):
            break
    return result, used


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def recorded_destinations(paths: AppPaths) -> list[Path]:
    """The data folder's ``backups`` and the destinations written to at the last run (read
    without opening the database: the list must work when it cannot be opened)."""
    try:
        state = json.loads((paths.backup_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    others = state.get("destinations", []) if isinstance(state, dict) else []
    return [paths.backup_dir, *(Path(str(d)) for d in others)]


def list_all(folders: Iterable[Path]) -> list[BackupInfo]:
    """The backups in ``folders``, newest first."""
    out: list[BackupInfo] = []
    for folder in dict.fromkeys(folders):
        out += list_folder(folder)
    return sorted(out, key=lambda b: b.created_at or datetime.min, reverse=True)


# -- the service -----------------------------------------------------------------------------
class BackupService:
    """Backups of the open database (see the module). For the GUI: :meth:`run`,
    :meth:`run_if_due`, :meth:`due`, :meth:`status`, :meth:`list_backups`, :meth:`verify`,
    :meth:`settings`, :meth:`save_settings`."""

    def __init__(
        self,
        db: Database,
        paths: AppPaths,
        accounts: AccountService,
        clock: Clock,
        journal_keys: JournalKeys,
        method: BackupMethod | None = None,
        folder: DataFolder | None = None,
    ) -> None:
        self._db = db
        self._paths = paths
        self._accounts = accounts
        self._clock = clock
        self._journal_keys = journal_keys
        self._folder = folder
        self._note: Callable[[str, dict[str, Any]], None] | None = None
        path = db.file_path
        self._method = method or (SqliteBackup(path, db.key) if path is not None else None)

    @property
    def on_server(self) -> bool:
        """The office's database is its PostgreSQL server."""
        return not self._db.is_sqlite

    def _key(self, method: BackupMethod) -> bytes | None:
        """The key the backups are encrypted with (the database's; on a server the office's
        backup key)."""
        return getattr(method, "key", None) if self.on_server else self._db.key

    @property
    def state_file(self) -> Path:
        return self._paths.backup_dir / STATE_FILE

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> BackupSettings:
        with self._db.read() as uow:
            data = uow.settings.get(SETTINGS_KEY)
        if not isinstance(data, dict):
            return BackupSettings()
        r = data.get("retention", {})
        try:
            daily_at = parse_daily_time(str(data.get("daily_at", "")))
        except ValueError:
            daily_at = DEFAULT_DAILY_TIME
        return BackupSettings(
            tuple(str(d) for d in data.get("destinations", [])),
            daily_at,
            Retention(int(r.get("daily", 7)), int(r.get("weekly", 4)), int(r.get("monthly", 12))),
            bool(data.get("automatic", True)),
        )

    def save_settings(self, value: BackupSettings) -> BackupSettings:
        self._accounts.require(Right.BACKUP, "đổi cách sao lưu")
        problems = [Problem(p) for p in value.retention.problems()]
        destinations = tuple(dict.fromkeys(d.strip() for d in value.destinations if d.strip()))
        for i, d in enumerate(destinations, start=1):
            # The text gate first (a control character in a path names another folder).
            if gate := text_problem(d, f"Nơi sao lưu thứ hai thứ {i}", PATH_MAX):
                problems.append(Problem(gate, field="destinations"))
            elif not Path(d).is_absolute():
                problems.append(
                    Problem(
                        f"Nơi sao lưu thứ hai “{d}” cần là đường dẫn đầy đủ.", field="destinations"
                    )
                )
        if problems:
            raise ValidationError("Chưa lưu được cách sao lưu.", problems)
        saved = BackupSettings(destinations, value.daily_at, value.retention, value.automatic)
        with self._db.write() as uow:
            uow.settings.put(
                SETTINGS_KEY,
                {
                    "destinations": list(destinations),
                    "daily_at": saved.daily_at.strftime("%H:%M"),
                    "retention": asdict(saved.retention),
                    "automatic": saved.automatic,
                },
            )
        return saved

    # -- state of the last run -----------------------------------------------------------------
    def last_run(self) -> dict[str, Any]:
        """The outcome of the last run: this PC's; on a server, the office's."""
        if self.on_server:
            with self._db.read() as uow:
                office = uow.settings.get(OFFICE_STATE_KEY)
            return office if isinstance(office, dict) else {}
        return self._local_state()

    def _local_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _record(self, run: BackupRun) -> None:
        if self.on_server:  # the office's state (the status line of every counter) ...
            office = self._updated(self.last_run(), run)
            with self._db.write() as uow:
                uow.settings.put(OFFICE_STATE_KEY, office)
        # ... and this PC's file (the destinations a restore looks in, without the database).
        state = self._updated(self._local_state(), run)
        self._paths.backup_dir.mkdir(parents=True, exist_ok=True)
        write_json(self.state_file, state)

    @staticmethod
    def _updated(state: dict[str, Any], run: BackupRun) -> dict[str, Any]:
        state = dict(state)
        state["last_attempt"] = run.at.isoformat(timespec="seconds")
        state["last_ok"] = run.ok
        state["failures"] = run.failures
        state["unreachable"] = [f"{c.destination} ({c.reason})" for c in run.copies if not c.ok]
        state["destinations"] = [c.destination for c in run.copies]
        if run.ok and run.backup is not None:
            state["last_verified_at"] = run.at.isoformat(timespec="seconds")
            state["last_path"] = str(run.backup.path)
        return state

    def status(self, now: datetime | None = None) -> Freshness:
        """The main window's line: green, yellow after 2 days, red after 7 or when a second
        destination was unreachable (or the backup failed) at the last run."""
        state = self.last_run()
        return freshness(
            now or self._clock.now(),
            _moment(state.get("last_verified_at")),
            unreachable=state.get("unreachable", []),
            last_failed=state.get("last_ok") is False,
        )

    def due(self, now: datetime | None = None) -> bool:
        """Whether the automatic backup should run now (first start of the day, daily time);
        on a server, whether the office's is (one counter takes it for all)."""
        s = self.settings()
        if not s.automatic or (self._method is None and not self.on_server):
            return False
        last = _moment(self.last_run().get("last_attempt"))
        return is_due(now or self._clock.now(), last, s.daily_at)

    def run_if_due(self, now: datetime | None = None) -> BackupRun | None:
        """The GUI scheduler's tick: the automatic backup, as the system, when it is due. On a
        server the first counter to claim it takes it; the others find it done."""
        if not self.due(now):
            return None
        with self._db.office_lock("backup-auto"):
            if not self.due(now):  # another counter took it while this one waited
                return None
            with self._accounts.acting_as(SYSTEM):
                return self.run(BackupKind.AUTO)

    # -- taking one ----------------------------------------------------------------------------
    def run(self, kind: BackupKind = BackupKind.MANUAL, extra: Sequence[Path] = ()) -> BackupRun:
        """Take a verified backup into the data folder's ``backups`` and copy it to the second
        destinations (settings) and to ``extra``; apply the retention to each of them."""
        self._accounts.require(Right.BACKUP, "sao lưu dữ liệu")
        for i, p in enumerate(extra, start=1):  # before anything is written
            if gate := text_problem(str(p), f"Nơi sao lưu thêm thứ {i}", PATH_MAX):
                raise ValidationError.for_field("extra", gate)
        method = self._require_method()
        settings = self.settings()
        at = self._clock.now()
        failures: list[str] = []
        backup = self._take_verified(method, at, kind, failures)
        copies: list[CopyOutcome] = []
        if backup is not None:
            copies = self._spread(backup, settings, extra, kind)
        run = BackupRun(backup, copies, failures, at)
        self._record(run)
        self._journal(run, kind)
        if backup is None:
            raise BackupError(
                "Sao lưu không thành công: bản sao lưu không đạt kiểm tra sau hai lần thử ("
                + " ".join(failures[-1:])
                + ")"
            )
        return run

    def _take_verified(
        self, method: BackupMethod, at: datetime, kind: BackupKind, failures: list[str]
    ) -> BackupInfo | None:
        """A verified backup, or None; a copy that fails its verification is taken once more
        (why each try failed is added to ``failures``)."""
        office = self._office()
        for attempt in range(2):
            try:
                backup = self._take(
                    method, self._paths.backup_dir, office, at, kind, repair=attempt > 0
                )
            except ServerBackupError as e:
                failures.append(_lower_first(e.reason))
                log.error("Backup failed", exc_info=True)
                continue
            except (OSError, sqlite.DatabaseError) as e:
                failures.append(f"không ghi được bản sao lưu ({e}).")
                log.error("Backup failed", exc_info=True)
                continue
            if backup.verified:
                return backup
            failures.append(backup.reason)
        return None

    def _spread(
        self, backup: BackupInfo, settings: BackupSettings, extra: Sequence[Path], kind: BackupKind
    ) -> list[CopyOutcome]:
        """The backup copied to the second destinations and ``extra``; the retention applied
        to the folder and to every destination that took the copy."""
        targets = [*settings.destinations, *(str(p) for p in extra)]
        copies = [self._copy_to(backup, Path(d)) for d in dict.fromkeys(targets)]
        if kind is not BackupKind.UPGRADE:
            self._retain(self._paths.backup_dir, settings.retention)
            for c in copies:
                if c.ok:
                    self._retain(Path(c.destination), settings.retention)
        return copies

    def journal_to(self, note: Callable[[str, dict[str, Any]], None]) -> None:
        """Write each run into the journal through ``note`` (``JournalService.note_backup``)."""
        self._note = note

    def _journal(self, run: BackupRun, kind: BackupKind) -> None:
        if self._note is None:
            return
        if run.backup is None:
            action = "sao lưu không thành công: " + " ".join(run.failures[-1:])
        else:
            action = f"sao lưu ({label(kind).lower()}): {run.backup.path.name}, đã kiểm tra đạt"
        unreachable = run.unreachable
        if unreachable:
            action += "; không ghi được vào " + ", ".join(unreachable)
        details = {
            "file": run.backup.path.name if run.backup else "",
            "dossiers": run.backup.dossiers if run.backup else 0,
            "copies": [c.destination for c in run.copies if c.ok],
        }
        try:
            self._note(action, details)
        except TthcError:  # the backup is made; its line in the journal must not undo that
            log.warning("The backup run could not be journalled", exc_info=True)

    def before_upgrade(self, revision: str) -> Path:
        """The verified backup taken at start-up before the schema is upgraded (no login yet)."""
        method = self._require_method()
        backup = self._take(
            method,
            self._paths.backup_dir,
            self._office(),
            self._clock.now(),
            BackupKind.UPGRADE,
            label=revision,
        )
        if not backup.verified:
            raise BackupError(
                f"Không nâng cấp cơ sở dữ liệu: bản sao lưu trước khi nâng cấp không đạt kiểm tra "
                f"({backup.reason})"
            )
        return backup.path

    def _require_method(self) -> BackupMethod:
        if self._method is None and self.on_server:
            self._method = self._server_method()
        if self._method is None:
            raise BackupError("Cơ sở dữ liệu trong bộ nhớ: không có gì để sao lưu.")
        return self._method

    def _server_method(self) -> ServerBackup:
        from tthc_desk.db.server_backup import ServerBackup

        return ServerBackup(self._db, self.office_key(create=True) or b"")

    def office_key(self, *, create: bool = False) -> bytes | None:
        """A server office's backup key (see the module): the server's copy, made on the first
        backup (``create``) from this PC's key of the office if it has one (the office moved
        here from this PC) or a new one; kept on this PC too. None on SQLite."""
        from tthc_desk.db.server_backup import BACKUP_KEY_ESCROW

        if not self.on_server:
            return None
        with self._db.read() as uow:
            database_id = uow.settings.get(DATABASE_ID_KEY)
            key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
        if key is None and create:
            with self._db.office_lock("backup-key"), self._db.write() as uow:
                key = uow.journal.escrowed_key(BACKUP_KEY_ESCROW)
                if key is None:
                    office = str(database_id or "")
                    mine = None if self._folder is None else self._folder.server_key(office)
                    key = mine or os.urandom(KEY_BYTES)
                    uow.journal.escrow_key(BACKUP_KEY_ESCROW, key)
                    log.info("The office's backup key was made and kept on the server")
        if key is not None and database_id and self._folder is not None:
            self._folder.remember_server_key(str(database_id), key)
        return key

    def _office(self) -> str:
        try:
            with self._db.read() as uow:
                data = uow.settings.get(OFFICE_KEY)
        except Exception:  # an old schema before an upgrade: the name is only a label
            data = None
        if not isinstance(data, dict):
            return office_label("")
        return office_label(
            str(data.get("agency_id", "")),
            str(data.get("office_name", "")),
            str(data.get("place_name", "")),
        )

    def _take(
        self,
        method: BackupMethod,
        folder: Path,
        office: str,
        at: datetime,
        kind: BackupKind,
        label: str = "",
        *,
        repair: bool = False,
    ) -> BackupInfo:
        """A backup written to ``folder`` with the scans its database names in the mirror
        beside it (a one-PC office; ``repair``: mirror copies that do not open are replaced),
        verified, then its manifest and sidecar, then renamed into place."""
        folder.mkdir(parents=True, exist_ok=True)
        tidy(folder)
        stem = file_stem(office, at, kind) + (f"-{label}" if label else "")
        target = _free_name(folder, stem, method.suffix)
        part = target.with_name(target.name + ".part")
        files.remove_with_sides(part)
        try:
            snap = method.copy(part)
            sqlite.fsync_file(part)
            key = self._key(method)
            mirrored = self._mirror(part, key, folder, repair)
            check, _ = verify_file(
                part, [key], self._journal_keys, snap.counts, method, absent=mirrored.absent
            )
            if not check.ok:
                log.error("Backup %s failed its verification: %s", target, check.reason)
                return BackupInfo(
                    target, 0, at, office, kind.value, verified=False, reason=check.reason
                )
            if mirrored.mirror:
                write_manifest(manifest_of(target), mirrored.names)
            sidecar = self._sidecar(part, snap, office, at, kind)
            write_json(sidecar_of(target), {**sidecar, "scans": _scans_of(check, mirrored)})
            os.replace(part, target)
            sqlite.fsync_dir(folder)
        finally:
            files.remove_with_sides(part)
        log.info("Backup %s written and verified", target)
        return read_info(target)

    def _mirror(self, part: Path, key: bytes | None, folder: Path, repair: bool) -> Mirrored:
        """A one-PC office's scans into the mirror beside its backups (``backup_scans``); a
        server office's backup holds them in the file (nothing to mirror)."""
        if self.on_server or self._db.file_path is None:
            return Mirrored(mirror=False)
        live = open_blob_store(self._db, self._paths.data_dir, lambda: None)
        return fill_mirror(part, key, live, folder / FOLDER, repair=repair)

    def _sidecar(
        self, part: Path, snap: Snapshot, office: str, at: datetime, kind: BackupKind
    ) -> dict[str, Any]:
        """What the sidecar of a verified backup says (no personal data)."""
        return {
            "created_at": at.isoformat(timespec="seconds"),
            "office": office,
            "kind": kind.value,
            "encrypted": self._db.encrypted or self.on_server,
            "schema_revision": snap.schema_revision,
            "counts": snap.counts,
            "dossiers": snap.dossiers,
            "newest_received": snap.newest_received,
            "size": part.stat().st_size,
            "sha256": sha256_file(part),
            "verified": True,
            "verified_at": self._clock.now().isoformat(timespec="seconds"),
            "reason": "",
        }

    def _copy_to(self, backup: BackupInfo, folder: Path) -> CopyOutcome:
        """A byte copy of the verified backup at a second destination, read back and compared."""
        from tthc_desk.db.backups import copy_file

        name = str(folder)
        if not folder.is_dir():
            return CopyOutcome(
                name, None, False, "không tìm thấy thư mục (ổ USB chưa cắm, mạng chưa kết nối?)"
            )
        target = folder / backup.path.name
        try:
            tidy(folder)
            manifest = manifest_of(backup.path)
            if manifest.is_file():  # the scans first: a backup listed there has its scans
                names = read_manifest(manifest)
                copied, size = copy_mirror(backup.path.parent, folder, names)
                log.info("Backup mirror %s: %d new scan files (%d bytes)", folder, copied, size)
                copy_file(manifest, manifest_of(target))
            copy_file(backup.path, target)
            if sha256_file(target) != backup.sha256:
                files.remove_with_sides(target)
                return CopyOutcome(name, None, False, "bản chép đọc lại không khớp")
            sidecar = json.loads(sidecar_of(backup.path).read_text(encoding="utf-8"))
            write_json(sidecar_of(target), sidecar)
        except OSError as e:
            log.warning("Backup copy to %s failed", folder, exc_info=True)
            return CopyOutcome(name, None, False, f"không ghi được: {e.strerror or e}")
        return CopyOutcome(name, target, True)

    def _retain(self, folder: Path, rule: Retention) -> list[Path]:
        """Remove the backups ``rule`` does not keep in ``folder`` (ours, verified, not the
        ones taken before an upgrade); returns the removed files."""
        ours = [
            b
            for b in list_folder(folder)
            if b.verified and b.kind != BackupKind.UPGRADE.value and b.created_at is not None
        ]
        keep = to_keep((b.created_at for b in ours if b.created_at), rule)
        removed = []
        for b in ours:
            if b.created_at not in keep:
                files.remove_with_sides(b.path)
                sidecar_of(b.path).unlink(missing_ok=True)
                manifest_of(b.path).unlink(missing_ok=True)
                removed.append(b.path)
        if removed:
            log.info("Retention removed %d backups from %s", len(removed), folder)
        prune_mirror(folder)  # the scans no backup left there needs
        return removed

    # -- reading -------------------------------------------------------------------------------
    def destinations(self) -> list[Path]:
        """The data folder's ``backups`` and the second destinations."""
        return [self._paths.backup_dir, *(Path(d) for d in self.settings().destinations)]

    def list_backups(self) -> list[BackupInfo]:
        """Every backup in every destination, newest first (for the list and the restore)."""
        return list_all(self.destinations())

    def verify(self, path: Path) -> Verification:
        """Check a backup file with this database's key (see :func:`verify_file`); the
        verdict is kept in its sidecar (:func:`record_verdict`)."""
        keys = [self.office_key()] if self.on_server else [self._db.key]
        check = verify_file(path, keys, self._journal_keys)[0]
        record_verdict(path, check, self._clock.now())
        return check


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``<stem><suffix>`` in ``folder``, numbered when two backups fall in the same second."""
    target = folder / f"{stem}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target


def _scans_of(check: Verification, mirrored: Mirrored) -> dict[str, Any]:
    """The sidecar's ``scans``: how many the backup covers, where, and what this backup copied
    (hashes only of the ones the office had lost before it)."""
    return {
        "count": check.scans,
        "bytes": check.scan_bytes,
        "mirror": mirrored.mirror,
        "copied": mirrored.copied,
        "copied_bytes": mirrored.copied_bytes,
        "absent": list(mirrored.absent),
    }
