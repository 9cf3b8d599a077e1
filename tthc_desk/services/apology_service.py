"""Apology letters with a new appointment (Mẫu 04): drafted automatically, confirmed and
numbered in a register, delivered, and printed one by one or in batches.

rules.md "Late dossiers and apology letters": a draft for every dossier at risk on the day before
its due date and for every late dossier without one; one re-appointment per dossier, a second only
by the head of office's override, which is flagged. A late re-appointment (recorded less than one
working day before the original due date) is kept on the letter but does not move the due date,
so a late dossier is never silently reclassified.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from tthc_desk.db.engine import Database
from tthc_desk.db.models import ApologyLetterRecord, DossierEventRecord, DossierRecord
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import DossierRow, Status
from tthc_desk.domain.errors import NotFoundError, ProblemCollector, ValidationError
from tthc_desk.domain.lifecycle import (
    APOLOGY_REASONS,
    ApologyLetter,
    Granularity,
    LetterStatus,
    extension_counts,
)
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.counters import next_value
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.settings_service import SettingsService

PROPOSE_DAYS_KEY = "apology_proposed_working_days"
DEFAULT_PROPOSE_DAYS = 2
RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)
SETTLED = (
    Status.RESULT_READY.value,
    Status.RETURNED.value,
    Status.REFUSED.value,
    Status.STOPPED.value,
)
DELIVERY_METHODS = (
    "Trao trực tiếp",
    "Gửi qua bưu chính",
    "Gọi điện thoại",
    "Tin nhắn SMS",
    "Thư điện tử",
    "Mạng xã hội được phép",
)


@dataclass(frozen=True)
class LetterEdit:
    reason: str
    reason_detail: str = ""
    responsible_unit: str = ""
    proposed_due_at: datetime | None = None


def _to_domain(letter: ApologyLetterRecord, d: DossierRecord) -> ApologyLetter:
    return ApologyLetter(
        id=letter.id,
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        applicant_address=d.applicant_address,
        procedure_name=d.procedure_name,
        received_at=d.received_at,
        original_due_at=letter.original_due_at,
        proposed_due_at=letter.proposed_due_at,
        reason=letter.reason,
        reason_detail=letter.reason_detail,
        responsible_unit=letter.responsible_unit,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title,
        signer_prefix=letter.signer_prefix,
        status=LetterStatus(letter.status),
        created_at=letter.created_at,
        auto=letter.auto,
        year=letter.year,
        number=letter.number,
        confirmed_at=letter.confirmed_at,
        confirmed_by=letter.confirmed_by,
        delivered_at=letter.delivered_at,
        delivery_method=letter.delivery_method,
        override=letter.override,
        override_by=letter.override_by,
        override_reason=letter.override_reason,
    )


class ApologyService:
    def __init__(
        self,
        db: Database,
        lifecycle: LifecycleService,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._template_dir = template_dir
        self._db = db
        self._lifecycle = lifecycle
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    # -- which dossiers need a letter ---------------------------------------------------------
    def _needing_letter(self, now: datetime):  # type: ignore[no-untyped-def]
        """Dossiers without any letter that are late, or at risk on the day before their due date."""
        cal = self._calendar.calendar()
        # At risk "the day before": the due date is the next working day. A dossier due later
        # today is not drafted yet (every same-day chứng thực would be); once late, it is.
        next_day = cal.next_working_day(now.date())
        risk_from = datetime.combine(next_day, time.min)
        risk_until = datetime.combine(next_day + timedelta(days=1), time.min)
        no_letter = ~exists().where(ApologyLetterRecord.dossier_id == DossierRecord.id)
        if self._lifecycle.granularity() is Granularity.DAY:
            settled_late = func.date(DossierRecord.settled_at) > func.date(DossierRecord.due_at)
        else:
            settled_late = DossierRecord.settled_at > DossierRecord.due_at
        return and_(
            no_letter,
            or_(
                and_(DossierRecord.status.in_(RUNNING), DossierRecord.due_at < now),
                and_(
                    DossierRecord.status.in_(RUNNING),
                    DossierRecord.due_at >= risk_from,
                    DossierRecord.due_at < risk_until,
                ),
                and_(DossierRecord.status.in_(SETTLED), settled_late),
            ),
        )

    def proposed_for(self, due_at: datetime, now: datetime) -> datetime:
        """A new appointment: N working days (setting, 2) after the later of the due date and today,
        at the same clock time, within that day's sessions."""
        cal = self._calendar.calendar()
        base = max(due_at, now)
        day = cal.nth_working_day_after(
            base.date(), int(self._settings.get_value(PROPOSE_DAYS_KEY, DEFAULT_PROPOSE_DAYS))
        )
        moment = datetime.combine(day, base.time())
        return (
            moment
            if cal.in_session(moment) or moment == cal.end_of_day(day)
            else cal.end_of_day(day)
        )

    def scan(self) -> int:
        """Draft the missing letters. Running it twice creates nothing new."""
        now = self._clock.now()
        office = self._settings.office()
        created = 0
        with self._db.session(write=True) as s:
            rows = s.execute(
                select(
                    DossierRecord.id,
                    DossierRecord.due_at,
                    DossierRecord.settled_at,
                    DossierRecord.status,
                    DossierRecord.current_unit,
                    DossierRecord.handling_unit,
                ).where(self._needing_letter(now))
            ).all()
            for dossier_id, due_at, settled_at, status, current_unit, handling_unit in rows:
                proposed = (
                    settled_at
                    if status in SETTLED and settled_at
                    else self.proposed_for(due_at, now)
                )
                s.add(
                    ApologyLetterRecord(
                        dossier_id=dossier_id,
                        status=LetterStatus.DRAFT.value,
                        auto=True,
                        created_at=now,
                        reason=APOLOGY_REASONS[0],
                        responsible_unit=(
                            current_unit if current_unit != office.office_name else ""
                        )
                        or handling_unit,
                        original_due_at=due_at,
                        proposed_due_at=proposed,
                        signer_name=office.head_name,
                        signer_title=office.head_title,
                        signer_prefix=office.head_sign_prefix,
                    )
                )
                created += 1
        return created

    def settled_late_without_letter(self, limit: int = 1000) -> list[DossierRow]:
        """Dossiers whose result came late and that still have no letter, the latest first."""
        from tthc_desk.db.stores.dossiers import ROW_COLUMNS

        now = self._clock.now()
        cond = and_(self._needing_letter(now), DossierRecord.status.in_(SETTLED))
        stmt = (
            select(*ROW_COLUMNS).where(cond).order_by(DossierRecord.settled_at.desc()).limit(limit)
        )
        with self._db.session() as s:
            return [DossierRow(*row[:-1], Status(row[-1])) for row in s.execute(stmt)]

    def missing_count(self) -> int:
        with self._db.session() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(DossierRecord)
                    .where(self._needing_letter(self._clock.now()))
                )
                or 0
            )

    # -- reading ------------------------------------------------------------------------------
    def _query(self, s: Session, *conds) -> list[ApologyLetter]:  # type: ignore[no-untyped-def]
        stmt = (
            select(ApologyLetterRecord, DossierRecord)
            .join(DossierRecord, DossierRecord.id == ApologyLetterRecord.dossier_id)
            .where(*conds)
            .order_by(ApologyLetterRecord.id)
        )
        return [_to_domain(letter, d) for letter, d in s.execute(stmt)]

    def letters(
        self, status: LetterStatus | None = None, year: int | None = None
    ) -> list[ApologyLetter]:
        conds = []
        if status is not None:
            conds.append(ApologyLetterRecord.status == status.value)
        if year is not None:
            conds.append(ApologyLetterRecord.year == year)
        with self._db.session() as s:
            return self._query(s, *conds)

    def count(self, status: LetterStatus | None = None) -> int:
        stmt = select(func.count()).select_from(ApologyLetterRecord)
        if status is not None:
            stmt = stmt.where(ApologyLetterRecord.status == status.value)
        with self._db.session() as s:
            return int(s.scalar(stmt) or 0)

    def register(self, year: int) -> list[ApologyLetter]:
        """The numbered register of one year, in number order."""
        return sorted(
            (x for x in self.letters(year=year) if x.number is not None),
            key=lambda x: x.number or 0,
        )

    def get(self, letter_id: int) -> ApologyLetter:
        with self._db.session() as s:
            found = self._query(s, ApologyLetterRecord.id == letter_id)
        if not found:
            raise NotFoundError(f"Không tìm thấy phiếu xin lỗi số {letter_id}.")
        return found[0]

    def for_dossier(self, code: str) -> list[ApologyLetter]:
        with self._db.session() as s:
            return self._query(s, DossierRecord.code == nfc(code))

    # -- writing ------------------------------------------------------------------------------
    def draft(self, code: str, edit: LetterEdit | None = None) -> ApologyLetter:
        """A letter drafted by hand for one dossier (the automatic scan does the rest)."""
        now = self._clock.now()
        office = self._settings.office()
        with self._db.session(write=True) as s:
            d = s.scalar(select(DossierRecord).where(DossierRecord.code == nfc(code)))
            if d is None:
                raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
            if Status(d.status) in (Status.WITHDRAWN, Status.CLOSED):
                raise ValidationError.for_field(
                    "dossier", "Hồ sơ đã rút hoặc đã đóng: không lập phiếu xin lỗi."
                )
            if s.scalar(
                select(ApologyLetterRecord.id).where(
                    ApologyLetterRecord.dossier_id == d.id,
                    ApologyLetterRecord.status == LetterStatus.DRAFT.value,
                )
            ):
                raise ValidationError.for_field(
                    "dossier", "Hồ sơ này đã có một phiếu xin lỗi đang dự thảo."
                )
            letter = ApologyLetterRecord(
                dossier_id=d.id,
                status=LetterStatus.DRAFT.value,
                auto=False,
                created_at=now,
                reason=APOLOGY_REASONS[0],
                responsible_unit=d.handling_unit,
                original_due_at=d.due_at,
                proposed_due_at=self.proposed_for(d.due_at, now),
                signer_name=office.head_name,
                signer_title=office.head_title,
                signer_prefix=office.head_sign_prefix,
            )
            s.add(letter)
            s.flush()
            letter_id = letter.id
        if edit is not None:
            return self.update_draft(letter_id, edit)
        return self.get(letter_id)

    def update_draft(self, letter_id: int, edit: LetterEdit) -> ApologyLetter:
        reason = collapse_spaces(edit.reason)
        problems = ProblemCollector()
        if not reason:
            problems.add("Chọn hoặc ghi lý do chậm trả kết quả.", field="reason")
        with self._db.session(write=True) as s:
            letter = self._letter(s, letter_id)
            if letter.status != LetterStatus.DRAFT.value:
                raise ValidationError.for_field("letter", "Phiếu đã ký, không sửa được nữa.")
            proposed = edit.proposed_due_at or letter.proposed_due_at
            if proposed <= letter.original_due_at:
                problems.add("Ngày hẹn mới phải sau ngày hẹn cũ.", field="proposed_due_at")
            problems.raise_if_any("Chưa lưu được phiếu xin lỗi.")
            letter.reason = reason
            letter.reason_detail = collapse_spaces(edit.reason_detail)
            letter.responsible_unit = (
                collapse_spaces(edit.responsible_unit) or letter.responsible_unit
            )
            letter.proposed_due_at = proposed.replace(second=0, microsecond=0)
        return self.get(letter_id)

    def confirm(
        self, letter_id: int, by: str | None = None, override_reason: str = ""
    ) -> ApologyLetter:
        """The head of office signed: number the letter and record the re-appointment."""
        now = self._clock.now()
        by = by if by is not None else self._settings.current_clerk()
        override_reason = collapse_spaces(override_reason)
        with self._db.session(write=True) as s:
            letter = self._letter(s, letter_id)
            if letter.status != LetterStatus.DRAFT.value:
                raise ValidationError.for_field("letter", "Phiếu này đã được ký trước đó.")
            if not letter.reason:
                raise ValidationError.for_field(
                    "reason", "Chọn hoặc ghi lý do chậm trả kết quả trước khi ký."
                )
            d = s.get(DossierRecord, letter.dossier_id)
            assert d is not None
            earlier = s.scalar(
                select(func.count())
                .select_from(ApologyLetterRecord)
                .where(
                    ApologyLetterRecord.dossier_id == d.id,
                    ApologyLetterRecord.status != LetterStatus.DRAFT.value,
                )
            )
            if earlier:
                heads = {m.name for m in self._settings.staff() if m.role == "head"} | {
                    self._settings.office().head_name
                }
                if not override_reason or by not in heads:
                    raise ValidationError.for_field(
                        "override",
                        "Hồ sơ đã được hẹn lại một lần: chỉ hẹn lại lần nữa khi lãnh đạo bộ phận đồng ý và ghi rõ lý do.",
                    )
                letter.override, letter.override_by, letter.override_reason = (
                    True,
                    by,
                    override_reason,
                )
            letter.year = now.year
            letter.number = next_value(s, f"apology:{now.year}")
            letter.status = LetterStatus.CONFIRMED.value
            letter.confirmed_at, letter.confirmed_by = now, by
            counts = False
            old_due = d.due_at
            if d.status in RUNNING or d.status == Status.SUPPLEMENT.value:
                cal = self._calendar.calendar()
                original = d.original_due_at or d.due_at
                counts = extension_counts(now, original, cal.previous_working_day(original.date()))
                d.extended_due_at, d.extension_recorded_at = letter.proposed_due_at, now
                if counts:
                    d.due_at = letter.proposed_due_at
            d.late_reason = ". ".join(p for p in (letter.reason, letter.reason_detail) if p)
            d.responsible_unit = letter.responsible_unit
            s.add(
                DossierEventRecord(
                    dossier_id=d.id,
                    at=now,
                    kind="apology",
                    actor=by,
                    from_unit=self._settings.office().office_name,
                    to_unit=d.applicant_name,
                    note=d.late_reason,
                    data=json.dumps(
                        {
                            "letter_id": letter.id,
                            "number": letter.number,
                            "year": letter.year,
                            "proposed_due_at": letter.proposed_due_at.isoformat(
                                sep=" ", timespec="minutes"
                            ),
                            "extension_counts": counts,
                            "override": letter.override,
                            "old_due_at": old_due.isoformat(sep=" ", timespec="minutes"),
                        },
                        ensure_ascii=False,
                    ),
                )
            )
        return self.get(letter_id)

    def deliver(self, letter_id: int, method: str, at: datetime | None = None) -> ApologyLetter:
        now = self._clock.now()
        method = collapse_spaces(method)
        if not method:
            raise ValidationError.for_field(
                "method", "Chọn cách gửi phiếu (trao trực tiếp, bưu chính, điện thoại…)."
            )
        at = (at or now).replace(second=0, microsecond=0)
        if at > now + timedelta(minutes=1):
            raise ValidationError.for_field("at", "Thời điểm gửi phiếu không được ở tương lai.")
        with self._db.session(write=True) as s:
            letter = self._letter(s, letter_id)
            if letter.status == LetterStatus.DRAFT.value:
                raise ValidationError.for_field(
                    "letter", "Phiếu chưa được ký: ký trước rồi mới gửi."
                )
            letter.status, letter.delivered_at, letter.delivery_method = (
                LetterStatus.DELIVERED.value,
                at,
                method,
            )
            s.add(
                DossierEventRecord(
                    dossier_id=letter.dossier_id,
                    at=at,
                    kind="apology_delivered",
                    actor=self._settings.current_clerk(),
                    note=method,
                    data=json.dumps({"letter_id": letter.id}),
                )
            )
        return self.get(letter_id)

    def discard(self, letter_id: int) -> None:
        with self._db.session(write=True) as s:
            letter = self._letter(s, letter_id)
            if letter.status != LetterStatus.DRAFT.value:
                raise ValidationError.for_field(
                    "letter", "Chỉ xóa được phiếu đang dự thảo; phiếu đã ký được giữ trong sổ."
                )
            s.delete(letter)

    def pdf(self, letter_ids: Sequence[int]) -> bytes:
        from tthc_desk.printing.apology import render_apology_letters

        letters = [self.get(i) for i in letter_ids]
        if not letters:
            raise ValidationError("Chưa chọn phiếu nào để in.")
        return render_apology_letters(
            letters, self._settings.office(), template_dir=self._template_dir
        )

    @staticmethod
    def _letter(s: Session, letter_id: int) -> ApologyLetterRecord:
        letter = s.get(ApologyLetterRecord, letter_id)
        if letter is None:
            raise NotFoundError(f"Không tìm thấy phiếu xin lỗi số {letter_id}.")
        return letter
