"""The report workbook sent upward: Biểu 06a (sheet ``Tổng hợp``) and, for the weekly report,
``Chi tiết``, ``Quá hạn``, ``Bưu chính``, ``Chỉ tiêu``, ``Số hóa``; every workbook ends with
``Thông tin``,
the machine-readable sheet the province's roll-up checks (office, period, row counts, checksum,
and the office's signature over all of it: :mod:`tthc_desk.exporting.report_signature`).

Sheet names and the ``Thông tin`` keys are fixed (they are read back by
:mod:`tthc_desk.exporting.report_reader`); every other word comes from
``resources/templates/report_06a.toml``. Styled for people: frozen header rows, column widths,
number formats, A4 landscape fitted to the width, header rows repeated on each printed page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import operator
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tthc_desk import presentation
from tthc_desk.domain.periods import Period
from tthc_desk.domain.postal import PostalItem
from tthc_desk.domain.privacy import scrub_free_text
from tthc_desk.domain.report import Report, ReportDossier, Row06a, share
from tthc_desk.domain.text import format_long_date
from tthc_desk.exporting.ledger_xlsx import (
    LINE_HEIGHT,
    ExportTemplateError,
    column_widths,
    label,
    moment,
    print_setup,
    read_labels,
    wrapped_height,
)
from tthc_desk.exporting.report_signature import (
    INFO_KEY_HEADER,
    SIGNATURE_KEY,
    SIGNER_KEY_KEY,
    SIGNER_OFFICE_KEY,
    ReportSigner,
    canonical_payload,
    written_payload,
)
from tthc_desk.exporting.tabular import cell_value

TEMPLATE = "report_06a"
SUMMARY, DETAIL, LATE, POSTAL, TARGETS, DIGITISED, INFO = (
    "Tổng hợp",
    "Chi tiết",
    "Quá hạn",
    "Bưu chính",
    "Chỉ tiêu",
    "Số hóa",
    "Thông tin",
)
FORMAT_VERSION = 2  # 2: Vietnamese labels in A, B; keys and values hidden in C, D
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_ROW = 6  # first header row of the 06a table
NUMBERS_ROW = HEADER_ROW + 4  # the row "(1) … (13)"

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = Alignment(wrap_text=True, horizontal="center", vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center")
_BOLD = Font(bold=True)
_TOTAL_FILL = PatternFill("solid", fgColor="EEEEEE")


def _print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    print_setup(ws)
    if title_rows:
        ws.print_title_rows = title_rows


def _cell(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    *,
    bold: bool = False,
    align: Alignment | None = None,
    box: bool = False,
    fmt: str | None = None,
) -> None:
    c = ws.cell(row=row, column=col, value=cell_value(value))
    if bold:
        c.font = _BOLD
    if align is not None:
        c.alignment = align
    if box:
        c.border = _BOX
    if fmt:
        c.number_format = fmt


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def first_sheet(wb: Workbook, title: str) -> Worksheet:
    """The sheet a new workbook starts with, renamed ``title``."""
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new (not write-only) workbook starts with one
    ws.title = title
    return ws


# -- Tổng hợp (Biểu 06a) ------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryHead:
    """What the 06a sheet says around its table: who reports to whom, and who signs."""

    period: Period
    reporting_unit: str
    receiving_unit: str
    place: str
    day: date
    head_prefix: str = ""
    head_title: str = ""
    head_name: str = ""
    period_text: str = ""  # how the sheet names the period; empty: its label
    maker_name: str = ""  # NGƯỜI LẬP BIỂU: who built it (empty: written by hand)

    @property
    def period_label(self) -> str:
        return self.period_text or presentation.period_label(self.period)

    @classmethod
    def of(cls, report: Report, maker_name: str = "") -> SummaryHead:
        o = report.office
        return cls(
            report.period,
            o.parent_authority,
            report.receiving_unit,
            o.place_name,
            report.generated_at.date(),
            o.head_sign_prefix,
            o.head_title,
            o.head_name,
            maker_name=maker_name,
        )


def summary_sheet(
    ws: Worksheet, t: dict[str, Any], head: SummaryHead, rows: Sequence[Row06a], total: Row06a
) -> int:
    """Write Biểu 06a on ``ws``; returns the number of table rows (with the level and total
    rows)."""
    column_widths(ws, (6, 34, 10, 11, 15, 10, 10, 10, 10, 10, 10, 10, 10))
    p = head.period
    _cell(ws, 1, 1, label(t, "form.number"), bold=True)
    _merge(ws, 1, 1, 1, 2)
    _cell(ws, 1, 3, label(t, "form.title"), bold=True, align=_HEAD)
    _merge(ws, 1, 3, 1, 10)
    ws.row_dimensions[1].height = 48
    _cell(ws, 2, 3, label(t, "form.period", label=head.period_label), align=_CENTRE)
    _merge(ws, 2, 3, 2, 10)
    _cell(
        ws,
        3,
        3,
        label(t, "form.range", date_from=f"{p.start:%d/%m/%Y}", date_to=f"{p.end:%d/%m/%Y}"),
        align=_CENTRE,
    )
    _merge(ws, 3, 3, 3, 10)
    _cell(ws, 1, 11, label(t, "form.reporting_unit", office=head.reporting_unit), align=_WRAP)
    _merge(ws, 1, 11, 1, 13)
    _cell(ws, 2, 11, label(t, "form.receiving_unit", unit=head.receiving_unit), align=_WRAP)
    _merge(ws, 2, 11, 3, 13)
    _cell(ws, 4, 11, label(t, "form.unit"))
    _merge(ws, 4, 11, 4, 13)

    h = HEADER_ROW

    def c(key: str) -> str:
        return label(t, f"columns.{key}")

    heads = [
        (h, 1, h + 3, 1, c("number")),
        (h, 2, h + 3, 2, c("field")),
        (h, 3, h, 6, c("received")),
        (h + 1, 3, h + 3, 3, c("total")),
        (h + 1, 4, h + 1, 6, c("of_which")),
        (h + 2, 4, h + 2, 5, c("in_period")),
        (h + 3, 4, h + 3, 4, c("online")),
        (h + 3, 5, h + 3, 5, c("direct_postal")),
        (h + 2, 6, h + 3, 6, c("carried_over")),
        (h, 7, h, 10, c("settled")),
        (h + 1, 7, h + 3, 7, c("total")),
        (h + 1, 8, h + 3, 8, c("early")),
        (h + 1, 9, h + 3, 9, c("on_time")),
        (h + 1, 10, h + 3, 10, c("late")),
        (h, 11, h, 13, c("pending")),
        (h + 1, 11, h + 3, 11, c("total")),
        (h + 1, 12, h + 3, 12, c("within")),
        (h + 1, 13, h + 3, 13, c("overdue")),
    ]
    for r1, c1, r2, c2, text in heads:
        _cell(ws, r1, c1, text, bold=True, align=_HEAD)
        _merge(ws, r1, c1, r2, c2)
    for head_row, height in zip(range(h, h + 4), (30, 22, 22, 46), strict=True):
        ws.row_dimensions[head_row].height = height
        for col in range(1, 14):
            ws.cell(row=head_row, column=col).border = _BOX
    for col in range(1, 14):
        _cell(ws, NUMBERS_ROW, col, f"({col})", align=_CENTRE, box=True)
    ws.freeze_panes = f"C{NUMBERS_ROW + 1}"
    _print_setup(ws, f"{HEADER_ROW}:{NUMBERS_ROW}")

    row = NUMBERS_ROW + 1
    _cell(ws, row, 1, "I", bold=True, align=_CENTRE, box=True)
    _cell(ws, row, 2, label(t, "form.level"), bold=True, box=True)
    for col in range(3, 14):
        _cell(ws, row, col, None, box=True)
    row += 1
    for i, r in enumerate(rows, start=1):
        _table_row(ws, row, str(i), r)
        row += 1
    _table_row(ws, row, "", total, total_label=label(t, "form.total"))
    last = row
    row += 2
    _cell(
        ws,
        row,
        10,
        format_long_date(head.place, head.day),
        align=Alignment(horizontal="center", vertical="center"),
    )
    ws.cell(row=row, column=10).font = Font(italic=True)
    _merge(ws, row, 10, row, 13)
    row += 1
    _cell(ws, row, 2, label(t, "signature.maker"), bold=True, align=_CENTRE)
    head_lines = [x for x in (head.head_prefix, head.head_title.upper()) if x]
    for k, text in enumerate(head_lines):
        _cell(ws, row + k, 10, text, bold=True, align=_CENTRE)
        _merge(ws, row + k, 10, row + k, 13)
    _cell(ws, row + 1, 2, label(t, "signature.maker_note"), align=_CENTRE)
    ws.cell(row=row + 1, column=2).font = Font(italic=True)
    note_row = row + len(head_lines)
    _cell(ws, note_row, 10, label(t, "signature.head_note"), align=_CENTRE)
    ws.cell(row=note_row, column=10).font = Font(italic=True)
    _merge(ws, note_row, 10, note_row, 13)
    _cell(ws, note_row + 4, 10, head.head_name, bold=True, align=_CENTRE)
    _merge(ws, note_row + 4, 10, note_row + 4, 13)
    if head.maker_name:  # on the line of the head's name, under the maker's room to sign
        _cell(ws, note_row + 4, 2, head.maker_name, bold=True, align=_CENTRE)
    return last - NUMBERS_ROW  # table rows, with the level and total rows


def _table_row(ws: Worksheet, row: int, number: str, r: Row06a, total_label: str = "") -> None:
    bold = bool(total_label)
    _cell(ws, row, 1, number, align=_CENTRE, box=True, bold=bold)
    _cell(ws, row, 2, total_label or r.field, box=True, bold=bold, align=_WRAP)
    for k, value in enumerate(r.values(), start=3):
        _cell(
            ws, row, k, value, box=True, bold=bold, fmt="#,##0", align=Alignment(horizontal="right")
        )
    if bold:
        for col in range(1, 14):
            ws.cell(row=row, column=col).fill = _TOTAL_FILL


# -- the weekly sheets -------------------------------------------------------------------------


def _table(
    ws: Worksheet,
    head: int,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    dates: Sequence[int] = (),
) -> int:
    """A bordered table with its header on row ``head``; returns the row after it."""
    if any(len(values) != len(columns) for values in rows):
        # An administrator's template from an older version still names a column this version
        # no longer writes (the applicant's name, see README): say so instead of shifting titles.
        raise ExportTemplateError(
            f"Mẫu “{TEMPLATE}”: bảng có {len(columns)} tên cột nhưng {len(rows[0])} cột dữ liệu; "
            "hãy cập nhật tệp mẫu trong thư mục mẫu theo mẫu mới."
        )
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(columns) + 1)]
    for col, text in enumerate(columns, start=1):
        _cell(ws, head, col, text, bold=True, align=_HEAD, box=True)
    _row_height(ws, head, columns, widths, range(len(columns)))
    # Three kinds of body cell (a date, centred, wrapped): each styled once, then its style
    # given to the others as it is (openpyxl hashes every border and alignment set otherwise).
    kinds: dict[tuple[str | None, bool], StyleArray] = {}
    for i, values in enumerate(rows, start=head + 1):
        wrapping = []
        for col, value in enumerate(values, start=1):
            fmt = DATETIME_FORMAT if (col - 1) in dates and isinstance(value, datetime) else None
            centred = bool(fmt) or col == 1
            style = kinds.get((fmt, centred))
            if style is None:
                _cell(ws, i, col, value, box=True, fmt=fmt, align=_CENTRE if centred else _WRAP)
                first = ws.cell(row=i, column=col)
                # A cell's style ids (openpyxl's own, the stubs do not name it).
                kinds[(fmt, centred)] = StyleArray(first._style)  # type: ignore[union-attr]
            else:
                cell = ws.cell(row=i, column=col, value=cell_value(value))
                cell._style = StyleArray(style)  # the same style ids (openpyxl's copy of a style)
            if not centred:
                wrapping.append(col - 1)
        _row_height(ws, i, values, widths, wrapping)
    return head + len(rows) + 1


def _row_height(
    ws: Worksheet,
    row: int,
    values: Sequence[Any],
    widths: Sequence[float],
    wrapping: Sequence[int],
) -> None:
    """Tall enough for the row's wrapped text (LibreOffice does not grow a row by itself)."""
    height = wrapped_height(values, widths, wrapping)
    if height is not None:
        ws.row_dimensions[row].height = height


