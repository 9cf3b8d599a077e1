"""What the post reports back: one item by hand, or the post office's status file.

Delivered, a failed attempt, or returned to the office (chuyển hoàn: the dossier goes back to the
counter queue for return in person; its settlement moment never changes). A status file is
checked row by row first and applied all or nothing, in one transaction. The rules live in
``domain/postal_outcomes.py``, the queries in ``db/stores/postal.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.db.unit_of_work import UnitOfWork
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import NotFoundError, Problem, ValidationError
from tthc_desk.domain.postal import (
    PostalItem,
    PostalState,
    StatusImportSummary,
    minute,
    normalise_waybill,
)
from tthc_desk.domain.postal_outcomes import (
    Outcome,
    TrackedItem,
    check_status_rows,
    outcome_moment,
    outcome_row,
    plan_outcome,
)
from tthc_desk.domain.text import NOTE_MAX, clean_text, nfc
from tthc_desk.presentation import parse_outcome
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.settings_service import SettingsService


def _find(uow: UnitOfWork, ref: str) -> TrackedItem:
    """The item with waybill ``ref``, else the latest item of the dossier with code ``ref``."""
    number = normalise_waybill(ref)
    tracked = uow.postal.tracked_by_waybill(number) if number else None
    if tracked is not None:
        return tracked
    dossier_id = uow.dossiers.id_of(nfc(ref))
    if dossier_id is None:
        raise NotFoundError(f"Không có bưu gửi nào số hiệu “{number or nfc(ref)}”.")
    tracked = uow.postal.latest_tracked_of(dossier_id)
    if tracked is None:
        raise ValidationError.for_field(
            "waybill", f"Hồ sơ {nfc(ref)} chưa có trong danh sách bàn giao bưu điện nào."
        )
    return tracked


def _record(uow: UnitOfWork, tracked: TrackedItem, outcome: Outcome, office: str) -> None:
    uow.postal.save_outcome(outcome.item)
    if outcome.sent_back:
        uow.postal.send_back(tracked.dossier_id, office)
    uow.events.append(tracked.dossier_id, outcome.event)


class PostalTracking:
    def __init__(
        self, db: Database, settings: SettingsService, accounts: AccountService, clock: Clock
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._settings = settings
        self._clock = clock

    def update(
        self,
        ref: str,
        state: PostalState | str,
        at: datetime | date | None = None,
        note: str = "",
    ) -> PostalItem:
        """Record what the post reports for one item (by waybill, or by dossier code):
        delivered, a failed attempt, or returned to the office (the dossier goes back to the
        counter queue for return in person). ``at`` may be a day only."""
        target = parse_outcome(state)
        note = clean_text(note, "Ghi chú", NOTE_MAX, field="note")
        now = minute(self._clock.now())
        actor = self._accounts.require(Right.POSTAL, "cập nhật trạng thái bưu gửi").full_name
        office = self._settings.office().office_name
        with self._db.write() as uow:
            tracked = _find(uow, ref)
            problems: list[Problem] = []
            row = outcome_row(tracked.item.waybill, target, at, now)
            moment = outcome_moment(row, tracked.item, now, problems)
            if problems:
                raise ValidationError(problems[0].message + ".", problems)
            if moment is None:  # the post repeats what is recorded
                return tracked.item
            outcome = plan_outcome(tracked, target, moment, note, actor=actor, office=office)
            _record(uow, tracked, outcome, office)
        return outcome.item

    def import_statuses(self, path: str | Path) -> StatusImportSummary:
        """Apply the post office's status file: every row is checked first (columns, waybill,
        status, date, duplicates, unknown waybills, impossible changes); one problem and
        nothing is applied, otherwise every row is applied in one transaction."""
        from tthc_desk.exporting.postal_status_io import locate, read_status_file

        rows, problems = read_status_file(path)
        now = minute(self._clock.now())
        actor = self._accounts.require(Right.POSTAL, "nhập tệp trạng thái bưu gửi").full_name
        office = self._settings.office().office_name
        name = Path(path).name
        counts = dict.fromkeys(PostalState, 0)
        unchanged = 0
        with self._db.write() as uow:
            found = uow.postal.tracked_by_waybills(r.waybill for r in rows)
            planned, found_problems = check_status_rows(rows, found, now)
            problems += [locate(p) for p in found_problems]
            if problems:
                raise ValidationError(
                    f"Tệp “{name}” có {len(problems)} lỗi; chưa cập nhật bưu gửi nào.", problems
                )
            for row, moment in planned:
                if moment is None:  # the post repeats what is recorded
                    unchanged += 1
                    continue
                tracked = found[row.waybill]
                note = f"Theo tệp trạng thái “{name}”, dòng {row.row}"
                outcome = plan_outcome(tracked, row.state, moment, note, actor=actor, office=office)
                _record(uow, tracked, outcome, office)
                counts[row.state] += 1
        return StatusImportSummary(
            counts[PostalState.DELIVERED],
            counts[PostalState.FAILED],
            counts[PostalState.RETURNED],
            unchanged,
        )
