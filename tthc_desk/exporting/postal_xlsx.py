"""The handover list to the post office (DANH SÁCH BÀN GIAO) as an Excel workbook.

Column titles and fixed lines come from the same template as the printed list
(``resources/templates/postal_handover.toml`` or the administrator's replacement), so paper and
Excel agree. The sheet is the register sheet of :mod:`ledger_xlsx`: agency lines, title, the
list's number, time and total, a frozen header row repeated on every printed page, A4
landscape fitted to the width, page numbers in the footer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.postal import HANDOVER_CENTRED_COLUMNS, HANDOVER_COLUMNS, PostalBatch
from tthc_desk.domain.text import format_clock_phrase, nfc
from tthc_desk.exporting.ledger_xlsx import Sheet, label, read_labels, write_register

TEMPLATE = "postal_handover"
COLUMNS = HANDOVER_COLUMNS
WIDTHS = (6, 28, 36, 20, 24, 12, 16, 20, 28, 44)


def header_row(data: dict[str, Any]) -> list[str]:
    return [label(data, f"columns.{key}") for key in COLUMNS]


def write_handover_xlsx(
    batch: PostalBatch,
    office: OfficeProfile,
    path: str | os.PathLike[str],
    template_dir: Path | None = None,
) -> Path:
    """The list as an .xlsx file, one row per item (an empty waybill cell when not known)."""
    data = read_labels(TEMPLATE, template_dir)
    lines = [
        label(data, "header.number", number=batch.number_text),
        label(data, "form.giver", office=nfc(office.office_name)),
        label(data, "form.receiver", employee=nfc(batch.postal_employee) or "……………"),
        label(data, "form.time", moment=format_clock_phrase(batch.created_at)),
        label(data, "form.total", count=len(batch.items)),
    ]
    sheet = Sheet(
        title=label(data, "form.title"),
        lines=lines,
        header_rows=[header_row(data)],
        merges=[],
        widths=WIDTHS,
        date_columns=[],
        centre_columns=[COLUMNS.index(k) for k in HANDOVER_CENTRED_COLUMNS],
    )
    yes = label(data, "values.yes")

    def values() -> Iterable[list[object]]:
        for i, item in enumerate(batch.items, start=1):
            result = (
                label(data, "values.result", date=f"{item.settled_at:%d/%m/%Y}")
                if item.settled_at
                else ""
            )
            yield [
                i,
                item.dossier_code,
                nfc(item.procedure_name),
                result,
                nfc(item.applicant_name),
                yes if item.fee_amount else "",
                yes,
                item.waybill or None,
                ", ".join(filter(None, [nfc(item.recipient_name), nfc(item.recipient_phone)])),
                nfc(item.recipient_address),
            ]

    return write_register(batch.number_text.replace("/", "-"), office, sheet, values(), path)