def _sheet(
    wb: Workbook, name: str, title: str, lines: Sequence[str], widths: Sequence[float]
) -> tuple[Worksheet, int]:
    """A sheet with its title and lines; returns it and the first free row."""
    ws = wb.create_sheet(name)
    column_widths(ws, widths)
    _cell(ws, 1, 1, title, bold=True, align=_CENTRE)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    _merge(ws, 1, 1, 1, len(widths))
    for k, line in enumerate(lines, start=2):
        _cell(ws, k, 1, line)
        _merge(ws, k, 1, k, len(widths))
    return ws, len(lines) + 3


def _list_sheet(
    wb: Workbook,
    name: str,
    title: str,
    lines: Sequence[str],
    columns: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[Any]],
    dates: Sequence[int] = (),
) -> int:
    ws, head = _sheet(wb, name, title, lines, widths)
    _table(ws, head, columns, rows, dates)
    ws.freeze_panes = f"A{head + 1}"
    _print_setup(ws, f"{head}:{head}")
    if rows:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{head + len(rows)}"
    return len(rows)


def _detail(wb: Workbook, report: Report, t: dict[str, Any]) -> int:
    rows = [
        [
            i,
            d.code,
            d.field,
            d.procedure_code,
            d.procedure_name,
            presentation.label(d.channel),
            moment(d.intake_at),
            moment(d.due_at),
            moment(d.settled_at),
            label(t, "detail.carried" if d.carried_over else "detail.received_in"),
            presentation.label(d.outcome),
            presentation.label(d.status),
        ]
        for i, d in enumerate(report.dossiers, start=1)
    ]
    return _list_sheet(
        wb,
        DETAIL,
        label(t, "detail.title"),
        [presentation.period_range_text(report.period)],
        t["detail"]["columns"],
        (6, 27, 16, 11, 44, 14, 16, 16, 16, 14, 22, 18),
        rows,
        dates=(6, 7, 8),
    )


