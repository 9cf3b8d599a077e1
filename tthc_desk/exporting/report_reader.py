"""Reading a commune's report workbook back, and writing the province's roll-up.

A commune workbook is counted only when its ``Thông tin`` sheet is there, its ``Tổng hợp`` table
reads as numbers and the checksum recomputed from that table equals the one in ``Thông tin`` (a
typo check: anyone can recompute it); given the communes' registered public keys, only when it
is also signed by its own commune's key over everything it says
(:mod:`tthc_desk.exporting.report_signature`). A file left out is classed by why: unreadable,
unsigned, forged (edited after it was built or signed), unknown commune (a key not registered),
wrong period, duplicate. Every row of a sheet is read, whatever its declared ``<dimension>``
says, and a file too big to be a commune's report is refused before it is opened (the limits of
the other workbook imports, :mod:`tthc_desk.exporting.tabular`). The roll-up writes the
province's Biểu 06a by field (the communes summed), a table per commune (``Theo xã``) and the
list of files with what was wrong with each (``Kiểm tra``).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.report import TOTAL_LABEL, Row06a, figures_checksum
from tthc_desk.domain.text import nfc
from tthc_desk.exporting.ledger_xlsx import label, read_labels
from tthc_desk.exporting.report_signature import (
    KeyRing,
    info_columns,
    info_entry,
    verify_workbook,
)
from tthc_desk.exporting.report_xlsx import (
    INFO,
    NUMBERS_ROW,
    SUMMARY,
    TEMPLATE,
    SummaryHead,
    first_sheet,
    summary_sheet,
)
from tthc_desk.exporting.tabular import MAX_FILE_BYTES, MAX_ROWS
from tthc_desk.presentation import period_range_text

#: Why a file was left out (the code) and how the roll-up names it.
SKIP_KINDS = {
    "unreadable": "không dùng được",
    "unsigned": "chưa ký",
    "forged": "bị sửa hoặc chữ ký giả",
    "unknown": "xã chưa đăng ký khóa",
    "period": "sai kỳ",
    "duplicate": "trùng",
}


class WorkbookProblem(Exception):
    """A workbook that cannot be counted, with the reason in Vietnamese and its kind (a key of
    :data:`SKIP_KINDS`)."""

    def __init__(self, why: str, kind: str = "unreadable") -> None:
        super().__init__(why)
        self.kind = kind


@dataclass(frozen=True)
class Skipped:
    """A file the roll-up left out, and why."""

    path: Path
    why: str
    kind: str

    @property
    def kind_label(self) -> str:
        return SKIP_KINDS[self.kind]


@dataclass(frozen=True)
class CommuneReport:
    path: Path
    office_id: str
    office_name: str
    parent_authority: str
    period_key: str
    period_kind: str
    period_label: str
    period_start: date
    period_end: date
    generated_at: str
    rows: tuple[Row06a, ...]
    total: Row06a
    checksum: str
    verified: bool = False  # its signature was checked against its commune's registered key


_REQUIRED = ("office_id", "period_key", "period_start", "period_end", "checksum")


def read_commune_report(path: str | os.PathLike[str], ring: KeyRing | None = None) -> CommuneReport:
    """Read and check one workbook (its signature too, given the registered keys ``ring``);
    raises WorkbookProblem saying what is wrong."""
    p = Path(path)
    _check_size(p)
    try:
        info, rows, total = _read_workbook(p)
        problem = None
    except WorkbookProblem as exc:
        if exc.kind == "unreadable" or ring is None:
            raise
        problem = exc
    if ring is not None:
        verdict = verify_workbook(p, ring)
        if verdict.kind != "ok":
            raise WorkbookProblem(verdict.why, verdict.kind)
        if problem is not None:
            raise problem
    checksum = figures_checksum(rows, total)
    if checksum != info["checksum"]:
        raise WorkbookProblem(
            "số liệu sheet “Tổng hợp” không khớp mã kiểm tra (bảng đã bị sửa sau khi lập?)",
            "forged",
        )
    start, end = _period_dates(info)
    return CommuneReport(
        path=p,
        office_id=nfc(str(info["office_id"])),
        office_name=_text(info, "office_name"),
        parent_authority=_text(info, "parent_authority"),
        period_key=str(info["period_key"]),
        period_kind=str(info.get("period_kind") or "custom"),
        period_label=_text(info, "period_label"),
        period_start=start,
        period_end=end,
        generated_at=str(info.get("generated_at") or ""),
        rows=tuple(rows),
        total=total,
        checksum=checksum,
        verified=ring is not None,
    )


def _text(info: dict[str, Any], key: str) -> str:
    return nfc(str(info.get(key) or ""))


def _mb(size: int) -> int:
    return size // (1024 * 1024)


def _check_size(p: Path) -> None:
    """Refuse a file too big to be a report (a wrong file, or one built to exhaust the PC)."""
    try:
        size = p.stat().st_size
    except OSError:
        return  # opening it says what is wrong
    if size > MAX_FILE_BYTES:
        raise WorkbookProblem(
            f"tệp quá lớn ({_mb(size)} MB, tối đa {_mb(MAX_FILE_BYTES)} MB): không phải báo cáo "
            "do TTHC Desk lập"
        )


def _rows(ws: Worksheet, min_row: int = 1) -> Iterator[tuple[object, ...]]:
    """The rows of a sheet opened read-only from ``min_row`` on, whatever its declared
    ``<dimension>`` says (openpyxl trusts it and would silently skip the rows below it);
    refused past :data:`MAX_ROWS`."""
    reset = getattr(ws, "reset_dimensions", None)
    if reset is not None:
        reset()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", ".")
            raise WorkbookProblem(
                f"sheet “{ws.title}” có hơn {limit} dòng: không phải báo cáo do TTHC Desk lập"
            )
        if number >= min_row:
            yield row


def _open(p: Path) -> Workbook:
    try:
        return load_workbook(p, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookProblem(
            f"không mở được tệp ({exc.__class__.__name__}): không phải bảng tính .xlsx hợp lệ"
        ) from None


def _read_workbook(p: Path) -> tuple[dict[str, Any], list[Row06a], Row06a]:
    """The ``Thông tin`` keys (the required ones checked) and the ``Tổng hợp`` table."""
    wb = _open(p)
    try:
        if INFO not in wb.sheetnames:
            raise WorkbookProblem(f"thiếu sheet “{INFO}”: không phải báo cáo do TTHC Desk lập")
        if SUMMARY not in wb.sheetnames:
            raise WorkbookProblem(f"thiếu sheet “{SUMMARY}”")
        info = _info_rows(_table_sheet(wb, INFO))
        for key in _REQUIRED:
            if not info.get(key):
                raise WorkbookProblem(f"sheet “{INFO}” thiếu mục “{key}”")
        rows, total = _read_table(_table_sheet(wb, SUMMARY))
    finally:
        wb.close()
    return info, rows, total


def _table_sheet(wb: Workbook, name: str) -> Worksheet:
    ws = wb[name]
    if isinstance(ws, Worksheet):
        return ws
    if isinstance(ws, ReadOnlyWorksheet):
        # A read-only sheet reads with Worksheet's own iter_rows; the stubs bind it to Worksheet.
        return cast(Worksheet, ws)
    raise WorkbookProblem(f"sheet “{name}” không phải một bảng")


def _info_rows(ws: Worksheet) -> dict[str, Any]:
    """The machine-readable keys and values of ``Thông tin`` (either format)."""
    rows = _rows(ws)
    columns = info_columns(next(rows, ()))
    entries = (info_entry(r, columns) for r in rows)
    return {str(k): v for k, v in entries if k}


def _period_dates(info: dict[str, Any]) -> tuple[date, date]:
    try:
        return (
            date.fromisoformat(str(info["period_start"])),
            date.fromisoformat(str(info["period_end"])),
        )
    except ValueError:
        raise WorkbookProblem(f"ngày của kỳ báo cáo trong sheet “{INFO}” không hợp lệ") from None


def _read_table(ws: Worksheet) -> tuple[list[Row06a], Row06a]:
    rows: list[Row06a] = []
    for cells in _rows(ws, min_row=NUMBERS_ROW + 2):
        values = (*cells[:13], *(None,) * (13 - len(cells)))
        name = values[1]
        if not name:
            break
        row = _table_row(str(name), values[2:13])
        if row.field == TOTAL_LABEL:
            return rows, row
        rows.append(row)
    raise WorkbookProblem(f"sheet “{SUMMARY}” không có dòng “{TOTAL_LABEL}”", "forged")


def _table_row(name: str, numbers: Sequence[object]) -> Row06a:
    counts = [v for v in numbers if isinstance(v, int) and not isinstance(v, bool) and v >= 0]
    if len(numbers) != 11 or len(counts) != 11:
        raise WorkbookProblem(
            f"dòng “{name}” của sheet “{SUMMARY}” có ô không phải số hồ sơ", "forged"
        )
    row = Row06a(nfc(name), *counts)
    if not row.identities_hold():
        raise WorkbookProblem(
            f"dòng “{name}” của sheet “{SUMMARY}” không thỏa các đẳng thức của Biểu 06a", "forged"
        )
    return row


@dataclass
class RollUp:
    period_key: str
    included: list[CommuneReport] = field(default_factory=list)
    problems: list[Skipped] = field(default_factory=list)  # the files left out, and why
    rows: list[Row06a] = field(default_factory=list)
    total: Row06a = field(default_factory=lambda: Row06a(TOTAL_LABEL))


def roll_up(
    paths: list[Path], period_key: str | None = None, ring: KeyRing | None = None
) -> RollUp:
    """Check every workbook (its signature against ``ring`` when given) and sum the good ones.
    The period is ``period_key`` or, without it, the one most workbooks report; a second
    workbook of the same office is a duplicate."""
    read: list[CommuneReport] = []
    problems: list[Skipped] = []
    seen_paths: set[Path] = set()
    for p in paths:
        resolved = Path(p).resolve()
        if resolved in seen_paths:
            problems.append(Skipped(Path(p), "tệp được nêu hai lần", "duplicate"))
            continue
        seen_paths.add(resolved)
        try:
            read.append(read_commune_report(p, ring))
        except WorkbookProblem as exc:
            problems.append(Skipped(Path(p), str(exc), exc.kind))
    if period_key is None and read:
        keys = [r.period_key for r in read]
        period_key = max(dict.fromkeys(keys), key=keys.count)
    result = RollUp(period_key or "")
    by_office: dict[str, CommuneReport] = {}
    for r in read:
        if r.period_key != period_key:
            problems.append(
                Skipped(
                    r.path,
                    f"kỳ báo cáo {r.period_key} khác kỳ đang tổng hợp {period_key}",
                    "period",
                )
            )
        elif r.office_id in by_office:
            problems.append(
                Skipped(
                    r.path,
                    f"trùng báo cáo của {r.office_name or r.office_id} ({r.office_id}) với tệp "
                    f"“{by_office[r.office_id].path.name}”",
                    "duplicate",
                )
            )
        else:
            by_office[r.office_id] = r
    result.included = list(by_office.values())
    result.problems = problems
    fields: dict[str, Row06a] = {}
    for r in result.included:
        for row in r.rows:
            fields.setdefault(row.field, Row06a(row.field)).add_row(row)
        result.total.add_row(r.total)
    result.rows = [fields[k] for k in sorted(fields)]
    return result


def write_roll_up(
    result: RollUp,
    path: str | os.PathLike[str],
    *,
    province: str,
    receiving_unit: str,
    place: str,
    day: date,
) -> Path:
    """The province's workbook: 06a by field, one line per commune, and the files checked."""
    t = read_labels(TEMPLATE)
    first = result.included[0] if result.included else None
    period = Period(
        PeriodKind(first.period_kind) if first else PeriodKind.CUSTOM,
        first.period_start if first else day,
        first.period_end if first else day,
        result.period_key,
    )
    # The period as the communes' workbooks name it.
    period_text = first.period_label if first else result.period_key
    summary = SummaryHead(period, province, receiving_unit, place, day, period_text=period_text)
    wb = Workbook()
    ws = first_sheet(wb, SUMMARY)
    summary_sheet(ws, t, summary, result.rows, result.total)
    communes = wb.create_sheet("Theo xã")
    head = ["STT", "Mã định danh", "Đơn vị", *(f"({i})" for i in range(3, 14))]
    communes.append([label(t, "form.title")])
    communes.append([f"{label(t, 'form.period', label=period_text)} – {period_range_text(period)}"])
    communes.append([])
    communes.append(head)
    for i, r in enumerate(sorted(result.included, key=lambda x: x.office_id), start=1):
        communes.append(
            [
                i,
                r.office_id,
                f"{r.parent_authority} – {r.office_name}".strip(" –"),
                *r.total.values(),
            ]
        )
    communes.append(["", "", TOTAL_LABEL, *result.total.values()])
    for cell in communes[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for col, width in zip("ABC", (6, 18, 48), strict=True):
        communes.column_dimensions[col].width = width
    communes.freeze_panes = "D5"
    check = wb.create_sheet("Kiểm tra")
    check.append(["Tệp", "Đơn vị", "Kết quả"])
    for r in result.included:
        said = "Đã tổng hợp" if r.verified else "Đã tổng hợp (chưa xác thực chữ ký)"
        check.append([r.path.name, r.office_name or r.office_id, said])
    for x in result.problems:
        check.append([x.path.name, "", f"Bỏ qua ({x.kind_label}): {x.why}"])
    check.column_dimensions["A"].width = 40
    check.column_dimensions["B"].width = 36
    check.column_dimensions["C"].width = 90
    target = Path(path)
    wb.save(target)
    return target


def info_of(data: bytes) -> dict[str, Any]:
    """The ``Thông tin`` sheet of a workbook given as bytes (empty when there is none)."""
    import io

    if len(data) > MAX_FILE_BYTES:
        return {}
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return {}
    try:
        if INFO not in wb.sheetnames:
            return {}
        return _info_rows(_table_sheet(wb, INFO))
    except WorkbookProblem:
        return {}
    finally:
        wb.close()
