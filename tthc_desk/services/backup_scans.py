"""The scans in backups (issue 15): a mirror of the encrypted scan files beside the backups,
copied incrementally and checked by hash.

A one-PC office keeps its scans as encrypted files in its data folder (``db.blobs``). Every place
that holds its backups (the data folder's ``backups``, a USB drive, a network share) keeps a
**mirror** of them: ``<place>/attachments/<2 hex>/<name>``, the same encrypted files under the
same names (the blob store's own layout, so a mirror opens as a ``FileBlobStore`` with the
backup's key), never a decrypted copy. A backup copies only the files its place lacks: the daily
backup of an office with thousands of scans writes the day's new ones.

Each backup lists the mirror files it needs in its **manifest** ``<backup>.scans`` (one file
name a line; the names are HMACs and reveal nothing the folder does not show) and says in its
sidecar how many scans it covers (``scans``: count, stored bytes, and the contents that were
already missing or damaged in the office when it was taken, which no backup can hold). The
retention removes a mirror file only when no backup left in that place lists it
(:func:`prune_mirror`).

Verification (:func:`check_scans`) reads which contents the backed-up database names (its
``attachments``), finds each in the backup file's own ``blob_data`` (an office on PostgreSQL: its
backups hold the scans inside the file) or in the mirror beside it, decrypts it and checks its
SHA-256; a missing or damaged one is named by its dossier and paper.

A restore (:func:`bring_back`) puts every named scan into the office's store, checked, before the
restored database is used.

Backups made before the scans were carried have no ``scans`` in their sidecar and no manifest:
they list, verify and restore as before (a database of theirs that names scans reports them as
missing from the backup).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tthc_desk.db.blobs import (
    FOLDER,
    BlobStore,
    DbBlobStore,
    FileBlobStore,
    attachment_key,
    transfer,
)
from tthc_desk.db.engine import Database
from tthc_desk.domain.errors import ScanError
from tthc_desk.durable import write
from tthc_desk.services.scan_store import DEMO_DATA_KEY, scan_problem_text

log = logging.getLogger(__name__)

#: Beside a backup ``<name>.db``: the mirror files it needs.
MANIFEST_SUFFIX = ".scans"
#: The first schema with attachments (migration 0012).
SCANS_REVISION = "0012"
#: A mirror file's name (an HMAC-SHA256 in hex); nothing else in a mirror is ever removed.
MIRROR_NAME = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ScanProblem:
    sha256: str
    text: str  # Vietnamese: which dossier and paper, what is wrong, what to do


@dataclass(frozen=True)
class ScanCheck:
    """The scans a backed-up database names, and those not found intact."""

    count: int = 0
    stored_bytes: int = 0
    problems: tuple[ScanProblem, ...] = ()


@dataclass(frozen=True)
class Mirrored:
    """What :func:`fill_mirror` did for one backup."""

    names: tuple[str, ...] = ()  # the mirror files the backup needs (its manifest)
    absent: tuple[str, ...] = ()  # contents missing or damaged in the office: not in the backup
    copied: int = 0  # files written into the mirror by this backup
    copied_bytes: int = 0
    mirror: bool = True  # False: a server office's backup, which holds its scans in the file


def blob_key(key: bytes | None) -> bytes:
    """The attachment key of a database encrypted with ``key`` (None: the demo's)."""
    return attachment_key(key or DEMO_DATA_KEY)


def manifest_of(backup: Path) -> Path:
    return backup.with_suffix(MANIFEST_SUFFIX)


def read_manifest(path: Path) -> list[str]:
    """The mirror files a backup needs ([] when it has no manifest)."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, ValueError):
        return []
    return [line for line in text.split() if MIRROR_NAME.fullmatch(line)]


def write_manifest(path: Path, names: Sequence[str]) -> None:
    write(path, "".join(f"{n}\n" for n in names).encode("ascii"))


@contextmanager
def _backed_up(path: Path, key: bytes | None) -> Iterator[Database | None]:
    """The backup at ``path`` opened read-only (None: a schema from before the scans)."""
    db = Database(f"sqlite:///{path}", key=key, readonly=True)
    try:
        revision = db.schema_revision()
        yield db if revision is not None and revision >= SCANS_REVISION else None
    finally:
        db.dispose()


def _named(db: Database) -> list[str]:
    with db.read() as uow:
        return [sha256 for sha256, _count in uow.attachments.blob_rows()]


def _problem(db: Database, sha256: str, error: ScanError) -> ScanProblem:
    with db.read() as uow:
        first = uow.attachments.naming(sha256)
    return ScanProblem(sha256, error.message if first is None else scan_problem_text(first, error))


def _find(places: Sequence[BlobStore], sha256: str) -> tuple[int, ScanError | None]:
    """The stored size of ``sha256`` in the first place that holds it intact, else why not (a
    damaged copy says more than a missing one)."""
    error: ScanError | None = None
    for place in places:
        try:
            raw = place.raw(sha256)
        except ScanError as e:
            error = error or e
            continue
        try:
            place.open_raw(sha256, raw)
        except ScanError as e:
            error = e
            continue
        return len(raw), None
    return 0, error


def _places(db: Database, key: bytes | None, folders: Sequence[Path]) -> list[BlobStore]:
    """Where a backup's scans are: its own ``blob_data``, then the mirrors in ``folders``."""
    k = blob_key(key)
    return [DbBlobStore(db, k), *(FileBlobStore(f, k) for f in folders)]


def check_scans(path: Path, key: bytes | None, folders: Sequence[Path]) -> ScanCheck:
    """Every content the backup at ``path`` names, found intact (decrypted, SHA-256 equal) in
    the file's ``blob_data`` or in one of the mirror ``folders``."""
    with _backed_up(path, key) as db:
        if db is None:
            return ScanCheck()
        named = _named(db)
        places = _places(db, key, folders)
        total, problems = 0, []
        for sha256 in named:
            size, error = _find(places, sha256)
            total += size
            if error is not None:
                problems.append(_problem(db, sha256, error))
    return ScanCheck(len(named), total, tuple(problems))


def fill_mirror(
    path: Path, key: bytes | None, live: BlobStore, folder: Path, *, repair: bool = False
) -> Mirrored:
    """The mirror in ``folder`` given every scan the backup at ``path`` (just taken) names,
    copied from the office's store ``live`` when the mirror lacks it (``repair``: also when
    the mirror's copy does not open). A scan the office itself has lost is recorded as
    absent: the backup is still taken, and says so."""
    mirror = FileBlobStore(folder, blob_key(key))
    with _backed_up(path, key) as db:
        named = [] if db is None else _named(db)
    names, absent, copied, size = [], [], 0, 0
    for sha256 in named:
        if mirror.exists(sha256) and not (repair and _find([mirror], sha256)[1]):
            names.append(mirror.path(sha256).name)
            continue
        try:
            raw = live.raw(sha256)
            mirror.remove(sha256)
            mirror.put_raw(sha256, raw)  # checked: a damaged content is never mirrored
        except ScanError:
            log.warning("Scan %s is missing or damaged in the office: not in the backup", sha256)
            absent.append(sha256)
            continue
        names.append(mirror.path(sha256).name)
        copied, size = copied + 1, size + len(raw)
    log.info("Backup mirror %s: %d scans, %d new (%d bytes)", folder, len(names), copied, size)
    return Mirrored(tuple(names), tuple(absent), copied, size)


def copy_mirror(source: Path, target: Path, names: Collection[str]) -> tuple[int, int]:
    """The mirror files ``names`` copied from the place ``source`` to the place ``target``
    where it lacks them (or holds a file of another size), each written whole and read back;
    returns the files and bytes copied. OSError when a place cannot be read or written."""
    copied, size = 0, 0
    for name in names:
        src = source / FOLDER / name[:2] / name
        dst = target / FOLDER / name[:2] / name
        data_size = src.stat().st_size
        if dst.is_file() and dst.stat().st_size == data_size:
            continue
        data = src.read_bytes()
        dst.parent.mkdir(parents=True, exist_ok=True)
        write(dst, data)
        if dst.read_bytes() != data:
            dst.unlink(missing_ok=True)
            raise OSError(f"bản chép của bản số hóa {name[:12]}… đọc lại không khớp")
        copied, size = copied + 1, size + len(data)
    return copied, size


def _needs_manifest(backup: Path) -> bool:
    """Whether the backup's sidecar says it has scans in the mirror."""
    try:
        data = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # not one of ours with a mirror (a copy kept aside before a restore)
    scans = data.get("scans") if isinstance(data, dict) else None
    return isinstance(scans, dict) and bool(scans.get("mirror")) and int(scans.get("count", 0)) > 0


def prune_mirror(folder: Path) -> int:
    """Remove the mirror files of ``folder`` that no backup left there lists; nothing when a
    backup with scans has lost its manifest (which files it needs is not known then).
    Returns how many were removed."""
    root = folder / FOLDER
    if not root.is_dir():
        return 0
    keep: set[str] = set()
    for backup in folder.glob("*.db"):
        manifest = manifest_of(backup)
        if manifest.is_file():
            keep.update(read_manifest(manifest))
        elif _needs_manifest(backup):
            log.warning("Backup %s has no manifest: its mirror is left as it is", backup)
            return 0
    removed = 0
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sub.iterdir():
            if MIRROR_NAME.fullmatch(f.name) and f.name not in keep and f.is_file():
                f.unlink(missing_ok=True)
                removed += 1
    if removed:
        log.info("Retention removed %d mirror files from %s", removed, root)
    return removed


def bring_back(
    path: Path, key: bytes | None, folders: Sequence[Path], target: BlobStore
) -> ScanCheck:
    """Every scan the database at ``path`` (a backup being restored) names, put into the
    office's store ``target`` from the file's ``blob_data`` or the mirrors in ``folders``
    unless ``target`` holds it intact already (a damaged copy there is replaced); each is
    checked against its hash. The problems: scans found intact nowhere."""
    with _backed_up(path, key) as db:
        if db is None:
            return ScanCheck()
        named = _named(db)
        places = _places(db, key, folders)
        total, problems = 0, []
        for sha256 in named:
            if _find([target], sha256)[1] is None:
                continue
            target.remove(sha256)
            error = _bring(places, target, sha256)
            if error is not None:
                problems.append(_problem(db, sha256, error))
            else:
                total += 1
    log.info("Restore: %d scans brought back, %d not found", total, len(problems))
    return ScanCheck(len(named), 0, tuple(problems))


def _bring(places: Sequence[BlobStore], target: BlobStore, sha256: str) -> ScanError | None:
    """``sha256`` from the first place that has it intact (a damaged one says why)."""
    error: ScanError | None = None
    for place in places:
        try:
            transfer(place, target, sha256)
            return None
        except ScanError as e:
            error = e if error is None or "bị hỏng" in e.message else error
    return error
