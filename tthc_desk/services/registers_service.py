"""The registers the office prints or exports for any period: the tracking ledger (SỔ THEO DÕI
HỒ SƠ, Mẫu 07) and the list of late dossiers (explanation list to the head of office, monthly
public list).

Both are read in one statement each, however big the database: the first hand-off and the first
signed apology letter come from correlated subqueries that walk the ``(dossier_id, at)`` index
of the events and the ``dossier_id`` index of the letters, never one query per dossier.
Figures are computed as of the end of the period (or now, when the period is not over).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, select

from tthc_desk.db.engine import Database
from tthc_desk.db.models import ApologyLetterRecord, DossierEventRecord, DossierRecord
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import (
    OPEN,
    SETTLED,
    Granularity,
    LetterStatus,
    Move,
    classify,
    classify_open,
)
from tthc_desk.domain.registers import LateRow, LedgerRow
from tthc_desk.services.apology_service import ApologyService
from tthc_desk.services.calendar_service import CalendarService
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.print_service import atomic_path, write
from tthc_desk.services.settings_service import SettingsService

SUFFIX_ERROR = "Chỉ xuất được tệp .xlsx hoặc .pdf."
_SETTLED = tuple(s.value for s in SETTLED)
_RUNNING = (Status.RECEIVED.value, Status.IN_PROGRESS.value)


def _suffix(path: Path | str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError.for_field("path", SUFFIX_ERROR)
    return suffix


def _check_range(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ValidationError.for_field(
            "date_from",
            f"Ngày bắt đầu ({date_from:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc ({date_to:%d/%m/%Y}).",
        )


def _first_letter(column):  # type: ignore[no-untyped-def]
    """The given column of the dossier's first signed letter (by signing moment)."""
    return (
        select(column)
        .where(
            ApologyLetterRecord.dossier_id == DossierRecord.id,
            ApologyLetterRecord.status != LetterStatus.DRAFT.value,
        )
        .order_by(ApologyLetterRecord.confirmed_at, ApologyLetterRecord.id)
        .limit(1)
        .scalar_subquery()
    )


