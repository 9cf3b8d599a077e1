"""What happened to a demo dossier after intake, written as the real services record it.

:mod:`tthc_desk.services.demo_service` drafts the dossiers (:mod:`~.demo_drafts`) and writes
each chunk; this module appends, for one drafted dossier, its events after intake (hand-offs,
supplements, the result early / on time / late, the return with a rating, the handover to the
post and its outcome, apology letters) and returns the dossier columns they set.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from tthc_desk.db.stores.demo import (
    BatchRow,
    EventRow,
    ItemRow,
    LetterRow,
    LifecycleColumns,
    NextIds,
)
from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.lifecycle import (
    APOLOGY_REASONS,
    SETTLED,
    Granularity,
    LetterStatus,
    Move,
    Rating,
    Timeliness,
    classify,
)
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import DurationUnit
from tthc_desk.presentation import label
from tthc_desk.services.demo_data import (
    CLOSE_REASON,
    DELIVERY_METHODS,
    RATING_COMMENTS,
    REFUSAL_REASONS,
    STOP_REASONS,
    SUPPLEMENT_PAPERS,
    SUPPLEMENT_REASONS,
    WITHDRAW_REASONS,
)
from tthc_desk.services.demo_drafts import Draft

# How settled dossiers came out: a commune a little short of the provincial targets.
EARLY_SHARE, ON_TIME_SHARE = 0.58, 0.36  # the rest is late
LETTER_SHARE = 0.85  # late dossiers that got their apology letter (the rest: before the app)
POSTAL_EMPLOYEE = "Nhân viên Bưu điện văn hóa xã"
POSTAL_SERVICE = "Bưu chính công ích"
# A settled result is picked up 0–5 working days later; a handover to the post 0–1 day later.
PICK_UP_DAYS = (0, 0, 0, 1, 1, 2, 3, 5)
HANDOVER_DAYS = (0, 0, 1)


@dataclass(frozen=True)
class HistoryContext:
    """What every history of a run shares: the random source, the calendar and the office."""

    rng: random.Random
    cal: WorkCalendar
    now: datetime
    office: OfficeProfile
    granularity: Granularity


def _event(
    events: list[EventRow],
    dossier_id: int,
    at: datetime,
    kind: str,
    actor: str,
    from_unit: str,
    to_unit: str,
    note: str,
    data: dict[str, Any],
) -> EventRow:
    row: EventRow = {
        "dossier_id": dossier_id,
        "at": at,
        "kind": kind,
        "actor": actor,
        "from_unit": from_unit,
        "to_unit": to_unit,
        "note": note,
        "data": json.dumps(data, ensure_ascii=False),
    }
    events.append(row)
    return row


class _Track:
    """One dossier's moves as they are written: its status and latest moment follow each."""

    __slots__ = ("at", "clerk", "dossier_id", "events", "status")

    def __init__(self, d: Draft, dossier_id: int, events: list[EventRow]) -> None:
        self.dossier_id, self.events, self.clerk = dossier_id, events, d.clerk
        self.status, self.at = Status.RECEIVED, d.intake_at

    def record(
        self,
        move: Move,
        when: datetime,
        to: Status,
        from_unit: str,
        to_unit: str,
        note: str = "",
        **data: Any,
    ) -> None:
        payload = {"from_status": self.status.value, "to_status": to.value, **data}
        _event(
            self.events,
            self.dossier_id,
            when,
            move.value,
            self.clerk,
            from_unit,
            to_unit,
            note,
            payload,
        )
        self.status, self.at = to, when


def _rating(r: float) -> str:
    if r < 0.08:
        return ""
    return "very_satisfied" if r < 0.62 else "satisfied" if r < 0.95 else "dissatisfied"


