"""The scanner folder: most office copiers and scanners save each scan as a file in a shared
folder. :class:`FolderInbox` tells which files arrived there since it was made, each once, and
only once the scanner has finished writing it.

"Finished" is judged from the outside, as nothing else is portable: the file's size and modified
time have stayed the same for ``settle_seconds`` across polls, and it can be opened for reading
(Windows refuses while the writer holds it). A file the scanner writes under a temporary name
(``.tmp``, ``.part``, hidden, Office's ``~$``) is ignored until it is renamed. A file written
again under the same name (a copier that always saves ``scan.pdf``) is a new arrival.

The caller polls (the Qt watcher on a timer); ``now`` is wall-clock time (``time.time()``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.pages import is_supported

IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")


@dataclass(frozen=True)
class _Seen:
    """A file's size and modified time, and since when it has had them."""

    size: int
    mtime_ns: int
    since: float

    def same(self, size: int, mtime_ns: int) -> bool:
        return size == self.size and mtime_ns == self.mtime_ns


class FolderInbox:
    """New scan files of ``folder``, each returned once by :meth:`poll` when settled."""

    def __init__(self, folder: Path, settle_seconds: float = 1.0) -> None:
        self.folder = Path(folder)
        self.settle_seconds = settle_seconds
        #: (name, size, mtime) of the files already there or already returned
        self._done: set[tuple[str, int, int]] = set(self._listing())
        self._pending: dict[str, _Seen] = {}

    def poll(self, now: float | None = None) -> list[Path]:
        """The files that arrived and settled since the last call, oldest first; ScanError when
        the folder cannot be read (gone, a network share unreachable)."""
        now = time.time() if now is None else now
        listing = self._listing()
        ready: list[tuple[int, Path]] = []
        for name, size, mtime_ns in listing:
            if (name, size, mtime_ns) in self._done:
                continue
            if self._settled(name, size, mtime_ns, now):
                self._done.add((name, size, mtime_ns))
                self._pending.pop(name, None)
                ready.append((mtime_ns, self.folder / name))
        present = {name for name, _, _ in listing}
        self._pending = {k: v for k, v in self._pending.items() if k in present}
        return [path for _, path in sorted(ready)]

    def _settled(self, name: str, size: int, mtime_ns: int, now: float) -> bool:
        seen = self._pending.get(name)
        if seen is None or not seen.same(size, mtime_ns) or size == 0:
            self._pending[name] = _Seen(size, mtime_ns, now)
            return False
        return now - seen.since >= self.settle_seconds and _readable(self.folder / name)

    def _listing(self) -> list[tuple[str, int, int]]:
        """(name, size, mtime) of every file that may be a scan."""
        try:
            with os.scandir(self.folder) as entries:
                return [row for entry in entries if _candidate(entry.name) for row in _stat(entry)]
        except OSError as exc:
            raise ScanError(folder_problem(self.folder, exc)) from exc


def _stat(entry: os.DirEntry[str]) -> list[tuple[str, int, int]]:
    """The entry's (name, size, mtime), or nothing if it is not a file or is already gone."""
    try:
        if not entry.is_file():
            return []
        stat = entry.stat()
    except OSError:
        return []
    return [(entry.name, stat.st_size, stat.st_mtime_ns)]


def folder_problem(folder: Path, exc: OSError) -> str:
    """Why the scanner folder cannot be read, and what to do, in Vietnamese."""
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        why = "không tìm thấy thư mục"
    elif isinstance(exc, PermissionError):
        why = "không có quyền đọc thư mục"
    else:
        why = f"không đọc được thư mục ({exc.__class__.__name__})"
    return (
        f"Thư mục máy quét “{folder}”: {why}. Hãy kiểm tra ổ mạng hoặc máy chia sẻ, hoặc chọn "
        "lại thư mục (Hệ thống → Thư mục máy quét…)."
    )


def _candidate(name: str) -> bool:
    lowered = name.lower()
    return (
        not name.startswith((".", "~$"))
        and not lowered.endswith(IGNORED_SUFFIXES)
        and is_supported(Path(name))
    )


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return False
    return True
