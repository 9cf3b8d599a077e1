"""Reports upward: the Biểu 06a figures of any period, computed from the office's own records.

The report store reads the period's dossiers (received in it, or received before and not
settled at its start), the histories of those pending at its end, the first letters of the late
ones and the postal items handed over in it; :mod:`tthc_desk.domain.report_build` replays them
into the report (see there for why rebuilding a past period gives the same figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tthc_desk import __version__
from tthc_desk.db.engine import Database
from tthc_desk.domain import periods
from tthc_desk.domain.access import Actor, Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.periods import Period, PeriodKind, report_file_name
from tthc_desk.domain.report import Report, ReportDossier, Targets
from tthc_desk.domain.report_build import (
    ReportFrame,
    build_figures,
    build_report,
    counted,
    late_ids,
    pending_ids,
    postal_at,
    replay,
    report_dossier,
    share_days,
    with_letters,
)
from tthc_desk.domain.scans import DigitisationFigures
from tthc_desk.domain.text import nfc
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.catalog_service import CatalogService
from tthc_desk.services.lifecycle_service import LifecycleService
from tthc_desk.services.postal_service import PostalService
from tthc_desk.services.print_service import atomic_path
from tthc_desk.services.report_keys import ESCROW_NAME, ReportKeys
from tthc_desk.services.settings_service import SettingsService

if TYPE_CHECKING:
    from tthc_desk.domain.outbox import OutboxItem
    from tthc_desk.exporting.report_reader import RollUp
    from tthc_desk.exporting.report_signature import ReportSigner
    from tthc_desk.services.outbox_service import OutboxService

CALENDAR_MONTHS_KEY = "report_calendar_months"  # True: months without the 15th cut-off
WEEK_START_KEY = "report_week_start"  # 0 Monday … 6 Sunday
WEEKDAY_KEY = "report_weekday"  # the weekday (0 Monday …) from which last week's report is built
BUILT_KEY = "weekly_reports_built"  # {period key: {"file": name, "at": iso, "checksum": …}}
TARGETS_KEY = "plan_targets"  # {"2026": {"on_time": 0.95, ...}}
RECEIVING_UNIT_KEY = "report_receiving_unit"
DEFAULT_RECEIVING_UNIT = "Văn phòng Ủy ban nhân dân tỉnh"
PROVINCE_RECEIVER_KEY = "report_province_receiving_unit"
DEFAULT_PROVINCE_RECEIVER = "Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)"


#: A claim of the weekly job left by a PC that died while building lapses after this long.
CLAIM_LAPSES = timedelta(hours=2)
_EPOCH = datetime(2000, 1, 1)


def _claim_name(period: Period) -> str:
    return f"job:weekly_report:{period.key}"


def _minutes(at: datetime) -> int:
    """Whole minutes since 2000 (a claim's time; fits the counters' 32-bit integers)."""
    return int((at - _EPOCH).total_seconds() // 60)


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        catalog: CatalogService,
        lifecycle: LifecycleService,
        postal: PostalService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
        keys: ReportKeys | None = None,
        database_id: Callable[[], str] = lambda: "",
    ) -> None:
        self._keys = keys
        self._database_id = database_id
        self._db = db
        self._accounts = accounts
        self._postal = postal
        self._settings = settings
        self._catalog = catalog
        self._lifecycle = lifecycle
        self._clock = clock
        self._template_dir = template_dir

    # -- periods ------------------------------------------------------------------------------
    @property
    def cutoff(self) -> bool:
        return not self._settings.get_value(CALENDAR_MONTHS_KEY, False)

    @property
    def week_start(self) -> int:
        return int(self._settings.get_value(WEEK_START_KEY, 0))

    def week(self, key: str | None = None) -> Period:
        """The week ``2026-W09``; without a key, the last week that has ended."""
        if key:
            return periods.parse_week(key, self.week_start)
        return periods.last_week(self._clock.now().date(), self.week_start)

    def period(
        self,
        kind: PeriodKind,
        key: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Period:
        """A period by its key (``2026-Q1``), its range (custom), or the one containing today."""
        if kind is PeriodKind.CUSTOM:
            if start is None or end is None:
                raise ValidationError.for_field(
                    "period", "Khoảng thời gian tùy chọn cần ngày đầu và ngày cuối."
                )
            return periods.custom(start, end)
        if kind is PeriodKind.WEEK:
            return self.week(key)
        if key:
            return periods.parse_key(kind, key, self.cutoff)
        return periods.containing(kind, self._clock.now().date(), self.cutoff)

    @property
    def weekday(self) -> int:
        return int(self._settings.get_value(WEEKDAY_KEY, 0))

    def scheduled_week(self) -> Period | None:
        """Last week, when its report is due (from the set weekday on) and not built yet."""
        today = self._clock.now().date()
        period = periods.last_week(today, self.week_start)
        days_after = (today - period.end).days  # 1 on the first day of the new week
        if days_after - 1 < self.weekday or period.key in self.built_weeks():
            return None
        return period

    def built_weeks(self) -> dict[str, dict[str, str]]:
        return dict(self._settings.get_value(BUILT_KEY, {}) or {})

    def build_scheduled(self, folder: Path) -> tuple[Report, Path] | None:
        """Build last week's workbook into ``folder`` if it is due; returns it and its path.

        Once per office, not once per counter PC: the PC that claims the week first builds it
        (:meth:`_claim_week`); the others, started at the same time, find it taken and leave it.
        """
        period = self.scheduled_week()
        if period is None or not self._claim_week(period):
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            office = self._settings.office()
            path = folder / report_file_name(office.agency_id, period.key, weekly=True)
            report = self.write_weekly(period, path)
            built = self.built_weeks()
            built[period.key] = {
                "file": path.name,
                "at": report.generated_at.isoformat(sep=" "),
                "checksum": report.checksum,
            }
            self._settings.set_value(BUILT_KEY, built)
        except BaseException:
            self._end_claim(period, done=False)  # the next hourly run, on any PC, tries again
            raise
        self._end_claim(period, done=True)
        return report, path

    def _claim_week(self, period: Period) -> bool:
        """Take the job of building ``period``'s report for this PC; False when another PC has
        it (working on it, or done). A claim left by a PC that died while building lapses after
        :data:`CLAIM_LAPSES`."""
        now = _minutes(self._clock.now())
        stale_before = now - int(CLAIM_LAPSES.total_seconds() // 60)
        with self._db.write() as uow:
            return uow.counters.claim(_claim_name(period), now, stale_before)

    def _end_claim(self, period: Period, *, done: bool) -> None:
        with self._db.write() as uow:
            uow.counters.end_claim(_claim_name(period), done=done)

    def targets(self, year: int) -> Targets:
        all_years = self._settings.get_value(TARGETS_KEY, {}) or {}
        return Targets.from_dict(all_years.get(str(year), {}))

    def set_targets(self, year: int, targets: Targets) -> None:
        self._accounts.require(Right.OFFICE, "đặt chỉ tiêu kế hoạch")
        all_years = dict(self._settings.get_value(TARGETS_KEY, {}) or {})
        all_years[str(year)] = {
            "on_time": targets.on_time,
            "early": targets.early,
            "apologised": targets.apologised,
            "satisfied": targets.satisfied,
        }
        self._settings.set_value(TARGETS_KEY, all_years)

    # -- figures ------------------------------------------------------------------------------
    def compute(self, period: Period, source: str = "facts", dossiers: bool = True) -> Report:
        """The figures as of the period's end, or as of now for a period still running.

        ``source`` "facts": the period's rows of the report facts (kept as history is written);
        "replay": the reference, every dossier not settled before the period read from the
        dossiers themselves. Both give the same report (tests/services/test_report_facts.py).
        Without ``dossiers`` the report keeps only its figures (``Report.dossiers`` empty): those
        settled in the period are counted where they are kept, only the few pending at its end
        are read one by one (a year in a fraction of the time and memory).
        """
        now = self._clock.now().replace(second=0, microsecond=0)
        start, as_of = period.starts_at, min(period.as_of, now)
        granularity: Granularity = self._lifecycle.granularity()
        if source == "facts":
            figures = self._figures(period, now, granularity)
            return self._listed(figures) if dossiers else figures
        with self._db.read() as uow:
            rows = counted(uow.reports.period_dossiers(start, as_of), start)
            histories = uow.reports.histories(pending_ids(rows, as_of), as_of)
            said = replay(rows, histories, start, as_of, granularity)
            del rows, histories  # a year's raw rows: not kept while the rest is read
            letters = uow.reports.first_letters(late_ids(said), as_of)
            postal_items = uow.postal.handed_over_between(start, as_of)
        return build_report(self._frame(period, as_of, now), said, letters, postal_items)

    def _figures(self, period: Period, now: datetime, granularity: Granularity) -> Report:
        """:meth:`compute` without the dossiers: the counts of those settled in the period, and
        the ones pending at its end replayed as :meth:`compute` does."""
        start, as_of = period.starts_at, min(period.as_of, now)
        with self._db.read() as uow:
            counts, late = uow.facts.settled_counts(start, as_of, granularity)
            rows = uow.facts.pending_rows(start, as_of)
            histories = uow.reports.histories([r.id for r in rows], as_of)
            pending = replay(rows, histories, start, as_of, granularity)
            letters = uow.reports.first_letters(late + late_ids(pending), as_of)
        return build_figures(self._frame(period, as_of, now), counts, pending, len(letters))

    def digitisation(self, period: Period, listed: bool = False) -> DigitisationFigures:
        """The digitisation of the dossiers first received in ``period`` (the population the
        766 indicators 4.x count), with the scans attached by its end — or by now, for a period
        still running — and, ``listed``, those received with no scan.

        Settled-in-period would be the 06a's other population (the e-results of the dossiers
        settled in the period); it is not used: a dossier's papers are scanned when it is
        received, and its e-result is counted against the dossiers of the same population that
        have their result (:class:`~tthc_desk.domain.scans.DigitisationCounts`).
        """
        now = self._clock.now().replace(second=0, microsecond=0)
        start, as_of = period.starts_at, min(period.as_of, now)
        with self._db.read() as uow:
            counts = uow.attachments.period_counts(start, as_of)
            unscanned = uow.attachments.unscanned_in_period(start, as_of) if listed else []
            any_scans = uow.attachments.any_scans()
        return DigitisationFigures(period, as_of, counts, tuple(unscanned), any_scans)

    def _postal_items(self, report: Report) -> Report:
        """The report with the postal items handed over in its period, in their state then."""
        start, as_of = report.period.starts_at, report.as_of
        with self._db.read() as uow:
            items = postal_at(uow.postal.handed_over_between(start, as_of), as_of)
        return replace(report, postal_items=items)

    def _listed(self, report: Report) -> Report:
        """A report built without its lists, with them."""
        dossiers = tuple(self.stream_dossiers(report))
        return replace(self._postal_items(report), dossiers=dossiers)

    def _summed(self, report: Report) -> Report:
        """A report built without its lists, with the content checksum of the workbook that
        would list them (the dossiers streamed past, the postal items of the period)."""
        from tthc_desk.exporting.report_xlsx import content_checksum

        summed = content_checksum(self._postal_items(report), self.stream_dossiers(report))
        return replace(report, content_sum=summed)

    def stream_dossiers(self, report: Report) -> Iterator[ReportDossier]:
        """The dossiers of a report built without them (``compute(dossiers=False)``), one at a
        time in id order, as :meth:`compute` lists them: a chunk of rows at a time, each late
        one with its first letter."""
        start, as_of = report.period.starts_at, report.as_of
        granularity = self._lifecycle.granularity()
        shared: dict[str, str] = {}

        def one(text: str) -> str:
            return shared.setdefault(text, text)

        with self._db.read() as uow:
            rows = uow.facts.pending_rows(start, as_of)
            histories = uow.reports.histories([r.id for r in rows], as_of)
            pending = replay(rows, histories, start, as_of, granularity)
            for chunk in uow.facts.row_chunks(start, as_of):
                said = {
                    r.id: pending.get(r.id) or report_dossier(r, (), start, as_of, granularity, one)
                    for r in chunk
                }
                letters = uow.reports.first_letters(late_ids(said), as_of)
                yield from with_letters(said, letters)

    def _frame(self, period: Period, as_of: datetime, now: datetime) -> ReportFrame:
        procedures = self._catalog.list(active_only=True)
        return ReportFrame(
            period=period,
            as_of=as_of,
            office=self._settings.office(),
            receiving_unit=self._settings.get_value(RECEIVING_UNIT_KEY, DEFAULT_RECEIVING_UNIT),
            generated_at=now,
            app_version=__version__,
            targets=self.targets(period.end.year),
            shares=self._postal.postal_shares(*share_days(period, as_of)),
            procedures_postal=sum(p.postal_return for p in procedures),
            procedures_total=len(procedures),
        )

    # -- files --------------------------------------------------------------------------------
    def write_weekly(self, period: Period, path: Path | str) -> Report:
        """The weekly workbook: Tổng hợp, Chi tiết, Quá hạn, Bưu chính, Chỉ tiêu, Số hóa,
        Thông tin."""
        maker = self._accounts.require(Right.BUILD_REPORT, "lập báo cáo")
        return self._write(period, Path(path), full=True, maker=maker)

    def write_period(self, period: Period, path: Path | str) -> Report:
        """The periodic 06a report alone (with its Thông tin sheet for the province's roll-up)."""
        maker = self._accounts.require(Right.BUILD_REPORT, "lập báo cáo")
        return self._write(period, Path(path), full=False, maker=maker)

    def _write(self, period: Period, path: Path, full: bool, maker: Actor) -> Report:
        """The workbook, NGƯỜI LẬP BIỂU named after ``maker`` (left blank for the system: a
        scheduled report is signed by hand)."""
        from tthc_desk.exporting.report_xlsx import write_report_workbook

        if path.suffix.lower() != ".xlsx":
            raise ValidationError.for_field("path", "Báo cáo được xuất ra tệp Excel .xlsx.")
        if full:
            report = replace(self.compute(period), digitisation=self.digitisation(period, True))
        else:  # the 06a alone lists no dossier: a year is not held in memory
            report = self._summed(self.compute(period, dossiers=False))
        signer = self.signer()
        with atomic_path(path) as tmp:
            write_report_workbook(
                report,
                tmp,
                full=full,
                template_dir=self._template_dir,
                signer=signer,
                maker_name="" if maker.system else maker.full_name,
            )
        return report

    # -- signing ------------------------------------------------------------------------------
    def signer(self) -> ReportSigner | None:
        """The office's report signer (its key made on first need); None without a key store."""
        from tthc_desk.exporting.report_signature import ReportSigner

        if self._keys is None:
            return None
        key = self._signing_key(create=True)
        assert key is not None  # made when missing
        return ReportSigner(self._settings.office().agency_id, key)

    def keep_signing_key(self) -> None:
        """At start-up: an encrypted database gets a copy of this PC's signing key, and a PC
        without it gets it back from the database; no key is made here."""
        if self._keys is not None:
            self._signing_key(create=False)

    def _signing_key(self, create: bool) -> bytes | None:
        assert self._keys is not None
        if not self._db.holds_keys:
            return self._keys.private_key(self._database_id(), create=create)
        shared = not self._db.is_sqlite
        with self._db.office_lock("report-signing-key"):  # counters making it at once: one key
            with self._db.read() as uow:
                escrowed = uow.journal.escrowed_key(ESCROW_NAME)
            key = self._keys.private_key(
                self._database_id(), escrowed, create=create, shared=shared
            )
            if key is not None and key != escrowed:
                with self._db.write() as uow:  # not journalled: the key is no data of the office
                    uow.journal.escrow_key(ESCROW_NAME, key)
        return key

    def public_key_text(self) -> str:
        """The office's public key file, for the province to register (``key export``)."""
        from tthc_desk.exporting.report_signature import public_key_text

        self._accounts.require(Right.BUILD_REPORT, "xuất khóa công khai ký báo cáo")
        office = self._settings.office()
        if not office.agency_id:
            raise ValidationError.for_field(
                "agency_id",
                "Chưa có mã định danh cơ quan: hãy nhập trong thông tin cơ quan trước khi xuất "
                "khóa công khai.",
            )
        signer = self.signer()
        if signer is None:
            raise ValidationError("Máy này không có nơi giữ khóa ký báo cáo.")
        name = f"{office.parent_authority} – {office.office_name}".strip(" –")
        return public_key_text(office.agency_id, name, signer.public)

    def export_public_key(self, path: Path) -> Path:
        """Write :meth:`public_key_text` to ``path`` (whole or not at all)."""
        text = self.public_key_text()
        with atomic_path(path) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        return path

    def aggregate(
        self,
        files: Sequence[Path],
        path: Path | str,
        period_key: str | None = None,
        keys: Path | None = None,
    ) -> RollUp:
        """The province's roll-up of commune workbooks (checked one by one) into ``path``. With
        ``keys`` (a folder of the communes' public key files) only a workbook signed by its own
        commune's registered key is counted; without it signatures are not checked."""
        from tthc_desk.exporting.report_reader import roll_up, write_roll_up
        from tthc_desk.exporting.report_signature import KeyRing, SignatureProblem

        if Path(path).suffix.lower() != ".xlsx":
            raise ValidationError.for_field("path", "Bảng tổng hợp được xuất ra tệp Excel .xlsx.")
        ring = None
        if keys is not None:
            try:
                ring = KeyRing.from_folder(keys)
            except SignatureProblem as exc:
                raise ValidationError.for_field(
                    "keys", f"Không dùng được thư mục khóa: {exc}."
                ) from None
        result = roll_up(list(files), period_key, ring)
        if result.included:
            office = self._settings.office()
            with atomic_path(path) as tmp:
                write_roll_up(
                    result,
                    tmp,
                    province=f"UBND {office.province.upper()}",
                    receiving_unit=self._settings.get_value(
                        PROVINCE_RECEIVER_KEY, DEFAULT_PROVINCE_RECEIVER
                    ),
                    place=office.province.removeprefix("Tỉnh ").removeprefix("Thành phố "),
                    day=self._clock.now().date(),
                )
        return result

    def check_label(self, path: Path, kind: str, period_key: str, office_id: str) -> None:
        """Refuse to queue a report workbook under a label it contradicts (``outbox add``): its
        ``Thông tin`` names another office, period or kind. A file that is no report workbook
        (another export) is not read here."""
        from tthc_desk.exporting.report_reader import info_of

        info = info_of(Path(path).read_bytes())
        if not info:
            return
        said = {
            "office_id": str(info.get("office_id") or ""),
            "period_key": str(info.get("period_key") or ""),
            "report_kind": str(info.get("report_kind") or ""),
        }
        problems = []
        if said["office_id"] != nfc(office_id):
            problems.append(
                f"của cơ quan {said['office_id'] or '(không ghi)'}, không phải {office_id}"
            )
        if said["period_key"] != nfc(period_key):
            problems.append(
                f"của kỳ {said['period_key'] or '(không ghi)'}, không phải {period_key}"
            )
        if kind in ("weekly", "period") and said["report_kind"] != kind:
            problems.append(
                f"là báo cáo loại {said['report_kind'] or '(không ghi)'}, không phải {kind}"
            )
        if problems:
            raise ValidationError.for_field(
                "file",
                f"Không đưa “{Path(path).name}” vào hàng chờ gửi: tệp " + "; ".join(problems) + ".",
            )

    def queue(
        self, outbox: OutboxService, report: Report, path: Path, full: bool = True
    ) -> OutboxItem:
        """Put a built workbook in the upload queue. Rebuilt with the same content (only the
        build time differs), it is the item already queued; after a correction it is a new
        version that names the one it replaces."""
        self._accounts.require(Right.QUEUE_REPORT, "đưa báo cáo vào hàng chờ gửi")
        from tthc_desk.exporting.report_reader import info_of
        from tthc_desk.exporting.report_xlsx import content_checksum

        kind = "weekly" if full else "period"
        office_id = report.office.agency_id
        same = [
            x
            for x in outbox.items()
            if (x.office_id, x.kind, x.period_key) == (office_id, kind, report.period.key)
        ]
        if same:
            latest = max(same, key=lambda x: x.version)
            if info_of(outbox.content(latest.id)).get("content_checksum") == content_checksum(
                report
            ):
                return latest
        return outbox.enqueue(path, kind=kind, period_key=report.period.key, office_id=office_id)

    def run_schedule(self, outbox: OutboxService, folder: Path) -> OutboxItem | None:
        """Build and queue last week's report when it is due (start-up, and hourly)."""
        built = self.build_scheduled(folder)
        if built is None:
            return None
        report, path = built
        return self.queue(outbox, report, path)
