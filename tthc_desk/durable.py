"""Files that are either whole or absent, even across a power cut or a kill.

Every file the application writes for a person (a receipt, a form, a workbook, a report) is
written to a temporary name beside its target — ``.<stem>.<pid>.part<suffix>`` — flushed to the
disk, renamed over the target in one step, and the folder flushed so the rename survives a power
cut. A process killed midway leaves only a temporary file of that pattern, which
:func:`clean_leftovers` removes at the next start (only that pattern, only in the folders it is
given). Standard library only: the printing, exporting and services layers all use it.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "clean_leftovers", "fsync_dir", "fsync_file", "part_name", "write"]

log = logging.getLogger(__name__)

#: The temporary names :func:`atomic_path` gives, and nothing else.
PART_PATTERN = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)\.part(?P<suffix>\.[A-Za-z0-9]+)?$")

#: A leftover whose writer cannot be checked is removed once it is this old (a report takes
#: seconds to build, never an hour).
STALE_SECONDS = 3600


def part_name(path: Path) -> Path:
    """The temporary path a write of ``path`` by this process goes to."""
    return path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path`` to write a file to; when the block ends without an error
    the file is flushed to the disk and takes the final name, so a failed or killed export never
    leaves half a file under that name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_name(path)
    try:
        yield tmp
        fsync_file(tmp)
        tmp.replace(path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def write(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` durably and atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _writer_gone(pid: int) -> bool | None:
    """Whether process ``pid`` has ended (None: cannot tell on this system)."""
    if pid == os.getpid():
        return False
    if os.name == "nt":  # os.kill would terminate it there
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to someone else
        return False
    return False


def clean_leftovers(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary files an interrupted write left in ``folders`` (not below them):
    only names of :data:`PART_PATTERN` whose writer has ended or that are older than
    :data:`STALE_SECONDS`. Returns what was removed; a file that cannot be removed is logged."""
    removed: list[Path] = []
    now = time.time()
    for folder in folders:
        try:
            entries = list(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for entry in entries:
            m = PART_PATTERN.match(entry.name)
            if m is None or not entry.is_file():
                continue
            try:  # an old one goes even if its pid now names another process
                stale = now - entry.stat().st_mtime >= STALE_SECONDS
                if not stale and not _writer_gone(int(m["pid"])):
                    continue
                entry.unlink()
            except OSError as e:
                log.warning("Could not remove the leftover %s: %s", entry, e)
                continue
            removed.append(entry)
            log.info("Removed the leftover of an interrupted write: %s", entry)
    return removed
