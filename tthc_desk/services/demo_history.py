"""What happened to a demo dossier after intake, written as the real services record it.

Split from :mod:`tthc_desk.services.demo_service`, which draws the dossiers and writes each chunk:
this module appends, for one drafted dossier, its events after intake (hand-offs, supplements,
the result early / on time / late, the return with a rating, the handover to the post and its
outcome, apology letters) and returns the dossier columns they set.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tthc_desk.db.models import ApologyLetterRecord, PostalBatchRecord, PostalItemRecord
from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.lifecycle import (
    APOLOGY_REASONS,
    SATISFACTION_LEVELS,
    SETTLED,
    LetterStatus,
    Move,
    Timeliness,
    classify,
)
from tthc_desk.domain.procedure import DurationUnit
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

if TYPE_CHECKING:
    from tthc_desk.services.demo_service import _Draft, _Generator

# How settled dossiers came out: a commune a little short of the provincial targets.
EARLY_SHARE, ON_TIME_SHARE = 0.58, 0.36  # the rest is late
LETTER_SHARE = 0.85  # late dossiers that got their apology letter (the rest: before the app)


class History:
    """What happened to a demo dossier after intake, written as LifecycleService records it.

    Events go into the chunk's event rows and apology letters into ``letters``; :meth:`write`
    returns the dossier columns those events set. Moments fall inside office sessions, in
    order, never after the clock's now; settled dossiers come out early, on time or late in the
    shares above, and most late ones carry a letter signed on their due day (too late to move
    the appointment, as in real life), so the registers and reports have real content.
    """

    def __init__(self, gen: _Generator, s: Session) -> None:
        assert gen.cal is not None
        self.rng, self.cal, self.now = gen.rng, gen.cal, gen.now
        self.office = gen.office
        self.granularity = gen.granularity
        self.letters: list[dict[str, Any]] = []
        self._letter_events: list[dict[str, Any]] = []
        self._next_letter = (s.scalar(select(func.max(ApologyLetterRecord.id))) or 0) + 1
        self.batches: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self._batches: dict[date, dict[str, Any]] = {}
        self._item_events: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        self._next_batch = (s.scalar(select(func.max(PostalBatchRecord.id))) or 0) + 1
        self._next_item = (s.scalar(select(func.max(PostalItemRecord.id))) or 0) + 1

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
            found = self._at_on(
                due.date(), max(after, datetime.combine(due.date(), time.min)), min(end, now)
            )
            if found is not None:
                return found
        return self._step(max(after, due), rng.choice((1, 1, 1, 2, 2, 3, 5, 8)), now)

    # -- rows ---------------------------------------------------------------------------------
    @staticmethod
    def _event(
        events: list[dict[str, Any]],
        dossier_id: int,
        at: datetime,
        kind: str,
        actor: str,
        from_unit: str,
        to_unit: str,
        note: str,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        row = {
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

    def write(self, d: _Draft, dossier_id: int, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Append the dossier's events after intake; return the columns they set."""
        rng, now, office = self.rng, self.now, self.office.office_name
        cols: dict[str, Any] = {
            "intake_at": d.intake_at,
            "current_unit": office,
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
        status, at, who = Status.RECEIVED, d.intake_at, d.person.full_name

        def record(
            move: Move,
            when: datetime,
            to: Status,
            from_unit: str,
            to_unit: str,
            note: str = "",
            **data: Any,
        ) -> None:
            nonlocal status, at
            self._event(
                events,
                dossier_id,
                when,
                move.value,
                d.clerk,
                from_unit,
                to_unit,
                note,
                {"from_status": status.value, "to_status": to.value, **data},
            )
            status, at = to, when

        if d.restart:
            asked, back = d.restart
            reason = rng.choice(SUPPLEMENT_REASONS)
            papers = [{"name": rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
            record(
                Move.SUPPLEMENT,
                asked,
                Status.SUPPLEMENT,
                office,
                office,
                reason,
                papers=papers,
                reason=reason,
            )
            record(
                Move.SUPPLEMENTED,
                back,
                Status.RECEIVED,
                who,
                office,
                old_received_at=_iso(d.intake_at),
                old_due_at=_iso(d.intake_due_at),
                old_original_due_at=_iso(d.intake_due_at),
                old_extended_due_at=None,
                new_received_at=_iso(back),
                new_due_at=_iso(d.due_at),
                supplement_requested_at=_iso(asked),
            )
        target = d.status
        if target is Status.RECEIVED:
            return cols
        unit = d.procedure.handling_unit or office
        same_day = d.procedure.duration.unit is DurationUnit.SAME_DAY
        early_exit = (
            target in (Status.SUPPLEMENT, Status.CLOSED, Status.WITHDRAWN) and rng.random() < 0.5
        )
        at_counter = same_day and rng.random() < 0.7  # chứng thực: settled at the counter itself
        if target is Status.IN_PROGRESS or (not early_exit and not at_counter and unit != office):
            record(
                Move.HAND_OVER,
                self._step(at, rng.choice((0, 0, 1)), now),
                Status.IN_PROGRESS,
                office,
                unit,
            )
            cols["current_unit"] = unit
        where = cols["current_unit"]

        if target in (Status.SUPPLEMENT, Status.CLOSED):
            reason = rng.choice(SUPPLEMENT_REASONS)
            papers = [{"name": rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
            asked = self._step(at, rng.randint(0, 2), now)
            record(
                Move.SUPPLEMENT,
                asked,
                Status.SUPPLEMENT,
                where,
                office,
                reason,
                papers=papers,
                reason=reason,
            )
            cols.update(current_unit=office, supplement_requested_at=asked)
            if target is Status.CLOSED and asked + timedelta(days=15) <= now:
                record(
                    Move.CLOSED,
                    self._step(asked + timedelta(days=15), rng.randint(0, 3), now),
                    Status.CLOSED,
                    office,
                    "",
                    CLOSE_REASON,
                    reason=CLOSE_REASON,
                )
                cols["current_unit"] = ""
            return cols
        if target is Status.WITHDRAWN:
            reason = rng.choice(WITHDRAW_REASONS)
            record(
                Move.WITHDRAWN,
                self._step(at, rng.randint(0, 3), min(now, max(at, d.due_at))),
                Status.WITHDRAWN,
                where,
                who,
                reason,
                reason=reason,
            )
            cols["current_unit"] = ""
            return cols
        if target not in SETTLED:  # still being worked on, maybe past its due date
            if d.due_at < now and rng.random() < 0.5:
                self._letter(d, dossier_id, events, cols, at, None)
            return cols

        settled = self._settle_moment(at, d.due_at)
        timeliness = classify(settled, d.due_at, self.granularity)
        if timeliness is Timeliness.LATE and rng.random() < LETTER_SHARE:
            self._letter(d, dossier_id, events, cols, at, settled)
        if target in (Status.REFUSED, Status.STOPPED):
            reason = rng.choice(REFUSAL_REASONS if target is Status.REFUSED else STOP_REASONS)
            move = Move.REFUSED if target is Status.REFUSED else Move.STOPPED
            record(
                move,
                settled,
                target,
                where,
                office,
                reason,
                reason=reason,
                timeliness=timeliness.value,
            )
            cols.update(current_unit=office, settled_at=settled)
            return cols
        record(
            Move.RESULT_READY,
            settled,
            Status.RESULT_READY,
            where if where != office else unit,
            office,
            timeliness=timeliness.value,
        )
        cols.update(current_unit=office, settled_at=settled)
        if target is Status.RETURNED and d.return_method is ReturnMethod.POSTAL:
            self._post(d, dossier_id, events, cols, settled)
        elif target is Status.RETURNED:
            returned = self._step(settled, rng.choice((0, 0, 0, 1, 1, 2, 3, 5)), now)
            taken_by = d.authorised.full_name if d.authorised else who
            r = rng.random()
            rating = (
                ""
                if r < 0.08
                else "very_satisfied"
                if r < 0.62
                else "satisfied"
                if r < 0.95
                else "dissatisfied"
            )
            comment = rng.choice(RATING_COMMENTS) if rating and rng.random() < 0.15 else ""
            record(
                Move.RETURNED,
                returned,
                Status.RETURNED,
                office,
                taken_by,
                taken_by=taken_by,
                rating=rating,
                rating_label=SATISFACTION_LEVELS.get(rating, ""),
                rating_comment=comment,
            )
            cols.update(
                returned_at=returned, returned_to=taken_by, rating=rating, rating_comment=comment
            )
        return cols

    def _post(
        self,
        d: _Draft,
        dossier_id: int,
        events: list[dict[str, Any]],
        cols: dict[str, Any],
        settled: datetime,
    ) -> None:
        """The result handed to the post office on the day's handover list, then delivered
        (most) or not (a few), as PostalService records it."""
        rng, now = self.rng, self.now
        handed = self._step(settled, rng.choice((0, 0, 1)), now)
        day = handed.date()
        batch = self._batches.get(day)
        if batch is None:
            batch = self._batches[day] = {
                "id": self._next_batch,
                "year": day.year,
                "number": None,
                "created_at": handed,
                "created_by": d.clerk,
                "postal_employee": "Nhân viên Bưu điện văn hóa xã",
            }
            self._next_batch += 1
            self.batches.append(batch)
        batch["created_at"] = max(batch["created_at"], handed)
        item_id = self._next_item
        self._next_item += 1
        waybill = f"EB{item_id:09d}VN"
        recipient = d.authorised.full_name if d.authorised else d.person.full_name
        item: dict[str, Any] = {
            "id": item_id,
            "dossier_id": dossier_id,
            "batch_id": batch["id"],
            "position": 0,
            "waybill": waybill,
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
        self.items.append(item)
        event = self._event(
            events,
            dossier_id,
            handed,
            Move.RETURNED.value,
            d.clerk,
            self.office.office_name,
            "Nhân viên Bưu điện văn hóa xã",
            "",
            {},
        )
        self._item_events.append((batch, item, event))
        cols.update(returned_at=handed, returned_to=recipient)
        if now - handed > timedelta(days=3):
            outcome = self._step(handed, rng.choice((1, 1, 2, 3)), now)
            delivered = rng.random() < 0.95
            item["state"] = "delivered" if delivered else "failed"
            item["delivered_at" if delivered else "failed_at"] = outcome
            self._item_events.append(
                (
                    batch,
                    item,
                    self._event(
                        events,
                        dossier_id,
                        outcome,
                        "postal_delivered" if delivered else "postal_failed",
                        d.clerk,
                        "Bưu chính công ích",
                        recipient,
                        "",
                        {},
                    ),
                )
            )

    def _letter(
        self,
        d: _Draft,
        dossier_id: int,
        events: list[dict[str, Any]],
        cols: dict[str, Any],
        after: datetime,
        settled: datetime | None,
    ) -> None:
        """An apology letter signed on the due day (or the first day after ``after``) and handed
        over minutes later; numbered per year by :meth:`number_letters`."""
        rng, cal, office = self.rng, self.cal, self.office
        limit = settled or self.now
        signed = self._step(max(after, datetime.combine(d.due_at.date(), time.min)), 0, limit)
        delivered = min(signed + timedelta(minutes=rng.randint(5, 40)), limit)
        if settled is not None:
            proposed = (
                cal.end_of_day(settled.date()) if cal.is_working_day(settled.date()) else settled
            )
        else:
            proposed = cal.end_of_day(cal.nth_working_day_after(max(d.due_at, signed).date(), 2))
        reason = rng.choice(APOLOGY_REASONS[:-1])
        unit = (
            cols["current_unit"]
            if cols["current_unit"] != office.office_name
            else d.procedure.handling_unit
        )
        letter_id = self._next_letter
        self._next_letter += 1
        self.letters.append(
            {
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
                "original_due_at": d.due_at,
                "proposed_due_at": proposed,
                "signer_name": office.head_name,
                "signer_title": office.head_title,
                "signer_prefix": office.head_sign_prefix,
                "confirmed_at": signed,
                "confirmed_by": office.head_name,
                "delivered_at": delivered,
                "delivery_method": rng.choice(DELIVERY_METHODS),
                "override": False,
                "override_by": "",
                "override_reason": "",
            }
        )
        self._letter_events.append(
            self._event(
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
        )
        self._event(
            events,
            dossier_id,
            delivered,
            "apology_delivered",
            d.clerk,
            "",
            "",
            self.letters[-1]["delivery_method"],
            {"letter_id": letter_id},
        )
        # Signed on the due day: too late to move the appointment (domain.lifecycle.extension_counts).
        cols.update(
            extended_due_at=proposed,
            extension_recorded_at=signed,
            late_reason=reason,
            responsible_unit=unit,
        )

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
                data = {
                    "from_status": Status.RESULT_READY.value,
                    "to_status": Status.RETURNED.value,
                    "taken_by": item["recipient_name"],
                    "via": "postal",
                    "postal_batch": text,
                    "waybill": item["waybill"],
                    "recipient": item["recipient_name"],
                    "address": item["recipient_address"],
                    "phone": item["recipient_phone"],
                    "postal_employee": batch["postal_employee"],
                }
            else:
                to_state = "delivered" if event["kind"] == "postal_delivered" else "failed"
                event["note"] = (
                    f"{'Đã phát thành công' if to_state == 'delivered' else 'Phát không thành công'} (bưu gửi {item['waybill']})"
                )
                data = {
                    "waybill": item["waybill"],
                    "postal_batch": text,
                    "from_state": "handed_over",
                    "to_state": to_state,
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
            counters[key] = letter["number"] = counters.get(key, 0) + 1
            event["data"] = json.dumps(
                {
                    "letter_id": letter["id"],
                    "number": letter["number"],
                    "year": letter["year"],
                    "proposed_due_at": _iso(letter["proposed_due_at"]),
                    "extension_counts": False,
                    "override": False,
                }
            )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None
