"""What the landscape registers share (Sổ theo dõi hồ sơ, danh sách hồ sơ quá hạn): A4
landscape, the agency header (dated only on a list that is signed), the title and period, a
small-type table whose header rows repeat on every page, page numbers from page 2, a running
head naming the register and its period on continuation pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from tthc_desk.domain.text import nfc
from tthc_desk.printing import heading
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.heading import Header
from tthc_desk.printing.layout import LANDSCAPE, PageGeometry, Styles, text_width

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


def fitted_widths(
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    weights: Sequence[float],
    head_style: ParagraphStyle,
    cell_style: ParagraphStyle,
    *,
    whole: Iterable[int] = (),
    padding: float = 1 * mm,
    width: float = GEOMETRY.frame_width,
) -> list[float]:
    """Column widths tuned to the content: a column in ``whole`` (codes, numbers, waybills) is
    as wide as its longest text, so it never wraps; every other column is at least as wide as
    its longest word (header words in bold) and shares the rest of the ``width`` by
    ``weights``. When even that cannot fit, the widths are simply the weights'."""
    kept = set(whole)
    least = [
        _least_width(i, header_rows, rows, (head_style, cell_style), i in kept) + 2 * padding + 1
        for i in range(len(weights))
    ]
    result = _share(least, weights, kept, width)
    if sum(result) > width + 0.5 or len(kept) == len(weights):
        return scaled_widths(weights, width)
    return result


def _share(
    least: Sequence[float], weights: Sequence[float], kept: set[int], width: float
) -> list[float]:
    """Kept columns at their least width; the others share the rest by weight, a column whose
    share is under its least width held at that width and the rest shared again."""
    widths = {i: least[i] for i in kept}
    free = [i for i in range(len(weights)) if i not in kept]
    while free:
        room = width - sum(widths.values())
        total = sum(weights[j] for j in free)
        narrow = [i for i in free if room * weights[i] / total < least[i]]
        if not narrow:
            widths.update({i: room * weights[i] / total for i in free})
            break
        widths.update({i: least[i] for i in narrow})
        free = [i for i in free if i not in narrow]
    return [widths[i] for i in range(len(weights))]


def _least_width(
    column: int,
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[str]],
    styles: tuple[ParagraphStyle, ParagraphStyle],
    whole: bool,
) -> float:
    """The longest header word (bold) and the longest body word, or whole line, of a column."""
    words = [w for r in header_rows for w in str(r[column]).split()]
    head = max((text_width(w, styles[0]) for w in words), default=0.0)
    pieces = [
        p for r in rows for p in (str(r[column]).splitlines() if whole else str(r[column]).split())
    ]
    cell = max((text_width(p, styles[1]) for p in pieces), default=0.0)
    return max(head, cell)


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
    geometry: PageGeometry = GEOMETRY,
) -> bytes:
    """One landscape register as PDF bytes."""
    story: list[Flowable] = [
        *heading.document_heading(
            header, title, title_lines, styles, geometry.frame_width, space_before=4 * mm
        ),
        Spacer(1, 3 * mm),
        *before,
    ]
    if table is not None:
        story.append(table)
    story.extend(after)
    part = Part(story, form_number=form_number, running_head=running_head)
    return build_pdf([part], title=f"{title} – {running_head}", author=author, geometry=geometry)


def period_values(date_from: date, date_to: date) -> dict[str, str]:
    return {"date_from": f"{date_from:%d/%m/%Y}", "date_to": f"{date_to:%d/%m/%Y}"}
