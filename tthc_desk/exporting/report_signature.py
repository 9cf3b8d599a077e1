"""Signed report workbooks: the office's Ed25519 signature over what the workbook says.

The unkeyed checksum in ``Thông tin`` only catches a typo: whoever edits a figure can recompute
it. The signature can only be made with the office's private key (kept in the keyring of the
office's PC, :mod:`tthc_desk.services.report_keys`); the province checks it with the public key
the office registered with it (a short text file, :func:`public_key_text`).

What is signed is :func:`canonical_payload`, computed from the *written* workbook, so the writer
and the province's check read it the same way: every sheet in order, each non-empty row as its
row number and its cell values (text NFC, numbers as numbers, moments ISO, formulas as their
text), and every ``Thông tin`` row but the signature itself (the office, the period, the signer's
office and key fingerprint are all signed). Formats, widths and styles are not signed. The
writer gets the same bytes from the workbook still in memory (:func:`written_payload`, each cell
as openpyxl writes and reads it back), saving and reading it only when a cell holds a value whose
read-back it does not follow.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tthc_desk.domain.text import nfc

INFO = "Thông tin"  # as report_xlsx.INFO (not imported: report_xlsx imports this module)
SIGNATURE_KEY = "signature"
SIGNER_OFFICE_KEY = "signer_office_id"
SIGNER_KEY_KEY = "signer_key"
ALGORITHM = "ed25519"
KEY_FILE_HEADER = "TTHC Desk – khóa công khai ký báo cáo"
KEY_FILE_SUFFIX = ".txt"
_DOMAIN = b"tthc-desk report v1\n"  # a signature over a report is never valid for anything else


#: Where ``Thông tin`` keeps its machine-readable key and value (0-based columns): since
#: format 2 in hidden columns C and D, beside the Vietnamese label and value people read in A
#: and B; format 1 had the key in A and the value in B. The header row tells them apart.
INFO_KEY_HEADER = "key"


def info_columns(header: Sequence[object]) -> tuple[int, int]:
    """(key column, value column) of a ``Thông tin`` sheet, from its header row."""
    cells = [str(c) if c is not None else "" for c in header]
    if cells and cells[0] == INFO_KEY_HEADER:
        return 0, 1  # format 1
    if INFO_KEY_HEADER in cells:
        at = cells.index(INFO_KEY_HEADER)
        return at, at + 1
    return 0, 1


def info_entry(row: Sequence[object], columns: tuple[int, int]) -> tuple[object, object]:
    """The (key, value) of one ``Thông tin`` row (None where the row is too short)."""
    key, value = columns
    return (row[key] if len(row) > key else None, row[value] if len(row) > value else None)


class SignatureProblem(Exception):
    """A key file or a signature that cannot be used, with the reason in Vietnamese."""


def fingerprint(public: bytes) -> str:
    """The key's short name: the first 16 bytes of its SHA-256, in hex groups of four."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class ReportSigner:
    """The office's private key, and the office it signs for."""

    office_id: str
    private: bytes  # 32 bytes

    @property
    def public(self) -> bytes:
        key = Ed25519PrivateKey.from_private_bytes(self.private)
        return key.public_key().public_bytes_raw()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, payload: bytes) -> str:
        key = Ed25519PrivateKey.from_private_bytes(self.private)
        raw = key.sign(_DOMAIN + payload)
        # The algorithm first: the cell never starts like a formula (= + - @), whatever the bytes.
        return f"{ALGORITHM}:{base64.b64encode(raw).decode('ascii')}"

    def __repr__(self) -> str:  # the private key never reaches a log line
        return f"ReportSigner({self.office_id!r}, {self.fingerprint})"


@dataclass(frozen=True)
class PublicKey:
    """A commune's registered public key."""

    office_id: str
    office_name: str
    key: bytes  # 32 bytes
    source: str = ""  # the file it was read from

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)

    def verifies(self, payload: bytes, signature: str) -> bool:
        algorithm, _, text = signature.partition(":")
        if algorithm != ALGORITHM:
            return False
        try:
            raw = base64.b64decode(text, validate=True)
            Ed25519PublicKey.from_public_bytes(self.key).verify(raw, _DOMAIN + payload)
        except (binascii.Error, ValueError, InvalidSignature):
            return False
        return True


# -- the public key file --------------------------------------------------------------------------