def _late(wb: Workbook, report: Report, t: dict[str, Any]) -> int:
    rows = [
        [
            i,
            d.code,
            d.field,
            d.procedure_name,
            moment(d.due_at),
            moment(d.settled_at) or label(t, "late.open"),
            scrub_free_text(d.late_reason) or label(t, "late.no_reason"),
            d.responsible_unit,
            d.letter_number or label(t, "late.no_letter"),
            moment(d.letter_date),
        ]
        for i, d in enumerate(report.late, start=1)
    ]
    return _list_sheet(
        wb,
        LATE,
        label(t, "late.title"),
        [presentation.period_range_text(report.period)],
        t["late"]["columns"],
        (6, 27, 16, 40, 16, 16, 34, 24, 14, 16),
        rows,
        dates=(4, 5, 9),
    )


def _postal(wb: Workbook, report: Report, t: dict[str, Any]) -> int:
    x = report.extra
    lines = [
        presentation.period_range_text(report.period),
        label(
            t,
            "postal.received",
            count=x.received_postal,
            total=x.received_total,
            share=_percent(share(x.received_postal, x.received_total)),
        ),
        label(
            t,
            "postal.returned",
            count=x.returned_postal,
            total=x.returned_total,
            share=_percent(share(x.returned_postal, x.returned_total)),
        ),
        label(
            t,
            "postal.procedures",
            count=x.procedures_postal,
            total=x.procedures_total,
            share=_percent(share(x.procedures_postal, x.procedures_total)),
        ),
    ]
    ws, row = _sheet(wb, POSTAL, label(t, "postal.title"), lines, (6, 27, 40, 18, 18, 22, 16))
    _print_setup(ws)
    _cell(ws, row, 1, label(t, "postal.received_title"), bold=True)
    received = [
        [
            i,
            d.code,
            d.procedure_name,
            moment(d.intake_at),
            presentation.label(d.status),
        ]
        for i, d in enumerate(report.received_by_post, start=1)
    ]
    row = _table(ws, row + 1, t["postal"]["received_columns"], received, dates=(3,)) + 1
    _cell(ws, row, 1, label(t, "postal.returned_title"), bold=True)
    items = [
        [
            i,
            p.dossier_code,
            p.waybill,
            p.batch_number,
            moment(p.handed_over_at),
            presentation.label(p.state),
            moment(p.delivered_at or p.failed_at or p.returned_at),
        ]
        for i, p in enumerate(report.postal_items, start=1)
    ]
    _table(ws, row + 1, t["postal"]["returned_columns"], items, dates=(4, 6))
    return len(received) + len(items)


