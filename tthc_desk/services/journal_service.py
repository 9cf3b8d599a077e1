"""The journal: its key, its start on a database, and the checks of the data against it.

The key (32 random bytes) belongs to one database: it is named by the database's own identifier
(setting ``database_id``) and kept in the operating system's keyring (Windows Credential Manager)
as ``journal-key:<id>``; on a PC without a keyring, in a file of the user's own configuration
folder (``paths.key_dir``), never in the data folder. It never goes into the settings, the logs
or an export; an *encrypted* database also keeps a copy of it (table ``key_escrow``), so that a
backup opened on a new PC with the recovery key can check and continue its journal.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tthc_desk.db.engine import Database
from tthc_desk.db.stores.journal import JournalFilter as JournalFilter  # the UI's filter too
from tthc_desk.domain.access import SYSTEM, Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import JournalKeyError
from tthc_desk.domain.journal import (
    Aggregate,
    ChainChecker,
    DataChecker,
    IntegrityProblem,
    JournalEntry,
    JournalKind,
    Note,
    ProblemKind,
    Sums,
    seal_sums,
)
from tthc_desk.presentation import integrity_problem_text
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.keys import KeyVault

log = logging.getLogger(__name__)

DATABASE_ID_KEY = "database_id"
LAST_CHECK_KEY = "journal_last_check"
#: The journal key's copy inside an encrypted database (``key_escrow``).
ESCROW_NAME = "journal"
#: Entries checked at start-up (and the aggregates they changed): a few tens of milliseconds.
TAIL_ENTRIES = 50

#: Progress of a full check: (rows done, rows in all) → False to stop.
Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class IntegrityReport:
    full: bool
    at: datetime
    entries: int
    aggregates: int
    seconds: float
    problems: list[IntegrityProblem] = field(default_factory=list)
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stopped

    @property
    def first(self) -> IntegrityProblem | None:
        """The problem found at the earliest entry (the one to look at first)."""
        if not self.problems:
            return None
        return min(self.problems, key=lambda p: (p.seq is None, p.seq or 0))

    def summary(self) -> str:
        scope = "toàn bộ" if self.full else "các mục gần nhất"
        if self.stopped:
            return f"Đã dừng kiểm tra {scope} trước khi xong."
        if self.ok:
            return (
                f"Dữ liệu toàn vẹn: đã kiểm tra {scope} ({_n(self.entries)} mục nhật ký, "
                f"{_n(self.aggregates)} nhóm dữ liệu) trong {self.seconds:.1f} giây."
            )
        first = self.first
        assert first is not None
        return (
            f"Phát hiện {len(self.problems)} chỗ dữ liệu bị sửa ngoài phần mềm. "
            + integrity_problem_text(first)
        )

    def messages(self) -> list[str]:
        """Every problem as a sentence, the earliest entry first."""
        ordered = sorted(self.problems, key=lambda p: (p.seq is None, p.seq or 0))
        return [integrity_problem_text(p) for p in ordered]


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class JournalKeys(KeyVault):
    """Where the journal key of a database is kept (see the module's docstring)."""

    @staticmethod
    def name(database_id: str) -> str:
        return f"journal-key:{database_id}"

    @staticmethod
    def file_name(name: str) -> str:
        return name.replace("journal-key:", "journal-") + ".key"

    def load_for(self, database_id: str) -> bytes | None:
        return self.load(self.name(database_id))

    def create_for(self, database_id: str) -> bytes:
        return self.create(self.name(database_id))

    def location_for(self, database_id: str) -> str:
        return self.location(self.name(database_id))


class JournalService:
    def __init__(
        self, db: Database, accounts: AccountService, clock: Clock, keys: JournalKeys
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._clock = clock
        self._keys = keys
        self._key: bytes | None = None
        self.database_id = ""

    # -- start ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Load (or make) the key and journal every write from now on; on a database that has
        no journal yet (new, or upgraded), seal what it holds into the first entry.

        Counters starting at once on a new office server: one makes the key and the first
        entry, the others wait and then take the key from the database."""
        with self._db.office_lock("journal-start"):
            self._start()

    def _start(self) -> None:
        with self._db.read() as uow:
            database_id = uow.settings.get(DATABASE_ID_KEY)
            entries = uow.journal.count()
            escrowed = None if database_id is None else uow.journal.escrowed_key(ESCROW_NAME)
        new_id = database_id is None
        if new_id:
            database_id = uuid.uuid4().hex
        key = None if new_id else self._keys.load_for(str(database_id))
        if escrowed is not None and not self._db.is_sqlite and key != escrowed:
            key = None  # the office server's key is the office's: this PC's copy follows it
        if key is None and escrowed is not None and self._db.holds_keys:
            # A new PC (restored with the recovery key): the key came with the encrypted data.
            key = escrowed
            self._keys.save(self._keys.name(str(database_id)), key)
        if key is None:
            if entries:
                raise JournalKeyError(
                    "Không đọc được khóa nhật ký của cơ sở dữ liệu này (máy khác, tài khoản "
                    "Windows khác, hoặc kho mật khẩu đã bị xóa): không kiểm tra và ghi tiếp "
                    "được lịch sử. Hãy mở phần mềm trên máy và tài khoản Windows đã dùng trước "
                    "đây, hoặc hỏi người Quản trị."
                )
            key = self._keys.create_for(str(database_id))
        if self._db.holds_keys and escrowed != key:
            with self._db.write() as uow:  # before the journal starts: not an entry of its own
                uow.journal.escrow_key(ESCROW_NAME, key)
        self._key, self.database_id = key, str(database_id)
        self._db.use_journal(key, self._accounts.journal_context)
        if not entries:
            self._seal_existing(str(database_id), new_id)

    def _seal_existing(self, database_id: str, new_id: bool) -> None:
        started = time.perf_counter()
        with self._db.write(action="bắt đầu nhật ký") as uow:
            sums: dict[str, Sums] = {}
            for kind in Aggregate:
                sums.update(seal_sums(uow.journal.aggregates(kind)))
            if new_id:
                uow.settings.put(DATABASE_ID_KEY, database_id)
            held = sum(s.count for s in sums.values())
            uow.journal.seal(
                sums,
                "bắt đầu nhật ký"
                if not held
                else f"niêm phong {_n(held)} nhóm dữ liệu có trước nhật ký (các bước trước "
                "thời điểm này không được ghi nhật ký từng bước)",
            )
        log.info("Journal started (%.1f s to seal what was there)", time.perf_counter() - started)

    def reseal(self, action: str, details: dict[str, Any]) -> None:
        """A copy entry sealing the data as this database holds it now: what the entries before
        it recorded is set aside (a database just copied from another, ``db copy``; see
        ``domain.journal.DataChecker``)."""
        with self._db.write() as uow:
            uow.journal.reseal(action, details)

    @property
    def key(self) -> bytes:
        if self._key is None:
            raise JournalKeyError("Nhật ký chưa được mở.")
        return self._key

    def key_location(self) -> str:
        return self._keys.location_for(self.database_id)

    # -- checks --------------------------------------------------------------------------------
    def verify_tail(self, entries: int = TAIL_ENTRIES) -> IntegrityReport:
        """The quick check of start-up: the last entries' chain, and the data they changed."""
        self._accounts.require(Right.VERIFY_JOURNAL, "kiểm tra toàn vẹn dữ liệu")
        started = time.perf_counter()
        with self._db.read() as uow:
            tail = uow.journal.tail(entries)
            if not tail:
                return IntegrityReport(False, self._clock.now(), 0, 0, 0.0)
            first = tail[0]
            chain = ChainChecker(self.key, first.seq, first.prev)
            data = DataChecker()
            for entry in tail:
                chain.check(entry)
                data.feed_entry(entry)
            keys = _latest_keys(tail[1:] if len(tail) > entries else tail)
            problems = list(chain.problems)
            checked = 0
            for key, digest in uow.journal.digests(keys).items():
                checked += 1
                if digest is not None:
                    data.feed_aggregate(key, digest)
            suspects = data.suspects()
            labels = uow.journal.labels([k for k in suspects if k in keys])
        problems += _only_changes(data.finish(labels), keys)
        return IntegrityReport(
            False,
            self._clock.now(),
            chain.checked,
            checked,
            time.perf_counter() - started,
            problems,
        )

    def verify_full(self, progress: Progress | None = None) -> IntegrityReport:
        """Every entry, and every protected row against them: run off the GUI thread.

        ``progress(done, total)`` is called every few thousand rows; returning False stops."""
        self._accounts.require(Right.VERIFY_JOURNAL, "kiểm tra toàn vẹn dữ liệu")
        started = time.perf_counter()
        chain = ChainChecker(self.key)
        data = DataChecker()
        with self._db.read() as uow:  # one read transaction: one consistent state
            counter = _Counter(progress, uow.journal.count() + uow.journal.count_rows())
            for entry in uow.journal.stream():
                chain.check(entry)
                data.feed_entry(entry)
                if not counter.step():
                    break
            for kind in Aggregate:
                for key, digest in uow.journal.aggregates(kind) if not counter.stopped else ():
                    data.feed_aggregate(key, digest)
                    if not counter.step():
                        break
            names = {} if counter.stopped else uow.journal.labels(data.suspects()[:200])
        problems = chain.problems + ([] if counter.stopped else data.finish(names))
        counter.done()
        return IntegrityReport(
            True,
            self._clock.now(),
            chain.checked,
            data.aggregates_checked,
            time.perf_counter() - started,
            problems,
            counter.stopped,
        )

    def note_folder_events(self, notes: list[dict[str, str]]) -> None:
        """What was done to the database file outside any session (``DataFolder.notes``: a
        conversion to encryption, a restore, the recovery key kept on this PC), written into its
        journal at the next start, under the name of who did it."""
        if not notes:
            return
        with self._db.write() as uow:
            for n in notes:
                by = n.get("by") or ""
                if by == SYSTEM.username:
                    name = SYSTEM.full_name
                else:
                    account = uow.accounts.get(by) if by else None
                    name = account.full_name if account is not None else by
                extra = {k: v for k, v in n.items() if k not in ("kind", "action", "by")}
                kind = JournalKind(n.get("kind", JournalKind.WRITE.value))
                uow.journal.note(
                    Note(kind, n.get("action", ""), by or None, name or None, "", extra)
                )

    def note_backup(self, action: str, details: dict[str, Any]) -> None:
        """A backup taken (or failed) by the acting person or the system."""
        if self._db.writes_stopped is not None:
            return  # a damaged database is not written into, not even for this
        with self._db.write() as uow:
            uow.journal.note(Note(JournalKind.BACKUP, action, details=details))

    def record_check(self, report: IntegrityReport) -> None:
        """Keep the outcome of a check (the administrator's banner reads it) and journal it."""
        if report.stopped:
            return
        first = report.first
        value = {
            "at": report.at.isoformat(),
            "full": report.full,
            "ok": report.ok,
            "problems": len(report.problems),
            "first": integrity_problem_text(first) if first else "",
            "seconds": round(report.seconds, 2),
        }
        with self._db.write() as uow:
            uow.settings.put(LAST_CHECK_KEY, value)
            uow.journal.note(
                Note(
                    JournalKind.VERIFY,
                    ("kiểm tra toàn bộ" if report.full else "kiểm tra nhanh")
                    + (" dữ liệu: toàn vẹn" if report.ok else f": {len(report.problems)} lỗi"),
                    details={"problems": report.messages()[:20]},
                )
            )

    def last_check(self) -> dict[str, Any] | None:
        """The outcome of the last check kept by :meth:`record_check` (None: never checked)."""
        with self._db.read() as uow:
            value = uow.settings.get(LAST_CHECK_KEY)
        return value if isinstance(value, dict) else None

    def last_full_check_at(self) -> datetime | None:
        with self._db.read() as uow:
            for entry in uow.journal.find(
                JournalFilter(kinds=[JournalKind.VERIFY.value], limit=200)
            ):
                if entry.action.startswith("kiểm tra toàn bộ"):
                    return entry.at
        return None

    # -- reading -------------------------------------------------------------------------------
    def entries(self, f: JournalFilter | None = None) -> list[JournalEntry]:
        self._accounts.require(Right.VIEW_JOURNAL, "xem nhật ký")
        with self._db.read() as uow:
            return uow.journal.find(f or JournalFilter())

    def actors(self) -> list[tuple[str, str]]:
        self._accounts.require(Right.VIEW_JOURNAL, "xem nhật ký")
        with self._db.read() as uow:
            return uow.journal.actors()

    def dossier_id(self, code: str) -> int | None:
        """The id of the dossier with ``code`` (the viewer filters by code)."""
        with self._db.read() as uow:
            found = uow.dossiers.id_of(code.strip())
        return found

    def export_xlsx(self, path: Path, f: JournalFilter | None = None) -> int:
        """Write the entries matching ``f`` to a workbook; returns how many."""
        from tthc_desk.exporting.journal_xlsx import write_journal_xlsx

        entries = self.entries(f or JournalFilter(limit=None))
        write_journal_xlsx(path, entries, self._clock.now())
        return len(entries)


class _Counter:
    """Calls ``progress`` every few thousand steps and remembers when it asked to stop."""

    EVERY = 5000

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self.total = total
        self.count = 0
        self.stopped = False

    def step(self) -> bool:
        """Count one row; False once the progress callback asked to stop."""
        self.count += 1
        if self._progress is not None and self.count % self.EVERY == 0:
            self.stopped = self._progress(min(self.count, self.total), self.total) is False
        return not self.stopped

    def done(self) -> None:
        if self._progress is not None and not self.stopped:
            self._progress(self.total, self.total)


def _latest_keys(entries: list[JournalEntry]) -> list[str]:
    """The aggregates the entries changed, each once (their last state is in the tail)."""
    keys: dict[str, None] = {}
    for entry in entries:
        for key in entry.payload.get("aggregates", {}):
            keys[key] = None
    return list(keys)


def _only_changes(problems: list[IntegrityProblem], keys: list[str]) -> list[IntegrityProblem]:
    """Of a partial check, the problems it can judge: the tail's aggregates changed or gone."""
    wanted = set(keys)
    return [
        p
        for p in problems
        if p.kind in (ProblemKind.CHANGED, ProblemKind.DELETED) and p.aggregate in wanted
    ]
