"""Apology letters with a new appointment (Mẫu 04): drafted automatically, confirmed and
numbered in a register, delivered, and printed one by one or in batches.

The rules (which dossiers need a letter, the proposed appointment, the once-only re-appointment,
a late re-appointment that never moves the due date) are in :mod:`tthc_desk.domain.apology`;
the letters are stored by the letter store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.db.stores.letters import FoundLetter
from tthc_desk.db.unit_of_work import UnitOfWork
from tthc_desk.domain.access import Right, can
from tthc_desk.domain.apology import (
    DEFAULT_LOOKBACK_MONTHS,
    LetterWindow,
    auto_draft,
    check_deliverable,
    check_discardable,
    check_sent,
    check_signable,
    draft_changes,
    letter_window,
    lookback_problem,
    lookback_start,
    manual_draft,
    signing,
)
from tthc_desk.domain.apology import proposed_for as propose
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Dossier, DossierRow
from tthc_desk.domain.errors import ForbiddenError, NotFoundError, ValidationError
from tthc_desk.domain.lifecycle import ApologyLetter, DossierEvent, Granularity, LetterStatus
from tthc_desk.domain.text import NAME_MAX, REASON_MAX, SHORT_TEXT_MAX, clean_text, nfc
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.report_service import CALENDAR_MONTHS_KEY
from tthc_desk.services.settings_service import SettingsService

PROPOSE_DAYS_KEY = "apology_proposed_working_days"
#: How many reporting months back the automatic drafts reach (domain.apology.lookback_start).
LOOKBACK_KEY = "apology_lookback_months"
DEFAULT_PROPOSE_DAYS = 2
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


def _gated(edit: LetterEdit) -> LetterEdit:
    """The edit with its texts through the text gate (refused naming the field)."""
    return LetterEdit(
        clean_text(edit.reason, "Lý do chậm trả kết quả", REASON_MAX, field="reason"),
        clean_text(edit.reason_detail, "Nội dung lý do", REASON_MAX, field="reason_detail"),
        clean_text(
            edit.responsible_unit,
            "Đơn vị chịu trách nhiệm",
            SHORT_TEXT_MAX,
            field="responsible_unit",
        ),
        edit.proposed_due_at,
    )


def _not_found(letter_id: int) -> NotFoundError:
    return NotFoundError(f"Không tìm thấy phiếu xin lỗi số {letter_id}.")


class ApologyService:
    def __init__(
        self,
        db: Database,
        lifecycle: LifecycleService,
        calendar: CalendarService,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._template_dir = template_dir
        self._accounts = accounts
        self._db = db
        self._lifecycle = lifecycle
        self._calendar = calendar
        self._settings = settings
        self._clock = clock

    # -- which dossiers need a letter ---------------------------------------------------------
    def _window(self, now: datetime) -> LetterWindow:
        """The same window for the background scan, ``late --scan``, the counts and the lists:
        with the look-back, nothing due before it is drafted or counted as missing a letter."""
        granularity: Granularity = self._lifecycle.granularity()
        since = self.lookback_since(now)
        return letter_window(now, self._calendar.calendar(), granularity, since)

    def lookback_months(self) -> int:
        """How many reporting months back the automatic drafts reach (setting; 2: the current
        reporting month and the one before)."""
        value = self._settings.get_value(LOOKBACK_KEY, DEFAULT_LOOKBACK_MONTHS)
        try:
            months = int(value)
        except (TypeError, ValueError):
            return DEFAULT_LOOKBACK_MONTHS
        return months if lookback_problem(months) is None else DEFAULT_LOOKBACK_MONTHS

    def lookback_since(self, now: datetime | None = None) -> datetime:
        """The first due moment the automatic drafts reach back to."""
        today = (now or self._clock.now()).date()
        cutoff = not self._settings.get_value(CALENDAR_MONTHS_KEY, False)
        return lookback_start(today, self.lookback_months(), cutoff)

    def save_lookback_months(self, months: int) -> int:
        """Set the look-back (administrator: it is part of the office's settings)."""
        self._accounts.require(Right.OFFICE, "đổi cài đặt phiếu xin lỗi")
        if problem := lookback_problem(months):
            raise ValidationError.for_field("lookback_months", problem)
        self._settings.set_value(LOOKBACK_KEY, months)
        return months

    def _propose_days(self) -> int:
        return int(self._settings.get_value(PROPOSE_DAYS_KEY, DEFAULT_PROPOSE_DAYS))

    def proposed_for(self, due_at: datetime, now: datetime) -> datetime:
        """A new appointment: N working days (setting, 2) after the later of the due date and today,
        at the same clock time, within that day's sessions."""
        return propose(due_at, now, self._calendar.calendar(), self._propose_days())

    def scan(self, full: bool = False) -> int:
        """Draft the missing letters. Running it twice creates nothing new.

        Incremental: it looks only at the dossiers written since the last scan and the running
        ones whose due moment passed since (or that are due on the next working day); the first
        scan, one after the look-back or the granularity changed, and ``full`` look at all.
        Two counter PCs scanning at once queue on the office's write lock: the second one finds
        the first one's drafts and its mark."""
        self._accounts.require(Right.DRAFT_LETTER, "lập phiếu xin lỗi")
        now = self._clock.now()
        office, window = self._settings.office(), self._window(now)
        calendar, days = self._calendar.calendar(), self._propose_days()
        journalled = self._db.journalled  # the journal names what changed since the mark
        with self._db.write() as uow:
            scope = uow.letters.scan_scope(window) if journalled and not full else None
            drafts = [
                auto_draft(c, now, office, calendar, days)
                for c in uow.letters.needing_letter(window, scope)
            ]
            created = uow.letters.add_all(drafts)
            if journalled:
                uow.letters.keep_scan_mark(window)
            else:
                uow.letters.forget_scan_mark()
            return created

    def settled_late_without_letter(self, limit: int = 1000) -> list[DossierRow]:
        """Dossiers whose result came late and that still have no letter, the latest first."""
        window = self._window(self._clock.now())
        with self._db.read() as uow:
            scope = uow.letters.scan_scope(window) if self._db.journalled else None
            return uow.letters.settled_late_without_letter(window, limit, scope)

    def missing_count(self) -> int:
        """How many dossiers need a letter and have none (what the next scan would draft):
        among what changed since the last scan, as the scan itself looks."""
        window = self._window(self._clock.now())
        with self._db.read() as uow:
            scope = uow.letters.scan_scope(window) if self._db.journalled else None
            return uow.letters.count_needing_letter(window, scope)

    # -- reading ------------------------------------------------------------------------------
    def letters(
        self, status: LetterStatus | None = None, year: int | None = None
    ) -> list[ApologyLetter]:
        with self._db.read() as uow:
            return uow.letters.matching(status, year)

    def count(self, status: LetterStatus | None = None) -> int:
        with self._db.read() as uow:
            return uow.letters.count(status)

    def register(self, year: int) -> list[ApologyLetter]:
        """The numbered register of one year, in number order."""
        return sorted(
            (x for x in self.letters(year=year) if x.number is not None),
            key=lambda x: x.number or 0,
        )

    def get(self, letter_id: int) -> ApologyLetter:
        with self._db.read() as uow:
            found = uow.letters.find(letter_id)
        if found is None:
            raise _not_found(letter_id)
        return found.letter

    def for_dossier(self, code: str) -> list[ApologyLetter]:
        with self._db.read() as uow:
            return uow.letters.for_dossier(nfc(code))

    def for_dossiers(self, codes: Sequence[str]) -> dict[str, list[ApologyLetter]]:
        """The letters of each of the dossiers ``codes`` that has any, by letter id."""
        with self._db.read() as uow:
            return uow.letters.for_dossiers([nfc(c) for c in codes])

    # -- writing ------------------------------------------------------------------------------
    def draft(self, code: str, edit: LetterEdit | None = None) -> ApologyLetter:
        """A letter drafted by hand for one dossier (the automatic scan does the rest)."""
        self._accounts.require(Right.DRAFT_LETTER, "lập phiếu xin lỗi")
        edit = _gated(edit) if edit is not None else None  # refused before the draft is added
        now = self._clock.now()
        office = self._settings.office()
        calendar, days = self._calendar.calendar(), self._propose_days()
        with self._db.write() as uow:
            d = _dossier(uow, nfc(code))
            proposed = propose(d.due_at, now, calendar, days)
            new = manual_draft(d, uow.letters.has_draft(d.id), now, office, proposed)
            letter_id = uow.letters.add(new)
        if edit is not None:
            return self.update_draft(letter_id, edit)
        return self.get(letter_id)

    def update_draft(self, letter_id: int, edit: LetterEdit) -> ApologyLetter:
        self._accounts.require(Right.DRAFT_LETTER, "sửa phiếu xin lỗi")
        edit = _gated(edit)
        with self._db.write() as uow:
            letter = _letter(uow, letter_id).letter
            changes = draft_changes(
                letter,
                edit.reason,
                edit.reason_detail,
                edit.responsible_unit,
                edit.proposed_due_at,
            )
            uow.letters.update(letter_id, changes)
        return self.get(letter_id)

    def confirm(
        self, letter_id: int, by: str | None = None, override_reason: str = ""
    ) -> ApologyLetter:
        """The head of office logged in signs: number the letter, record the re-appointment.

        ``by`` (the CLI's ``--by``), when given, must name the person logged in."""
        signer = self._accounts.require(Right.SIGN_LETTER, "ký duyệt phiếu xin lỗi")
        override_reason = clean_text(
            override_reason, "Lý do ký hẹn lại lần nữa", REASON_MAX, field="override_reason"
        )
        by = clean_text(by, "Người ký", NAME_MAX, field="by") if by is not None else None
        if by is not None and nfc(by) not in (signer.full_name, signer.username):
            raise ForbiddenError(
                f"Phiếu chỉ được ký bởi chính người đăng nhập ({signer.full_name}), "
                f"không ký thay “{nfc(by)}”."
            )
        self._settings.require_setup()
        by = signer.full_name
        heads = {by} if can(signer, Right.APPROVE_EXTENSION) else set()
        now = self._clock.now()
        office = self._settings.office()
        with self._db.write() as uow:
            dossier_id, letter = _letter(uow, letter_id)
            signed_before = uow.letters.signed_count(dossier_id)
            override = check_signable(letter, signed_before, by, heads, override_reason)
            dossier = uow.dossiers.get(dossier_id)
            assert dossier is not None  # a letter's dossier is never deleted before it
            number = uow.counters.next_value(f"apology:{now.year}")
            signed = signing(letter, dossier, override, number, now, by, office.office_name)
            uow.letters.update(letter_id, signed.letter_changes)
            uow.dossiers.update(dossier_id, signed.dossier_changes)
            uow.events.append(dossier_id, signed.event)
        return self.get(letter_id)

    def deliver(self, letter_id: int, method: str, at: datetime | None = None) -> ApologyLetter:
        method = clean_text(method, "Cách gửi phiếu", SHORT_TEXT_MAX, field="method")
        clerk = self._accounts.require(Right.DRAFT_LETTER, "ghi nhận đã gửi phiếu").full_name
        at = check_deliverable(method, at, self._clock.now())
        with self._db.write() as uow:
            dossier_id, letter = _letter(uow, letter_id)
            check_sent(letter)
            uow.letters.update(
                letter_id,
                {
                    "status": LetterStatus.DELIVERED.value,
                    "delivered_at": at,
                    "delivery_method": method,
                },
            )
            event = DossierEvent(
                at, "apology_delivered", clerk, note=method, data={"letter_id": letter_id}
            )
            uow.events.append(dossier_id, event)
        return self.get(letter_id)

    def discard(self, letter_id: int) -> None:
        self._accounts.require(Right.DRAFT_LETTER, "xóa dự thảo phiếu xin lỗi")
        with self._db.write() as uow:
            check_discardable(_letter(uow, letter_id).letter)
            uow.letters.delete(letter_id)

    def pdf(self, letter_ids: Sequence[int]) -> bytes:
        from tthc_desk.printing.apology import render_apology_letters

        letters = [self.get(i) for i in letter_ids]
        if not letters:
            raise ValidationError("Chưa chọn phiếu nào để in.")
        return render_apology_letters(
            letters, self._settings.office(), template_dir=self._template_dir
        )


def _letter(uow: UnitOfWork, letter_id: int) -> FoundLetter:
    found = uow.letters.find(letter_id)
    if found is None:
        raise _not_found(letter_id)
    return found


def _dossier(uow: UnitOfWork, code: str) -> Dossier:
    dossier_id = uow.dossiers.id_of(code)
    dossier = uow.dossiers.get(dossier_id) if dossier_id is not None else None
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ mã “{code}”.")
    return dossier
