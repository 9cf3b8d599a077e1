"""The recovery key: the database key (256 bits) written for people to copy by hand.

Printed on the *Phiếu khóa khôi phục dữ liệu* as 14 groups of 4 characters, e.g.
``7K3M-Q9XA-…``: 52 characters carry the 256 bits in base 32 (Crockford's alphabet: no I, L, O
or U, so nothing reads as another), the last 4 are a check on them, so a mistyped character is
caught and named instead of opening nothing. Reading forgives case, spaces, dashes, and O/I/L
typed for 0/1/1.
"""

from __future__ import annotations

import hashlib
import unicodedata

from tthc_desk.domain.errors import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY_BYTES = 32
DATA_CHARS = 52  # ceil(256 / 5)
CHECK_CHARS = 4
GROUP = 4
_SUBSTITUTES = {"O": "0", "I": "1", "L": "1", "U": "V"}


def _encode_bits(value: int, chars: int) -> str:
    out = []
    for _ in range(chars):
        out.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def _check(data: str) -> str:
    digest = int.from_bytes(hashlib.sha256(data.encode("ascii")).digest()[:3], "big")
    return _encode_bits(digest >> 4, CHECK_CHARS)


def format_key(key: bytes) -> str:
    """``key`` as groups of four characters joined by dashes."""
    if len(key) != KEY_BYTES:
        raise ValueError("a recovery key is 32 bytes")
    data = _encode_bits(int.from_bytes(key, "big") << 4, DATA_CHARS)  # 260 bits, 4 padding
    text = data + _check(data)
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def parse_key(text: str) -> bytes:
    """The key written as :func:`format_key` prints it; a Vietnamese ``ValidationError``
    saying what is wrong otherwise."""
    cleaned = "".join(
        _SUBSTITUTES.get(c, c)
        for c in unicodedata.normalize("NFC", text).upper()
        if not c.isspace() and c not in "-–."
    )
    wrong = sorted({c for c in cleaned if c not in ALPHABET})
    if wrong:
        raise ValidationError.for_field(
            "recovery_key",
            f"Khóa khôi phục có ký tự không hợp lệ: {', '.join(wrong)}. Khóa chỉ gồm chữ số và "
            "chữ cái in hoa, chia thành 14 nhóm 4 ký tự.",
        )
    expected = DATA_CHARS + CHECK_CHARS
    if len(cleaned) != expected:
        raise ValidationError.for_field(
            "recovery_key",
            f"Khóa khôi phục có {len(cleaned)} ký tự, cần đủ {expected} ký tự (14 nhóm 4 ký tự).",
        )
    data, check = cleaned[:DATA_CHARS], cleaned[DATA_CHARS:]
    if _check(data) != check:
        raise ValidationError.for_field(
            "recovery_key",
            "Khóa khôi phục bị gõ sai ở đâu đó (nhóm kiểm tra cuối không khớp): hãy so lại "
            "từng nhóm với Phiếu khóa khôi phục dữ liệu.",
        )
    value = 0
    for c in data:
        value = (value << 5) | ALPHABET.index(c)
    return (value >> 4).to_bytes(KEY_BYTES, "big")