def _targets(wb: Workbook, report: Report, t: dict[str, Any]) -> int:
    rows = []
    for i, r in enumerate(report.targets, start=1):
        target = label(
            t, "targets.more_than" if r.strict else "targets.at_least", value=_percent(r.target)
        )
        verdict = {True: "targets.met", False: "targets.not_met", None: "targets.no_data"}[r.met]
        rows.append(
            [
                i,
                presentation.label(r.kind),
                target,
                _percent(r.value),
                r.numerator,
                r.denominator,
                label(t, verdict),
            ]
        )
    return _list_sheet(
        wb,
        TARGETS,
        label(t, "targets.title"),
        [presentation.period_range_text(report.period)],
        t["targets"]["columns"],
        (6, 44, 18, 12, 14, 14, 16),
        rows,
    )


def _digitised(wb: Workbook, report: Report, template: dict[str, Any]) -> int:
    """``Số hóa``: the digitisation of the dossiers received in the week (counts and shares),
    then those received with no scan; returns how many the list holds. An administrator's
    template from before the sheet words it with the built-in texts."""
    t = template if "digitised" in template else read_labels(TEMPLATE)
    lines = [presentation.period_range_text(report.period), label(t, "digitised.scope")]
    widths = (6, 40, 16, 40, 16, 14)
    ws, row = _sheet(wb, DIGITISED, label(t, "digitised.title"), lines, widths)
    _print_setup(ws)
    figures = report.digitisation
    if figures is None:
        _cell(ws, row, 1, label(t, "digitised.missing"))
        return 0
    rows = [
        [
            i,
            label(t, f"digitised.{line.value}"),
            n,
            whole,
            "" if whole is None else _percent(share(n, whole)),
        ]
        for i, (line, n, whole) in enumerate(figures.counts.lines(), start=1)
    ]
    row = _table(ws, row, t["digitised"]["columns"], rows) + 1
    _cell(ws, row, 1, label(t, "digitised.list_title"), bold=True)
    unscanned = [
        [i, u.code, u.field, u.procedure_name, moment(u.received_at), u.papers]
        for i, u in enumerate(figures.unscanned, start=1)
    ]
    _table(ws, row + 1, t["digitised"]["list_columns"], unscanned, dates=(4,))
    return len(unscanned)


