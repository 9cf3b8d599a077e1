"""Office profile, staff and working-hour settings (rules.md "Office and agencies").

With the rules they must keep (checked before saving, by the settings service and the settings
dialog alike) and their JSON form in the settings table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import time
from typing import Any

from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.text import (
    ADDRESS_MAX,
    ID_TEXT_MAX,
    NAME_MAX,
    SHORT_TEXT_MAX,
    collapse_spaces,
    nfc,
    text_problem,
)


@dataclass(frozen=True)
class Session:
    """One office session of a day, e.g. 07:30–11:30."""

    start: time
    end: time


DEFAULT_SESSIONS: tuple[Session, ...] = (
    Session(time(7, 30), time(11, 30)),
    Session(time(13, 30), time(17, 0)),
)


@dataclass(frozen=True)
class OfficeHours:
    """Sessions per ISO weekday (1 = Monday … 7 = Sunday); a missing weekday is closed."""

    by_weekday: dict[int, tuple[Session, ...]] = field(
        default_factory=lambda: {d: DEFAULT_SESSIONS for d in range(1, 6)}
    )
    same_day_cutoff: time = time(15, 0)


@dataclass(frozen=True)
class OfficeProfile:
    """The office as printed on every form; empty until the first-run setup fills it."""

    parent_authority: str = ""
    office_name: str = ""
    province: str = ""
    place_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    agency_id: str = ""
    head_name: str = ""
    head_title: str = ""
    head_sign_prefix: str = ""
    units: tuple[str, ...] = ()
    receipt_copies: int = 2
    ledger_book_per_year: bool = True


#: The made-up office of the demo database (and of the tests).
DEMO_OFFICE = OfficeProfile(
    parent_authority="UBND PHƯỜNG ĐỒNG NGUYÊN",
    office_name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    province="Tỉnh Bắc Ninh",
    place_name="Đồng Nguyên",
    address="Số 1 đường Lý Thái Tổ, phường Đồng Nguyên, tỉnh Bắc Ninh",
    phone="0222 3840 000",
    email="mot-cua@dongnguyen.gov.vn",
    agency_id="000.17.22.H56",
    head_name="Nguyễn Văn An",
    head_title="PHÓ GIÁM ĐỐC",
    head_sign_prefix="KT. GIÁM ĐỐC",
    units=(
        "Công chức Tư pháp - Hộ tịch",
        "Phòng Kinh tế",
        "Phòng Văn hóa - Xã hội",
        "Công an phường",
    ),
)


# -- rules ---------------------------------------------------------------------------------------

WEEKDAY_NAMES: dict[int, str] = {
    1: "Thứ Hai",
    2: "Thứ Ba",
    3: "Thứ Tư",
    4: "Thứ Năm",
    5: "Thứ Sáu",
    6: "Thứ Bảy",
    7: "Chủ nhật",
}

# The profile fields an office cannot work without, with the label the message names.
REQUIRED_OFFICE_FIELDS: dict[str, str] = {
    "parent_authority": "Tên cơ quan chủ quản",
    "office_name": "Tên Bộ phận Một cửa",
    "place_name": "Địa danh ghi ngày tháng",
    "agency_id": "Mã định danh cơ quan",
    "head_name": "Họ tên người đứng đầu",
}


#: The agency identifier (mã định danh) is opaque: groups of Latin letters and digits joined by
#: single dots, as ``000.17.22.H56``. It starts every dossier code (``<id>-<yyMMdd>-<NNNN>``), so
#: it can hold neither a dash nor a space, and it fits the 40 characters the database keeps.
AGENCY_ID_MAX = 40
_AGENCY_ID = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+")


def agency_id_problem(agency_id: str) -> str | None:
    """Why ``agency_id`` is not an agency identifier, or None; an empty one is "not entered"."""
    if not agency_id:
        return "Chưa nhập mã định danh cơ quan."
    if " " in agency_id or "-" in agency_id:
        return "Mã định danh không được chứa dấu cách hoặc dấu gạch ngang (ví dụ 000.17.22.H56)."
    if len(agency_id) > AGENCY_ID_MAX:
        return f"Mã định danh dài quá {AGENCY_ID_MAX} ký tự."
    if not _AGENCY_ID.fullmatch(agency_id):
        return (
            "Mã định danh gồm các nhóm chữ cái không dấu và chữ số, cách nhau bởi một dấu chấm "
            "(ví dụ 000.17.22.H56)."
        )
    return None


def validate_hours(hours: OfficeHours) -> None:
    """Raise one ValidationError naming every weekday whose sessions are wrong.

    Problems are keyed ``hours.<weekday>`` (``hours`` when no weekday is open), as the hours form
    places them next to its inputs.
    """
    problems = ProblemCollector()
    for day, sessions in sorted(hours.by_weekday.items()):
        for message in _session_problems(WEEKDAY_NAMES[day], sessions):
            problems.add(message, field=f"hours.{day}")
    if not any(hours.by_weekday.get(d) for d in range(1, 6)):
        problems.add("Cần ít nhất một buổi làm việc từ Thứ Hai đến Thứ Sáu.", field="hours")
    problems.raise_if_any("Giờ làm việc chưa hợp lệ.")


def _session_problems(day_name: str, sessions: tuple[Session, ...]) -> list[str]:
    out: list[str] = []
    previous_end: time | None = None
    for s in sessions:
        if s.end <= s.start:
            out.append(
                f"{day_name}: giờ kết thúc {s.end:%H:%M} phải sau giờ bắt đầu {s.start:%H:%M}."
            )
        if previous_end and s.start < previous_end:
            out.append(f"{day_name}: các buổi làm việc chồng lên nhau.")
        previous_end = s.end
    return out


#: Every text of the profile with the label its message names and its length limit.
OFFICE_TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "parent_authority": ("Tên cơ quan chủ quản", SHORT_TEXT_MAX),
    "office_name": ("Tên Bộ phận Một cửa", SHORT_TEXT_MAX),
    "province": ("Tỉnh, thành phố", SHORT_TEXT_MAX),
    "place_name": ("Địa danh ghi ngày tháng", SHORT_TEXT_MAX),
    "address": ("Địa chỉ cơ quan", ADDRESS_MAX),
    "phone": ("Số điện thoại cơ quan", ID_TEXT_MAX),
    "email": ("Thư điện tử cơ quan", SHORT_TEXT_MAX),
    "agency_id": ("Mã định danh cơ quan", ID_TEXT_MAX),
    "head_name": ("Họ tên người đứng đầu", NAME_MAX),
    "head_title": ("Chức vụ người đứng đầu", SHORT_TEXT_MAX),
    "head_sign_prefix": ("Quyền hạn ký (KT., TL.…)", SHORT_TEXT_MAX),
}


def office_text_problems(profile: OfficeProfile, problems: ProblemCollector) -> None:
    """The text gate on every text of the profile, the names of the units included."""
    for key, (label, limit) in OFFICE_TEXT_FIELDS.items():
        if msg := text_problem(getattr(profile, key), label, limit):
            problems.add(msg, field=key)
    for i, unit in enumerate(profile.units, start=1):
        if msg := text_problem(unit, f"Tên đơn vị thứ {i}", SHORT_TEXT_MAX):
            problems.add(msg, field="units")


def validate_office(profile: OfficeProfile) -> None:
    """Raise one ValidationError with a problem per wrong field of the office profile."""
    problems = ProblemCollector()
    office_text_problems(profile, problems)
    refused = {p.field for p in problems.problems}
    for key, label in REQUIRED_OFFICE_FIELDS.items():
        if not getattr(profile, key):
            problems.add(f"Chưa nhập {label.lower()}.", field=key)
    if "agency_id" in refused:
        pass  # the text gate said why; the pattern would only repeat it
    elif profile.agency_id and (message := agency_id_problem(profile.agency_id)):
        problems.add(message, field="agency_id")
    if not 1 <= profile.receipt_copies <= 5:
        problems.add("Số liên giấy tiếp nhận phải từ 1 đến 5.", field="receipt_copies")
    problems.raise_if_any("Thông tin cơ quan chưa hợp lệ.")


def normalise_office(profile: OfficeProfile) -> OfficeProfile:
    """Spaces collapsed in every text field; empty units dropped."""
    changes: dict[str, Any] = {}
    for f in fields(profile):
        value = getattr(profile, f.name)
        if isinstance(value, str):
            changes[f.name] = collapse_spaces(value)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(collapse_spaces(v) for v in value if nfc(v))
    return replace(profile, **changes)


# -- as stored in the settings table (JSON) ------------------------------------------------------


def hours_to_data(hours: OfficeHours) -> dict[str, Any]:
    """The JSON form of office hours: ``{"same_day_cutoff": "15:00", "by_weekday": {...}}``."""
    return {
        "same_day_cutoff": hours.same_day_cutoff.strftime("%H:%M"),
        "by_weekday": {
            str(day): [[s.start.strftime("%H:%M"), s.end.strftime("%H:%M")] for s in sessions]
            for day, sessions in hours.by_weekday.items()
        },
    }


def hours_from_data(data: Mapping[str, Any]) -> OfficeHours:
    return OfficeHours(
        by_weekday={
            int(day): tuple(
                Session(time.fromisoformat(a), time.fromisoformat(b)) for a, b in sessions
            )
            for day, sessions in data["by_weekday"].items()
        },
        same_day_cutoff=time.fromisoformat(data["same_day_cutoff"]),
    )


def office_to_data(profile: OfficeProfile) -> dict[str, Any]:
    data = asdict(profile)
    data["units"] = list(profile.units)
    return data


def office_from_data(data: Mapping[str, Any]) -> OfficeProfile:
    """The saved profile; keys this version does not know (from a newer one) are left out."""
    known = {f.name for f in fields(OfficeProfile)}
    values = {k: v for k, v in data.items() if k in known}
    values["units"] = tuple(data.get("units", ()))
    return OfficeProfile(**values)
