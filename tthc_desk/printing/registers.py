"""What the landscape registers share (Sổ theo dõi hồ sơ, danh sách hồ sơ quá hạn): A4
landscape, the agency header (dated only on a list that is signed), the title and period, a
small-type table whose header rows repeat on every page, page numbers from page 2, a running
head naming the register and its period on continuation pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from tthc_desk.domain.text import nfc
from tthc_desk.printing import heading
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.heading import Header
from tthc_desk.printing.layout import LANDSCAPE, Styles

GEOMETRY = LANDSCAPE


def cell_moment(value: datetime | None) -> str:
    """ "05/02/2026 08:15" in a register cell; empty for None."""
    return value.strftime("%d/%m/%Y\n%H:%M") if value is not None else ""


#: A procedure name in a register cell is cut past this many characters: some official names
#: (chứng thực) run to 300, which would make one row a third of a page; the code identifies it.
PROCEDURE_CELL_LIMIT = 120


def procedure_cell(name: str, limit: int = PROCEDURE_CELL_LIMIT) -> str:
    """The procedure name for a register cell: whole when short, else cut at a word with "…"."""
    name = nfc(name)
    if len(name) <= limit:
        return name
    cut = name[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut}…"


def scaled_widths(weights: Sequence[float], width: float = GEOMETRY.frame_width) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def register_pdf(
    *,
    header: Header,
    title: str,
    title_lines: Sequence[str],
    before: Sequence[Flowable],
    table: Flowable | None,
    after: Sequence[Flowable],
    form_number: str,
    running_head: str,
    author: str,
    styles: Styles,
) -> bytes:
    """One landscape register as PDF bytes."""
    story: list[Flowable] = [
        *heading.document_heading(
            header, title, title_lines, styles, GEOMETRY.frame_width, space_before=4 * mm
        ),
        Spacer(1, 3 * mm),
        *before,
    ]
    if table is not None:
        story.append(table)
    story.extend(after)
    part = Part(story, form_number=form_number, running_head=running_head)
    return build_pdf([part], title=f"{title} – {running_head}", author=author, geometry=GEOMETRY)


def period_values(date_from: date, date_to: date) -> dict[str, str]:
    return {"date_from": f"{date_from:%d/%m/%Y}", "date_to": f"{date_to:%d/%m/%Y}"}