#: What people read in ``Thông tin`` (column A) for each machine-readable key (hidden column C).
INFO_LABELS = {
    "format_version": "Phiên bản định dạng tệp",
    "report_kind": "Loại báo cáo",
    "office_id": "Mã định danh cơ quan",
    "office_name": "Tên cơ quan",
    "parent_authority": "Cơ quan chủ quản",
    "period_kind": "Loại kỳ báo cáo",
    "period_key": "Mã kỳ báo cáo",
    "period_label": "Kỳ báo cáo",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "as_of": "Số liệu tính đến",
    "generated_at": "Thời điểm lập",
    "app_version": "Phiên bản phần mềm",
    "rows_tong_hop": f"Số dòng sheet “{SUMMARY}”",
    "rows_chi_tiet": f"Số dòng sheet “{DETAIL}”",
    "rows_qua_han": f"Số dòng sheet “{LATE}”",
    "rows_buu_chinh": f"Số dòng sheet “{POSTAL}”",
    "rows_chi_tieu": f"Số dòng sheet “{TARGETS}”",
    "rows_so_hoa": f"Số hồ sơ chưa số hóa trong sheet “{DIGITISED}”",
    "fields": "Số lĩnh vực",
    "checksum": "Mã kiểm tra số liệu",
    "content_checksum": "Mã kiểm tra nội dung",
    SIGNER_OFFICE_KEY: "Cơ quan ký",
    SIGNER_KEY_KEY: "Khóa ký (dấu vân tay)",
    SIGNATURE_KEY: "Chữ ký số",
}
REPORT_KINDS = {"weekly": "Báo cáo tuần", "period": "Biểu 06a định kỳ"}


