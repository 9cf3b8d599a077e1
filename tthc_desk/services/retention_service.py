"""How long the files the app writes into its own folders are kept, and the cleanup that removes
the older ones (at the GUI's start-up, as the system; ``tthc-desk cleanup`` by the administrator).

Only two folders are ever looked at, the data folder's ``reports/`` (weekly and periodic
workbooks built before they are sent) and ``output/`` (PDFs and workbooks the clerks saved, the
outbox's exported copies). Inside them only regular files are removed: a symbolic link is neither
followed nor removed, so nothing outside the folders can go.

- A report that the outbox has not sent yet (waiting, sending, failed: the same bytes as an
  item in one of those states) is never removed, whatever its age.
- A report the outbox sent is aged from the moment it was sent; any other file from when it was
  last written.
- Each run that removes something is journalled as the action “dọn tệp cũ” with the names of the
  files (names the app gave them: codes and dates, no personal data).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.outbox import OutboxState
from tthc_desk.domain.privacy import (
    DEFAULT_OUTPUT_DAYS,
    DEFAULT_REPORTS_DAYS,
    OUTPUT_DAYS_KEY,
    REPORTS_DAYS_KEY,
    Retention,
    parse_retention_days,
)
from tthc_desk.paths import AppPaths
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.outbox_service import OutboxService
from tthc_desk.services.settings_service import SettingsService

log = logging.getLogger(__name__)

LAST_CLEANUP_KEY = "retention_last_cleanup"  # {"at", "removed", "bytes", "files": [...]}
#: Names kept in the journal entry of one run (a first run on an old office may remove hundreds).
JOURNAL_NAMES = 200
_SENT_OR_GONE = (OutboxState.SENT, OutboxState.REPLACED)


@dataclass(frozen=True)
class OldFile:
    """A file a cleanup removed (or, dry, would remove): its place relative to the data folder."""

    path: Path
    relative: str
    size: int
    aged_from: datetime


@dataclass(frozen=True)
class CleanupResult:
    removed: tuple[OldFile, ...]
    kept_unsent: tuple[str, ...]  # reports old enough but still waiting to be sent
    failed: tuple[str, ...]  # could not be removed (open in another program): tried next time
    dry_run: bool

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.removed)


class RetentionService:
    def __init__(
        self,
        paths: AppPaths,
        settings: SettingsService,
        outbox: OutboxService,
        accounts: AccountService,
        clock: Clock,
    ) -> None:
        self._paths = paths
        self._settings = settings
        self._outbox = outbox
        self._accounts = accounts
        self._clock = clock

    # -- the setting --------------------------------------------------------------------------
    def retention(self) -> Retention:
        """The days set by the administrator (defaults 90 and 30); a stored value that is not
        a number of days raises the ValidationError that names it."""
        return Retention(
            parse_retention_days(
                self._settings.get_value(REPORTS_DAYS_KEY, DEFAULT_REPORTS_DAYS), "reports_days"
            ),
            parse_retention_days(
                self._settings.get_value(OUTPUT_DAYS_KEY, DEFAULT_OUTPUT_DAYS), "output_days"
            ),
        )

    def save(self, reports_days: object, output_days: object) -> Retention:
        """Check both values, then keep them (administrator)."""
        self._accounts.require(Right.OFFICE, "đặt thời hạn giữ tệp")
        problems = []
        values = []
        for value, field in ((reports_days, "reports_days"), (output_days, "output_days")):
            try:
                values.append(parse_retention_days(value, field))
            except ValidationError as e:
                problems += e.problems
        if problems:
            raise ValidationError("Thời hạn giữ tệp chưa hợp lệ.", problems)
        self._settings.set_value(REPORTS_DAYS_KEY, values[0])
        self._settings.set_value(OUTPUT_DAYS_KEY, values[1])
        return Retention(values[0], values[1])

    # -- the cleanup --------------------------------------------------------------------------
    def cleanup(
        self, *, dry_run: bool = False, retention: Retention | None = None
    ) -> CleanupResult:
        """Remove the files past their time (``dry_run``: only say which); see the module."""
        self._accounts.require(Right.CLEANUP, "dọn tệp cũ")
        retention = retention or self.retention()
        now = self._clock.now()
        old, kept = self._old_files(now, retention)
        if dry_run:
            return CleanupResult(tuple(old), tuple(kept), (), True)
        removed, failed = [], []
        for f in old:
            try:
                f.path.unlink(missing_ok=True)
                removed.append(f)
            except OSError as e:
                log.warning("Không xóa được %s: %s", f.path, e)
                failed.append(f.relative)
        result = CleanupResult(tuple(removed), tuple(kept), tuple(failed), False)
        if removed:
            self._settings.set_value(
                LAST_CLEANUP_KEY,
                {
                    "at": now.isoformat(sep=" ", timespec="seconds"),
                    "removed": len(removed),
                    "bytes": result.bytes,
                    "files": [f.relative for f in removed[:JOURNAL_NAMES]],
                },
            )
            log.info("Dọn tệp cũ: xóa %d tệp (%d byte)", len(removed), result.bytes)
        return result

    def _old_files(self, now: datetime, retention: Retention) -> tuple[list[OldFile], list[str]]:
        """The files past their time, and the old ones kept because they wait to be sent."""
        folders = [
            (root, cutoff)
            for root, cutoff in (
                (self._paths.reports_dir, retention.reports_cutoff(now)),
                (self._paths.output_dir, retention.output_cutoff(now)),
            )
            if cutoff is not None
        ]
        if not folders:
            return [], []
        unsent, sent = self._outbox_state()
        old: list[OldFile] = []
        kept: list[str] = []
        for root, cutoff in folders:
            for path, size, mtime in _files(root):
                written = datetime.fromtimestamp(mtime)
                if written >= cutoff:
                    continue  # young by its date, whatever the outbox says
                digest = _sha256(path) if size in unsent or size in sent else ""
                relative = path.relative_to(self._paths.data_dir).as_posix()
                if digest and digest in unsent.get(size, {}):
                    kept.append(relative)
                    continue
                aged_from = sent.get(size, {}).get(digest, written)
                if aged_from < cutoff:
                    old.append(OldFile(path, relative, size, aged_from))
        return old, kept

    def _outbox_state(self) -> tuple[_BySize, _BySize]:
        """By size, the hashes of the items not sent yet, and of those sent with when they were
        (sizes first: only a file of a queued size is ever read to hash it)."""
        unsent: _BySize = {}
        sent: _BySize = {}
        items = self._outbox.items()
        waiting = {x.sha256 for x in items if x.state not in _SENT_OR_GONE}
        for item in items:
            if item.sha256 in waiting:
                unsent.setdefault(item.size, {})[item.sha256] = item.created_at
            elif item.state is OutboxState.SENT and item.sent_at is not None:
                known = sent.setdefault(item.size, {})
                known[item.sha256] = max(item.sent_at, known.get(item.sha256, item.sent_at))
        return unsent, sent


_BySize = dict[int, dict[str, datetime]]


def _files(root: Path) -> Iterator[tuple[Path, int, float]]:
    """Regular files under ``root`` (path, size, mtime); symbolic links are neither followed nor
    listed, so the walk never leaves ``root``."""
    if root.is_symlink() or not root.is_dir():
        return
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
        for name in names:
            path = Path(folder) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            if path.is_symlink() or not os.path.isfile(path):
                continue
            yield path, st.st_size, st.st_mtime


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()
