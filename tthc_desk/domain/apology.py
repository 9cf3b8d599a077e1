"""The rules of apology letters with a new appointment (Mẫu 04), pure over dataclasses.

rules.md "Late dossiers and apology letters": a draft for every dossier at risk on the day before
its due date and for every late dossier without one; one re-appointment per dossier, a second only
by the head of office's override, which is flagged. A late re-appointment (signed on the original
due day or after it, not by the calendar day before) is kept on the letter but does not move the
due date, so a late dossier is never silently reclassified.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.dossier import Dossier, Status
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.lifecycle import (
    APOLOGY_REASONS,
    ApologyLetter,
    DossierEvent,
    Granularity,
    LetterStatus,
    extension_counts,
)
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.periods import PeriodKind, containing

#: Statuses whose clock still runs: a signed letter re-appoints them.
RUNNING = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
_REAPPOINTED = RUNNING | {Status.SUPPLEMENT}
_MINUTES = "minutes"


def letter_number_text(number: int, year: int) -> str:
    """The register number as printed: ``05/2026/PXL``."""
    return f"{number:02d}/{year}/PXL"


class FirstLetter(NamedTuple):
    """The first signed letter of a dossier (by signing moment), as the registers cite it."""

    number: int
    year: int
    signed_at: datetime

    @property
    def text(self) -> str:
        return letter_number_text(self.number, self.year)


# -- which dossiers need a letter --------------------------------------------------------------


#: The look-back by default: the current reporting month and the one before it.
DEFAULT_LOOKBACK_MONTHS = 2
LOOKBACK_MONTHS_MAX = 24


@dataclass(frozen=True)
class LetterWindow:
    """What "needing a letter" means at ``now``: late, or due on the next working day
    (``risk_from`` ≤ due < ``risk_until``), or settled late by ``granularity``; and, when
    ``since`` is set, due at or after it (the look-back: a dossier settled late two years ago
    gets no new draft)."""

    now: datetime
    risk_from: datetime
    risk_until: datetime
    granularity: Granularity
    since: datetime | None = None


def letter_window(
    now: datetime,
    calendar: WorkCalendar,
    granularity: Granularity,
    since: datetime | None = None,
) -> LetterWindow:
    # At risk "the day before": the due date is the next working day. A dossier due later today
    # is not drafted yet (every same-day chứng thực would be); once late, it is.
    next_day = calendar.next_working_day(now.date())
    return LetterWindow(
        now,
        datetime.combine(next_day, time.min),
        datetime.combine(next_day + timedelta(days=1), time.min),
        granularity,
        since,
    )


#: The rules the incremental scan's mark was made under: raise it whenever which dossiers need a
#: letter changes (a new clause, another status), so the first scan after the update is full.
SCAN_RULES = 1


@dataclass(frozen=True)
class ScanMark:
    """Where the last apology scan left off (kept in the database, per office): after it, no
    dossier needed a letter under its window. ``seq``: the last journal entry it saw; ``at``:
    its moment (to the minute, rounded down); ``since`` and ``granularity``: its window's
    look-back and how lateness was counted; ``rules``: :data:`SCAN_RULES` then."""

    seq: int
    at: datetime
    since: datetime | None
    granularity: Granularity
    rules: int = SCAN_RULES


def scan_mark(seq: int, window: LetterWindow) -> ScanMark:
    """The mark a scan under ``window`` leaves, having seen the journal up to ``seq``."""
    at = window.now.replace(second=0, microsecond=0)
    return ScanMark(seq, at, window.since, window.granularity)


def crossed_since(mark: ScanMark | None, window: LetterWindow) -> datetime | None:
    """The earliest due moment a scan under ``window`` must look at among the running dossiers
    that did not change since ``mark``; None when it must look at everything (the first scan,
    or the rules, the granularity or a wider look-back make the last scan's answer stale).

    Why that is enough: after the scan at ``mark.at`` no dossier needed a letter. A dossier no
    write touched since then still has no letter, the same status and the same moments; it needs
    one now only if its due moment passed in between (due ≥ ``mark.at``), or it is due on the next
    working day (the risk window, always looked at: the calendar may have changed), or the
    look-back reaches further back than it did (then everything is looked at). A settled dossier
    is late or not whatever the time: unchanged, it needed no letter then and needs none now."""
    if mark is None or mark.rules != SCAN_RULES or mark.granularity is not window.granularity:
        return None
    if window.since is not None and (mark.since is None or window.since < mark.since):
        return None
    if window.since is None and mark.since is not None:
        return None
    start = mark.at
    if window.since is not None:
        start = max(start, window.since)
    return start


def lookback_problem(months: int) -> str | None:
    if not 1 <= months <= LOOKBACK_MONTHS_MAX:
        return (
            f"Số tháng báo cáo tự lập phiếu xin lỗi phải từ 1 đến {LOOKBACK_MONTHS_MAX} "
            f"(đã nhập {months})."
        )
    return None


def lookback_start(today: date, months: int, cutoff: bool = True) -> datetime:
    """The start of the look-back: the first moment of the reporting month ``months - 1``
    before the one containing ``today`` (1: this reporting month; 2: this one and the one
    before). Reporting months run 15th–14th (Nghị định 09/2019), or calendar months
    (``cutoff`` False), as in the reports (rules.md "Reporting periods")."""
    if problem := lookback_problem(months):
        raise ValidationError.for_field("lookback_months", problem)
    period = containing(PeriodKind.MONTH, today, cutoff)
    for _ in range(months - 1):
        period = containing(PeriodKind.MONTH, period.start - timedelta(days=1), cutoff)
    return period.starts_at


def proposed_for(
    due_at: datetime, now: datetime, calendar: WorkCalendar, working_days: int
) -> datetime:
    """A new appointment: ``working_days`` after the later of the due date and now, at the same
    clock time, within that day's sessions (else at the end of the day)."""
    base = max(due_at, now)
    day = calendar.nth_working_day_after(base.date(), working_days)
    moment = datetime.combine(day, base.time())
    end = calendar.end_of_day(day)
    return moment if calendar.in_session(moment) or moment == end else end


@dataclass(frozen=True)
class LetterCandidate:
    """A dossier without any letter that needs one (late, at risk, or settled late)."""

    dossier_id: int
    due_at: datetime
    settled_at: datetime | None
    status: Status
    current_unit: str
    handling_unit: str


@dataclass(frozen=True)
class NewLetter:
    """A draft letter to be stored (numbered only when signed)."""

    dossier_id: int
    auto: bool
    created_at: datetime
    responsible_unit: str
    original_due_at: datetime
    proposed_due_at: datetime
    signer_name: str
    signer_title: str
    signer_prefix: str
    reason: str = APOLOGY_REASONS[0]


def auto_draft(
    candidate: LetterCandidate,
    now: datetime,
    office: OfficeProfile,
    calendar: WorkCalendar,
    working_days: int,
) -> NewLetter:
    """The scan's draft. The new appointment is never in the past: ``working_days`` after the
    later of the due date and now, on working time, also for a dossier already settled late
    (its result waits at the office; the letter still has to be signed and delivered). The unit
    responsible is where the dossier is now (unless back at the office), else its handler."""
    c = candidate
    proposed = proposed_for(c.due_at, now, calendar, working_days)
    unit = c.current_unit if c.current_unit != office.office_name else ""
    return NewLetter(
        dossier_id=c.dossier_id,
        auto=True,
        created_at=now,
        responsible_unit=unit or c.handling_unit,
        original_due_at=c.due_at,
        proposed_due_at=proposed,
        signer_name=office.head_name,
        signer_title=office.head_title,
        signer_prefix=office.head_sign_prefix,
    )


def manual_draft(
    dossier: Dossier, has_draft: bool, now: datetime, office: OfficeProfile, proposed: datetime
) -> NewLetter:
    """A draft made by hand for one dossier; refused when it ended or already has a draft."""
    if dossier.status in (Status.WITHDRAWN, Status.CLOSED):
        raise ValidationError.for_field(
            "dossier", "Hồ sơ đã rút hoặc đã đóng: không lập phiếu xin lỗi."
        )
    if has_draft:
        raise ValidationError.for_field(
            "dossier", "Hồ sơ này đã có một phiếu xin lỗi đang dự thảo."
        )
    return NewLetter(
        dossier_id=dossier.id,
        auto=False,
        created_at=now,
        responsible_unit=dossier.handling_unit,
        original_due_at=dossier.due_at,
        proposed_due_at=proposed,
        signer_name=office.head_name,
        signer_title=office.head_title,
        signer_prefix=office.head_sign_prefix,
    )


# -- editing, signing, delivering ---------------------------------------------------------------


def draft_changes(
    letter: ApologyLetter,
    reason: str,
    reason_detail: str,
    responsible_unit: str,
    proposed_due_at: datetime | None,
) -> dict[str, object]:
    """The columns an edit of a draft sets (texts already collapsed); every problem at once."""
    if letter.status is not LetterStatus.DRAFT:
        raise ValidationError.for_field("letter", "Phiếu đã ký, không sửa được nữa.")
    problems = ProblemCollector()
    if not reason:
        problems.add("Chọn hoặc ghi lý do chậm trả kết quả.", field="reason")
    proposed = proposed_due_at or letter.proposed_due_at
    if proposed <= letter.original_due_at:
        problems.add("Ngày hẹn mới phải sau ngày hẹn cũ.", field="proposed_due_at")
    problems.raise_if_any("Chưa lưu được phiếu xin lỗi.")
    return {
        "reason": reason,
        "reason_detail": reason_detail,
        "responsible_unit": responsible_unit or letter.responsible_unit,
        "proposed_due_at": proposed.replace(second=0, microsecond=0),
    }


@dataclass(frozen=True)
class Override:
    """A second re-appointment, allowed by the head of office (``by``) with a reason."""

    by: str
    reason: str


def check_signable(
    letter: ApologyLetter,
    signed_before: int,
    by: str,
    heads: Collection[str],
    override_reason: str,
) -> Override | None:
    """May ``by`` sign this draft? The override it needs when the dossier already had a signed
    letter (``signed_before``), else None."""
    if letter.status is not LetterStatus.DRAFT:
        raise ValidationError.for_field("letter", "Phiếu này đã được ký trước đó.")
    if not letter.reason:
        raise ValidationError.for_field(
            "reason", "Chọn hoặc ghi lý do chậm trả kết quả trước khi ký."
        )
    if not signed_before:
        return None
    if not override_reason or by not in heads:
        raise ValidationError.for_field(
            "override",
            "Hồ sơ đã được hẹn lại một lần: chỉ hẹn lại lần nữa khi lãnh đạo bộ phận đồng ý "
            "và ghi rõ lý do.",
        )
    return Override(by, override_reason)


@dataclass(frozen=True)
class Signing:
    """What signing a letter writes: the letter's columns, the dossier's, and the event."""

    letter_changes: dict[str, object]
    dossier_changes: dict[str, object]
    event: DossierEvent


def signing(
    letter: ApologyLetter,
    dossier: Dossier,
    override: Override | None,
    number: int,
    now: datetime,
    by: str,
    office_name: str,
) -> Signing:
    """Number the letter and record the re-appointment on the dossier.

    A running dossier (or one waiting for a supplement) keeps the proposed appointment as its
    extension; it becomes the due date only when recorded in time (:func:`extension_counts`)."""
    proposed = letter.proposed_due_at
    dossier_changes: dict[str, object] = {
        "late_reason": letter.full_reason,
        "responsible_unit": letter.responsible_unit,
    }
    counts = False
    if dossier.status in _REAPPOINTED:
        original = dossier.original_due_at or dossier.due_at
        counts = extension_counts(now, original)
        dossier_changes |= {"extended_due_at": proposed, "extension_recorded_at": now}
        if counts:
            dossier_changes["due_at"] = proposed
    letter_changes: dict[str, object] = {
        "year": now.year,
        "number": number,
        "status": LetterStatus.CONFIRMED.value,
        "confirmed_at": now,
        "confirmed_by": by,
    }
    if override is not None:
        letter_changes |= {
            "override": True,
            "override_by": override.by,
            "override_reason": override.reason,
        }
    data = {
        "letter_id": letter.id,
        "number": number,
        "year": now.year,
        "proposed_due_at": proposed.isoformat(sep=" ", timespec=_MINUTES),
        "extension_counts": counts,
        "override": override is not None or letter.override,
        "old_due_at": dossier.due_at.isoformat(sep=" ", timespec=_MINUTES),
    }
    event = DossierEvent(
        at=now,
        kind="apology",
        actor=by,
        from_unit=office_name,
        to_unit=dossier.applicant.full_name,
        note=letter.full_reason,
        data=data,
    )
    return Signing(letter_changes, dossier_changes, event)


def check_deliverable(method: str, at: datetime | None, now: datetime) -> datetime:
    """The delivery moment (to the minute) once the method is given and the moment not ahead."""
    if not method:
        raise ValidationError.for_field(
            "method", "Chọn cách gửi phiếu (trao trực tiếp, bưu chính, điện thoại…)."
        )
    moment = (at or now).replace(second=0, microsecond=0)
    if moment > now + timedelta(minutes=1):
        raise ValidationError.for_field("at", "Thời điểm gửi phiếu không được ở tương lai.")
    return moment


def check_sent(letter: ApologyLetter) -> None:
    if letter.status is LetterStatus.DRAFT:
        raise ValidationError.for_field("letter", "Phiếu chưa được ký: ký trước rồi mới gửi.")


def check_discardable(letter: ApologyLetter) -> None:
    if letter.status is not LetterStatus.DRAFT:
        raise ValidationError.for_field(
            "letter", "Chỉ xóa được phiếu đang dự thảo; phiếu đã ký được giữ trong sổ."
        )