def _shown(key: str, value: Any, report: Report) -> Any:
    """How column B words a value for people (the machine's value stays in hidden column D)."""
    if key == "report_kind":
        return REPORT_KINDS.get(str(value), value)
    if key == "period_kind":
        return presentation.label(report.period.kind)
    if key in ("period_start", "period_end"):
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
    if key in ("as_of", "generated_at"):
        return f"{datetime.fromisoformat(str(value)):%d/%m/%Y %H:%M}"
    return value


def _info(
    wb: Workbook,
    report: Report,
    counts: dict[str, int],
    full: bool,
    signer: ReportSigner | None,
) -> Worksheet:
    """``Thông tin``: Vietnamese label and value in A and B; the machine-readable key and value
    (read back by the province's roll-up, the outbox and the signature check) in hidden C, D."""
    ws: Worksheet = wb.create_sheet(INFO)
    column_widths(ws, (30, 72, 20, 60))  # B: a 64-digit checksum on one line
    office, p = report.office, report.period
    values: list[tuple[str, Any]] = [
        ("format_version", FORMAT_VERSION),
        ("report_kind", "weekly" if full else "period"),
        ("office_id", office.agency_id),
        ("office_name", office.office_name),
        ("parent_authority", office.parent_authority),
        ("period_kind", p.kind.value),
        ("period_key", p.key),
        ("period_label", presentation.period_label(p)),
        ("period_start", p.start.isoformat()),
        ("period_end", p.end.isoformat()),
        ("as_of", report.as_of.isoformat(sep=" ", timespec="minutes")),
        ("generated_at", report.generated_at.isoformat(sep=" ", timespec="minutes")),
        ("app_version", report.app_version),
        *((f"rows_{name}", n) for name, n in counts.items()),
        ("fields", len(report.rows)),
        ("checksum", report.checksum),
        ("content_checksum", content_checksum(report)),
    ]
    for col, text in enumerate(("Mục", "Giá trị", INFO_KEY_HEADER, "value"), start=1):
        _cell(ws, 1, col, text, bold=True, box=True)
    for i, (k, v) in enumerate(values, start=2):
        _cell(ws, i, 1, INFO_LABELS.get(k, k), box=True)
        _cell(ws, i, 2, _shown(k, v, report), box=True)
        _cell(ws, i, 3, k, box=True)
        _cell(ws, i, 4, v, box=True)
    if signer is not None:
        # Written as they are (never through a cell sanitiser): the check reads them back exactly.
        row = len(values) + 2
        for k, v in (
            (SIGNER_OFFICE_KEY, signer.office_id),
            (SIGNER_KEY_KEY, signer.fingerprint),
            (SIGNATURE_KEY, ""),  # filled in once the rest is written (see _sign)
        ):
            for col, text in enumerate((INFO_LABELS[k], v, k, v), start=1):
                ws.cell(row=row, column=col, value=text).border = _BOX
            row += 1
    for letter in ("C", "D"):
        ws.column_dimensions[letter].hidden = True
    _print_setup(ws)
    ws.print_area = f"A1:B{ws.max_row}"
    return ws


def _sign(wb: Workbook, info: Worksheet, signer: ReportSigner) -> None:
    """Sign what the workbook says as it reads back once written (``canonical_payload``: from the
    workbook in memory when every cell's read-back value is known, else saved and read back),
    and put the signature in its row of ``Thông tin`` (the one row the signature does not
    cover)."""
    payload = written_payload(wb)
    if payload is None:
        buffer = io.BytesIO()
        wb.save(buffer)
        payload = canonical_payload(buffer.getvalue())
    signature = signer.sign(payload)
    for column in (2, 4):  # shown, and machine-read
        info.cell(row=info.max_row, column=column, value=signature)
    info.cell(row=info.max_row, column=2).alignment = _WRAP  # longer than the column
    info.row_dimensions[info.max_row].height = 2 * LINE_HEIGHT + 1


