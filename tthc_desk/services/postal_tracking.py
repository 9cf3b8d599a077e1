"""What the post reports back: one item by hand, or the post office's status file.

Delivered, a failed attempt, or returned to the office (chuyển hoàn: the dossier goes back to the
counter queue for return in person; its settlement moment never changes). A status file is
checked row by row first and applied all or nothing, in one transaction.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tthc_desk.db.engine import Database
from tthc_desk.db.models import (
    DossierEventRecord,
    DossierRecord,
    PostalBatchRecord,
    PostalItemRecord,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import NotFoundError, Problem, ValidationError
from tthc_desk.domain.postal import (
    OUTCOMES,
    STATUS_CHOICES,
    PostalItem,
    PostalState,
    StatusImportSummary,
    StatusRow,
    batch_number_text,
    normalise_waybill,
    outcome_moment,
    parse_status_word,
)
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.postal_records import POST_OFFICE, iso, item_dto, item_query, minute
from tthc_desk.services.settings_service import SettingsService

_OUTCOME_EVENTS = {
    PostalState.DELIVERED: "postal_delivered",
    PostalState.FAILED: "postal_failed",
    PostalState.RETURNED: "postal_returned",
}


class PostalTracking:
    def __init__(self, db: Database, settings: SettingsService, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    def update(
        self,
        ref: str,
        state: PostalState | str,
        at: datetime | date | None = None,
        note: str = "",
        actor: str | None = None,
    ) -> PostalItem:
        """Record what the post reports for one item (by waybill, or by dossier code):
        delivered, a failed attempt, or returned to the office (the dossier goes back to the
        counter queue for return in person). ``at`` may be a day only."""
        target = state if isinstance(state, PostalState) else parse_status_word(state)
        if target not in OUTCOMES:
            raise ValidationError.for_field(
                "state", f"Trạng thái bưu gửi phải là một trong: {STATUS_CHOICES}."
            )
        assert target is not None
        now = minute(self._clock.now())
        actor = actor if actor is not None else self._settings.current_clerk()
        with self._db.session(write=True) as s:
            item, d, batch = self._find_item(s, ref)
            problems: list[Problem] = []
            if at is None:
                row = StatusRow(0, item.waybill or "", target, now)
            elif isinstance(at, datetime):
                row = StatusRow(0, item.waybill or "", target, at)
            else:
                row = StatusRow(
                    0, item.waybill or "", target, datetime.combine(at, time.min), date_only=True
                )
            moment = self._check_row(row, item, now, problems)
            if problems:
                raise ValidationError(problems[0].message + ".", problems)
            if moment is not None:
                self._apply(s, item, d, batch, target, moment, collapse_spaces(note), actor)
            s.flush()
            return item_dto(item, d, batch)

    def import_statuses(self, path: str | Path, actor: str | None = None) -> StatusImportSummary:
        """Apply the post office's status file: every row is checked first (columns, waybill,
        status, date, duplicates, unknown waybills, impossible changes); one problem and
        nothing is applied, otherwise every row is applied in one transaction."""
        from tthc_desk.exporting.postal_status_io import (
            COL_DATE,
            COL_STATUS,
            COL_WAYBILL,
            read_status_file,
        )

        rows, problems = read_status_file(path)
        now = minute(self._clock.now())
        actor = actor if actor is not None else self._settings.current_clerk()
        name = Path(path).name
        counts = dict.fromkeys(PostalState, 0)
        unchanged = 0
        with self._db.session(write=True) as s:
            found = (
                {
                    r.waybill: r
                    for r in s.scalars(
                        select(PostalItemRecord).where(
                            PostalItemRecord.waybill.in_([x.waybill for x in rows])
                        )
                    )
                }
                if rows
                else {}
            )
            planned: list[tuple[StatusRow, datetime | None]] = []
            for row in rows:
                item = found.get(row.waybill)
                if item is None:
                    problems.append(
                        Problem(
                            f"Không có bưu gửi nào số hiệu {row.waybill} trong các danh sách bàn giao",
                            row=row.row,
                            column=COL_WAYBILL,
                        )
                    )
                    continue
                mine: list[Problem] = []
                moment = self._check_row(row, item, now, mine)
                problems.extend(
                    Problem(
                        p.message, row=row.row, column=COL_DATE if p.field == "at" else COL_STATUS
                    )
                    for p in mine
                )
                if not mine:
                    planned.append((row, moment))
            if problems:
                raise ValidationError(
                    f"Tệp “{name}” có {len(problems)} lỗi; chưa cập nhật bưu gửi nào.", problems
                )
            for row, moment in planned:
                if moment is None:
                    unchanged += 1
                    continue
                item = found[row.waybill]
                d = s.get(DossierRecord, item.dossier_id)
                batch = s.get(PostalBatchRecord, item.batch_id)
                assert d is not None and batch is not None
                self._apply(
                    s,
                    item,
                    d,
                    batch,
                    row.state,
                    moment,
                    f"Theo tệp trạng thái “{name}”, dòng {row.row}",
                    actor,
                )
                counts[row.state] += 1
        return StatusImportSummary(
            counts[PostalState.DELIVERED],
            counts[PostalState.FAILED],
            counts[PostalState.RETURNED],
            unchanged,
        )

    def _find_item(
        self, s: Session, ref: str
    ) -> tuple[PostalItemRecord, DossierRecord, PostalBatchRecord]:
        number = normalise_waybill(ref)
        row = (
            s.execute(item_query().where(PostalItemRecord.waybill == number)).first()
            if number
            else None
        )
        if row is None:
            d = s.scalar(select(DossierRecord.id).where(DossierRecord.code == nfc(ref)))
            if d is not None:
                row = s.execute(
                    item_query()
                    .where(PostalItemRecord.dossier_id == d)
                    .order_by(PostalItemRecord.id.desc())
                    .limit(1)
                ).first()
                if row is None:
                    raise ValidationError.for_field(
                        "waybill",
                        f"Hồ sơ {nfc(ref)} chưa có trong danh sách bàn giao bưu điện nào.",
                    )
        if row is None:
            raise NotFoundError(f"Không có bưu gửi nào số hiệu “{number or nfc(ref)}”.")
        return row[0], row[1], row[2]

    @staticmethod
    def _check_row(
        row: StatusRow, item: PostalItemRecord, now: datetime, problems: list[Problem]
    ) -> datetime | None:
        return outcome_moment(
            row,
            PostalState(item.state),
            now,
            problems,
            handed_over_at=item.handed_over_at,
            failed_at=item.failed_at,
            delivered_at=item.delivered_at,
            returned_at=item.returned_at,
        )

    def _apply(
        self,
        s: Session,
        item: PostalItemRecord,
        d: DossierRecord,
        batch: PostalBatchRecord,
        state: PostalState,
        moment: datetime,
        note: str,
        actor: str,
    ) -> None:
        office = self._settings.office().office_name
        text = batch_number_text(batch.number, batch.year)
        data: dict[str, Any] = {
            "waybill": item.waybill or "",
            "postal_batch": text,
            "from_state": item.state,
            "to_state": state.value,
        }
        if state is PostalState.DELIVERED:
            item.delivered_at = moment
            from_unit, to_unit = POST_OFFICE, item.recipient_name
        elif state is PostalState.FAILED:
            item.failed_at = moment
            from_unit, to_unit = POST_OFFICE, item.recipient_name
        else:
            # Chuyển hoàn: back to the counter queue, to be returned in person. settled_at stays.
            item.returned_at = moment
            data.update(
                from_status=d.status,
                to_status=Status.RESULT_READY.value,
                old_returned_at=iso(d.returned_at),
                old_returned_to=d.returned_to,
                old_return_method=d.return_method,
            )
            d.status = Status.RESULT_READY.value
            d.return_method = ReturnMethod.COUNTER.value
            d.returned_at = None
            d.returned_to = ""
            d.current_unit = office
            from_unit, to_unit = POST_OFFICE, office
        item.state = state.value
        if note:
            item.note = "; ".join(p for p in (item.note, note) if p)
        s.add(
            DossierEventRecord(
                dossier_id=d.id,
                at=moment,
                kind=_OUTCOME_EVENTS[state],
                actor=actor,
                from_unit=from_unit,
                to_unit=to_unit,
                note=note or f"{state.label} (bưu gửi {item.waybill or 'chưa có số hiệu'})",
                data=json.dumps(data, ensure_ascii=False),
            )
        )
