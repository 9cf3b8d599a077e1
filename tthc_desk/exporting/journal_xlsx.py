"""The journal as Excel, for the head of office and the administrator (issue 9).

One row per entry, newest first, as the viewer shows them; the chain's MACs are included so the
copy can be compared with the database later. The key is not, and never could be.

The copy goes to an inspector: it names the staff and the dossier codes, never a citizen (the
entries hold no applicant data; an ID number typed where a word was expected is masked).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tthc_desk.domain.journal import JournalEntry
from tthc_desk.domain.privacy import scrub_free_text
from tthc_desk.domain.text import nfc
from tthc_desk.durable import atomic_path
from tthc_desk.presentation import journal_details, journal_kind_label

COLUMNS: tuple[tuple[str, float], ...] = (
    ("Số mục", 9),
    ("Thời điểm", 17),
    ("Tên đăng nhập", 14),
    ("Người thực hiện", 24),
    ("Loại", 16),
    ("Việc", 40),
    ("Hồ sơ / đối tượng", 30),
    ("Chi tiết", 50),
    ("Chữ ký của mục (HMAC)", 20),
)


def write_journal_xlsx(
    path: str | os.PathLike[str], entries: Sequence[JournalEntry], now: datetime
) -> Path:
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet("Nhật ký")
    for i, (_, width) in enumerate(COLUMNS):
        # Write-only sheets have column_dimensions at run time; the stubs leave it out.
        ws.column_dimensions[chr(ord("A") + i)].width = width  # type: ignore[attr-defined]
    ws.freeze_panes = "A3"
    title = WriteOnlyCell(ws, f"NHẬT KÝ THAO TÁC (xuất lúc {now:%H:%M} ngày {now:%d/%m/%Y})")
    title.font = Font(bold=True, size=12)
    ws.append([title])
    header = []
    for name, _ in COLUMNS:
        cell = WriteOnlyCell(ws, name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for e in entries:
        ws.append(
            [
                e.seq,
                f"{e.at:%d/%m/%Y %H:%M:%S}",
                e.actor,
                _clean(e.actor_name),
                journal_kind_label(e.kind),
                _clean(scrub_free_text(e.action)),
                _clean(scrub_free_text(e.subject)),
                _clean(scrub_free_text(journal_details(e))),
                e.mac,
            ]
        )
    target = Path(path)
    with atomic_path(target) as tmp:  # never half a workbook under the name asked for
        wb.save(tmp)
    return target


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", nfc(text))