def content_checksum(report: Report, dossiers: Iterable[ReportDossier] | None = None) -> str:
    """SHA-256 of everything the workbook says except when it was built: two builds of the same
    period from the same history have the same content checksum; any correction of what it says
    changes it. Names and addresses are left out, as the workbook leaves them out (a corrected
    name is no new version to send).

    The hashed text is the JSON of {"dossiers", "extra", "period", "postal", "rows"} (keys
    sorted), and "scans" after them for a report with its digitisation (the weekly workbook's
    ``Số hóa``: a report without it hashes as before), written piece by piece so that
    ``dossiers`` (default: the report's own) may stream past without being held: a year's report
    keeps only its figures (``Report.content_sum``).
    """
    if dossiers is None:
        if report.content_sum and not report.dossiers:
            return report.content_sum
        dossiers = report.dossiers
    digest = hashlib.sha256()
    digest.update(b'{"dossiers": [')
    # A list's JSON is its items' JSON joined by ", ": a thousand at a time, one call each.
    chunk: list[tuple[Any, ...]] = []
    first = True
    for d in itertools.chain(dossiers, [None]):
        if d is not None:
            chunk.append(_said(d))
        if chunk and (d is None or len(chunk) == 1000):
            digest.update(((", " if not first else "") + _dumps(chunk)[1:-1]).encode("utf-8"))
            chunk, first = [], False
    rest = {
        "extra": dataclasses.astuple(report.extra),
        "period": [report.period.key, report.as_of.isoformat()],
        "postal": [_nameless(x) for x in report.postal_items],
        "rows": [[r.field, *r.values()] for r in [*report.rows, report.total]],
    }
    if report.digitisation is not None:
        said = report.digitisation
        rest["scans"] = [
            dataclasses.astuple(said.counts),
            [dataclasses.astuple(u) for u in said.unscanned],
        ]
    digest.update(
        ("]" + "".join(f", {_dumps(k)}: {_dumps(v)}" for k, v in rest.items()) + "}").encode(
            "utf-8"
        )
    )
    return digest.hexdigest()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _nameless(x: PostalItem) -> tuple[Any, ...]:
    return dataclasses.astuple(
        dataclasses.replace(
            x, applicant_name="", recipient_name="", recipient_address="", recipient_phone=""
        )
    )


def _said(d: ReportDossier) -> tuple[Any, ...]:
    """A dossier's fields without the applicant's name, its status as the Chi tiết sheet words
    it (as before the status was a code, so a workbook queued by an earlier version still
    matches): what ``dataclasses.astuple`` of the nameless dossier gives (its fields are all
    plain values; ``status`` is the one Status), without copying a year of them deeply."""
    values = list(_FIELDS_OF(d))
    values[_NAME_AT] = ""
    values[_STATUS_AT] = presentation.label(values[_STATUS_AT])
    return tuple(values)


_DOSSIER_FIELDS = tuple(f.name for f in dataclasses.fields(ReportDossier))
_FIELDS_OF = operator.attrgetter(*_DOSSIER_FIELDS)
_NAME_AT = _DOSSIER_FIELDS.index("applicant_name")
_STATUS_AT = _DOSSIER_FIELDS.index("status")


def write_report_workbook(
    report: Report,
    path: str | os.PathLike[str],
    *,
    full: bool = True,
    template_dir: Path | None = None,
    signer: ReportSigner | None = None,
    maker_name: str = "",
) -> Path:
    """Write the weekly workbook (``full``) or the 06a report alone to ``path``, signed by
    ``signer`` when given; ``maker_name`` under NGƯỜI LẬP BIỂU (empty: written by hand)."""
    t = read_labels(TEMPLATE, template_dir)
    wb = Workbook()
    counts = {"tong_hop": len(report.rows)}
    ws = first_sheet(wb, SUMMARY)
    summary_sheet(ws, t, SummaryHead.of(report, maker_name), report.rows, report.total)
    if full:
        counts["chi_tiet"] = _detail(wb, report, t)
        counts["qua_han"] = _late(wb, report, t)
        counts["buu_chinh"] = _postal(wb, report, t)
        counts["chi_tieu"] = _targets(wb, report, t)
        counts["so_hoa"] = _digitised(wb, report, t)
    info = _info(wb, report, counts, full, signer)
    wb.properties.creator = "TTHC Desk"
    wb.properties.title = f"{label(t, 'form.number')} – {presentation.period_label(report.period)}"
    if signer is not None:
        _sign(wb, info, signer)
    target = Path(path)
    wb.save(target)
    return target
