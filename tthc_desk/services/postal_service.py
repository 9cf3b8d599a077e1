"""Public postal service: choosing return by post, handing results to the post office on a
numbered list, following each item until it is delivered or comes back, and the figures.

rules.md "Channels, postal service": the handover to the post counts as returning the result, so
making a list records, for every item, the same ``returned`` move the counter records (status,
moment, recipient, an event), all in one transaction. A result the post sends back (chuyển hoàn)
goes back to the counter queue (``Có kết quả``, to be returned in person); ``settled_at`` never
changes, so the classification (trước hạn / đúng hạn / quá hạn) stays what it was. Every step is
an event in ``dossier_events``: the history keeps everything.

The rules live in ``domain/postal*.py``, the queries in ``db/stores/postal.py``; each method here
opens one unit of work and calls them in order. Delivery outcomes: ``services/postal_tracking.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.db.unit_of_work import UnitOfWork
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Dossier, ReturnMethod
from tthc_desk.domain.errors import NotFoundError, ProblemCollector, ValidationError
from tthc_desk.domain.postal import (
    PostalBatch,
    PostalCounts,
    PostalDossier,
    PostalItem,
    PostalShares,
    PostalState,
    StatusImportSummary,
    batch_number_text,
    minute,
    normalise_waybill,
    parse_batch_number,
    parse_waybill,
    shares_window,
)
from tthc_desk.domain.postal_handover import (
    ListHeading,
    batch_waybills,
    check_moment,
    choose_candidates,
    end_of_office_day,
    ensure_waybill_editable,
    given_numbers,
    handovers,
    requested_codes,
    requested_moment,
    waybill_event,
    waybill_taken,
)
from tthc_desk.domain.postal_return import CHANGEABLE as CHANGEABLE  # the UI asks it too
from tthc_desk.domain.postal_return import (
    ReturnRequest,
    ensure_after_last_step,
    parse_return_method,
    plan_return_change,
)
from tthc_desk.domain.text import NAME_MAX, clean_text, nfc
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.postal_tracking import PostalTracking
from tthc_desk.services.print_service import write
from tthc_desk.services.settings_service import SettingsService

_SUFFIX_ERROR = "Danh sách bàn giao chỉ xuất được ra tệp .pdf hoặc .xlsx."


def _dossier(uow: UnitOfWork, code: str) -> PostalDossier:
    dossier = uow.postal.dossier(nfc(code))
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
    return dossier


def _batch(uow: UnitOfWork, number: str | int) -> PostalBatch:
    """A list named by its number text ("03/2026/BGBC", "3/2026") or its id."""
    if isinstance(number, int):
        batch = uow.postal.batch(number)
    else:
        parsed = parse_batch_number(number)
        batch_id = None if parsed is None else uow.postal.batch_id(*parsed)
        batch = None if batch_id is None else uow.postal.batch(batch_id)
    if batch is None:
        raise NotFoundError(f"Không có danh sách bàn giao số “{number}” (ghi dạng 03/2026/BGBC).")
    return batch


class PostalService:
    def __init__(
        self,
        db: Database,
        catalog: CatalogService,
        calendar: CalendarService,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._catalog = catalog
        self._calendar = calendar
        self._settings = settings
        self._clock = clock
        self._template_dir = template_dir
        self._tracking = PostalTracking(db, settings, accounts, clock)

    # -- reading ------------------------------------------------------------------------------
    def counts(self) -> PostalCounts:
        """How many results wait for handover, and how many items are in each state."""
        with self._db.read() as uow:
            waiting = uow.postal.count_waiting()
            by_state = uow.postal.count_by_state()
        return PostalCounts(
            waiting=waiting,
            handed_over=by_state.get(PostalState.HANDED_OVER, 0),
            delivered=by_state.get(PostalState.DELIVERED, 0),
            failed=by_state.get(PostalState.FAILED, 0),
            returned=by_state.get(PostalState.RETURNED, 0),
        )

    def items(self, state: PostalState | None = None, limit: int | None = None) -> list[PostalItem]:
        """The rows of one tab of the postal page (``None``: every tab, waiting first).

        Waiting rows come oldest result first; handed-over items newest list first.
        """
        out: list[PostalItem] = []
        with self._db.read() as uow:
            if state in (None, PostalState.WAITING):
                out += [d.waiting_item() for d in uow.postal.waiting(limit)]
            if state is not PostalState.WAITING:
                out += uow.postal.items(state, limit)
        return out[:limit] if limit is not None else out

    def handed_over_between(self, start: datetime, end: datetime) -> list[PostalItem]:
        """The items handed to the post from ``start`` (included) to ``end`` (excluded), newest
        list first: the postal part of a report, without reading every item."""
        with self._db.read() as uow:
            return uow.postal.handed_over_between(start, end)

    def waiting(self) -> list[PostalItem]:
        return self.items(PostalState.WAITING)

    def items_for(self, code: str) -> list[PostalItem]:
        """Every postal item of one dossier, oldest first (a returned result may be sent again)."""
        with self._db.read() as uow:
            dossier = _dossier(uow, code)
            items = uow.postal.items_of(dossier.id)
        if dossier.waiting_for_post:
            items.append(dossier.waiting_item())
        return items

    def item(self, waybill: str) -> PostalItem:
        number = normalise_waybill(waybill)
        with self._db.read() as uow:
            item = uow.postal.item_by_waybill(number)
        if item is None:
            raise NotFoundError(f"Không có bưu gửi nào số hiệu “{number}”.")
        return item

    def batches(self, year: int | None = None) -> list[PostalBatch]:
        """The handover lists, newest first."""
        with self._db.read() as uow:
            return uow.postal.batches(year)

    def batch(self, number: str | int) -> PostalBatch:
        """A list by its number text ("03/2026/BGBC", "3/2026") or its id."""
        with self._db.read() as uow:
            return _batch(uow, number)

    def postal_shares(self, start: date, end: date) -> PostalShares:
        """Received-by-post and returned-by-post counts for the days ``start``–``end``.

        From the time-stamped history, so a period's figures never change when rebuilt:
        received = first receipt in the period; returned = a ``returned`` event in the period
        (handing to the post is one); by post = the channel, or a handover in the period.
        """
        lo, hi = shares_window(start, end)
        with self._db.read() as uow:
            counts = uow.postal.share_counts(lo, hi)
        return PostalShares(start, end, *counts)

    # -- the applicant's choice ---------------------------------------------------------------
    def set_return(
        self,
        code: str,
        method: ReturnMethod | str,
        recipient: str = "",
        address: str = "",
        phone: str = "",
        reason: str = "",
    ) -> Dossier:
        """Change how the result reaches the applicant (at intake or later, until it is returned).

        By post: the procedure must allow it and the address must be complete; the recipient
        defaults to the authorised person, else the applicant, the phone to theirs.
        """
        actor = self._accounts.require(Right.POSTAL, "đổi nơi nhận kết quả").full_name
        request = ReturnRequest(parse_return_method(method), recipient, address, phone, reason)
        now = minute(self._clock.now())
        with self._db.write() as uow:
            dossier = _dossier(uow, code)
            allowed = (
                request.method is not ReturnMethod.POSTAL
                or self._catalog.get(dossier.procedure_code).postal_return
            )
            change = plan_return_change(dossier, request, allowed)
            ensure_after_last_step(now, uow.events.last_at(dossier.id))
            uow.postal.set_return_contact(dossier.id, change.new)
            uow.events.append(dossier.id, change.event(now, actor))
            changed = uow.dossiers.get(dossier.id)
        assert changed is not None  # read back in the same transaction
        return changed

    # -- handover to the post office ----------------------------------------------------------
    def create_batch(
        self,
        codes: Sequence[str] | None = None,
        *,
        at: datetime | date | None = None,
        waybills: Mapping[str, str] | None = None,
        postal_employee: str = "",
    ) -> PostalBatch:
        """Make the next handover list of the year with the results waiting for the post (all of
        them, or the dossiers ``codes``), optionally with their waybills (dossier code → number).

        For every item the result counts as returned at ``at`` (default now): status
        ``Đã trả kết quả``, returned to the recipient, a ``returned`` event naming the list.
        One transaction: either every item is on the list, or nothing changed.
        """
        actor = self._accounts.require(Right.POSTAL, "lập danh sách bàn giao bưu chính").full_name
        employee = clean_text(
            postal_employee, "Nhân viên bưu chính", NAME_MAX, field="postal_employee"
        )
        self._settings.require_setup()
        now = minute(self._clock.now())
        moment = requested_moment(at, now, self._end_of_office_day)
        office = self._settings.office().office_name
        given = waybills or {}
        problems = ProblemCollector()
        with self._db.write() as uow:
            dossiers = self._candidates(uow, codes, problems)
            check_moment(moment, now, [uow.events.last_at(d.id) for d in dossiers], problems)
            taken = uow.postal.waybill_owners(given_numbers(given))
            numbers = batch_waybills({d.code for d in dossiers}, given, taken, problems)
            if not dossiers and not problems.problems:
                raise ValidationError.for_field(
                    "codes", "Không có kết quả nào đang chờ giao bưu điện."
                )
            problems.raise_if_any("Chưa lập được danh sách bàn giao: cần sửa các mục sau.")
            number = uow.counters.next_value(f"postal_batch:{moment.year}")
            batch_id = uow.postal.add_batch(moment.year, number, moment, actor, employee)
            heading = ListHeading(
                batch_number_text(number, moment.year), moment, actor, office, employee
            )
            items = handovers(dossiers, numbers, heading)
            uow.postal.record_handovers(batch_id, items)
            for h in items:
                uow.events.append(h.dossier_id, h.event)
            batch = uow.postal.batch(batch_id)
        assert batch is not None  # made in the same transaction
        return batch

    def set_waybill(self, code: str, waybill: str) -> PostalItem:
        """Record (or correct) the waybill of the dossier's item on a list, typed or scanned.

        Refused when another item already carries the number, or when the post has already
        reported the item delivered or returned.
        """
        number = parse_waybill(waybill)
        now = minute(self._clock.now())
        actor = self._accounts.require(Right.POSTAL, "ghi số hiệu bưu gửi").full_name
        with self._db.write() as uow:
            dossier = _dossier(uow, code)
            tracked = uow.postal.latest_tracked_of(dossier.id)
            if tracked is None:
                raise ValidationError.for_field(
                    "code", f"Hồ sơ {dossier.code} chưa có trong danh sách bàn giao bưu điện nào."
                )
            item = tracked.item
            if item.waybill == number:
                return item
            ensure_waybill_editable(item)
            owner = uow.postal.waybill_owners([number], except_item=item.id).get(number)
            if owner is not None:
                raise ValidationError.for_field("waybill", waybill_taken(number, owner))
            uow.postal.set_waybill(tracked.item_id, number)
            uow.events.append(dossier.id, waybill_event(item, number, now, actor))
        return replace(item, waybill=number)

    # -- delivery outcomes (services/postal_tracking.py) ---------------------------------------
    def update(
        self,
        ref: str,
        state: PostalState | str,
        at: datetime | date | None = None,
        note: str = "",
    ) -> PostalItem:
        """Record what the post reports for one item (by waybill, or by dossier code)."""
        return self._tracking.update(ref, state, at, note)

    def import_statuses(self, path: str | Path) -> StatusImportSummary:
        """Apply the post office's status file, all or nothing."""
        return self._tracking.import_statuses(path)

    # -- files --------------------------------------------------------------------------------
    def batch_pdf(self, number: str | int, copies: int = 2) -> bytes:
        """The handover list (two copies by default: one for each side)."""
        from tthc_desk.printing.postal_handover import render_handover

        return render_handover(
            self.batch(number),
            self._settings.office(),
            copies=copies,
            template_dir=self._template_dir,
        )

    def write_batch_list(self, number: str | int, path: Path | str, copies: int = 2) -> Path:
        """The list as .pdf or .xlsx (by the suffix). Items without a waybill keep an empty
        cell, to be written by hand on the paper or recorded later (``set_waybill``)."""
        suffix = Path(path).suffix.lower()
        if suffix not in (".pdf", ".xlsx"):
            raise ValidationError.for_field("path", _SUFFIX_ERROR)
        if suffix == ".pdf":
            return write(path, self.batch_pdf(number, copies))
        from tthc_desk.exporting.postal_xlsx import write_handover_xlsx

        return write_handover_xlsx(
            self.batch(number), self._settings.office(), path, template_dir=self._template_dir
        )

    # -- steps --------------------------------------------------------------------------------
    @staticmethod
    def _candidates(
        uow: UnitOfWork, codes: Sequence[str] | None, problems: ProblemCollector
    ) -> list[PostalDossier]:
        if codes is None:
            return uow.postal.waiting()
        wanted = requested_codes(codes)
        return choose_candidates(wanted, uow.postal.dossiers(wanted), problems)

    def _end_of_office_day(self, day: date) -> datetime:
        """The end of the last office session of ``day`` (17:00 on a day without sessions)."""
        self._calendar.ensure_years([day.year])
        sessions = self._calendar.calendar().sessions_on(day)
        return end_of_office_day(day, [s.end for s in sessions])
