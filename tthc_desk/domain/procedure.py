"""Procedures (thủ tục hành chính) of the catalog and their legal durations."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from tthc_desk.domain.errors import Problem, ValidationError
from tthc_desk.domain.text import (
    ID_TEXT_MAX,
    PROCEDURE_NAME_MAX,
    SHORT_TEXT_MAX,
    collapse_spaces,
    fold,
    nfc,
    search_tokens,
    text_problem,
)


class DurationUnit(StrEnum):
    """Unit of a procedure's legal processing time.

    The value is the code stored in the database; catalog workbooks write the label
    (:mod:`tthc_desk.presentation`) and read either.
    """

    WORKING_DAYS = "working_days"  # ngày làm việc
    WORKING_HOURS = "working_hours"  # giờ làm việc
    CALENDAR_DAYS = "calendar_days"  # ngày (lịch)
    MONTHS = "months"  # tháng
    SAME_DAY = "same_day"  # trong ngày, với giờ chốt (mặc định 15:00)


@dataclass(frozen=True)
class Duration:
    """A legal duration: ``value`` units. For SAME_DAY the value is 0 (unused)."""

    value: int
    unit: DurationUnit


class PaperKind(StrEnum):
    ORIGINAL = "original"  # Bản chính
    CERTIFIED = "certified"  # Bản sao có chứng thực
    PHOTOCOPY = "photocopy"  # Bản photo / bản sao


@dataclass(frozen=True)
class RequiredPaper:
    name: str
    kind: PaperKind = PaperKind.ORIGINAL
    count: int = 1


@dataclass(frozen=True)
class Procedure:
    """One entry of the procedure catalog."""

    code: str  # national code, e.g. "1.001193"
    name: str
    field: str  # lĩnh vực
    deciding_agency: str  # cơ quan giải quyết
    handling_unit: str  # đơn vị / phòng chuyên môn xử lý
    duration: Duration
    fee: int = 0  # phí, in đồng
    charge: int = 0  # lệ phí, in đồng
    postal_return: bool = True
    online: bool = False
    # ``dataclasses.field``: the name ``field`` is the lĩnh vực above inside this class body.
    papers: tuple[RequiredPaper, ...] = dataclasses.field(default_factory=tuple)
    active: bool = True
    id: int | None = None

    @property
    def total_fee(self) -> int:
        return self.fee + self.charge


PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$", re.ASCII)

#: The longest legal duration a catalog entry may give, per unit. No commune procedure runs longer
#: than a year; a bigger number is a typing mistake (and 10^12 working days would make every due
#: date computation walk the calendar for ever).
DURATION_MAX: dict[DurationUnit, int] = {
    DurationUnit.WORKING_DAYS: 365,
    DurationUnit.WORKING_HOURS: 2000,
    DurationUnit.CALENDAR_DAYS: 730,
    DurationUnit.MONTHS: 24,
    DurationUnit.SAME_DAY: 0,
}
_UNIT_WORDS: dict[DurationUnit, str] = {
    DurationUnit.WORKING_DAYS: "ngày làm việc",
    DurationUnit.WORKING_HOURS: "giờ làm việc",
    DurationUnit.CALENDAR_DAYS: "ngày",
    DurationUnit.MONTHS: "tháng",
    DurationUnit.SAME_DAY: "trong ngày",
}


def duration_problem(d: Duration) -> str | None:
    """A Vietnamese message when a duration is beyond :data:`DURATION_MAX` for its unit."""
    limit = DURATION_MAX[d.unit]
    if d.unit is not DurationUnit.SAME_DAY and d.value > limit:
        return (
            f"Thời hạn giải quyết {d.value} {_UNIT_WORDS[d.unit]} quá dài: "
            f"tối đa {limit} {_UNIT_WORDS[d.unit]}."
        )
    return None


#: (field, Vietnamese label, length limit) of a procedure's texts for the text gate.
TEXT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("name", "Tên thủ tục", PROCEDURE_NAME_MAX),
    ("field", "Lĩnh vực", SHORT_TEXT_MAX),
    ("deciding_agency", "Cơ quan giải quyết", SHORT_TEXT_MAX),
    ("handling_unit", "Đơn vị xử lý", SHORT_TEXT_MAX),
)


def is_valid_procedure_code(code: str) -> bool:
    """National codes look like ``1.001193`` or ``2.000815``."""
    return bool(PROCEDURE_CODE_RE.match(code))


def procedure_problems(p: Procedure) -> list[tuple[str, str]]:
    """(field, Vietnamese message) for every problem of a procedure edited one at a time."""
    out: list[tuple[str, str]] = []
    if msg := text_problem(p.code, "Mã thủ tục", ID_TEXT_MAX):
        out.append(("code", msg))
    for key, label, limit in TEXT_FIELDS:
        if msg := text_problem(getattr(p, key), label, limit):
            out.append((key, msg))
    if not is_valid_procedure_code(p.code):
        out.append(("code", f"Mã thủ tục “{p.code}” không đúng dạng (ví dụ 1.001193)."))
    if not p.name.strip():
        out.append(("name", "Chưa nhập tên thủ tục."))
    if not p.field.strip():
        out.append(("field", "Chưa nhập lĩnh vực."))
    if msg := _duration_text(p.duration):
        out.append(("duration", msg))
    if p.fee < 0 or p.charge < 0:
        out.append(("fee", "Phí, lệ phí không được âm."))
    out += [("papers", msg) for msg in _paper_problems(p.papers)]
    return out


def _duration_text(d: Duration) -> str | None:
    if d.value < 0:
        return "Thời hạn giải quyết không được âm."
    if d.value == 0 and d.unit is not DurationUnit.SAME_DAY:
        return "Thời hạn giải quyết phải lớn hơn 0 (hoặc chọn “trong ngày”)."
    return duration_problem(d)


def _paper_problems(papers: Sequence[RequiredPaper]) -> list[str]:
    out: list[str] = []
    for i, paper in enumerate(papers, start=1):
        if msg := text_problem(paper.name, f"Tên giấy tờ thứ {i}", SHORT_TEXT_MAX):
            out.append(msg)
        if not paper.name.strip():
            out.append(f"Giấy tờ thứ {i} chưa có tên.")
        if paper.count < 1:
            out.append(f"Số lượng của giấy tờ thứ {i} phải từ 1 trở lên.")
    return out


def validate_procedure(p: Procedure) -> None:
    """Refuse a procedure edited by hand with every problem of :func:`procedure_problems`."""
    problems = [Problem(msg, field=f) for f, msg in procedure_problems(p)]
    if problems:
        raise ValidationError("Chưa lưu được thủ tục: cần sửa các mục được đánh dấu.", problems)


def normalise_procedure(p: Procedure) -> Procedure:
    """Texts as typed, with spaces collapsed (the code only NFC-normalised and trimmed)."""
    return replace(
        p,
        code=nfc(p.code),
        name=collapse_spaces(p.name),
        field=collapse_spaces(p.field),
        deciding_agency=collapse_spaces(p.deciding_agency),
        handling_unit=collapse_spaces(p.handling_unit),
        papers=tuple(replace(x, name=collapse_spaces(x.name)) for x in p.papers),
    )


def procedure_search_text(p: Procedure) -> str:
    """What the catalog search column holds: the code and the folded name and field."""
    return " ".join([p.code, fold(p.name), fold(p.field)])


def procedure_matches(p: Procedure, tokens: Sequence[str]) -> bool:
    """Every typed token starts a word of the code (with or without dots), name or field."""
    hay = search_tokens(" ".join([p.code.replace(".", ""), p.code, p.name, p.field]))
    return all(any(h.startswith(t) for h in hay) for t in tokens)
