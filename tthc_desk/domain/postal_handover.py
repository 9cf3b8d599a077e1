"""Handing results to the post office on a numbered list (DANH SÁCH BÀN GIAO).

rules.md "Channels, postal service": the handover counts as returning the result, so each item
of a list records the same ``returned`` step the counter records (status, moment, recipient, an
event naming the list). These rules pick the dossiers of a list, check the moment and the
waybill numbers typed with it, and say what each item writes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, EventKind, Move, next_status
from tthc_desk.domain.naming import name
from tthc_desk.domain.postal import (
    FUTURE_TOLERANCE,
    POST_OFFICE,
    PostalDossier,
    PostalItem,
    PostalState,
    minute,
    normalise_waybill,
    waybill_problem,
)
from tthc_desk.domain.text import ID_TEXT_MAX, nfc, text_problem

#: The history step of a waybill recorded after the list was made.
WAYBILL_RECORDED = EventKind.POSTAL_WAYBILL.value

#: When the office hours of a day are unknown, the handover of that day is placed at 17:00.
DEFAULT_DAY_END = time(17, 0)


# -- the moment of the handover ----------------------------------------------------------------


def end_of_office_day(day: date, session_ends: Sequence[time]) -> datetime:
    """The end of the last office session of ``day`` (17:00 on a day without sessions)."""
    return datetime.combine(day, session_ends[-1] if session_ends else DEFAULT_DAY_END)


def requested_moment(
    at: datetime | date | None, now: datetime, end_of_day: Callable[[date], datetime]
) -> datetime:
    """The handover moment ``at`` asks for: now when not given; a day alone means now if it is
    today, else the end of that day's office hours (``end_of_day``)."""
    if at is None:
        return now
    if isinstance(at, datetime):
        return minute(at)
    return now if at == now.date() else end_of_day(at)


def check_moment(
    moment: datetime,
    now: datetime,
    lasts: Iterable[datetime | None],
    problems: ProblemCollector,
) -> None:
    """The handover is never in the future, never before the latest step of an item."""
    if moment > now + FUTURE_TOLERANCE:
        problems.add(
            f"Thời điểm bàn giao {moment:%H:%M %d/%m/%Y} ở tương lai "
            f"(bây giờ là {now:%H:%M %d/%m/%Y}).",
            field="at",
        )
        return
    latest = max((x for x in lasts if x is not None), default=None)
    if latest is not None and moment < latest:
        problems.add(
            f"Thời điểm bàn giao {moment:%H:%M %d/%m/%Y} trước bước gần nhất của một hồ sơ "
            f"trong danh sách ({latest:%H:%M %d/%m/%Y}).",
            field="at",
        )


# -- which dossiers go on the list -------------------------------------------------------------


def requested_codes(codes: Iterable[str]) -> list[str]:
    """The codes typed or picked, normalised, blanks and repeats dropped, in order."""
    return list(dict.fromkeys(code for code in (nfc(c) for c in codes) if code))


def candidate_problem(code: str, dossier: PostalDossier | None) -> str | None:
    """Why the dossier ``code`` cannot go on a list now, or None when it can."""
    if dossier is None:
        return f"Không tìm thấy hồ sơ mã “{code}”."
    if dossier.return_method is not ReturnMethod.POSTAL:
        return f"Hồ sơ {code} không đăng ký nhận kết quả qua bưu chính."
    if dossier.status is not Status.RESULT_READY:
        return (
            f"Hồ sơ {code} đang ở trạng thái “{name(dossier.status)}”, "
            "chưa có kết quả để giao bưu điện."
        )
    return None


def choose_candidates(
    codes: Sequence[str], found: Mapping[str, PostalDossier], problems: ProblemCollector
) -> list[PostalDossier]:
    """The dossiers ``codes`` (as given by :func:`requested_codes`) that may go on a list, in
    that order; a problem on ``codes`` for each one that may not."""
    chosen: list[PostalDossier] = []
    for code in codes:
        dossier = found.get(code)
        if msg := candidate_problem(code, dossier):
            problems.add(msg, field="codes")
        elif dossier is not None:
            chosen.append(dossier)
    return chosen


# -- waybill numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WaybillOwner:
    """The item that already carries a waybill number: its dossier and its list."""

    dossier_code: str
    batch_number: str  # "03/2026/BGBC"


def waybill_taken(number: str, owner: WaybillOwner) -> str:
    return (
        f"Số hiệu bưu gửi {number} đã ghi cho hồ sơ {owner.dossier_code} "
        f"(danh sách {owner.batch_number})."
    )


def ensure_waybill_editable(item: PostalItem) -> None:
    """A waybill may be typed or corrected until the post reports the item delivered or sent
    back."""
    if item.state in (PostalState.DELIVERED, PostalState.RETURNED):
        raise ValidationError.for_field(
            "waybill",
            f"Bưu gửi của hồ sơ {item.dossier_code} đã “{name(item.state)}”: "
            "không sửa số hiệu được nữa.",
        )


