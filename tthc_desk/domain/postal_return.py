"""How the result reaches the applicant: at the counter, or by post to an address.

rules.md "Channels, postal service": the applicant may change the choice at intake or later,
until the result is returned. By post needs a procedure that allows it and a complete address;
the recipient defaults to the authorised person, else the applicant, the phone to theirs. Every
change is a ``return_changed`` step of the history with the old and the new values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tthc_desk.domain.dossier import (
    ReturnMethod,
    Status,
    normalise_phone,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, EventKind
from tthc_desk.domain.naming import name
from tthc_desk.domain.postal import PostalDossier
from tthc_desk.domain.text import (
    ADDRESS_MAX,
    ID_TEXT_MAX,
    NAME_MAX,
    REASON_MAX,
    collapse_spaces,
    nfc,
    text_problem,
)

#: Statuses in which the applicant may still change how the result reaches them.
CHANGEABLE = (Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.RESULT_READY)

RETURN_CHANGED = EventKind.RETURN_CHANGED.value


def parse_return_method(value: ReturnMethod | str) -> ReturnMethod:
    try:
        return ReturnMethod(value)
    except ValueError:
        raise ValidationError.for_field(
            "return_method",
            "Nơi nhận kết quả phải là “counter” (tại Bộ phận Một cửa) "
            "hoặc “postal” (qua bưu chính).",
        ) from None


@dataclass(frozen=True)
class ReturnContact:
    """Where and to whom the result goes (all empty but the method for the counter)."""

    method: ReturnMethod
    address: str = ""
    recipient: str = ""
    phone: str = ""

    @classmethod
    def of(cls, dossier: PostalDossier) -> ReturnContact:
        return cls(
            dossier.return_method,
            dossier.return_address,
            dossier.return_recipient,
            dossier.return_phone,
        )

    def columns(self) -> dict[str, str]:
        """The dossier's columns, as the history records them."""
        return {
            "return_method": self.method.value,
            "return_address": self.address,
            "return_recipient": self.recipient,
            "return_phone": self.phone,
        }


@dataclass(frozen=True)
class ReturnRequest:
    """What the clerk typed; blanks by post fall back to what the dossier already knows."""

    method: ReturnMethod
    recipient: str = ""
    address: str = ""
    phone: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ReturnChange:
    """An accepted change: the values before and after, and the note of the history step."""

    old: ReturnContact
    new: ReturnContact
    note: str

    def event(self, at: datetime, actor: str) -> DossierEvent:
        return DossierEvent(
            at,
            RETURN_CHANGED,
            actor,
            note=self.note,
            data={"old": self.old.columns(), "new": self.new.columns()},
        )


def check_request_text(request: ReturnRequest) -> None:
    """The text gate on what the clerk typed: one ValidationError naming each field."""
    problems = ProblemCollector()
    for field, label, value, limit in (
        ("return_recipient", "Người nhận kết quả", request.recipient, NAME_MAX),
        ("return_address", "Địa chỉ nhận kết quả", request.address, ADDRESS_MAX),
        ("return_phone", "Số điện thoại người nhận", request.phone, ID_TEXT_MAX),
        ("reason", "Lý do đổi nơi nhận kết quả", request.reason, REASON_MAX),
    ):
        if msg := text_problem(value, label, limit):
            problems.add(msg, field=field)
    problems.raise_if_any("Chưa đổi được nơi nhận kết quả: cần sửa các mục được đánh dấu.")


def requested_contact(dossier: PostalDossier, request: ReturnRequest) -> ReturnContact:
    """The contact ``request`` asks for, blanks filled from the dossier."""
    if request.method is not ReturnMethod.POSTAL:
        return ReturnContact(request.method)
    address = (
        collapse_spaces(request.address) or dossier.return_address or dossier.applicant_address
    )
    recipient = collapse_spaces(request.recipient) or dossier.recipient_name
    authorised_phone = dossier.authorised_phone if recipient == dossier.authorised_name else ""
    phone = (
        normalise_phone(nfc(request.phone))
        or dossier.return_phone
        or authorised_phone
        or dossier.applicant_phone
    )
    return ReturnContact(ReturnMethod.POSTAL, address, recipient, phone)


def contact_problems(contact: ReturnContact, postal_allowed: bool) -> ProblemCollector:
    """What is wrong with sending the result to ``contact`` (nothing for the counter)."""
    problems = ProblemCollector()
    if contact.method is not ReturnMethod.POSTAL:
        return problems
    if not postal_allowed:
        problems.add("Thủ tục này không cho phép trả kết quả qua bưu chính.", field="return_method")
    if msg := return_address_problem(contact.address):
        problems.add(msg, field="return_address")
    if msg := phone_problem(contact.phone):
        problems.add(msg, field="return_phone")
    if any(ch.isdigit() for ch in contact.recipient):
        problems.add("Họ tên người nhận không được chứa chữ số.", field="return_recipient")
    return problems


def plan_return_change(
    dossier: PostalDossier, request: ReturnRequest, postal_allowed: bool
) -> ReturnChange:
    """The change ``request`` makes to ``dossier``, or a ValidationError saying why not.

    ``postal_allowed``: the catalog lets the dossier's procedure return results by post.
    """
    check_request_text(request)
    if dossier.status not in CHANGEABLE:
        raise ValidationError.for_field(
            "return_method",
            f"Hồ sơ đang ở trạng thái “{name(dossier.status)}”: không đổi được nơi nhận kết quả.",
        )
    new = requested_contact(dossier, request)
    contact_problems(new, postal_allowed).raise_if_any(
        "Chưa đổi được nơi nhận kết quả: cần sửa các mục được đánh dấu."
    )
    old = ReturnContact.of(dossier)
    if new == old:
        raise ValidationError.for_field("return_method", "Không có thông tin nào thay đổi.")
    note = collapse_spaces(request.reason) or f"Nhận kết quả: {name(request.method).lower()}"
    return ReturnChange(old, new, note)


def ensure_after_last_step(moment: datetime, last: datetime | None) -> None:
    """A new step of the history may not come before the dossier's latest one (``last``)."""
    if last is not None and moment < last:
        raise ValidationError.for_field(
            "at",
            f"Thời điểm {moment:%H:%M %d/%m/%Y} trước bước gần nhất của hồ sơ "
            f"({last:%H:%M %d/%m/%Y}).",
        )