def public_key_text(office_id: str, office_name: str, public: bytes) -> str:
    """The file an office gives the province: a header line, then ``key: value`` lines."""
    lines = [
        KEY_FILE_HEADER,
        f"office_id: {nfc(office_id)}",
        f"office_name: {nfc(office_name)}",
        f"algorithm: {ALGORITHM}",
        f"public_key: {base64.b64encode(public).decode('ascii')}",
        f"fingerprint: {fingerprint(public)}",
    ]
    return "\n".join(lines) + "\n"


def read_public_key(path: Path) -> PublicKey:
    """Read one key file; raises SignatureProblem saying what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SignatureProblem(
            f"không đọc được tệp khóa “{path.name}” ({exc.__class__.__name__})"
        ) from None
    lines = [nfc(line.strip()) for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != KEY_FILE_HEADER:
        raise SignatureProblem(f"tệp “{path.name}” không phải tệp khóa công khai của TTHC Desk")
    values = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    values = {k.strip(): v.strip() for k, v in values.items()}
    if values.get("algorithm") != ALGORITHM or not values.get("office_id"):
        raise SignatureProblem(f"tệp khóa “{path.name}” thiếu mã cơ quan hoặc sai loại khóa")
    try:
        key = base64.b64decode(values.get("public_key", ""), validate=True)
        Ed25519PublicKey.from_public_bytes(key)
    except (binascii.Error, ValueError):
        raise SignatureProblem(f"khóa trong tệp “{path.name}” không hợp lệ") from None
    if values.get("fingerprint") and values["fingerprint"] != fingerprint(key):
        raise SignatureProblem(f"dấu vân tay trong tệp khóa “{path.name}” không khớp khóa")
    return PublicKey(values["office_id"], values.get("office_name", ""), key, str(path))


@dataclass(frozen=True)
class KeyRing:
    """The communes' registered public keys (a folder of key files), by fingerprint."""

    keys: dict[str, PublicKey]

    @classmethod
    def from_folder(cls, folder: Path) -> KeyRing:
        """Every ``*.txt`` key file in ``folder``; a bad file or two keys of one fingerprint
        for different offices is an error (the folder is the province's register)."""
        keys: dict[str, PublicKey] = {}
        for path in sorted(folder.glob(f"*{KEY_FILE_SUFFIX}")):
            key = read_public_key(path)
            known = keys.get(key.fingerprint)
            if known is not None and known.office_id != key.office_id:
                raise SignatureProblem(
                    f"cùng một khóa được đăng ký cho hai cơ quan {known.office_id} và "
                    f"{key.office_id} (tệp “{path.name}”)"
                )
            keys[key.fingerprint] = key
        if not keys:
            raise SignatureProblem(f"thư mục khóa “{folder}” không có tệp khóa công khai nào")
        return cls(keys)

    def offices(self) -> set[str]:
        return {k.office_id for k in self.keys.values()}


# -- what is signed -------------------------------------------------------------------------------


