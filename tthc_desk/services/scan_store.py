"""Where an office's scans are and how a problem with one is told (issue 15): shared by the
attachments, the backups, the restore and ``db copy``, light enough for the commands that run
without opening the database (``backup list``, ``backup verify``, ``restore``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from tthc_desk.db.blobs import FOLDER, BlobStore, DbBlobStore, FileBlobStore, attachment_key
from tthc_desk.db.engine import Database
from tthc_desk.domain.errors import ScanError
from tthc_desk.domain.scans import Attachment, AttachmentSlot

#: The key of the scans of an unencrypted database (the demo's made-up people): the data is not
#: secret there, and the stored form stays the same as everywhere else.
DEMO_DATA_KEY = hashlib.sha256(b"tthc-desk demo attachments").digest()


def open_blob_store(
    db: Database, data_dir: Path, office_key: Callable[[], bytes | None]
) -> BlobStore:
    """The office's blob store: on SQLite, files in the ``attachments`` folder beside the
    database file, keyed from the database's key (the demo's fixed key when it has none); on
    PostgreSQL, rows of ``blob_data``, keyed from the office's backup key (``office_key``, made
    on first use and kept on the server)."""
    if db.is_sqlite:
        folder = db.file_path.parent if db.file_path is not None else data_dir
        return FileBlobStore(folder / FOLDER, attachment_key(db.key or DEMO_DATA_KEY))
    key = office_key()
    if key is None:
        raise ScanError("Chưa có khóa sao lưu của cơ quan trên máy chủ: chưa lưu được bản số hóa.")
    return DbBlobStore(db, attachment_key(key))


def scan_problem_text(a: Attachment, error: ScanError) -> str:
    """“Hồ sơ …, giấy tờ số 2 “…”: <what is wrong>” (a view, a check, a backup's check)."""
    what = "kết quả" if a.slot is AttachmentSlot.RESULT else f"giấy tờ số {a.paper_no}"
    return f"Hồ sơ {a.dossier_code}, {what} “{a.paper_name}”: {error.message}"