class History:
    """What happened to a demo dossier after intake, written as LifecycleService records it.

    Events go into the chunk's event rows, apology letters into ``letters``, handover lists and
    their items into ``batches`` and ``items``; :meth:`write` returns the dossier columns those
    events set. Moments fall inside office sessions, in order, never after the clock's now;
    settled dossiers come out early, on time or late in the shares above, and most late ones
    carry a letter signed on their due day (too late to move the appointment, as in real life),
    so the registers and reports have real content.
    """

    def __init__(self, ctx: HistoryContext, ids: NextIds) -> None:
        self.rng, self.cal, self.now = ctx.rng, ctx.cal, ctx.now
        self.office = ctx.office
        self.granularity = ctx.granularity
        self.letters: list[LetterRow] = []
        self._letter_events: list[EventRow] = []
        self._next_letter = ids.letter
        self.batches: list[BatchRow] = []
        self.items: list[ItemRow] = []
        self._batches: dict[date, BatchRow] = {}
        self._item_events: list[tuple[BatchRow, ItemRow, EventRow]] = []
        self._next_batch = ids.batch
        self._next_item = ids.item

    # -- moments ------------------------------------------------------------------------------
    def _at_on(self, day: date, after: datetime, before: datetime) -> datetime | None:
        """A minute in a session of ``day``, after ``after`` and before ``before``."""
        segments: list[tuple[datetime, int]] = []
        total = 0
        for session in self.cal.sessions_on(day):
            a = max(datetime.combine(day, session.start), after + timedelta(minutes=1))
            b = min(datetime.combine(day, session.end), before)
            minutes = int((b - a).total_seconds() // 60)
            if minutes > 0:
                segments.append((a, minutes))
                total += minutes
        if not total:
            return None
        k = self.rng.randrange(total)
        for a, minutes in segments:
            if k < minutes:
                return a + timedelta(minutes=k)
            k -= minutes
        raise AssertionError("unreachable")

    def _step(self, after: datetime, days: int, before: datetime) -> datetime:
        """A moment in office hours ``days`` working days after ``after`` (0: the same day),
        no later than ``before``; nearer when that is too far."""
        cal = self.cal
        days = max(0, min(days, cal.working_days_between(after.date(), before.date())))
        day = after.date()
        if days or not cal.is_working_day(day):
            day = cal.nth_working_day_after(day, max(days, 1))
        for _ in range(3):
            if day > before.date():
                break
            found = self._at_on(day, after, before)
            if found is not None:
                return found
            day = cal.next_working_day(day)
        return after if before <= after else min(after + timedelta(minutes=1), before)

    def _settle_moment(self, after: datetime, due: datetime) -> datetime:
        """When the result reached the office: early, on time or late in the demo's shares."""
        cal, now, rng = self.cal, self.now, self.rng
        if due > now:  # still within time: some moment up to now
            return self._step(after, rng.randint(0, 3), now)
        r = rng.random()
        if r < EARLY_SHARE:
            last_early = cal.previous_working_day(due.date())
            span = cal.working_days_between(after.date(), last_early)
            if span >= 0:
                end = min(cal.end_of_day(last_early), now)
                found = self._step(after, rng.randint(0, span), end)
                if found.date() < due.date():
                    return found
        if r < EARLY_SHARE + ON_TIME_SHARE:
            end = due if self.granularity == "minute" else cal.end_of_day(due.date())
            on_time = self._at_on(
                due.date(), max(after, datetime.combine(due.date(), time.min)), min(end, now)
            )
            if on_time is not None:
                return on_time
        return self._step(max(after, due), rng.choice((1, 1, 1, 2, 2, 3, 5, 8)), now)

    # -- the history of one dossier ---------------------------------------------------------------
    def write(self, d: Draft, dossier_id: int, events: list[EventRow]) -> LifecycleColumns:
        """Append the dossier's events after intake; return the columns they set."""
        cols: LifecycleColumns = {
            "intake_at": d.intake_at,
            "current_unit": self.office.office_name,
            "supplement_requested_at": None,
            "settled_at": None,
            "returned_at": None,
            "returned_to": "",
            "rating": "",
            "rating_comment": "",
            "original_due_at": d.due_at,
            "extended_due_at": None,
            "extension_recorded_at": None,
            "late_reason": "",
            "responsible_unit": "",
        }
        track = _Track(d, dossier_id, events)
        if d.restart:
            self._restart(d, track)
        target = d.status
        if target is Status.RECEIVED:
            return cols
        unit = d.procedure.handling_unit or self.office.office_name
        self._hand_over(d, track, cols, unit)
        if target in (Status.SUPPLEMENT, Status.CLOSED):
            self._supplement(d, track, cols)
        elif target is Status.WITHDRAWN:
            self._withdraw(d, track, cols)
        elif target not in SETTLED:  # still being worked on, maybe past its due date
            if d.due_at < self.now and self.rng.random() < 0.5:
                self._letter(d, dossier_id, events, cols, track.at, None)
        else:
            self._settle(d, track, cols, unit)
        return cols

    def _restart(self, d: Draft, track: _Track) -> None:
        """Papers asked for at the counter and brought back the same day: the clock restarts."""
        assert d.restart is not None
        asked, back = d.restart
        office = self.office.office_name
        reason = self.rng.choice(SUPPLEMENT_REASONS)
        papers = [{"name": self.rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
        track.record(
            Move.SUPPLEMENT,
            asked,
            Status.SUPPLEMENT,
            office,
            office,
            reason,
            papers=papers,
            reason=reason,
        )
        track.record(
            Move.SUPPLEMENTED,
            back,
            Status.RECEIVED,
            d.person.full_name,
            office,
            old_received_at=_iso(d.intake_at),
            old_due_at=_iso(d.intake_due_at),
            old_original_due_at=_iso(d.intake_due_at),
            old_extended_due_at=None,
            new_received_at=_iso(back),
            new_due_at=_iso(d.due_at),
            supplement_requested_at=_iso(asked),
        )

    def _hand_over(self, d: Draft, track: _Track, cols: LifecycleColumns, unit: str) -> None:
        """To the handling unit, unless settled at the counter or ended before it went there."""
        rng, office, target = self.rng, self.office.office_name, d.status
        same_day = d.procedure.duration.unit is DurationUnit.SAME_DAY
        early_exit = (
            target in (Status.SUPPLEMENT, Status.CLOSED, Status.WITHDRAWN) and rng.random() < 0.5
        )
        at_counter = same_day and rng.random() < 0.7  # chứng thực: settled at the counter itself
        if target is Status.IN_PROGRESS or (not early_exit and not at_counter and unit != office):
            when = self._step(track.at, rng.choice(HANDOVER_DAYS), self.now)
            track.record(Move.HAND_OVER, when, Status.IN_PROGRESS, office, unit)
            cols["current_unit"] = unit

    def _supplement(self, d: Draft, track: _Track, cols: LifecycleColumns) -> None:
        """Papers asked for; closed when they did not come within 15 days."""
        rng, now, office = self.rng, self.now, self.office.office_name
        reason = rng.choice(SUPPLEMENT_REASONS)
        papers = [{"name": rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
        asked = self._step(track.at, rng.randint(0, 2), now)
        track.record(
            Move.SUPPLEMENT,
            asked,
            Status.SUPPLEMENT,
            cols["current_unit"],
            office,
            reason,
            papers=papers,
            reason=reason,
        )
        cols["current_unit"], cols["supplement_requested_at"] = office, asked
        if d.status is Status.CLOSED and asked + timedelta(days=15) <= now:
            closed = self._step(asked + timedelta(days=15), rng.randint(0, 3), now)
            track.record(
                Move.CLOSED, closed, Status.CLOSED, office, "", CLOSE_REASON, reason=CLOSE_REASON
            )
            cols["current_unit"] = ""

    def _withdraw(self, d: Draft, track: _Track, cols: LifecycleColumns) -> None:
        reason = self.rng.choice(WITHDRAW_REASONS)
        at = track.at
        when = self._step(at, self.rng.randint(0, 3), min(self.now, max(at, d.due_at)))
        track.record(
            Move.WITHDRAWN,
            when,
            Status.WITHDRAWN,
            cols["current_unit"],
            d.person.full_name,
            reason,
            reason=reason,
        )
        cols["current_unit"] = ""

    def _settle(self, d: Draft, track: _Track, cols: LifecycleColumns, unit: str) -> None:
        """The result (or a refusal, a stop) early, on time or late; then its return."""
        rng, office, target = self.rng, self.office.office_name, d.status
        where = cols["current_unit"]
        settled = self._settle_moment(track.at, d.due_at)
        timeliness = classify(settled, d.due_at, self.granularity)
        if timeliness is Timeliness.LATE and rng.random() < LETTER_SHARE:
            self._letter(d, track.dossier_id, track.events, cols, track.at, settled)
        cols["current_unit"], cols["settled_at"] = office, settled
        if target in (Status.REFUSED, Status.STOPPED):
            refused = target is Status.REFUSED
            reason = rng.choice(REFUSAL_REASONS if refused else STOP_REASONS)
            move = Move.REFUSED if refused else Move.STOPPED
            track.record(
                move,
                settled,
                target,
                where,
                office,
                reason,
                reason=reason,
                timeliness=timeliness.value,
            )
            return
        track.record(
            Move.RESULT_READY,
            settled,
            Status.RESULT_READY,
            where if where != office else unit,
            office,
            timeliness=timeliness.value,
        )
        if target is Status.RETURNED and d.return_method is ReturnMethod.POSTAL:
            self._post(d, track.dossier_id, track.events, cols, settled)
        elif target is Status.RETURNED:
            self._return_at_counter(d, track, cols, settled)

    def _return_at_counter(
        self, d: Draft, track: _Track, cols: LifecycleColumns, settled: datetime
    ) -> None:
        rng = self.rng
        returned = self._step(settled, rng.choice(PICK_UP_DAYS), self.now)
        taken_by = d.authorised.full_name if d.authorised else d.person.full_name
        rating = _rating(rng.random())
        comment = rng.choice(RATING_COMMENTS) if rating and rng.random() < 0.15 else ""
        track.record(
            Move.RETURNED,
            returned,
            Status.RETURNED,
            self.office.office_name,
            taken_by,
            taken_by=taken_by,
            rating=rating,
            rating_label=label(Rating(rating)) if rating else "",
            rating_comment=comment,
        )
        cols["returned_at"], cols["returned_to"] = returned, taken_by
        cols["rating"], cols["rating_comment"] = rating, comment

    # -- the post ---------------------------------------------------------------------------------
    def _batch_of(self, handed: datetime, clerk: str) -> BatchRow:
        """The day's handover list (numbered later by :meth:`number_batches`)."""
        day = handed.date()
        batch = self._batches.get(day)
        if batch is None:
            batch = self._batches[day] = {
                "id": self._next_batch,
                "year": day.year,
                "number": None,
                "created_at": handed,
                "created_by": clerk,
                "postal_employee": POSTAL_EMPLOYEE,
            }
            self._next_batch += 1
            self.batches.append(batch)
        batch["created_at"] = max(batch["created_at"], handed)
        return batch

    def _post(
        self,
        d: Draft,
        dossier_id: int,
        events: list[EventRow],
        cols: LifecycleColumns,
        settled: datetime,
    ) -> None:
        """The result handed to the post office on the day's handover list, then delivered
        (most) or not (a few), as PostalService records it."""
        rng, now = self.rng, self.now
        handed = self._step(settled, rng.choice(HANDOVER_DAYS), now)
        batch = self._batch_of(handed, d.clerk)
        item_id = self._next_item
        self._next_item += 1
        recipient = d.authorised.full_name if d.authorised else d.person.full_name
        item = _item_row(item_id, dossier_id, batch["id"], d, recipient, handed)
        self.items.append(item)
        office = self.office.office_name
        event = _event(
            events,
            dossier_id,
            handed,
            Move.RETURNED.value,
            d.clerk,
            office,
            POSTAL_EMPLOYEE,
            "",
            {},
        )
        self._item_events.append((batch, item, event))
        cols["returned_at"], cols["returned_to"] = handed, recipient
        if now - handed > timedelta(days=3):
            outcome = self._step(handed, rng.choice((1, 1, 2, 3)), now)
            delivered = rng.random() < 0.95
            item["state"] = "delivered" if delivered else "failed"
            if delivered:
                item["delivered_at"] = outcome
            else:
                item["failed_at"] = outcome
            kind = "postal_delivered" if delivered else "postal_failed"
            event = _event(
                events, dossier_id, outcome, kind, d.clerk, POSTAL_SERVICE, recipient, "", {}
            )
            self._item_events.append((batch, item, event))

    # -- letters ----------------------------------------------------------------------------------
    def _letter(
        self,
        d: Draft,
        dossier_id: int,
        events: list[EventRow],
        cols: LifecycleColumns,
        after: datetime,
        settled: datetime | None,
    ) -> None:
        """An apology letter signed on the due day (or the first day after ``after``) and handed
        over minutes later; numbered per year by :meth:`number_letters`."""
        rng, office = self.rng, self.office
        limit = settled or self.now
        signed = self._step(max(after, datetime.combine(d.due_at.date(), time.min)), 0, limit)
        delivered = min(signed + timedelta(minutes=rng.randint(5, 40)), limit)
        proposed = self._proposed_due(d.due_at, signed, settled)
        reason = rng.choice(APOLOGY_REASONS[:-1])
        unit = cols["current_unit"]
        if unit == office.office_name:
            unit = d.procedure.handling_unit
        letter = _letter_row(
            self._next_letter,
            dossier_id,
            office,
            signed=signed,
            reason=reason,
            unit=unit,
            due=d.due_at,
            proposed=proposed,
            delivered=delivered,
            method=rng.choice(DELIVERY_METHODS),
        )
        self._next_letter += 1
        self.letters.append(letter)
        signing = _event(
            events,
            dossier_id,
            signed,
            "apology",
            office.head_name,
            office.office_name,
            d.person.full_name,
            reason,
            {},
        )
        self._letter_events.append(signing)
        method, data = letter["delivery_method"], {"letter_id": letter["id"]}
        _event(events, dossier_id, delivered, "apology_delivered", d.clerk, "", "", method, data)
        # Signed on the due day: too late to move the appointment
        # (domain.lifecycle.extension_counts).
        cols["extended_due_at"], cols["extension_recorded_at"] = proposed, signed
        cols["late_reason"], cols["responsible_unit"] = reason, unit

    def _proposed_due(self, due: datetime, signed: datetime, settled: datetime | None) -> datetime:
        """The new appointment: the day the result came, or two working days after the due
        day when it has not come yet."""
        cal = self.cal
        if settled is None:
            return cal.end_of_day(cal.nth_working_day_after(max(due, signed).date(), 2))
        return cal.end_of_day(settled.date()) if cal.is_working_day(settled.date()) else settled

    # -- numbering, once the chunk is drafted -----------------------------------------------------
    def counter_names(self) -> set[str]:
        return {f"apology:{x['year']}" for x in self.letters} | {
            f"postal_batch:{b['year']}" for b in self.batches
        }

    def number_batches(self, counters: dict[str, int]) -> None:
        """Number the chunk's handover lists by day, continuing each year's series, and write
        the list number into each item's position and events."""
        for batch in sorted(self.batches, key=lambda b: b["created_at"]):
            key = f"postal_batch:{batch['year']}"
            counters[key] = batch["number"] = counters.get(key, 0) + 1
        positions: dict[int, int] = {}
        for batch, item, event in self._item_events:
            text = f"{batch['number']:02d}/{batch['year']}/BGBC"
            if event["kind"] == Move.RETURNED.value:
                positions[batch["id"]] = item["position"] = positions.get(batch["id"], 0) + 1
                event["note"] = f"Giao bưu điện theo danh sách bàn giao số {text}"
                data = _handed_over_data(batch, item, text)
            else:
                delivered = event["kind"] == "postal_delivered"
                outcome = "Đã phát thành công" if delivered else "Phát không thành công"
                event["note"] = f"{outcome} (bưu gửi {item['waybill']})"
                data = {
                    "waybill": item["waybill"],
                    "postal_batch": text,
                    "from_state": "handed_over",
                    "to_state": "delivered" if delivered else "failed",
                }
            event["data"] = json.dumps(data, ensure_ascii=False)

    def number_letters(self, counters: dict[str, int]) -> None:
        """Number the chunk's letters in signing order, continuing each year's register."""
        pairs = sorted(
            zip(self.letters, self._letter_events, strict=True),
            key=lambda p: (p[0]["confirmed_at"], p[0]["id"]),
        )
        for letter, event in pairs:
            key = f"apology:{letter['year']}"
            counters[key] = number = counters.get(key, 0) + 1
            letter["number"] = number
            event["data"] = json.dumps(
                {
                    "letter_id": letter["id"],
                    "number": number,
                    "year": letter["year"],
                    "proposed_due_at": _iso(letter["proposed_due_at"]),
                    "extension_counts": False,
                    "override": False,
                }
            )


def _item_row(
    item_id: int, dossier_id: int, batch_id: int, d: Draft, recipient: str, handed: datetime
) -> ItemRow:
    """A result handed to the post, waiting for its position on the list and its outcome."""
    return {
        "id": item_id,
        "dossier_id": dossier_id,
        "batch_id": batch_id,
        "position": 0,
        "waybill": f"EB{item_id:09d}VN",
        "recipient_name": recipient,
        "recipient_address": d.person.address,
        "recipient_phone": d.person.phone,
        "state": "handed_over",
        "handed_over_at": handed,
        "delivered_at": None,
        "failed_at": None,
        "returned_at": None,
        "note": "",
    }


def _letter_row(
    letter_id: int,
    dossier_id: int,
    office: OfficeProfile,
    *,
    signed: datetime,
    reason: str,
    unit: str,
    due: datetime,
    proposed: datetime,
    delivered: datetime,
    method: str,
) -> LetterRow:
    """A letter signed by the head of office and delivered (numbered later)."""
    return {
        "id": letter_id,
        "dossier_id": dossier_id,
        "year": signed.year,
        "number": None,
        "status": LetterStatus.DELIVERED.value,
        "auto": True,
        "created_at": signed,
        "reason": reason,
        "reason_detail": "",
        "responsible_unit": unit,
        "original_due_at": due,
        "proposed_due_at": proposed,
        "signer_name": office.head_name,
        "signer_title": office.head_title,
        "signer_prefix": office.head_sign_prefix,
        "confirmed_at": signed,
        "confirmed_by": office.head_name,
        "delivered_at": delivered,
        "delivery_method": method,
        "override": False,
        "override_by": "",
        "override_reason": "",
    }


def _handed_over_data(batch: BatchRow, item: ItemRow, batch_text: str) -> dict[str, Any]:
    return {
        "from_status": Status.RESULT_READY.value,
        "to_status": Status.RETURNED.value,
        "taken_by": item["recipient_name"],
        "via": "postal",
        "postal_batch": batch_text,
        "waybill": item["waybill"],
        "recipient": item["recipient_name"],
        "address": item["recipient_address"],
        "phone": item["recipient_phone"],
        "postal_employee": batch["postal_employee"],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None
