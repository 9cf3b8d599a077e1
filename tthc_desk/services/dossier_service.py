"""Receiving dossiers at the counter: validation, due date, code and ledger number, search.

Every public method takes and returns plain frozen dataclasses; a write is one transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tthc_desk.db.engine import Database
from tthc_desk.db.models import (
    ApplicantRecord,
    DossierCorrectionRecord,
    DossierEventRecord,
    DossierPaperRecord,
    DossierRecord,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.dossier import (
    Channel,
    Dossier,
    DossierDraft,
    DossierRow,
    PaperItem,
    Person,
    ReturnMethod,
    Status,
    email_problem,
    format_dossier_code,
    id_number_problem,
    normalise_phone,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import NotFoundError, ProblemCollector, ValidationError
from tthc_desk.domain.postal import normalise_waybill, waybill_problem
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.counters import next_value
from tthc_desk.services.dossier_search import (
    DossierQuery,
    DossierSearch,
    build_search_text,
)
from tthc_desk.services.settings_service import SettingsService

# A receipt time this far behind the clock is a back-dated entry and needs a reason.
BACKDATE_TOLERANCE = timedelta(minutes=15)
# The counter PC's clock and the clerk's watch may differ a little.
FUTURE_TOLERANCE = timedelta(minutes=1)

CORRECTABLE_FIELDS: dict[str, str] = {
    "applicant_name": "Họ tên người nộp",
    "applicant_id_number": "Số định danh cá nhân",
    "applicant_birth_date": "Ngày sinh",
    "applicant_phone": "Số điện thoại",
    "applicant_address": "Địa chỉ",
    "applicant_email": "Email",
    "authorised_name": "Người được ủy quyền",
    "authorised_id_number": "Số định danh người được ủy quyền",
    "return_address": "Địa chỉ nhận kết quả",
    "return_recipient": "Người nhận kết quả qua bưu chính",
    "return_phone": "Điện thoại người nhận kết quả",
    "sets_count": "Số bộ hồ sơ",
    "fee_amount": "Phí, lệ phí",
    "note": "Ghi chú",
}


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


def postal_recipient(draft: DossierDraft) -> tuple[str, str]:
    """Who receives a result sent by post, and their phone: as entered, else the authorised
    person (with their phone when known), else the applicant."""
    auth = draft.authorised
    if draft.return_recipient:
        return draft.return_recipient, draft.return_phone or draft.applicant.phone
    if auth is not None and auth.full_name:
        return auth.full_name, draft.return_phone or auth.phone or draft.applicant.phone
    return draft.applicant.full_name, draft.return_phone or draft.applicant.phone


def _clean_person(p: Person) -> Person:
    return Person(
        full_name=collapse_spaces(p.full_name).title()
        if p.full_name.islower()
        else collapse_spaces(p.full_name),
        id_number=nfc(p.id_number).replace(" ", ""),
        birth_date=p.birth_date,
        phone=normalise_phone(nfc(p.phone)),
        address=collapse_spaces(p.address),
        email=nfc(p.email).lower(),
    )


class DossierService:
    def __init__(
        self,
        db: Database,
        catalog: CatalogService,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._catalog = catalog
        self._calendar = calendar
        self._settings = settings
        self._clock = clock
        self._search = DossierSearch(db)

    # -- due dates ----------------------------------------------------------------------------
    def due_for(self, duration: Duration, received_at: datetime) -> datetime:
        year = received_at.year
        self._calendar.ensure_years(
            range(year - 1, year + 3 if duration.unit is DurationUnit.MONTHS else year + 2)
        )
        cal = self._calendar.calendar()
        return compute_due(received_at, duration, cal, self._settings.hours().same_day_cutoff)

    def preview_due(self, procedure_code: str, received_at: datetime | None = None) -> datetime:
        procedure = self._catalog.get(procedure_code)
        return self.due_for(procedure.duration, received_at or self._clock.now())

    def start_moment(self, received_at: datetime) -> datetime:
        return self._calendar.calendar().start_moment(received_at)

    # -- validation ---------------------------------------------------------------------------
    def normalise(self, draft: DossierDraft) -> DossierDraft:
        return replace(
            draft,
            procedure_code=nfc(draft.procedure_code),
            applicant=_clean_person(draft.applicant),
            authorised=_clean_person(draft.authorised)
            if draft.authorised
            and (nfc(draft.authorised.full_name) or nfc(draft.authorised.id_number))
            else None,
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

    def validate(self, draft: DossierDraft) -> tuple[DossierDraft, Procedure | None]:
        """Normalise and check every field; raise one ValidationError listing every problem."""
        draft = self.normalise(draft)
        now = self._clock.now()
        problems = ProblemCollector()
        procedure: Procedure | None = None
        if not draft.procedure_code:
            problems.add("Chưa chọn thủ tục hành chính.", field="procedure")
        else:
            try:
                procedure = self._catalog.get(draft.procedure_code)
            except NotFoundError as e:
                problems.add(e.message, field="procedure")
        if procedure is not None and not procedure.active:
            problems.add("Thủ tục này đã ngừng áp dụng.", field="procedure")
        _person_problems(draft.applicant, "applicant", problems, now)
        if draft.authorised is not None:
            _person_problems(draft.authorised, "authorised", problems, now)
        if draft.return_method is ReturnMethod.POSTAL:
            if msg := return_address_problem(draft.return_address):
                problems.add(msg, field="return_address")
            if msg := phone_problem(draft.return_phone):
                problems.add(msg, field="return_phone")
            if procedure is not None and not procedure.postal_return:
                problems.add(
                    "Thủ tục này không cho phép trả kết quả qua bưu chính.", field="return_method"
                )
        # rules.md "Postal intake": the procedure must be offered by post. The catalog has one
        # flag for the postal service, so it governs sending the dossier as well as the result.
        if draft.channel is Channel.POSTAL:
            if procedure is not None and not procedure.postal_return:
                problems.add(
                    "Thủ tục này không cung cấp dịch vụ bưu chính công ích: không tiếp nhận hồ sơ qua bưu chính.",
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
        if not 1 <= draft.sets_count <= 99:
            problems.add("Số bộ hồ sơ phải từ 1 đến 99.", field="sets_count")
        if draft.fee_amount is not None and draft.fee_amount < 0:
            problems.add("Phí, lệ phí không được âm.", field="fee_amount")
        for i, paper in enumerate(draft.papers, start=1):
            if not paper.name:
                problems.add(f"Giấy tờ thứ {i} chưa có tên.", field="papers")
            if paper.count < 1:
                problems.add(f"Số lượng của “{paper.name or i}” phải từ 1 trở lên.", field="papers")
        if draft.received_at is not None:
            if draft.received_at > now + FUTURE_TOLERANCE:
                problems.add(
                    f"Thời điểm tiếp nhận {draft.received_at:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}).",
                    field="received_at",
                )
            elif draft.received_at < now - BACKDATE_TOLERANCE and not draft.backdate_reason:
                problems.add(
                    "Nhập lùi thời điểm tiếp nhận cần ghi rõ lý do (ví dụ: vào sổ giấy trước, nhập máy sau).",
                    field="backdate_reason",
                )
        if draft.due_override is not None:
            if not draft.due_override_reason:
                problems.add("Sửa ngày hẹn trả cần ghi rõ lý do.", field="due_override_reason")
            if draft.due_override <= (draft.received_at or now):
                problems.add("Ngày hẹn trả phải sau thời điểm tiếp nhận.", field="due_override")
        problems.raise_if_any("Chưa lưu được hồ sơ: cần sửa các mục được đánh dấu.")
        return draft, procedure

    # -- receiving ----------------------------------------------------------------------------
    def receive(self, draft: DossierDraft, clerk_name: str | None = None) -> Dossier:
        draft, procedure = self.validate(draft)
        assert procedure is not None and procedure.id is not None
        now = self._clock.now()
        received_at = draft.received_at or now
        computed_due = self.due_for(procedure.duration, received_at)
        due_at = draft.due_override or computed_due
        office = self._settings.office()
        clerk = clerk_name if clerk_name is not None else self._settings.current_clerk()
        papers = draft.papers or tuple(
            PaperItem(p.name, p.kind, p.count, True) for p in procedure.papers
        )
        fee = draft.fee_amount if draft.fee_amount is not None else procedure.total_fee
        a = draft.applicant
        book = str(received_at.year)
        postal_return = draft.return_method is ReturnMethod.POSTAL
        recipient, recipient_phone = postal_recipient(draft) if postal_return else ("", "")
        with self._db.session(write=True) as s:
            seq = next_value(s, f"code:{office.agency_id}:{received_at:%y%m%d}")
            ledger_no = next_value(s, f"ledger:{book}")
            code = format_dossier_code(office.agency_id, received_at.date(), seq)
            applicant = self._upsert_applicant(s, a, now)
            auth = draft.authorised
            rec = DossierRecord(
                code=code,
                agency_id=office.agency_id,
                ledger_book=book,
                ledger_number=ledger_no,
                procedure_id=procedure.id,
                procedure_code=procedure.code,
                procedure_name=procedure.name,
                field=procedure.field,
                deciding_agency=procedure.deciding_agency,
                handling_unit=procedure.handling_unit,
                duration_value=procedure.duration.value,
                duration_unit=procedure.duration.unit.value,
                applicant_id=applicant.id,
                applicant_name=a.full_name,
                applicant_id_number=a.id_number,
                applicant_birth_date=a.birth_date,
                applicant_phone=a.phone,
                applicant_address=a.address,
                applicant_email=a.email,
                authorised_name=auth.full_name if auth else "",
                authorised_id_number=auth.id_number if auth else "",
                authorised_phone=auth.phone if auth else "",
                channel=draft.channel.value,
                return_method=draft.return_method.value,
                return_address=draft.return_address if postal_return else "",
                postal_reference=draft.postal_reference,
                return_recipient=recipient,
                return_phone=recipient_phone,
                sets_count=draft.sets_count,
                fee_amount=fee,
                note=draft.note,
                received_at=received_at,
                intake_at=received_at,
                due_at=due_at,
                original_due_at=due_at,
                computed_due_at=computed_due,
                current_unit=office.office_name,
                due_override_reason=draft.due_override_reason if draft.due_override else "",
                backdate_reason=draft.backdate_reason,
                status=Status.RECEIVED.value,
                clerk_name=clerk,
                created_at=now,
                search_text=build_search_text(
                    code=code,
                    name=a.full_name,
                    id_number=a.id_number,
                    phone=a.phone,
                    procedure_code=procedure.code,
                    procedure_name=procedure.name,
                    authorised_name=auth.full_name if auth else "",
                ),
            )
            rec.papers = [
                DossierPaperRecord(
                    position=i, name=p.name, kind=p.kind.value, count=p.count, provided=p.provided
                )
                for i, p in enumerate(papers, start=1)
            ]
            s.add(rec)
            s.flush()
            note = f"Nhập lùi: {draft.backdate_reason}" if draft.backdate_reason else ""
            data: dict[str, Any] = {
                "channel": draft.channel.value,
                "return_method": draft.return_method.value,
            }
            if draft.postal_reference:
                data["postal_reference"] = draft.postal_reference
            s.add(
                DossierEventRecord(
                    dossier_id=rec.id,
                    at=received_at,
                    kind="received",
                    actor=clerk,
                    from_unit=a.full_name,
                    to_unit=office.office_name,
                    note=note,
                    data=json.dumps(data, ensure_ascii=False),
                )
            )
            dossier_id = rec.id
        return self.get_by_id(dossier_id)

    @staticmethod
    def _upsert_applicant(s: Session, p: Person, now: datetime) -> ApplicantRecord:
        rec = s.scalar(select(ApplicantRecord).where(ApplicantRecord.id_number == p.id_number))
        if rec is None:
            rec = ApplicantRecord(id_number=p.id_number, full_name=p.full_name, updated_at=now)
            s.add(rec)
        rec.full_name = p.full_name
        rec.birth_date = p.birth_date or rec.birth_date
        rec.phone = p.phone or rec.phone or ""
        rec.address = p.address or rec.address or ""
        rec.email = p.email or rec.email or ""
        rec.updated_at = now
        s.flush()
        return rec

    def find_applicant(self, id_number: str) -> Person | None:
        id_number = nfc(id_number).replace(" ", "")
        if id_number_problem(id_number):
            return None
        with self._db.session() as s:
            r = s.scalar(select(ApplicantRecord).where(ApplicantRecord.id_number == id_number))
            if r is None:
                return None
            return Person(r.full_name, r.id_number, r.birth_date, r.phone, r.address, r.email)

    # -- reading ------------------------------------------------------------------------------
    def get(self, code: str) -> Dossier:
        code = nfc(code)
        with self._db.session() as s:
            rec_id = s.scalar(select(DossierRecord.id).where(DossierRecord.code == code))
        if rec_id is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ mã “{code}”.")
        return self.get_by_id(rec_id)

    def get_by_id(self, dossier_id: int) -> Dossier:
        with self._db.read() as uow:
            dossier = uow.dossiers.get(dossier_id)
        if dossier is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ số {dossier_id}.")
        return dossier

    def search(self, q: DossierQuery) -> list[DossierRow]:
        return self._search.search(q)

    def count(self, q: DossierQuery) -> int:
        return self._search.count(q)

    # -- corrections --------------------------------------------------------------------------
    def correct(
        self, code: str, changes: dict[str, Any], reason: str, by: str | None = None
    ) -> Dossier:
        """Correct intake mistakes; each changed field is recorded with old and new value."""
        reason = collapse_spaces(reason)
        by = by if by is not None else self._settings.current_clerk()
        if not reason:
            raise ValidationError.for_field("reason", "Sửa thông tin hồ sơ cần ghi rõ lý do.")
        unknown = set(changes) - set(CORRECTABLE_FIELDS)
        if unknown:
            raise ValidationError.for_field(
                "changes", f"Không sửa được mục: {', '.join(sorted(unknown))}."
            )
        now = self._clock.now()
        current = self.get(code)
        cleaned = self._validate_changes(current, changes, now)
        with self._db.session(write=True) as s:
            rec = s.scalar(select(DossierRecord).where(DossierRecord.code == current.code))
            assert rec is not None
            changed = False
            for name, new in cleaned.items():
                old = getattr(rec, name)
                if old == new:
                    continue
                changed = True
                setattr(rec, name, new)
                s.add(
                    DossierCorrectionRecord(
                        dossier_id=rec.id,
                        at=now,
                        by=by,
                        field=name,
                        old_value=_show(old),
                        new_value=_show(new),
                        reason=reason,
                    )
                )
            if not changed:
                raise ValidationError.for_field("changes", "Không có thông tin nào thay đổi.")
            rec.search_text = build_search_text(
                code=rec.code,
                name=rec.applicant_name,
                id_number=rec.applicant_id_number,
                phone=rec.applicant_phone,
                procedure_code=rec.procedure_code,
                procedure_name=rec.procedure_name,
                authorised_name=rec.authorised_name,
            )
            s.add(
                DossierEventRecord(
                    dossier_id=rec.id, at=now, kind="corrected", actor=by, note=reason
                )
            )
        return self.get(current.code)

    def _validate_changes(
        self, current: Dossier, changes: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        problems = ProblemCollector()
        out: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("sets_count", "fee_amount"):
                try:
                    number = int(value)
                except (TypeError, ValueError):
                    problems.add(f"{CORRECTABLE_FIELDS[name]} phải là số nguyên.", field=name)
                    continue
                if number < (1 if name == "sets_count" else 0):
                    problems.add(f"{CORRECTABLE_FIELDS[name]} không hợp lệ.", field=name)
                out[name] = number
            elif name == "applicant_birth_date":
                if value in (None, ""):
                    out[name] = None
                elif isinstance(value, date):
                    out[name] = value
                else:
                    try:
                        out[name] = datetime.strptime(nfc(str(value)), "%d/%m/%Y").date()
                    except ValueError:
                        problems.add("Ngày sinh cần dạng dd/mm/yyyy.", field=name)
            else:
                text_value = collapse_spaces(str(value or ""))
                if name.endswith("phone"):
                    text_value = normalise_phone(text_value)
                    if msg := phone_problem(text_value):
                        problems.add(msg, field=name)
                elif name.endswith("id_number"):
                    text_value = text_value.replace(" ", "")
                    if (text_value or name == "applicant_id_number") and (
                        msg := id_number_problem(text_value)
                    ):
                        problems.add(msg, field=name)
                elif name == "applicant_email":
                    text_value = text_value.lower()
                    if msg := email_problem(text_value):
                        problems.add(msg, field=name)
                elif name == "applicant_name" and not text_value:
                    problems.add("Họ và tên không được để trống.", field=name)
                elif (
                    name == "return_address"
                    and current.return_method is ReturnMethod.POSTAL
                    and (msg := return_address_problem(text_value))
                ):
                    problems.add(msg, field=name)
                elif (
                    name == "return_recipient"
                    and current.return_method is ReturnMethod.POSTAL
                    and not text_value
                ):
                    problems.add("Chưa nhập người nhận kết quả qua bưu chính.", field=name)
                out[name] = text_value
        problems.raise_if_any("Chưa sửa được hồ sơ: cần sửa các mục được đánh dấu.")
        return out

    def now(self) -> datetime:
        return self._clock.now()


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
