"""Office profile, office hours, staff and the clerk at the counter."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import time
from typing import Any

from tthc_desk.db.engine import Database
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.office import OfficeHours, OfficeProfile, Session, StaffMember
from tthc_desk.domain.text import collapse_spaces, nfc

OFFICE_KEY = "office_profile"
HOURS_KEY = "office_hours"
CURRENT_CLERK_KEY = "current_clerk"

DEFAULT_STAFF = (
    StaffMember("Trần Thị Bình", "clerk"),
    StaffMember("Lê Văn Cường", "clerk"),
    StaffMember("Nguyễn Văn An", "head"),
)


def _hours_to_json(hours: OfficeHours) -> dict[str, Any]:
    return {
        "same_day_cutoff": hours.same_day_cutoff.strftime("%H:%M"),
        "by_weekday": {
            str(day): [[s.start.strftime("%H:%M"), s.end.strftime("%H:%M")] for s in sessions]
            for day, sessions in hours.by_weekday.items()
        },
    }


def _hours_from_json(data: dict[str, Any]) -> OfficeHours:
    return OfficeHours(
        by_weekday={
            int(day): tuple(
                Session(time.fromisoformat(a), time.fromisoformat(b)) for a, b in sessions
            )
            for day, sessions in data["by_weekday"].items()
        },
        same_day_cutoff=time.fromisoformat(data["same_day_cutoff"]),
    )


def validate_hours(hours: OfficeHours) -> None:
    problems = ProblemCollector()
    names = {
        1: "Thứ Hai",
        2: "Thứ Ba",
        3: "Thứ Tư",
        4: "Thứ Năm",
        5: "Thứ Sáu",
        6: "Thứ Bảy",
        7: "Chủ nhật",
    }
    for day, sessions in sorted(hours.by_weekday.items()):
        previous_end: time | None = None
        for s in sessions:
            if s.end <= s.start:
                problems.add(
                    f"{names[day]}: giờ kết thúc {s.end:%H:%M} phải sau giờ bắt đầu {s.start:%H:%M}.",
                    field=f"hours.{day}",
                )
            if previous_end and s.start < previous_end:
                problems.add(
                    f"{names[day]}: các buổi làm việc chồng lên nhau.", field=f"hours.{day}"
                )
            previous_end = s.end
    if not any(hours.by_weekday.get(d) for d in range(1, 6)):
        problems.add("Cần ít nhất một buổi làm việc từ Thứ Hai đến Thứ Sáu.", field="hours")
    problems.raise_if_any("Giờ làm việc chưa hợp lệ.")


def validate_office(profile: OfficeProfile) -> None:
    problems = ProblemCollector()
    required = {
        "parent_authority": "Tên cơ quan chủ quản",
        "office_name": "Tên Bộ phận Một cửa",
        "place_name": "Địa danh ghi ngày tháng",
        "agency_id": "Mã định danh cơ quan",
        "head_name": "Họ tên người đứng đầu",
    }
    for key, label in required.items():
        if not getattr(profile, key):
            problems.add(f"Chưa nhập {label.lower()}.", field=key)
    if profile.agency_id and (" " in profile.agency_id or "-" in profile.agency_id):
        problems.add(
            "Mã định danh không được chứa dấu cách hoặc dấu gạch ngang (ví dụ 000.17.22.H56).",
            field="agency_id",
        )
    if not 1 <= profile.receipt_copies <= 5:
        problems.add("Số liên giấy tiếp nhận phải từ 1 đến 5.", field="receipt_copies")
    problems.raise_if_any("Thông tin cơ quan chưa hợp lệ.")


def normalise_office(profile: OfficeProfile) -> OfficeProfile:
    changes: dict[str, Any] = {}
    for f in fields(profile):
        value = getattr(profile, f.name)
        if isinstance(value, str):
            changes[f.name] = collapse_spaces(value)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(collapse_spaces(v) for v in value if nfc(v))
    return replace(profile, **changes)


class SettingsService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._office: OfficeProfile | None = None
        self._hours: OfficeHours | None = None

    # -- raw key/value ------------------------------------------------------------------------
    def _get(self, key: str) -> Any | None:
        with self._db.read() as uow:
            return uow.settings.get(key)

    def _put(self, key: str, value: Any) -> None:
        with self._db.write() as uow:
            uow.settings.put(key, value)

    def get_value(self, key: str, default: Any = None) -> Any:
        value = self._get(key)
        return default if value is None else value

    def set_value(self, key: str, value: Any) -> None:
        self._put(key, value)

    # -- office profile -----------------------------------------------------------------------
    def office(self) -> OfficeProfile:
        if self._office is None:
            data = self._get(OFFICE_KEY)
            if data is None:
                self._office = OfficeProfile()
            else:
                data["units"] = tuple(data.get("units", ()))
                known = {f.name for f in fields(OfficeProfile)}
                self._office = OfficeProfile(**{k: v for k, v in data.items() if k in known})
        return self._office

    def save_office(self, profile: OfficeProfile) -> OfficeProfile:
        profile = normalise_office(profile)
        validate_office(profile)
        data = asdict(profile)
        data["units"] = list(profile.units)
        self._put(OFFICE_KEY, data)
        self._office = profile
        return profile

    # -- hours --------------------------------------------------------------------------------
    def hours(self) -> OfficeHours:
        if self._hours is None:
            data = self._get(HOURS_KEY)
            self._hours = OfficeHours() if data is None else _hours_from_json(data)
        return self._hours

    def save_hours(self, hours: OfficeHours) -> OfficeHours:
        validate_hours(hours)
        self._put(HOURS_KEY, _hours_to_json(hours))
        self._hours = hours
        return hours

    # -- staff --------------------------------------------------------------------------------
    def staff(self, include_inactive: bool = False) -> list[StaffMember]:
        with self._db.read() as uow:
            return uow.staff.list(include_inactive)

    def save_staff(self, members: list[StaffMember]) -> None:
        """Replace the staff list; people who left are kept inactive (their names are on records)."""
        cleaned = [replace(m, name=collapse_spaces(m.name)) for m in members if nfc(m.name)]
        names = [m.name for m in cleaned]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValidationError.for_field(
                "staff", f"Tên cán bộ bị trùng: {', '.join(sorted(dup))}."
            )
        if not any(m.role == "clerk" and m.active for m in cleaned):
            raise ValidationError.for_field(
                "staff", "Cần ít nhất một cán bộ tiếp nhận đang làm việc."
            )
        with self._db.write() as uow:
            uow.staff.replace(cleaned)

    def ensure_default_staff(self) -> None:
        with self._db.write() as uow:
            if not uow.staff.any():
                uow.staff.add(DEFAULT_STAFF)

    def head_of_office(self) -> StaffMember | None:
        heads = [m for m in self.staff() if m.role == "head"]
        return heads[0] if heads else None

    def current_clerk(self) -> str:
        return self.get_value(CURRENT_CLERK_KEY, "") or ""

    def set_current_clerk(self, name: str) -> None:
        name = collapse_spaces(name)
        if name not in {m.name for m in self.staff()}:
            raise ValidationError.for_field("clerk", f"“{name}” không có trong danh sách cán bộ.")
        self.set_value(CURRENT_CLERK_KEY, name)
