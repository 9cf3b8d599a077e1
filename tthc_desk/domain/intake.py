"""Intake at the counter: a draft normalised, checked against its procedure, then made a dossier.

rules.md "Intake": every text is NFC with single spaces, every problem is reported at once next to
its field, and the saved dossier keeps the procedure's details as they were on the day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from tthc_desk.domain.dossier import (
    Channel,
    DossierDraft,
    PaperItem,
    Person,
    ReturnMethod,
    email_problem,
    format_dossier_code,
    id_number_problem,
    normalise_phone,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.lifecycle import DossierEvent
from tthc_desk.domain.postal import normalise_waybill, waybill_problem
from tthc_desk.domain.procedure import Procedure
from tthc_desk.domain.search import build_search_text
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

# A receipt time this far behind the clock is a back-dated entry and needs a reason.
BACKDATE_TOLERANCE = timedelta(minutes=15)
# The counter PC's clock and the clerk's watch may differ a little.
FUTURE_TOLERANCE = timedelta(minutes=1)
# No commune office keeps dossiers from before this in the software: an earlier receipt moment is
# a typing mistake (1900 for 2000), and the calendar and deadline rules do not reach back further.
EARLIEST_RECEIVED = datetime(2000, 1, 1)


# -- normalising ------------------------------------------------------------------------------
def clean_person(p: Person) -> Person:
    """Single spaces, NFC; a name typed all in lower case gets capitals; phone digits only."""
    name = collapse_spaces(p.full_name)
    return Person(
        full_name=name.title() if p.full_name.islower() else name,
        id_number=ascii_digits(nfc(p.id_number)).replace(" ", ""),
        birth_date=p.birth_date,
        phone=normalise_phone(nfc(p.phone)),
        address=collapse_spaces(p.address),
        email=nfc(p.email).lower(),
    )


def normalise_draft(draft: DossierDraft) -> DossierDraft:
    """The draft as it will be checked and saved; normalising twice changes nothing more."""
    auth = draft.authorised
    has_authorised = auth is not None and bool(nfc(auth.full_name) or nfc(auth.id_number))
    return replace(
        draft,
        procedure_code=nfc(draft.procedure_code),
        applicant=clean_person(draft.applicant),
        authorised=clean_person(auth) if auth is not None and has_authorised else None,
        return_address=collapse_spaces(draft.return_address),
        papers=tuple(replace(p, name=collapse_spaces(p.name)) for p in draft.papers),
        note=nfc(draft.note),
        backdate_reason=collapse_spaces(draft.backdate_reason),
        due_override_reason=collapse_spaces(draft.due_override_reason),
        postal_reference=normalise_waybill(draft.postal_reference),
        return_recipient=collapse_spaces(draft.return_recipient),
        return_phone=normalise_phone(nfc(draft.return_phone)),
        received_at=draft.received_at.replace(second=0, microsecond=0)
        if draft.received_at
        else None,
    )


# -- checking ---------------------------------------------------------------------------------
def check_draft(
    draft: DossierDraft,
    procedure: Procedure | None,
    now: datetime,
    procedure_problem: str = "",
) -> None:
    """Raise one ValidationError listing every problem of a normalised draft.

    ``procedure`` is the catalog's entry for ``draft.procedure_code`` (None when there is none,
    and then ``procedure_problem`` says why).
    """
    problems = ProblemCollector()
    _text_problems(draft, problems)
    _procedure_problems(draft, procedure, procedure_problem, problems)
    _person_problems(draft.applicant, "applicant", problems, now)
    if draft.authorised is not None:
        _person_problems(draft.authorised, "authorised", problems, now)
    _return_problems(draft, procedure, problems)
    _channel_problems(draft, procedure, problems)
    _count_problems(draft, problems)
    _moment_problems(draft, now, problems)
    problems.raise_if_any("Chưa lưu được hồ sơ: cần sửa các mục được đánh dấu.")


def _text_problems(draft: DossierDraft, problems: ProblemCollector) -> None:
    """The text gate (:func:`text_problem`) on every text of the draft."""
    people = [("applicant", "người nộp", draft.applicant)]
    if draft.authorised is not None:
        people.append(("authorised", "người được ủy quyền", draft.authorised))
    fields: list[tuple[str, str, str, int]] = []
    for prefix, who, p in people:
        fields += [
            (f"{prefix}.full_name", f"Họ và tên {who}", p.full_name, NAME_MAX),
            (f"{prefix}.id_number", f"Số định danh {who}", p.id_number, ID_TEXT_MAX),
            (f"{prefix}.phone", f"Số điện thoại {who}", p.phone, ID_TEXT_MAX),
            (f"{prefix}.address", f"Địa chỉ {who}", p.address, ADDRESS_MAX),
            (f"{prefix}.email", f"Thư điện tử {who}", p.email, SHORT_TEXT_MAX),
        ]
    fields += [
        ("procedure", "Mã thủ tục", draft.procedure_code, ID_TEXT_MAX),
        ("return_address", "Địa chỉ nhận kết quả", draft.return_address, ADDRESS_MAX),
        ("return_recipient", "Người nhận kết quả", draft.return_recipient, NAME_MAX),
        ("return_phone", "Số điện thoại người nhận", draft.return_phone, ID_TEXT_MAX),
        ("postal_reference", "Số hiệu bưu gửi", draft.postal_reference, ID_TEXT_MAX),
        ("backdate_reason", "Lý do nhập lùi", draft.backdate_reason, REASON_MAX),
        ("due_override_reason", "Lý do sửa ngày hẹn", draft.due_override_reason, REASON_MAX),
    ]
    fields += [
        ("papers", f"Tên giấy tờ thứ {i}", paper.name, SHORT_TEXT_MAX)
        for i, paper in enumerate(draft.papers, start=1)
    ]
    for field, label, value, limit in fields:
        if msg := text_problem(value, label, limit):
            problems.add(msg, field=field)
    if msg := text_problem(draft.note, "Ghi chú", NOTE_MAX, multiline=True):
        problems.add(msg, field="note")


def _procedure_problems(
    draft: DossierDraft, procedure: Procedure | None, lookup: str, problems: ProblemCollector
) -> None:
    if not draft.procedure_code:
        problems.add("Chưa chọn thủ tục hành chính.", field="procedure")
    elif lookup:
        problems.add(lookup, field="procedure")
    if procedure is not None and not procedure.active:
        problems.add("Thủ tục này đã ngừng áp dụng.", field="procedure")


def _person_problems(p: Person, prefix: str, problems: ProblemCollector, now: datetime) -> None:
    if not p.full_name:
        problems.add("Chưa nhập họ và tên.", field=f"{prefix}.full_name")
    elif any(ch.isdigit() for ch in p.full_name):
        problems.add("Họ và tên không được chứa chữ số.", field=f"{prefix}.full_name")
    if msg := id_number_problem(p.id_number):
        problems.add(msg, field=f"{prefix}.id_number")
    if msg := phone_problem(p.phone):
        problems.add(msg, field=f"{prefix}.phone")
    if msg := email_problem(p.email):
        problems.add(msg, field=f"{prefix}.email")
    if p.birth_date and (p.birth_date > now.date() or p.birth_date.year < 1900):
        problems.add("Ngày sinh không hợp lệ.", field=f"{prefix}.birth_date")


def _return_problems(
    draft: DossierDraft, procedure: Procedure | None, problems: ProblemCollector
) -> None:
    if draft.return_method is not ReturnMethod.POSTAL:
        return
    if msg := return_address_problem(draft.return_address):
        problems.add(msg, field="return_address")
    if msg := phone_problem(draft.return_phone):
        problems.add(msg, field="return_phone")
    if procedure is not None and not procedure.postal_return:
        problems.add("Thủ tục này không cho phép trả kết quả qua bưu chính.", field="return_method")


def _channel_problems(
    draft: DossierDraft, procedure: Procedure | None, problems: ProblemCollector
) -> None:
    # rules.md "Postal intake": the procedure must be offered by post. The catalog has one
    # flag for the postal service, so it governs sending the dossier as well as the result.
    if draft.channel is Channel.POSTAL:
        if procedure is not None and not procedure.postal_return:
            problems.add(
                "Thủ tục này không cung cấp dịch vụ bưu chính công ích: "
                "không tiếp nhận hồ sơ qua bưu chính.",
                field="channel",
            )
        if not draft.postal_reference:
            problems.add(
                "Hồ sơ nhận qua bưu chính cần số hiệu bưu gửi (ghi trên phiếu gửi của bưu điện).",
                field="postal_reference",
            )
        elif msg := waybill_problem(draft.postal_reference):
            problems.add(msg, field="postal_reference")
    elif draft.postal_reference:
        problems.add(
            "Chỉ ghi số hiệu bưu gửi khi hồ sơ được tiếp nhận qua bưu chính.",
            field="postal_reference",
        )
    if draft.channel is Channel.ONLINE and procedure is not None and not procedure.online:
        problems.add("Thủ tục này chưa cung cấp dịch vụ công trực tuyến.", field="channel")


def _count_problems(draft: DossierDraft, problems: ProblemCollector) -> None:
    if not 1 <= draft.sets_count <= 99:
        problems.add("Số bộ hồ sơ phải từ 1 đến 99.", field="sets_count")
    if draft.fee_amount is not None and draft.fee_amount < 0:
        problems.add("Phí, lệ phí không được âm.", field="fee_amount")
    for i, paper in enumerate(draft.papers, start=1):
        if not paper.name:
            problems.add(f"Giấy tờ thứ {i} chưa có tên.", field="papers")
        if paper.count < 1:
            problems.add(f"Số lượng của “{paper.name or i}” phải từ 1 trở lên.", field="papers")


def _moment_problems(draft: DossierDraft, now: datetime, problems: ProblemCollector) -> None:
    received = draft.received_at
    if received is not None:
        if received < EARLIEST_RECEIVED:
            problems.add(
                f"Thời điểm tiếp nhận {received:%H:%M %d/%m/%Y} quá xa trong quá khứ "
                f"(không trước ngày {EARLIEST_RECEIVED:%d/%m/%Y}).",
                field="received_at",
            )
        elif received > now + FUTURE_TOLERANCE:
            problems.add(
                f"Thời điểm tiếp nhận {received:%H:%M %d/%m/%Y} ở tương lai "
                f"(bây giờ là {now:%H:%M %d/%m/%Y}).",
                field="received_at",
            )
        elif received < now - BACKDATE_TOLERANCE and not draft.backdate_reason:
            problems.add(
                "Nhập lùi thời điểm tiếp nhận cần ghi rõ lý do "
                "(ví dụ: vào sổ giấy trước, nhập máy sau).",
                field="backdate_reason",
            )
    if draft.due_override is not None:
        if not draft.due_override_reason:
            problems.add("Sửa ngày hẹn trả cần ghi rõ lý do.", field="due_override_reason")
        if draft.due_override <= (received or now):
            problems.add("Ngày hẹn trả phải sau thời điểm tiếp nhận.", field="due_override")


# -- the dossier to save ----------------------------------------------------------------------
def postal_recipient(draft: DossierDraft) -> tuple[str, str]:
    """Who receives a result sent by post, and their phone: as entered, else the authorised
    person (with their phone when known), else the applicant."""
    auth = draft.authorised
    if draft.return_recipient:
        return draft.return_recipient, draft.return_phone or draft.applicant.phone
    if auth is not None and auth.full_name:
        return auth.full_name, draft.return_phone or auth.phone or draft.applicant.phone
    return draft.applicant.full_name, draft.return_phone or draft.applicant.phone


def code_counter(agency_id: str, received_at: datetime) -> str:
    """The counter numbering an agency's dossiers of one day (the code's last part)."""
    return f"code:{agency_id}:{received_at:%y%m%d}"


def ledger_book(received_at: datetime) -> str:
    """The receipt ledger (sổ theo dõi) runs over a calendar year."""
    return str(received_at.year)


def ledger_counter(book: str) -> str:
    return f"ledger:{book}"


@dataclass(frozen=True)
class IntakeContext:
    """What intake takes from outside the draft: the office, the clerk, the clock, the due date."""

    agency_id: str
    office_name: str
    clerk: str
    now: datetime
    received_at: datetime
    computed_due_at: datetime


@dataclass(frozen=True)
class NewDossier:
    """A checked intake, numbered and ready to store; procedure details as on the day."""

    code: str
    agency_id: str
    ledger_book: str
    ledger_number: int
    procedure: Procedure
    applicant: Person
    authorised: Person | None
    channel: Channel
    return_method: ReturnMethod
    return_address: str
    postal_reference: str
    return_recipient: str
    return_phone: str
    papers: tuple[PaperItem, ...]
    sets_count: int
    fee_amount: int
    note: str
    received_at: datetime
    due_at: datetime
    computed_due_at: datetime
    current_unit: str
    due_override_reason: str
    backdate_reason: str
    clerk_name: str
    created_at: datetime

    @property
    def search_text(self) -> str:
        return build_search_text(
            code=self.code,
            name=self.applicant.full_name,
            id_number=self.applicant.id_number,
            phone=self.applicant.phone,
            procedure_code=self.procedure.code,
            procedure_name=self.procedure.name,
            authorised_name=self.authorised.full_name if self.authorised else "",
        )


def new_dossier(
    draft: DossierDraft,
    procedure: Procedure,
    ctx: IntakeContext,
    sequence: int,
    ledger_number: int,
) -> NewDossier:
    """The dossier a checked draft becomes, with its sequence of the day and ledger number.

    Left empty, the checklist is the procedure's papers (all provided) and the fee its fees.
    """
    received_at = ctx.received_at
    due_at = draft.due_override or ctx.computed_due_at
    postal_return = draft.return_method is ReturnMethod.POSTAL
    recipient, recipient_phone = postal_recipient(draft) if postal_return else ("", "")
    papers = draft.papers or tuple(
        PaperItem(p.name, p.kind, p.count, True) for p in procedure.papers
    )
    return NewDossier(
        code=format_dossier_code(ctx.agency_id, received_at.date(), sequence),
        agency_id=ctx.agency_id,
        ledger_book=ledger_book(received_at),
        ledger_number=ledger_number,
        procedure=procedure,
        applicant=draft.applicant,
        authorised=draft.authorised,
        channel=draft.channel,
        return_method=draft.return_method,
        return_address=draft.return_address if postal_return else "",
        postal_reference=draft.postal_reference,
        return_recipient=recipient,
        return_phone=recipient_phone,
        papers=papers,
        sets_count=draft.sets_count,
        fee_amount=draft.fee_amount if draft.fee_amount is not None else procedure.total_fee,
        note=draft.note,
        received_at=received_at,
        due_at=due_at,
        computed_due_at=ctx.computed_due_at,
        current_unit=ctx.office_name,
        due_override_reason=draft.due_override_reason if draft.due_override else "",
        backdate_reason=draft.backdate_reason,
        clerk_name=ctx.clerk,
        created_at=ctx.now,
    )


def received_event(new: NewDossier) -> DossierEvent:
    """The first step of the history: from the applicant to the one-stop office."""
    data: dict[str, Any] = {
        "channel": new.channel.value,
        "return_method": new.return_method.value,
    }
    if new.postal_reference:
        data["postal_reference"] = new.postal_reference
    return DossierEvent(
        at=new.received_at,
        kind="received",
        actor=new.clerk_name,
        from_unit=new.applicant.full_name,
        to_unit=new.current_unit,
        note=f"Nhập lùi: {new.backdate_reason}" if new.backdate_reason else "",
        data=data,
    )
