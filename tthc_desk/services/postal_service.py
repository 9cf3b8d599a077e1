"""Public postal service: choosing return by post, handing results to the post office on a
numbered list, following each item until it is delivered or comes back, and the figures.

rules.md "Channels, postal service": the handover to the post counts as returning the result, so
making a list records, for every item, the same ``returned`` move the counter records (status,
moment, recipient, an event), all in one transaction. A result the post sends back (chuyển hoàn)
goes back to the counter queue (``Có kết quả``, to be returned in person); ``settled_at`` never
changes, so the classification (trước hạn / đúng hạn / quá hạn) stays what it was. Every step is
an event in ``dossier_events``: the history keeps everything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tthc_desk.db.engine import Database
from tthc_desk.db.models import (
    DossierEventRecord,
    DossierRecord,
    PostalBatchRecord,
    PostalItemRecord,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import (
    Channel,
    Dossier,
    ReturnMethod,
    Status,
    normalise_phone,
    phone_problem,
    return_address_problem,
)
from tthc_desk.domain.errors import (
    ConflictError,
    NotFoundError,
    ProblemCollector,
    ValidationError,
)
from tthc_desk.domain.lifecycle import Move, next_status
from tthc_desk.domain.postal import (
    PostalBatch,
    PostalCounts,
    PostalItem,
    PostalShares,
    PostalState,
    StatusImportSummary,
    batch_number_text,
    normalise_waybill,
    parse_batch_number,
    parse_waybill,
)
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.counters import next_value
from tthc_desk.services.dossier_service import FUTURE_TOLERANCE, DossierService
from tthc_desk.services.postal_records import POST_OFFICE, item_dto, item_query, minute
from tthc_desk.services.postal_tracking import PostalTracking
from tthc_desk.services.print_service import write
from tthc_desk.services.settings_service import SettingsService

#: Statuses in which the applicant may still change how the result reaches them.
CHANGEABLE = (Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.RESULT_READY)
_SUFFIX_ERROR = "Danh sách bàn giao chỉ xuất được ra tệp .pdf hoặc .xlsx."
_WAITING = (DossierRecord.status == Status.RESULT_READY.value) & (
    DossierRecord.return_method == ReturnMethod.POSTAL.value
)


def _waitingitem_dto(d: DossierRecord) -> PostalItem:
    return PostalItem(
        dossier_code=d.code,
        applicant_name=d.applicant_name,
        procedure_name=d.procedure_name,
        recipient_name=d.return_recipient or d.authorised_name or d.applicant_name,
        recipient_address=d.return_address,
        recipient_phone=d.return_phone or d.applicant_phone,
        state=PostalState.WAITING,
        settled_at=d.settled_at,
        fee_amount=d.fee_amount,
    )


class PostalService:
    def __init__(
        self,
        db: Database,
        dossiers: DossierService,
        catalog: CatalogService,
        calendar: CalendarService,
        settings: SettingsService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._dossiers = dossiers
        self._catalog = catalog
        self._calendar = calendar
        self._settings = settings
        self._clock = clock
        self._template_dir = template_dir
        self._tracking = PostalTracking(db, settings, clock)

    # -- reading ------------------------------------------------------------------------------
    def counts(self) -> PostalCounts:
        """How many results wait for handover, and how many items are in each state."""
        with self._db.session() as s:
            waiting = s.scalar(select(func.count()).select_from(DossierRecord).where(_WAITING)) or 0
            by_state = dict(
                s.execute(
                    select(PostalItemRecord.state, func.count()).group_by(PostalItemRecord.state)
                ).all()
            )
        return PostalCounts(
            waiting=waiting,
            **{
                st.value: int(by_state.get(st.value, 0))
                for st in PostalState
                if st is not PostalState.WAITING
            },
        )

    def items(self, state: PostalState | None = None, limit: int | None = None) -> list[PostalItem]:
        """The rows of one tab of the postal page (``None``: every tab, waiting first).

        Waiting rows come oldest result first; handed-over items newest list first.
        """
        out: list[PostalItem] = []
        with self._db.session() as s:
            if state in (None, PostalState.WAITING):
                stmt = (
                    select(DossierRecord)
                    .where(_WAITING)
                    .order_by(DossierRecord.settled_at, DossierRecord.code)
                )
                out += [_waitingitem_dto(d) for d in s.scalars(stmt.limit(limit))]
            if state is not PostalState.WAITING:
                stmt2 = item_query()
                if state is not None:
                    stmt2 = stmt2.where(PostalItemRecord.state == state.value)
                stmt2 = stmt2.order_by(
                    PostalItemRecord.handed_over_at.desc(),
                    PostalBatchRecord.id.desc(),
                    PostalItemRecord.position,
                )
                out += [item_dto(r, d, b) for r, d, b in s.execute(stmt2.limit(limit))]
        return out[:limit] if limit is not None else out

    def waiting(self) -> list[PostalItem]:
        return self.items(PostalState.WAITING)

    def items_for(self, code: str) -> list[PostalItem]:
        """Every postal item of one dossier, oldest first (a returned result may be sent again)."""
        with self._db.session() as s:
            d = self._dossier(s, code)
            rows = s.execute(
                item_query()
                .where(PostalItemRecord.dossier_id == d.id)
                .order_by(PostalItemRecord.id)
            ).all()
            items = [item_dto(r, dd, b) for r, dd, b in rows]
            if (
                d.status == Status.RESULT_READY.value
                and d.return_method == ReturnMethod.POSTAL.value
            ):
                items.append(_waitingitem_dto(d))
            return items

    def item(self, waybill: str) -> PostalItem:
        with self._db.session() as s:
            row = s.execute(
                item_query().where(PostalItemRecord.waybill == normalise_waybill(waybill))
            ).first()
            if row is None:
                raise NotFoundError(f"Không có bưu gửi nào số hiệu “{normalise_waybill(waybill)}”.")
            return item_dto(*row)

    def batches(self, year: int | None = None) -> list[PostalBatch]:
        """The handover lists, newest first."""
        with self._db.session() as s:
            stmt = select(PostalBatchRecord).order_by(
                PostalBatchRecord.year.desc(), PostalBatchRecord.number.desc()
            )
            if year is not None:
                stmt = stmt.where(PostalBatchRecord.year == year)
            return [self._batch(s, b) for b in s.scalars(stmt)]

    def batch(self, number: str | int) -> PostalBatch:
        """A list by its number text ("03/2026/BGBC", "3/2026") or its id."""
        with self._db.session() as s:
            return self._batch(s, self._batch_record(s, number))

    def postal_shares(self, start: date, end: date) -> PostalShares:
        """Received-by-post and returned-by-post counts for the days ``start``–``end``.

        From the time-stamped history, so a period's figures never change when rebuilt:
        received = first receipt in the period; returned = a ``returned`` event in the period
        (handing to the post is one); by post = the channel, or a handover in the period.
        """
        if start > end:
            raise ValidationError.for_field(
                "start",
                f"Ngày bắt đầu ({start:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc ({end:%d/%m/%Y}).",
            )
        lo = datetime.combine(start, time.min)
        hi = datetime.combine(end + timedelta(days=1), time.min)
        d = DossierRecord
        intake = func.coalesce(d.intake_at, d.received_at)
        with self._db.session() as s:
            received = s.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(func.iif(d.channel == Channel.POSTAL.value, 1, 0)), 0),
                ).where(d.received_at >= lo, intake >= lo, intake < hi)
            ).one()
            returned = (
                s.scalar(
                    select(func.count(distinct(DossierEventRecord.dossier_id))).where(
                        DossierEventRecord.kind == Move.RETURNED.value,
                        DossierEventRecord.at >= lo,
                        DossierEventRecord.at < hi,
                    )
                )
                or 0
            )
            by_post = (
                s.scalar(
                    select(func.count(distinct(PostalItemRecord.dossier_id))).where(
                        PostalItemRecord.handed_over_at >= lo, PostalItemRecord.handed_over_at < hi
                    )
                )
                or 0
            )
        return PostalShares(
            start, end, int(received[0]), int(received[1]), int(returned), int(by_post)
        )

    # -- the applicant's choice ---------------------------------------------------------------
    def set_return(
        self,
        code: str,
        method: ReturnMethod | str,
        recipient: str = "",
        address: str = "",
        phone: str = "",
        reason: str = "",
        actor: str | None = None,
    ) -> Dossier:
        """Change how the result reaches the applicant (at intake or later, until it is returned).

        By post: the procedure must allow it and the address must be complete; the recipient
        defaults to the authorised person, else the applicant, the phone to theirs.
        """
        try:
            method = ReturnMethod(method)
        except ValueError:
            raise ValidationError.for_field(
                "return_method",
                "Nơi nhận kết quả phải là “counter” (tại Bộ phận Một cửa) hoặc “postal” (qua bưu chính).",
            ) from None
        now = minute(self._clock.now())
        actor = actor if actor is not None else self._settings.current_clerk()
        problems = ProblemCollector()
        with self._db.session(write=True) as s:
            rec = self._dossier(s, code)
            status = Status(rec.status)
            if status not in CHANGEABLE:
                raise ValidationError.for_field(
                    "return_method",
                    f"Hồ sơ đang ở trạng thái “{status.label}”: không đổi được nơi nhận kết quả.",
                )
            old = {
                "return_method": rec.return_method,
                "return_address": rec.return_address,
                "return_recipient": rec.return_recipient,
                "return_phone": rec.return_phone,
            }
            if method is ReturnMethod.POSTAL:
                procedure = self._catalog.get(rec.procedure_code)
                if not procedure.postal_return:
                    problems.add(
                        "Thủ tục này không cho phép trả kết quả qua bưu chính.",
                        field="return_method",
                    )
                address = collapse_spaces(address) or rec.return_address or rec.applicant_address
                recipient = (
                    collapse_spaces(recipient)
                    or rec.return_recipient
                    or rec.authorised_name
                    or rec.applicant_name
                )
                phone = (
                    normalise_phone(nfc(phone))
                    or rec.return_phone
                    or (rec.authorised_phone if recipient == rec.authorised_name else "")
                    or rec.applicant_phone
                )
                if msg := return_address_problem(address):
                    problems.add(msg, field="return_address")
                if msg := phone_problem(phone):
                    problems.add(msg, field="return_phone")
                if any(ch.isdigit() for ch in recipient):
                    problems.add(
                        "Họ tên người nhận không được chứa chữ số.", field="return_recipient"
                    )
            else:
                address = recipient = phone = ""
            problems.raise_if_any("Chưa đổi được nơi nhận kết quả: cần sửa các mục được đánh dấu.")
            new = {
                "return_method": method.value,
                "return_address": address,
                "return_recipient": recipient,
                "return_phone": phone,
            }
            if new == old:
                raise ValidationError.for_field("return_method", "Không có thông tin nào thay đổi.")
            for name, value in new.items():
                setattr(rec, name, value)
            self._check_after_last_event(s, rec, now)
            note = collapse_spaces(reason) or f"Nhận kết quả: {method.label.lower()}"
            s.add(
                DossierEventRecord(
                    dossier_id=rec.id,
                    at=now,
                    kind="return_changed",
                    actor=actor,
                    note=note,
                    data=json.dumps({"old": old, "new": new}, ensure_ascii=False),
                )
            )
            dossier_id = rec.id
        return self._dossiers.get_by_id(dossier_id)

    # -- handover to the post office ----------------------------------------------------------
    def create_batch(
        self,
        codes: Sequence[str] | None = None,
        *,
        at: datetime | date | None = None,
        waybills: Mapping[str, str] | None = None,
        postal_employee: str = "",
        actor: str | None = None,
    ) -> PostalBatch:
        """Make the next handover list of the year with the results waiting for the post (all of
        them, or the dossiers ``codes``), optionally with their waybills (dossier code → number).

        For every item the result counts as returned at ``at`` (default now): status
        ``Đã trả kết quả``, returned to the recipient, a ``returned`` event naming the list.
        One transaction: either every item is on the list, or nothing changed.
        """
        now = minute(self._clock.now())
        actor = actor if actor is not None else self._settings.current_clerk()
        office = self._settings.office().office_name
        employee = collapse_spaces(postal_employee)
        problems = ProblemCollector()
        with self._db.session(write=True) as s:
            records = self._batch_candidates(s, codes, problems)
            moment = self._moment(at, now, [self._last_event_at(s, r) for r in records], problems)
            numbers = self._batch_waybills(s, records, waybills or {}, problems)
            if not records and not problems.problems:
                raise ValidationError.for_field(
                    "codes", "Không có kết quả nào đang chờ giao bưu điện."
                )
            problems.raise_if_any("Chưa lập được danh sách bàn giao: cần sửa các mục sau.")
            assert moment is not None
            number = next_value(s, f"postal_batch:{moment.year}")
            batch = PostalBatchRecord(
                year=moment.year,
                number=number,
                created_at=moment,
                created_by=actor,
                postal_employee=employee,
            )
            s.add(batch)
            s.flush()
            text = batch_number_text(number, moment.year)
            for position, rec in enumerate(records, start=1):
                rec.status = next_status(Status(rec.status), Move.RETURNED).value
                recipient = rec.return_recipient or rec.authorised_name or rec.applicant_name
                phone = rec.return_phone or rec.applicant_phone
                waybill = numbers.get(rec.code)
                s.add(
                    PostalItemRecord(
                        dossier_id=rec.id,
                        batch_id=batch.id,
                        position=position,
                        waybill=waybill,
                        recipient_name=recipient,
                        recipient_address=rec.return_address,
                        recipient_phone=phone,
                        state=PostalState.HANDED_OVER.value,
                        handed_over_at=moment,
                    )
                )
                rec.returned_at = moment
                rec.returned_to = recipient
                rec.rating = rec.rating_comment = ""
                data = {
                    "from_status": Status.RESULT_READY.value,
                    "to_status": Status.RETURNED.value,
                    "taken_by": recipient,
                    "via": "postal",
                    "postal_batch": text,
                    "waybill": waybill or "",
                    "recipient": recipient,
                    "address": rec.return_address,
                    "phone": phone,
                    "postal_employee": employee,
                }
                s.add(
                    DossierEventRecord(
                        dossier_id=rec.id,
                        at=moment,
                        kind=Move.RETURNED.value,
                        actor=actor,
                        from_unit=office,
                        to_unit=employee or POST_OFFICE,
                        note=f"Giao bưu điện theo danh sách bàn giao số {text}",
                        data=json.dumps(data, ensure_ascii=False),
                    )
                )
            s.flush()
            return self._batch(s, batch)

    def set_waybill(self, code: str, waybill: str, actor: str | None = None) -> PostalItem:
        """Record (or correct) the waybill of the dossier's item on a list, typed or scanned.

        Refused when another item already carries the number, or when the post has already
        reported the item delivered or returned.
        """
        number = parse_waybill(waybill)
        now = minute(self._clock.now())
        actor = actor if actor is not None else self._settings.current_clerk()
        with self._db.session(write=True) as s:
            d = self._dossier(s, code)
            row = s.execute(
                item_query()
                .where(PostalItemRecord.dossier_id == d.id)
                .order_by(PostalItemRecord.id.desc())
                .limit(1)
            ).first()
            if row is None:
                raise ValidationError.for_field(
                    "code", f"Hồ sơ {d.code} chưa có trong danh sách bàn giao bưu điện nào."
                )
            item, _, batch = row
            if item.waybill == number:
                return item_dto(item, d, batch)
            if PostalState(item.state) in (PostalState.DELIVERED, PostalState.RETURNED):
                raise ValidationError.for_field(
                    "waybill",
                    f"Bưu gửi của hồ sơ {d.code} đã “{PostalState(item.state).label}”: không sửa số hiệu được nữa.",
                )
            self._check_unique_waybill(s, number, item.id)
            old = item.waybill or ""
            item.waybill = number
            s.add(
                DossierEventRecord(
                    dossier_id=d.id,
                    at=max(now, item.handed_over_at),
                    kind="postal_waybill",
                    actor=actor,
                    note=f"Số hiệu bưu gửi {number}" + (f" (thay {old})" if old else ""),
                    data=json.dumps(
                        {
                            "waybill": number,
                            "old_waybill": old,
                            "postal_batch": batch_number_text(batch.number, batch.year),
                        },
                        ensure_ascii=False,
                    ),
                )
            )
            try:
                s.flush()
            except IntegrityError:  # another counter wrote the same number a moment ago
                raise ConflictError(
                    f"Số hiệu bưu gửi {number} vừa được ghi cho một bưu gửi khác."
                ) from None
            return item_dto(item, d, batch)

    # -- delivery outcomes (services/postal_tracking.py) ---------------------------------------
    def update(
        self,
        ref: str,
        state: PostalState | str,
        at: datetime | date | None = None,
        note: str = "",
        actor: str | None = None,
    ) -> PostalItem:
        """Record what the post reports for one item (by waybill, or by dossier code)."""
        return self._tracking.update(ref, state, at, note, actor)

    def import_statuses(self, path: str | Path, actor: str | None = None) -> StatusImportSummary:
        """Apply the post office's status file, all or nothing."""
        return self._tracking.import_statuses(path, actor)

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

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _dossier(s: Session, code: str) -> DossierRecord:
        rec = s.scalar(select(DossierRecord).where(DossierRecord.code == nfc(code)))
        if rec is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ mã “{nfc(code)}”.")
        return rec

    def _batch(self, s: Session, b: PostalBatchRecord) -> PostalBatch:
        rows = s.execute(
            item_query()
            .where(PostalItemRecord.batch_id == b.id)
            .order_by(PostalItemRecord.position)
        ).all()
        return PostalBatch(
            b.id,
            b.year,
            b.number,
            b.created_at,
            b.created_by,
            b.postal_employee,
            tuple(item_dto(*r) for r in rows),
        )

    @staticmethod
    def _batch_record(s: Session, number: str | int) -> PostalBatchRecord:
        if isinstance(number, int):
            rec = s.get(PostalBatchRecord, number)
        else:
            parsed = parse_batch_number(number)
            rec = (
                None
                if parsed is None
                else s.scalar(
                    select(PostalBatchRecord).where(
                        PostalBatchRecord.number == parsed[0], PostalBatchRecord.year == parsed[1]
                    )
                )
            )
        if rec is None:
            raise NotFoundError(
                f"Không có danh sách bàn giao số “{number}” (ghi dạng 03/2026/BGBC)."
            )
        return rec

    @staticmethod
    def _last_event_at(s: Session, rec: DossierRecord) -> datetime | None:
        return s.scalar(
            select(DossierEventRecord.at)
            .where(DossierEventRecord.dossier_id == rec.id)
            .order_by(DossierEventRecord.at.desc())
            .limit(1)
        )

    def _check_after_last_event(self, s: Session, rec: DossierRecord, moment: datetime) -> None:
        last = self._last_event_at(s, rec)
        if last is not None and moment < last:
            raise ValidationError.for_field(
                "at",
                f"Thời điểm {moment:%H:%M %d/%m/%Y} trước bước gần nhất của hồ sơ ({last:%H:%M %d/%m/%Y}).",
            )

    def _batch_candidates(
        self, s: Session, codes: Sequence[str] | None, problems: ProblemCollector
    ) -> list[DossierRecord]:
        if codes is None:
            return list(
                s.scalars(
                    select(DossierRecord)
                    .where(_WAITING)
                    .order_by(DossierRecord.settled_at, DossierRecord.code)
                )
            )
        out: list[DossierRecord] = []
        seen: set[str] = set()
        for raw in codes:
            code = nfc(raw)
            if not code or code in seen:
                continue
            seen.add(code)
            rec = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
            if rec is None:
                problems.add(f"Không tìm thấy hồ sơ mã “{code}”.", field="codes")
            elif rec.return_method != ReturnMethod.POSTAL.value:
                problems.add(
                    f"Hồ sơ {code} không đăng ký nhận kết quả qua bưu chính.", field="codes"
                )
            elif rec.status != Status.RESULT_READY.value:
                problems.add(
                    f"Hồ sơ {code} đang ở trạng thái “{Status(rec.status).label}”, chưa có kết quả để giao bưu điện.",
                    field="codes",
                )
            else:
                out.append(rec)
        return out

    def _moment(
        self,
        at: datetime | date | None,
        now: datetime,
        lasts: list[datetime | None],
        problems: ProblemCollector,
    ) -> datetime | None:
        """The handover moment: ``at`` (a day alone: now if today, else the end of that day's
        office hours), never in the future, never before the latest step of an item."""
        if at is None:
            moment = now
        elif isinstance(at, datetime):
            moment = minute(at)
        else:
            moment = now if at == now.date() else self._end_of_office_day(at)
        if moment > now + FUTURE_TOLERANCE:
            problems.add(
                f"Thời điểm bàn giao {moment:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}).",
                field="at",
            )
            return moment
        latest = max((x for x in lasts if x is not None), default=None)
        if latest is not None and moment < latest:
            problems.add(
                f"Thời điểm bàn giao {moment:%H:%M %d/%m/%Y} trước bước gần nhất của một hồ sơ trong danh sách ({latest:%H:%M %d/%m/%Y}).",
                field="at",
            )
        return moment

    def _end_of_office_day(self, day: date) -> datetime:
        """The end of the last office session of ``day`` (17:00 on a day without sessions)."""
        self._calendar.ensure_years([day.year])
        sessions = self._calendar.calendar().sessions_on(day)
        return (
            datetime.combine(day, sessions[-1].end)
            if sessions
            else datetime.combine(day, time(17, 0))
        )

    def _batch_waybills(
        self,
        s: Session,
        records: list[DossierRecord],
        given: Mapping[str, str],
        problems: ProblemCollector,
    ) -> dict[str, str]:
        on_list = {r.code for r in records}
        out: dict[str, str] = {}
        first: dict[str, str] = {}
        for raw_code, raw in given.items():
            code = nfc(raw_code)
            if not nfc(raw):
                continue
            if code not in on_list:
                problems.add(
                    f"Hồ sơ {code} không có trong danh sách này nên không ghi số hiệu bưu gửi được.",
                    field="waybills",
                )
                continue
            number = normalise_waybill(raw)
            try:
                parse_waybill(number)
                if number in first:
                    raise ValidationError.for_field(
                        "waybill",
                        f"Số hiệu bưu gửi {number} ghi cho cả hồ sơ {first[number]} và {code}.",
                    )
                self._check_unique_waybill(s, number, None)
            except ValidationError as e:
                problems.add(e.message, field="waybills")
                continue
            first[number] = code
            out[code] = number
        return out

    @staticmethod
    def _check_unique_waybill(s: Session, number: str, item_id: int | None) -> None:
        other = s.execute(
            select(DossierRecord.code, PostalBatchRecord.number, PostalBatchRecord.year)
            .join(PostalItemRecord, PostalItemRecord.dossier_id == DossierRecord.id)
            .join(PostalBatchRecord, PostalBatchRecord.id == PostalItemRecord.batch_id)
            .where(PostalItemRecord.waybill == number, PostalItemRecord.id != (item_id or 0))
        ).first()
        if other is not None:
            raise ValidationError.for_field(
                "waybill",
                f"Số hiệu bưu gửi {number} đã ghi cho hồ sơ {other[0]} (danh sách {batch_number_text(other[1], other[2])}).",
            )
