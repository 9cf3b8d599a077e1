"""Late dossiers for a period as Excel: the explanation list, or with ``public=True`` the monthly
public list. Titles, column titles and the columns of each variant come from the printed list's
template (``resources/templates/late_list.toml``); the sheet is written like the ledger's, the
rows read once (the intro, which counts them, is written last)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.privacy import scrub_free_text
from tthc_desk.domain.registers import LateRow
from tthc_desk.domain.text import nfc
from tthc_desk.exporting.ledger_xlsx import (
    CellValue,
    ExportTemplateError,
    Sheet,
    label,
    moment,
    read_labels,
    write_register,
)

LATE_TEMPLATE = "late_list"
WIDTHS: dict[str, float] = {
    "number": 6,
    "code": 28,
    "applicant": 24,
    "procedure": 32,
    "received": 16,
    "due": 16,
    "settled": 16,
    "late_days": 10,
    "reason": 40,
    "unit": 24,
    "letter": 24,
}
DATES = {"received", "due", "settled"}


def write_late_list_xlsx(
    rows: Iterable[LateRow],
    office: OfficeProfile,
    date_from: date,
    date_to: date,
    path: str | os.PathLike[str],
    public: bool = False,
    template_dir: Path | None = None,
) -> Path:
    data = read_labels(LATE_TEMPLATE, template_dir)
    section = "public" if public else "explain"
    keys = list(data.get(section, {}).get("columns", []))
    if not keys or any(k not in WIDTHS for k in keys):
        raise ExportTemplateError(f"Mẫu “{LATE_TEMPLATE}”: mục “{section}.columns” không hợp lệ.")
    period = {"date_from": f"{date_from:%d/%m/%Y}", "date_to": f"{date_to:%d/%m/%Y}"}
    counts = {"count": 0, "settled": 0, "open": 0}  # counted as the rows are written

    def lines() -> list[str]:
        """The addressee (explanation list) and the intro, which counts the rows."""
        said = []
        if not public:
            said.append(
                label(
                    data,
                    "explain.addressee",
                    head_title=nfc(office.head_title).capitalize(),
                    head_name=office.head_name,
                    office=office.office_name,
                )
            )
        intro = label(data, f"{section}.intro", **period, **counts, office=office.office_name)
        return [*said, intro]

    sheet = Sheet(
        title=label(data, f"{section}.title"),
        lines=lines(),  # as many, and styled alike; the counts come with final_lines
        final_lines=lines,
        header_rows=[[label(data, f"columns.{k}") for k in keys]],
        merges=[],
        widths=[WIDTHS[k] for k in keys],
        date_columns=[i for i, k in enumerate(keys) if k in DATES],
        centre_columns=[i for i, k in enumerate(keys) if k in ("number", "late_days")],
    )

    def values() -> Iterable[list[CellValue]]:
        for i, r in enumerate(rows, start=1):
            counts["count"] += 1
            counts["open" if r.settled_at is None else "settled"] += 1  # as late_counts
            letter = label(data, "cells.no_letter")
            if r.letter_number:
                day = f"{r.letter_date:%d/%m/%Y}" if r.letter_date else ""
                letter = label(data, "cells.letter", number=r.letter_number, date=day)
            cell: dict[str, CellValue] = {
                "number": i,
                "code": r.code,
                "applicant": nfc(r.applicant_name),
                "procedure": nfc(r.procedure_name),
                "received": moment(r.received_at),
                "due": moment(r.due_at),
                "settled": moment(r.settled_at) or label(data, "cells.open"),
                "late_days": r.late_working_days,
                "reason": scrub_free_text(nfc(r.reason)) or label(data, "cells.no_reason"),
                "unit": nfc(r.responsible_unit),
                "letter": letter,
            }
            yield [cell[k] for k in keys]

    return write_register(label(data, f"{section}.title"), office, sheet, values(), path)