def waybill_event(item: PostalItem, number: str, now: datetime, actor: str) -> DossierEvent:
    """The history step of a waybill typed (or corrected) after the list was made."""
    old = item.waybill
    handed = item.handed_over_at or now
    return DossierEvent(
        max(now, handed),
        WAYBILL_RECORDED,
        actor,
        note=f"Số hiệu bưu gửi {number}" + (f" (thay {old})" if old else ""),
        data={"waybill": number, "old_waybill": old, "postal_batch": item.batch_number},
    )


def given_numbers(given: Mapping[str, str]) -> set[str]:
    """The waybill numbers typed with a list (normalised), to look up who carries them."""
    return {normalise_waybill(raw) for raw in given.values() if nfc(raw)}


def _waybill_refusal(
    code: str,
    number: str,
    on_list: Collection[str],
    first: Mapping[str, str],
    taken: Mapping[str, WaybillOwner],
) -> str | None:
    if code not in on_list:
        return f"Hồ sơ {code} không có trong danh sách này nên không ghi số hiệu bưu gửi được."
    if msg := waybill_problem(number):
        return msg
    if number in first:
        return f"Số hiệu bưu gửi {number} ghi cho cả hồ sơ {first[number]} và {code}."
    if number in taken:
        return waybill_taken(number, taken[number])
    return None


def batch_waybills(
    on_list: Collection[str],
    given: Mapping[str, str],
    taken: Mapping[str, WaybillOwner],
    problems: ProblemCollector,
) -> dict[str, str]:
    """Dossier code → waybill number for the numbers typed with a list (blank ones skipped).

    A number must be well formed, given once, and carried by no item yet (``taken``: the owners
    of the numbers of :func:`given_numbers`); each refusal is a problem on ``waybills``.
    """
    out: dict[str, str] = {}
    first: dict[str, str] = {}
    for raw_code, raw in given.items():
        if not nfc(raw):
            continue
        gate = text_problem(nfc(raw_code), "Mã hồ sơ", ID_TEXT_MAX) or text_problem(
            nfc(raw), "Số hiệu bưu gửi", ID_TEXT_MAX
        )
        if gate:
            problems.add(gate, field="waybills")
            continue
        code, number = nfc(raw_code), normalise_waybill(raw)
        if msg := _waybill_refusal(code, number, on_list, first, taken):
            problems.add(msg, field="waybills")
            continue
        first[number] = code
        out[code] = number
    return out


# -- what each item writes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """One item of a new list: the postal item, the dossier's new status and its history step."""

    dossier_id: int
    position: int
    waybill: str | None
    recipient_name: str
    recipient_address: str
    recipient_phone: str
    at: datetime
    dossier_status: Status
    event: DossierEvent


@dataclass(frozen=True)
class ListHeading:
    """Who hands the items over, to whom, when, on which list."""

    number_text: str  # "03/2026/BGBC"
    at: datetime
    actor: str
    office: str
    postal_employee: str = ""


def handover(
    dossier: PostalDossier, position: int, waybill: str | None, heading: ListHeading
) -> Handover:
    """The item of ``dossier`` at ``position`` on the list: returned to the recipient (the
    same ``returned`` step as at the counter), through the post."""
    recipient, phone = dossier.recipient_name, dossier.recipient_phone
    data = {
        "from_status": Status.RESULT_READY.value,
        "to_status": Status.RETURNED.value,
        "taken_by": recipient,
        "via": "postal",
        "postal_batch": heading.number_text,
        "waybill": waybill or "",
        "recipient": recipient,
        "address": dossier.return_address,
        "phone": phone,
        "postal_employee": heading.postal_employee,
    }
    event = DossierEvent(
        heading.at,
        Move.RETURNED.value,
        heading.actor,
        from_unit=heading.office,
        to_unit=heading.postal_employee or POST_OFFICE,
        note=f"Giao bưu điện theo danh sách bàn giao số {heading.number_text}",
        data=data,
    )
    return Handover(
        dossier_id=dossier.id,
        position=position,
        waybill=waybill,
        recipient_name=recipient,
        recipient_address=dossier.return_address,
        recipient_phone=phone,
        at=heading.at,
        dossier_status=next_status(dossier.status, Move.RETURNED),
        event=event,
    )


def handovers(
    dossiers: Sequence[PostalDossier], waybills: Mapping[str, str], heading: ListHeading
) -> list[Handover]:
    """Every item of the list, in list order (numbered from 1)."""
    return [
        handover(d, position, waybills.get(d.code), heading)
        for position, d in enumerate(dossiers, start=1)
    ]
