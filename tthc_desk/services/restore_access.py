"""What the screens need around :mod:`~tthc_desk.services.restore_service`: a restorer built on
the open services or on a bare data folder (the database missing or damaged at start-up), the
backups to choose from, and whether this PC holds the key of a given backup.

Kept apart from the restore service itself (its engineer owns it); nothing here changes a file.
"""

from __future__ import annotations

from pathlib import Path

from tthc_desk.db import files
from tthc_desk.db.files import FileState
from tthc_desk.domain.clock import Clock, SystemClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import BackupInfo, list_all, recorded_destinations
from tthc_desk.services.container import Services
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.services.keys import KeyVault
from tthc_desk.services.restore_service import RestoreService
from tthc_desk.sync.credentials import CredentialStore as CredentialStore
from tthc_desk.sync.credentials import KeyringStore


def folder_and_restorer(
    paths: AppPaths, clock: Clock | None = None, credentials: CredentialStore | None = None
) -> tuple[DataFolder, RestoreService]:
    """The data folder ``paths`` (its keys) and a restorer on it, without opening its database
    (it may be missing or damaged: that is when this is called at start-up)."""
    store = credentials if credentials is not None else KeyringStore()
    folder = DataFolder(paths, KeyVault(store))
    return folder, RestoreService(folder, clock or SystemClock(), JournalKeys(store))


def restorer_for(services: Services) -> RestoreService:
    """A restorer on the data folder of the open ``services`` (same keys, same clock)."""
    folder = services.folder
    return RestoreService(folder, services.clock, JournalKeys(folder.vault.credentials))


def restorable_backups(paths: AppPaths, also: tuple[str, ...] = ()) -> list[BackupInfo]:
    """The backups of the data folder, of the destinations written at the last run and of
    ``also`` (the second destinations set now), newest first; readable without the database."""
    return list_all([*recorded_destinations(paths), *(Path(d) for d in also)])


def needs_recovery_key(folder: DataFolder, backup: Path) -> bool:
    """Whether ``backup`` is encrypted with a key this PC does not hold (a new PC, a backup
    taken before the key changed): the recovery key on the *Phiếu khóa khôi phục dữ liệu* is
    needed to open it."""
    if files.inspect_file(backup) is not FileState.SEALED:
        return False
    return not any(files.opens_with(backup, key) for key in folder.backup_keys())
