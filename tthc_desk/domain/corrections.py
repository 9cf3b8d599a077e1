"""Correcting intake mistakes: which fields may change, how a new value is checked, what is kept.

Every correction keeps the old and the new value (as shown to people) with who, when and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from tthc_desk.domain import naming
from tthc_desk.domain.dossier import (
    Correction,
    ReturnMethod,
    email_problem,
    id_number_problem,
    normalise_phone,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.text import (
    ADDRESS_MAX,
    ID_TEXT_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    ascii_digits,
    collapse_spaces,
    nfc,
    text_problem,
)


class CorrectableField(StrEnum):
    """The intake details a correction may change; the value is the dossier's column."""

    APPLICANT_NAME = "applicant_name"
    APPLICANT_ID_NUMBER = "applicant_id_number"
    APPLICANT_BIRTH_DATE = "applicant_birth_date"
    APPLICANT_PHONE = "applicant_phone"
    APPLICANT_ADDRESS = "applicant_address"
    APPLICANT_EMAIL = "applicant_email"
    AUTHORISED_NAME = "authorised_name"
    AUTHORISED_ID_NUMBER = "authorised_id_number"
    RETURN_ADDRESS = "return_address"
    RETURN_RECIPIENT = "return_recipient"
    RETURN_PHONE = "return_phone"
    SETS_COUNT = "sets_count"
    FEE_AMOUNT = "fee_amount"
    NOTE = "note"


def check_request(changes: Mapping[str, object], reason: str) -> str:
    """The reason, cleaned; refused when it is empty or a field may not be corrected."""
    if problem := text_problem(reason, "Lý do sửa", REASON_MAX):
        raise ValidationError.for_field("reason", problem)
    reason = collapse_spaces(reason)
    if not reason:
        raise ValidationError.for_field("reason", "Sửa thông tin hồ sơ cần ghi rõ lý do.")
    unknown = set(changes) - set(CorrectableField)
    if unknown:
        raise ValidationError.for_field(
            "changes", f"Không sửa được mục: {', '.join(sorted(unknown))}."
        )
    return reason


# A cleaner turns what was typed into the value to store and a problem (None when fine); the
# value is _UNREADABLE when nothing can be stored.
_UNREADABLE = object()
_Cleaner = Callable[[str, Any, ReturnMethod], tuple[object, str | None]]


def clean_changes(changes: Mapping[str, Any], return_method: ReturnMethod) -> dict[str, Any]:
    """Each new value normalised as at intake; one ValidationError lists every problem.

    ``return_method`` is the dossier's: the postal address and recipient are required only when
    the result goes by post.
    """
    problems = ProblemCollector()
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(value, str) and (problem := _gate(name, value)):
            problems.add(problem, field=name)
            continue
        cleaner = _CLEANERS.get(name, _text)
        cleaned, problem = cleaner(name, value, return_method)
        if problem:
            problems.add(problem, field=name)
        if cleaned is not _UNREADABLE:
            out[name] = cleaned
    problems.raise_if_any("Chưa sửa được hồ sơ: cần sửa các mục được đánh dấu.")
    return out


# The text gate's length limit of each correctable text (see tthc_desk.domain.text).
_LIMITS: dict[str, int] = {
    "applicant_name": NAME_MAX,
    "authorised_name": NAME_MAX,
    "applicant_address": ADDRESS_MAX,
    "return_address": ADDRESS_MAX,
    "return_recipient": NAME_MAX,
    "applicant_email": SHORT_TEXT_MAX,
    "note": NOTE_MAX,
}


def _gate(name: str, value: str) -> str | None:
    label = naming.name(CorrectableField(name))
    limit = _LIMITS.get(name, ID_TEXT_MAX)
    return text_problem(value, label, limit, multiline=name == "note")


def _number(name: str, value: Any, _method: ReturnMethod) -> tuple[object, str | None]:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return _UNREADABLE, f"{naming.name(CorrectableField(name))} phải là số nguyên."
    if number < (1 if name == "sets_count" else 0):
        return number, f"{naming.name(CorrectableField(name))} không hợp lệ."
    return number, None


def _birth_date(_name: str, value: Any, _method: ReturnMethod) -> tuple[object, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, date):
        return value, None
    try:
        return datetime.strptime(nfc(str(value)), "%d/%m/%Y").date(), None
    except ValueError:
        return _UNREADABLE, "Ngày sinh cần dạng dd/mm/yyyy."


def _text(_name: str, value: Any, _method: ReturnMethod) -> tuple[object, str | None]:
    return collapse_spaces(str(value or "")), None


def _phone(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = normalise_phone(collapse_spaces(str(value or "")))
    return text, phone_problem(text)


def _id_number(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = ascii_digits(collapse_spaces(str(value or ""))).replace(" ", "")
    # The applicant's number is required; the authorised person's may be cleared.
    if text or name == "applicant_id_number":
        return text, id_number_problem(text)
    return text, None


def _email(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = collapse_spaces(str(value or "")).lower()
    return text, email_problem(text)


def _applicant_name(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = collapse_spaces(str(value or ""))
    return text, None if text else "Họ và tên không được để trống."


def _return_address(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = collapse_spaces(str(value or ""))
    return text, return_address_problem(text) if method is ReturnMethod.POSTAL else None


def _return_recipient(name: str, value: Any, method: ReturnMethod) -> tuple[object, str | None]:
    text = collapse_spaces(str(value or ""))
    if method is ReturnMethod.POSTAL and not text:
        return text, "Chưa nhập người nhận kết quả qua bưu chính."
    return text, None


_CLEANERS: dict[str, _Cleaner] = {
    "sets_count": _number,
    "fee_amount": _number,
    "applicant_birth_date": _birth_date,
    "applicant_phone": _phone,
    "return_phone": _phone,
    "applicant_id_number": _id_number,
    "authorised_id_number": _id_number,
    "applicant_email": _email,
    "applicant_name": _applicant_name,
    "return_address": _return_address,
    "return_recipient": _return_recipient,
}


def corrections_between(
    before: Mapping[str, object],
    cleaned: Mapping[str, object],
    at: datetime,
    by: str,
    reason: str,
) -> tuple[Correction, ...]:
    """One correction per field whose value really changes; refused when none does."""
    found = tuple(
        Correction(at, by, name, show(before[name]), show(new), reason)
        for name, new in cleaned.items()
        if before[name] != new
    )
    if not found:
        raise ValidationError.for_field("changes", "Không có thông tin nào thay đổi.")
    return found


def show(value: object) -> str:
    """A value as people read it in the correction history (dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