def _value(v: Any) -> Any:
    if v is None or isinstance(v, bool | int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else repr(v)
    if isinstance(v, str):
        return nfc(v)
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    if isinstance(v, timedelta):
        return v.total_seconds()
    return nfc(str(v))


def canonical_payload(source: str | os.PathLike[str] | bytes) -> bytes:
    """The bytes the signature covers (see the module's docstring); raises SignatureProblem
    when the workbook cannot be read."""
    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
        from openpyxl import load_workbook  # (not at start-up: ~0.1 s)

        wb = load_workbook(data, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SignatureProblem(
            f"không mở được tệp ({exc.__class__.__name__}): không phải bảng tính .xlsx hợp lệ"
        ) from None
    try:
        sheets = ((ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets)
        return _payload(sheets)
    finally:
        wb.close()


def written_payload(wb: Any) -> bytes | None:
    """:func:`canonical_payload` of the workbook ``wb`` (openpyxl, in memory) as it will read
    back once saved, without saving and reading it: each cell's value as openpyxl writes and
    reads it (an empty text is no value, a number goes through its 16-digit text, a date with a
    date format comes back a midnight moment). None when a cell holds what this does not
    follow exactly (a moment finer than a second or before 1901, a date without a date format,
    a duration, anything but a plain value): the caller saves and reads the workbook then."""
    try:
        sheets = [
            (ws.title, [tuple(_as_read(c) for c in row) for row in ws.iter_rows()])
            for ws in wb.worksheets
        ]
    except _NotFollowed:
        return None
    return _payload(sheets)


class _NotFollowed(Exception):
    """A cell whose read-back value :func:`written_payload` does not follow."""


def _as_read(cell: Any) -> Any:
    """The value openpyxl reads back from a saved ``cell`` (see :func:`written_payload`)."""
    v = cell.value
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v or None  # "" is written as an empty cell
    if isinstance(v, int | float):
        text = f"{v:.16g}"  # openpyxl's number text; its reader's int or float of it
        return float(text) if any(c in text for c in ".Ee") else int(text)
    return _moment_as_read(v, cell.number_format)


def _moment_as_read(v: Any, number_format: str) -> Any:
    """A date, time or moment as read back: with a date format, to the second, from 1901."""
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format

    shown_as_date = is_date_format(number_format)  # else read back as a number
    if not shown_as_date or is_timedelta_format(number_format) or isinstance(v, timedelta):
        raise _NotFollowed
    if isinstance(v, time) and not v.microsecond:
        return v
    if isinstance(v, datetime):
        if v.microsecond or v.year <= 1900:
            raise _NotFollowed
        return v
    if isinstance(v, date) and v.year > 1900:
        return datetime.combine(v, time.min)
    raise _NotFollowed


def _payload(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    out: list[Any] = []
    for title, cells in sheets:
        rows: list[Any] = []
        columns = (0, 1)
        for number, row in enumerate(cells, start=1):
            values = [_value(v) for v in row]
            if title == INFO and number == 1:
                columns = info_columns(values)
            if title == INFO and info_entry(values, columns)[0] == SIGNATURE_KEY:
                continue
            while values and values[-1] is None:
                values.pop()
            if values:
                rows.append([number, values])
        out.append([nfc(title), rows])
    text = json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def signature_fields(source: str | os.PathLike[str] | bytes) -> dict[str, str]:
    """The signature rows of ``Thông tin`` (empty values when the workbook is unsigned)."""
    data = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
    try:
        from openpyxl import load_workbook

        wb = load_workbook(data, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return {}
    try:
        if INFO not in wb.sheetnames:
            return {}
        wanted = (SIGNATURE_KEY, SIGNER_OFFICE_KEY, SIGNER_KEY_KEY, "office_id")
        found: dict[str, str] = {}
        ws = wb[INFO]
        reset = getattr(ws, "reset_dimensions", None)
        if reset is not None:  # every row, whatever the declared <dimension> says
            reset()
        columns = (0, 1)
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number == 1:
                columns = info_columns(row)
                continue
            key, value = info_entry(row, columns)
            if key in wanted:
                found[str(key)] = nfc(str(value or ""))
        return found
    finally:
        wb.close()


@dataclass(frozen=True)
class Verdict:
    """What the signature check says about one workbook: ``kind`` is ``ok``, ``unsigned``,
    ``forged`` or ``unknown``; ``why`` says it in Vietnamese."""

    kind: str
    why: str = ""
    key: PublicKey | None = None


def verify_workbook(path: str | os.PathLike[str], ring: KeyRing) -> Verdict:
    """Check the signature of a workbook against the registered keys."""
    fields = signature_fields(path)
    signature = fields.get(SIGNATURE_KEY, "")
    if not signature:
        return Verdict("unsigned", "báo cáo chưa được ký (không có chữ ký số của xã)")
    key = ring.keys.get(fields.get(SIGNER_KEY_KEY, ""))
    if key is None:
        office = fields.get("office_id", "")
        registered = office in ring.offices()
        return Verdict(
            "unknown",
            f"ký bằng khóa {fields.get(SIGNER_KEY_KEY) or '(không ghi)'} chưa đăng ký"
            + (f" (khóa đã đăng ký của {office} khác khóa này)" if registered else "")
            + (f" cho {office}" if office and not registered else ""),
        )
    try:
        payload = canonical_payload(path)
    except SignatureProblem as exc:
        return Verdict("forged", str(exc), key)
    if not key.verifies(payload, signature):
        return Verdict(
            "forged",
            "chữ ký số không khớp nội dung (tệp đã bị sửa sau khi ký, hoặc chữ ký giả)",
            key,
        )
    for name in ("office_id", SIGNER_OFFICE_KEY):
        if fields.get(name, "") != key.office_id:
            return Verdict(
                "forged",
                f"mã cơ quan trong báo cáo ({fields.get(name) or 'trống'}) khác cơ quan của "
                f"khóa đã ký ({key.office_id})",
                key,
            )
    return Verdict("ok", key=key)
