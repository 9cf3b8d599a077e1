"""Results handed to the public post: handover lists and postal items, and what the postal
rules read and change of their dossiers (return method and address, the returned step, the
return to the counter queue).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, time
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import Row, Select, case, distinct, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tthc_desk.db.models import (
    RETURNED_EVENT,
    DailyFactRecord,
    DossierEventRecord,
    DossierRecord,
    PostalBatchRecord,
    PostalItemRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.db.stores.facts import FactsStore
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.errors import ConflictError
from tthc_desk.domain.postal import (
    PostalBatch,
    PostalDossier,
    PostalItem,
    PostalState,
    batch_number_text,
)
from tthc_desk.domain.postal_handover import Handover, WaybillOwner
from tthc_desk.domain.postal_outcomes import TrackedItem
from tthc_desk.domain.postal_return import ReturnContact

# Rows and statements over several tables, read by column name.
_AnyRow: TypeAlias = Row[*tuple[Any, ...]]
_AnySelect: TypeAlias = Select[*tuple[Any, ...]]

_D = DossierRecord
_I = PostalItemRecord
_B = PostalBatchRecord

# What the postal rules read of a dossier (PostalDossier), light columns only.
_DOSSIER_COLUMNS = (
    _D.id,
    _D.code,
    _D.status,
    _D.procedure_code,
    _D.procedure_name,
    _D.applicant_name,
    _D.applicant_phone,
    _D.applicant_address,
    _D.authorised_name,
    _D.authorised_phone,
    _D.return_method,
    _D.return_address,
    _D.return_recipient,
    _D.return_phone,
    _D.settled_at,
    _D.fee_amount,
)
_WAITING = (_D.status == Status.RESULT_READY.value) & (
    _D.return_method == ReturnMethod.POSTAL.value
)

# An item with the dossier and list columns its row shows (PostalItem).
_ITEM_COLUMNS = (
    _I.id,
    _I.recipient_name,
    _I.recipient_address,
    _I.recipient_phone,
    _I.state,
    _I.waybill,
    _I.handed_over_at,
    _I.delivered_at,
    _I.failed_at,
    _I.returned_at,
    _I.note,
    _I.batch_id,
    _D.code,
    _D.applicant_name,
    _D.procedure_name,
    _D.settled_at,
    _D.fee_amount,
    _D.status.label("dossier_status"),
    _B.number.label("batch_number"),
    _B.year.label("batch_year"),
)
# ... and what an outcome reads of the dossier (TrackedItem).
_TRACKED_COLUMNS = (
    *_ITEM_COLUMNS,
    _I.dossier_id,
    _D.returned_at.label("dossier_returned_at"),
    _D.returned_to.label("dossier_returned_to"),
    _D.return_method.label("dossier_return_method"),
)
_BATCH_COLUMNS = (_B.id, _B.year, _B.number, _B.created_at, _B.created_by, _B.postal_employee)
_NEWEST_FIRST = (_I.handed_over_at.desc(), _B.id.desc(), _I.position)


class ShareCounts(NamedTuple):
    """The four counts of :class:`~tthc_desk.domain.postal.PostalShares`."""

    received_total: int
    received_by_post: int
    returned_total: int
    returned_by_post: int


def _dossier_from(r: _AnyRow) -> PostalDossier:
    return PostalDossier(
        id=r.id,
        code=r.code,
        status=Status(r.status),
        procedure_code=r.procedure_code,
        procedure_name=r.procedure_name,
        applicant_name=r.applicant_name,
        applicant_phone=r.applicant_phone,
        applicant_address=r.applicant_address,
        authorised_name=r.authorised_name,
        authorised_phone=r.authorised_phone,
        return_method=ReturnMethod(r.return_method),
        return_address=r.return_address,
        return_recipient=r.return_recipient,
        return_phone=r.return_phone,
        settled_at=r.settled_at,
        fee_amount=r.fee_amount,
    )


def _item_from(r: _AnyRow) -> PostalItem:
    return PostalItem(
        dossier_code=r.code,
        applicant_name=r.applicant_name,
        procedure_name=r.procedure_name,
        recipient_name=r.recipient_name,
        recipient_address=r.recipient_address,
        recipient_phone=r.recipient_phone,
        state=PostalState(r.state),
        id=r.id,
        waybill=r.waybill or "",
        batch_number=batch_number_text(r.batch_number, r.batch_year),
        settled_at=r.settled_at,
        handed_over_at=r.handed_over_at,
        delivered_at=r.delivered_at,
        failed_at=r.failed_at,
        returned_at=r.returned_at,
        note=r.note,
        fee_amount=r.fee_amount,
        taken_at_counter=r.state == PostalState.RETURNED.value
        and r.dossier_status == Status.RETURNED.value,
    )


def _tracked_from(r: _AnyRow) -> TrackedItem:
    return TrackedItem(
        item=_item_from(r),
        item_id=r.id,
        dossier_id=r.dossier_id,
        dossier_status=Status(r.dossier_status),
        dossier_returned_at=r.dossier_returned_at,
        dossier_returned_to=r.dossier_returned_to,
        dossier_return_method=ReturnMethod(r.dossier_return_method),
    )


def _joined(stmt: _AnySelect) -> _AnySelect:
    return stmt.select_from(_I).join(_D, _D.id == _I.dossier_id).join(_B, _B.id == _I.batch_id)


def _items() -> _AnySelect:
    return _joined(select(*_ITEM_COLUMNS))


def _tracked() -> _AnySelect:
    return _joined(select(*_TRACKED_COLUMNS))


class PostalStore(Store):
    # -- dossiers as the postal rules read them ------------------------------------------------
    def dossier(self, code: str) -> PostalDossier | None:
        """The dossier with ``code`` (exact), or None."""
        row = self._s.execute(select(*_DOSSIER_COLUMNS).where(_D.code == code)).first()
        return None if row is None else _dossier_from(row)

    def dossiers(self, codes: Collection[str]) -> dict[str, PostalDossier]:
        """The dossiers of ``codes`` that exist, by code."""
        if not codes:
            return {}
        rows = self._s.execute(select(*_DOSSIER_COLUMNS).where(_D.code.in_(list(codes))))
        return {r.code: _dossier_from(r) for r in rows}

    def waiting(self, limit: int | None = None) -> list[PostalDossier]:
        """Results ready to go by post, not yet handed over: oldest result first."""
        stmt = select(*_DOSSIER_COLUMNS).where(_WAITING).order_by(_D.settled_at, _D.code)
        return [_dossier_from(r) for r in self._s.execute(stmt.limit(limit))]

    def count_waiting(self) -> int:
        return self._s.scalar(select(func.count()).select_from(_D).where(_WAITING)) or 0

    def set_return_contact(self, dossier_id: int, contact: ReturnContact) -> None:
        """How the dossier's result reaches the applicant."""
        self._s.execute(update(_D).where(_D.id == dossier_id).values(**contact.columns()))

    def send_back(self, dossier_id: int, unit: str) -> None:
        """Chuyển hoàn: the result is back at ``unit``, in the counter queue (``Có kết quả``,
        returned in person); ``settled_at`` is left alone."""
        self._s.execute(
            update(_D)
            .where(_D.id == dossier_id)
            .values(
                status=Status.RESULT_READY.value,
                return_method=ReturnMethod.COUNTER.value,
                returned_at=None,
                returned_to="",
                current_unit=unit,
            )
        )

    # -- items ---------------------------------------------------------------------------------
    def count_by_state(self) -> dict[PostalState, int]:
        """How many items are in each state (states without items left out)."""
        rows = self._s.execute(select(_I.state, func.count()).group_by(_I.state))
        return {PostalState(state): int(n) for state, n in rows}

    def items(self, state: PostalState | None = None, limit: int | None = None) -> list[PostalItem]:
        """Items on lists (in ``state``, or all): newest list first, in list order."""
        stmt = _items()
        if state is not None:
            stmt = stmt.where(_I.state == state.value)
        return [_item_from(r) for r in self._s.execute(stmt.order_by(*_NEWEST_FIRST).limit(limit))]

    def handed_over_between(self, start: datetime, end: datetime) -> list[PostalItem]:
        """Items handed to the post from ``start`` (included) to ``end`` (excluded), ordered as
        :meth:`items`: what a report of that period lists."""
        stmt = _items().where(_I.handed_over_at >= start, _I.handed_over_at < end)
        return [_item_from(r) for r in self._s.execute(stmt.order_by(*_NEWEST_FIRST))]

    def items_of(self, dossier_id: int) -> list[PostalItem]:
        """Every item of one dossier, oldest first (a result sent back may be sent again)."""
        stmt = _items().where(_I.dossier_id == dossier_id).order_by(_I.id)
        return [_item_from(r) for r in self._s.execute(stmt)]

    def item_by_waybill(self, waybill: str) -> PostalItem | None:
        row = self._s.execute(_items().where(_I.waybill == waybill)).first()
        return None if row is None else _item_from(row)

    def tracked_by_waybill(self, waybill: str) -> TrackedItem | None:
        row = self._s.execute(_tracked().where(_I.waybill == waybill)).first()
        return None if row is None else _tracked_from(row)

    def tracked_by_waybills(self, waybills: Iterable[str]) -> dict[str, TrackedItem]:
        """The items carrying ``waybills`` that exist, by waybill."""
        wanted = list(waybills)
        if not wanted:
            return {}
        rows = self._s.execute(_tracked().where(_I.waybill.in_(wanted)))
        return {r.waybill: _tracked_from(r) for r in rows}

    def latest_tracked_of(self, dossier_id: int) -> TrackedItem | None:
        """The dossier's latest item (the one still travelling, if any)."""
        stmt = _tracked().where(_I.dossier_id == dossier_id).order_by(_I.id.desc()).limit(1)
        row = self._s.execute(stmt).first()
        return None if row is None else _tracked_from(row)

    def waybill_owners(
        self, waybills: Collection[str], except_item: int | None = None
    ) -> dict[str, WaybillOwner]:
        """Who already carries each of ``waybills`` (other than item ``except_item``)."""
        if not waybills:
            return {}
        stmt = _joined(select(_I.waybill, _D.code, _B.number, _B.year)).where(
            _I.waybill.in_(list(waybills)), _I.id != (except_item or 0)
        )
        return {
            r.waybill: WaybillOwner(r.code, batch_number_text(r.number, r.year))
            for r in self._s.execute(stmt)
        }

    def set_waybill(self, item_id: int, waybill: str) -> None:
        """Record the item's waybill; a ConflictError when another item got it meanwhile."""
        try:
            self._s.execute(update(_I).where(_I.id == item_id).values(waybill=waybill))
        except IntegrityError:  # another counter wrote the same number a moment ago
            raise ConflictError(
                f"Số hiệu bưu gửi {waybill} vừa được ghi cho một bưu gửi khác."
            ) from None

    def save_outcome(self, item: PostalItem) -> None:
        """Write what an outcome changed on the item: its state, dates and notes."""
        self._s.execute(
            update(_I)
            .where(_I.id == item.id)
            .values(
                state=item.state.value,
                delivered_at=item.delivered_at,
                failed_at=item.failed_at,
                returned_at=item.returned_at,
                note=item.note,
            )
        )

    # -- handover lists ------------------------------------------------------------------------
    def add_batch(
        self, year: int, number: int, at: datetime, created_by: str, postal_employee: str
    ) -> int:
        """A new list; returns its id."""
        rec = _B(
            year=year,
            number=number,
            created_at=at,
            created_by=created_by,
            postal_employee=postal_employee,
        )
        self._s.add(rec)
        self._s.flush()
        return rec.id

    def record_handovers(self, batch_id: int, handovers: Sequence[Handover]) -> None:
        """Put the items on list ``batch_id`` and mark their dossiers returned to the recipient
        (the rating of an earlier return, if any, no longer applies)."""
        if not handovers:
            return
        self._s.execute(
            insert(_I),
            [
                {
                    "dossier_id": h.dossier_id,
                    "batch_id": batch_id,
                    "position": h.position,
                    "waybill": h.waybill,
                    "recipient_name": h.recipient_name,
                    "recipient_address": h.recipient_address,
                    "recipient_phone": h.recipient_phone,
                    "state": PostalState.HANDED_OVER.value,
                    "handed_over_at": h.at,
                }
                for h in handovers
            ],
        )
        self._s.execute(
            update(_D),
            [
                {
                    "id": h.dossier_id,
                    "status": h.dossier_status.value,
                    "returned_at": h.at,
                    "returned_to": h.recipient_name,
                    "rating": "",
                    "rating_comment": "",
                }
                for h in handovers
            ],
        )

    def batch_id(self, number: int, year: int) -> int | None:
        """The id of list ``number`` of ``year``, or None."""
        return self._s.scalar(select(_B.id).where(_B.number == number, _B.year == year))

    def batch(self, batch_id: int) -> PostalBatch | None:
        """One list with its items, in list order."""
        found = self._batches(
            select(*_BATCH_COLUMNS).where(_B.id == batch_id), _I.batch_id == batch_id
        )
        return found[0] if found else None

    def batches(self, year: int | None = None) -> list[PostalBatch]:
        """The lists (of ``year``, or all), newest first, each with its items."""
        if year is None:
            return self._batches(select(*_BATCH_COLUMNS), None)
        return self._batches(select(*_BATCH_COLUMNS).where(_B.year == year), _B.year == year)

    def _batches(self, heads: _AnySelect, items_where: Any) -> list[PostalBatch]:
        stmt = _items() if items_where is None else _items().where(items_where)
        items: dict[int, list[PostalItem]] = defaultdict(list)
        for r in self._s.execute(stmt.order_by(_I.batch_id, _I.position)):
            items[r.batch_id].append(_item_from(r))
        return [
            PostalBatch(
                b.id,
                b.year,
                b.number,
                b.created_at,
                b.created_by,
                b.postal_employee,
                tuple(items.get(b.id, ())),
            )
            for b in self._s.execute(heads.order_by(_B.year.desc(), _B.number.desc()))
        ]

    # -- figures -------------------------------------------------------------------------------
    def _received_counts(self, start: datetime, end: datetime) -> tuple[int, int]:
        """Dossiers first received in [start, end) and those by post: from the day counts of the
        report facts when they are made and the window is whole days, else from the dossiers."""
        whole_days = start.time() == end.time() == time.min
        if whole_days and FactsStore(self._s, self._dialect).totals_made():
            t = DailyFactRecord
            all_channels = t.received_direct + t.received_postal + t.received_online
            row = self._s.execute(
                select(
                    func.coalesce(func.sum(all_channels), 0),
                    func.coalesce(func.sum(t.received_postal), 0),
                ).where(t.day >= start.date(), t.day < end.date())
            ).one()
            return int(row[0]), int(row[1])
        intake = func.coalesce(_D.intake_at, _D.received_at)
        by_post = case((_D.channel == Channel.POSTAL.value, 1), else_=0)
        row = self._s.execute(
            select(func.count(), func.coalesce(func.sum(by_post), 0)).where(
                _D.received_at >= start, intake >= start, intake < end
            )
        ).one()
        return int(row[0]), int(row[1])

    def share_counts(self, start: datetime, end: datetime) -> ShareCounts:
        """Dossiers first received from ``start`` to ``end`` (excluded) and those by post;
        dossiers returned in it (a ``returned`` step) and those handed to the post in it."""
        received = self._received_counts(start, end)
        ev = DossierEventRecord
        returned = self._s.scalar(
            select(func.count(distinct(ev.dossier_id))).where(
                text(RETURNED_EVENT),
                ev.at >= start,
                ev.at < end,  # the partial index's terms
            )
        )
        handed = self._s.scalar(
            select(func.count(distinct(_I.dossier_id))).where(
                _I.handed_over_at >= start, _I.handed_over_at < end
            )
        )
        return ShareCounts(int(received[0]), int(received[1]), int(returned or 0), int(handed or 0))