class RegistersService:
    def __init__(
        self,
        db: Database,
        dossiers: DossierService,
        lifecycle: LifecycleService,
        apologies: ApologyService,
        settings: SettingsService,
        calendar: CalendarService,
        clock: Clock,
        template_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._dossiers = dossiers
        self._lifecycle = lifecycle
        self._apologies = apologies
        self._settings = settings
        self._calendar = calendar
        self._clock = clock
        self._template_dir = template_dir

    def _as_of(self, date_to: date) -> datetime:
        """The end of the period, or now when the period is not over."""
        return min(datetime.combine(date_to + timedelta(days=1), time.min), self._clock.now())

    # -- the tracking ledger ------------------------------------------------------------------
    def ledger_rows(self, date_from: date, date_to: date) -> list[LedgerRow]:
        """Dossiers first received in the period, in ledger order (book, number)."""
        _check_range(date_from, date_to)
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        as_of = self._as_of(date_to)
        granularity = self._lifecycle.granularity()
        d = DossierRecord
        handed_over = (
            select(func.min(DossierEventRecord.at))
            .where(
                DossierEventRecord.dossier_id == d.id,
                DossierEventRecord.kind == Move.HAND_OVER.value,
            )
            .scalar_subquery()
        )
        intake = func.coalesce(d.intake_at, d.received_at)
        stmt = (
            select(
                d.code,
                d.ledger_book,
                d.ledger_number,
                d.procedure_name,
                d.field,
                d.applicant_name,
                d.applicant_address,
                d.applicant_phone,
                d.deciding_agency,
                d.handling_unit,
                d.sets_count,
                intake,
                d.due_at,
                handed_over,
                d.settled_at,
                d.returned_at,
                d.status,
                d.note,
            )
            # received_at never comes before the first receipt: its index narrows the scan.
            .where(d.received_at >= start, intake >= start, intake < end)
            .order_by(d.ledger_book, d.ledger_number)
        )
        rows: list[LedgerRow] = []
        with self._db.session() as s:
            for (
                code,
                book,
                number,
                proc,
                fld,
                name,
                address,
                phone,
                agency,
                unit,
                sets,
                received,
                due,
                handed,
                settled,
                returned,
                status_value,
                note,
            ) in s.execute(stmt):
                status = Status(status_value)
                rows.append(
                    LedgerRow(
                        code=code,
                        ledger_book=book,
                        ledger_number=number,
                        procedure_name=proc,
                        field=fld,
                        applicant_name=name,
                        applicant_address=address,
                        applicant_phone=phone,
                        deciding_agency=agency,
                        handling_unit=unit,
                        sets_count=sets,
                        received_at=received,
                        due_at=due,
                        handed_over_at=handed,
                        settled_at=settled,
                        returned_at=returned,
                        status_label=status.label,
                        timeliness_label=self._timeliness_label(
                            status, settled, due, as_of, granularity
                        ),
                        note=note or "",
                    )
                )
        return rows

    @staticmethod
    def _timeliness_label(
        status: Status,
        settled: datetime | None,
        due: datetime,
        as_of: datetime,
        granularity: Granularity,
    ) -> str:
        if status in SETTLED and settled is not None:
            return classify(settled, due, granularity).label
        if status in OPEN:
            return classify_open(status, due, as_of).label
        return ""  # withdrawn or closed: neither settled nor pending

    # -- late dossiers ------------------------------------------------------------------------
    def late_rows(self, date_from: date, date_to: date) -> list[LateRow]:
        """Dossiers settled late in the period, then those still overdue at its end."""
        _check_range(date_from, date_to)
        start = datetime.combine(date_from, time.min)
        as_of = self._as_of(date_to)
        d = DossierRecord
        if self._lifecycle.granularity() is Granularity.DAY:
            late = func.date(d.settled_at) > func.date(d.due_at)
        else:
            late = d.settled_at > d.due_at
        settled_late = and_(
            d.status.in_(_SETTLED), d.settled_at >= start, d.settled_at < as_of, late
        )
        # Open at the end of the period (still running now, or settled only after it) and overdue.
        open_overdue = and_(
            d.due_at < as_of,
            func.coalesce(d.intake_at, d.received_at) < as_of,
            or_(d.status.in_(_RUNNING), and_(d.status.in_(_SETTLED), d.settled_at >= as_of)),
        )
        stmt = (
            select(
                d.code,
                d.applicant_name,
                d.procedure_name,
                d.field,
                d.received_at,
                d.due_at,
                d.settled_at,
                d.status,
                d.late_reason,
                d.responsible_unit,
                _first_letter(ApologyLetterRecord.number),
                _first_letter(ApologyLetterRecord.year),
                _first_letter(ApologyLetterRecord.confirmed_at),
            )
            .where(or_(settled_late, open_overdue))
            .order_by(d.due_at, d.code)
        )
        cal = self._calendar.calendar()
        settled_rows: list[LateRow] = []
        open_rows: list[LateRow] = []
        with self._db.session() as s:
            for (
                code,
                name,
                proc,
                fld,
                received,
                due,
                settled,
                status_value,
                reason,
                unit,
                number,
                year,
                letter_at,
            ) in s.execute(stmt):
                status = Status(status_value)
                still_open = settled is None or settled >= as_of
                until = as_of if still_open else settled
                assert until is not None
                days = max(1, cal.working_days_between(due.date(), until.date()))
                letter = (
                    f"{number:02d}/{year}/PXL" if number is not None and year is not None else ""
                )
                row = LateRow(
                    code=code,
                    applicant_name=name,
                    procedure_name=proc,
                    field=fld,
                    received_at=received,
                    due_at=due,
                    settled_at=None if still_open else settled,
                    late_working_days=days,
                    reason=reason or "",
                    responsible_unit=unit or "",
                    letter_number=letter,
                    letter_date=letter_at if letter else None,
                    status_label=status.label,
                )
                (open_rows if still_open else settled_rows).append(row)
        return settled_rows + open_rows

    # -- files --------------------------------------------------------------------------------
    def ledger_pdf(self, date_from: date, date_to: date) -> bytes:
        """The ledger as PDF bytes, for a preview before printing or saving."""
        return self._ledger_pdf(self.ledger_rows(date_from, date_to), date_from, date_to)

    def late_list_pdf(self, date_from: date, date_to: date, public: bool = False) -> bytes:
        return self._late_list_pdf(self.late_rows(date_from, date_to), date_from, date_to, public)

    def _ledger_pdf(self, rows: list[LedgerRow], date_from: date, date_to: date) -> bytes:
        from tthc_desk.printing.ledger import render_ledger

        return render_ledger(
            rows, self._settings.office(), date_from, date_to, template_dir=self._template_dir
        )

    def _late_list_pdf(
        self, rows: list[LateRow], date_from: date, date_to: date, public: bool
    ) -> bytes:
        from tthc_desk.printing.late_list import render_late_list

        return render_late_list(
            rows,
            self._settings.office(),
            date_from,
            date_to,
            public=public,
            issued_on=self._clock.now().date(),
            template_dir=self._template_dir,
        )

    def write_ledger(self, date_from: date, date_to: date, path: Path | str) -> int:
        """The ledger as .xlsx or .pdf (by the suffix); returns how many dossiers it lists."""
        suffix = _suffix(path)
        rows = self.ledger_rows(date_from, date_to)
        office = self._settings.office()
        if suffix == ".pdf":
            write(path, self._ledger_pdf(rows, date_from, date_to))
        else:
            from tthc_desk.exporting.ledger_xlsx import write_ledger_xlsx

            with atomic_path(path) as tmp:
                write_ledger_xlsx(
                    rows, office, date_from, date_to, tmp, template_dir=self._template_dir
                )
        return len(rows)

    def write_late_list(
        self, date_from: date, date_to: date, path: Path | str, public: bool = False
    ) -> int:
        """The explanation list (or, with ``public``, the public list) as .xlsx or .pdf."""
        suffix = _suffix(path)
        rows = self.late_rows(date_from, date_to)
        office = self._settings.office()
        if suffix == ".pdf":
            write(path, self._late_list_pdf(rows, date_from, date_to, public))
        else:
            from tthc_desk.exporting.late_list_xlsx import write_late_list_xlsx

            with atomic_path(path) as tmp:
                write_late_list_xlsx(
                    rows,
                    office,
                    date_from,
                    date_to,
                    tmp,
                    public=public,
                    template_dir=self._template_dir,
                )
        return len(rows)
