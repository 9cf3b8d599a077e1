"""Where the scans' contents are kept (issue 15): encrypted, addressed by SHA-256, kept once.

A *blob* is the bytes of one scan (a PDF). It is stored under its SHA-256, so the same content
attached twice (a paper reused for a second dossier) is kept once, and every read checks that the
bytes are still the ones attached: a missing or altered blob is a :class:`ScanError` naming it.

**Encryption.** The key is derived from the office's data key (:func:`attachment_key`, HKDF-SHA256
with ``info`` ``b"tthc-desk attachments v1"``): on a one-PC office the database's own key (the
one of the *Phiếu khóa khôi phục dữ liệu*), on a PostgreSQL office its backup key (kept in
``key_escrow``; ``db copy`` puts the one-PC key there, so the scans need no re-encryption when an
office moves to its server). The derived 64 bytes are two keys: one for AES-256-GCM, one naming
files. A stored blob (the *raw* form, the same in both stores, so a backup or a copy moves it as
it is) is::

    b"TDA1" | nonce (12) | AES-GCM(sha256 digest, aad=b"TDA1") (48) | nonce (12) | AES-GCM(data,
    aad=sha256 hex)

The first box lets a store list what it holds (:meth:`BlobStore.hashes`) without a database;
the second binds the content to its hash, so a blob moved under another name fails to open.

- :class:`FileBlobStore` (one PC): one file per blob under ``<data folder>/attachments/<2 hex>/``,
  named by HMAC(key, sha256) so the folder does not reveal which documents it holds; written to a
  temporary name, flushed, then renamed.
- :class:`DbBlobStore` (PostgreSQL offices): rows of ``blob_data``, which every counter reaches
  through the server.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from tthc_desk.db.engine import Database
from tthc_desk.db.models import BlobDataRecord
from tthc_desk.domain.errors import ScanError
from tthc_desk.durable import clean_leftovers, fsync_dir, fsync_file

log = logging.getLogger(__name__)

HKDF_INFO = b"tthc-desk attachments v1"
MAGIC = b"TDA1"
NONCE = 12
TAG = 16
#: The bytes before the content's box: magic, the hash's box, the content's nonce.
HEADER = len(MAGIC) + NONCE + 32 + TAG + NONCE
#: The folder of a data folder that holds a one-PC office's blobs.
FOLDER = "attachments"


def attachment_key(data_key: bytes) -> bytes:
    """The 64-byte attachment key derived from the office's data key (see the module)."""
    return HKDF(algorithm=crypto_hashes.SHA256(), length=64, salt=None, info=HKDF_INFO).derive(
        data_key
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short(sha256: str) -> str:
    """The start of a hash, as a message names a scan."""
    return sha256[:12]


class BlobStore(Protocol):
    """Blobs by SHA-256 (hex); every store of this module has these."""

    def put(self, data: bytes) -> str:
        """Keep ``data`` (once: an existing blob is left as it is); its SHA-256."""
        ...

    def get(self, sha256: str) -> bytes:
        """The content, decrypted and checked against its hash; ScanError if missing or
        damaged."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def hashes(self) -> Iterator[str]:
        """Every blob held, by SHA-256 (a damaged one is logged and left out)."""
        ...

    def raw(self, sha256: str) -> bytes:
        """The stored (encrypted) form, for a backup; ScanError if missing."""
        ...

    def put_raw(self, sha256: str, raw: bytes) -> None:
        """Keep a stored form taken from another store with the same key (a restore, a copy),
        after checking it opens to ``sha256``; ScanError if it does not."""
        ...

    def remove(self, sha256: str) -> None:
        """Forget a blob no attachment names any more (nothing if absent)."""
        ...

    def open_raw(self, sha256: str, raw: bytes) -> bytes:
        """The content of a stored form (this store's key), checked against ``sha256``;
        ScanError if it does not open to it."""
        ...


class _Cipher:
    """The encryption of blobs with one attachment key (see the module)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 64:
            raise ValueError("an attachment key is 64 bytes (attachment_key)")
        self._aead = AESGCM(key[:32])
        self._names = key[32:]

    def name(self, sha256: str) -> str:
        return hmac.new(self._names, sha256.encode("ascii"), hashlib.sha256).hexdigest()

    def seal(self, sha256: str, data: bytes) -> bytes:
        head, body = os.urandom(NONCE), os.urandom(NONCE)
        return b"".join(
            (
                MAGIC,
                head,
                self._aead.encrypt(head, bytes.fromhex(sha256), MAGIC),
                body,
                self._aead.encrypt(body, data, sha256.encode("ascii")),
            )
        )

    def hash_of(self, raw: bytes) -> str:
        """The SHA-256 a stored form says it holds; ValueError if it is not one of ours."""
        if len(raw) < HEADER or not raw.startswith(MAGIC):
            raise ValueError("not a stored blob")
        nonce, box = raw[len(MAGIC) : len(MAGIC) + NONCE], raw[len(MAGIC) + NONCE : HEADER - NONCE]
        try:
            digest = self._aead.decrypt(nonce, box, MAGIC)
        except InvalidTag as e:
            raise ValueError("hash box does not open") from e
        return digest.hex()

    def open(self, sha256: str, raw: bytes) -> bytes:
        """The content of ``raw`` if it opens and its hash is ``sha256``; ScanError if not."""
        try:
            if self.hash_of(raw) != sha256:
                raise ValueError("another blob")
            data = self._aead.decrypt(
                raw[HEADER - NONCE : HEADER], raw[HEADER:], sha256.encode("ascii")
            )
        except (ValueError, InvalidTag):
            raise damaged(sha256) from None
        if sha256_of(data) != sha256:
            raise damaged(sha256)
        return data


def damaged(sha256: str) -> ScanError:
    return ScanError(
        f"Bản số hóa {short(sha256)}… bị hỏng hoặc bị sửa ngoài phần mềm (nội dung không còn "
        "khớp mã băm SHA-256): hãy khôi phục từ bản sao lưu, hoặc quét lại giấy tờ đó."
    )


def missing(sha256: str) -> ScanError:
    return ScanError(
        f"Không tìm thấy bản số hóa {short(sha256)}… trong kho lưu (tệp bị xóa hoặc thư mục "
        "dữ liệu bị chép thiếu): hãy khôi phục từ bản sao lưu, hoặc quét lại giấy tờ đó."
    )


class FileBlobStore:
    """Blobs as files under ``root`` (a data folder's ``attachments`` folder)."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self._cipher = _Cipher(key)

    def path(self, sha256: str) -> Path:
        """The file of blob ``sha256`` (whether it exists or not)."""
        name = self._cipher.name(sha256)
        return self.root / name[:2] / name

    def put(self, data: bytes) -> str:
        sha256 = sha256_of(data)
        if not self.exists(sha256):
            self._write(self.path(sha256), self._cipher.seal(sha256, data))
        return sha256

    def get(self, sha256: str) -> bytes:
        return self._cipher.open(sha256, self.raw(sha256))

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def hashes(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                if path.name.startswith(".") or not path.is_file():
                    continue  # a temporary file of a write cut off
                try:
                    with path.open("rb") as f:
                        yield self._cipher.hash_of(f.read(HEADER))
                except (OSError, ValueError):
                    log.warning("Unreadable blob file %s", path)

    def raw(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise missing(sha256) from None

    def put_raw(self, sha256: str, raw: bytes) -> None:
        self._cipher.open(sha256, raw)
        if not self.exists(sha256):
            self._write(self.path(sha256), raw)

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def open_raw(self, sha256: str, raw: bytes) -> bytes:
        return self._cipher.open(sha256, raw)

    def unnamed(self, named: Collection[str], older_than: float) -> list[str]:
        """The blobs held whose hash is not in ``named`` and whose file was written more than
        ``older_than`` seconds ago (a content stored just before its attachment is recorded is
        younger than that)."""
        limit = time.time() - older_than
        found = []
        for sha256 in self.hashes():
            if sha256 in named:
                continue
            try:
                if self.path(sha256).stat().st_mtime < limit:
                    found.append(sha256)
            except OSError:
                continue
        return found

    def clean_leftovers(self) -> list[Path]:
        """Remove the temporary files of writes cut off by a kill or a power cut (their
        writer has ended, or they are an hour old: ``durable.clean_leftovers``)."""
        if not self.root.is_dir():
            return []
        return clean_leftovers(sorted(p for p in self.root.iterdir() if p.is_dir()))

    @staticmethod
    def _write(path: Path, raw: bytes) -> None:
        """Temporary name, flushed, renamed, folder flushed: whole or absent after a cut.
        The temporary name is ``durable``'s pattern (with this process's id), so the next
        start removes one a kill left (:meth:`clean_leftovers`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}-{uuid.uuid4().hex[:8]}.{os.getpid()}.part")
        try:
            tmp.write_bytes(raw)
            fsync_file(tmp)
            os.replace(tmp, path)
            fsync_dir(path.parent)
        finally:
            with suppress(FileNotFoundError):
                tmp.unlink()


class DbBlobStore:
    """Blobs as rows of ``blob_data`` in ``db`` (an office on PostgreSQL), one short
    transaction per call."""

    def __init__(self, db: Database, key: bytes) -> None:
        self._db = db
        self._cipher = _Cipher(key)

    def put(self, data: bytes) -> str:
        sha256 = sha256_of(data)
        if not self.exists(sha256):
            self._insert(sha256, self._cipher.seal(sha256, data))
        return sha256

    def get(self, sha256: str) -> bytes:
        return self._cipher.open(sha256, self.raw(sha256))

    def exists(self, sha256: str) -> bool:
        with self._db.session() as s:
            found = s.scalar(select(BlobDataRecord.sha256).where(BlobDataRecord.sha256 == sha256))
        return found is not None

    def hashes(self) -> Iterator[str]:
        with self._db.session() as s:
            found = list(s.scalars(select(BlobDataRecord.sha256).order_by(BlobDataRecord.sha256)))
        yield from found

    def raw(self, sha256: str) -> bytes:
        with self._db.session() as s:
            data = s.scalar(select(BlobDataRecord.data).where(BlobDataRecord.sha256 == sha256))
        if data is None:
            raise missing(sha256)
        return bytes(data)

    def put_raw(self, sha256: str, raw: bytes) -> None:
        self._cipher.open(sha256, raw)
        self._insert(sha256, raw)

    def remove(self, sha256: str) -> None:
        with self._db.session(write=True) as s:
            s.execute(delete(BlobDataRecord).where(BlobDataRecord.sha256 == sha256))

    def open_raw(self, sha256: str, raw: bytes) -> bytes:
        return self._cipher.open(sha256, raw)

    def _insert(self, sha256: str, raw: bytes) -> None:
        """Insert the row unless another counter stored the same content first."""
        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        statement = (
            dialect.insert(BlobDataRecord)
            .values(sha256=sha256, data=raw)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        with self._db.session(write=True) as s:
            s.execute(statement)


def transfer(source: BlobStore, target: BlobStore, sha256: str) -> int:
    """Blob ``sha256`` of ``source`` kept in ``target`` (a copy of the office, a restore): the
    stored form as it is when both have the same key, else the content re-encrypted with the
    target's; nothing when ``target`` holds it already. The content is checked against its hash
    either way (ScanError naming it if missing or damaged); returns the bytes read."""
    if target.exists(sha256):
        return 0
    raw = source.raw(sha256)
    try:
        target.put_raw(sha256, raw)
    except ScanError:  # another key (or damaged: then get says so)
        target.put(source.get(sha256))
    return len(raw)
