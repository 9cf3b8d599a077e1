"""Office profile, office hours, staff and the clerk at the counter.

The rules (``validate_office``, ``validate_hours``, ``normalise_office``) live in
:mod:`tthc_desk.domain.office`; they are imported here too, where the settings dialog finds them.
"""

from __future__ import annotations

from typing import Any

from tthc_desk.db.engine import Database
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import (
    OfficeHours,
    OfficeProfile,
    StaffMember,
    clean_staff,
    hours_from_data,
    hours_to_data,
    normalise_office,
    office_from_data,
    office_to_data,
    validate_hours,
    validate_office,
)
from tthc_desk.domain.text import collapse_spaces

# The rules are re-exported for the settings dialog, which checks a whole form before saving.
__all__ = ["SettingsService", "normalise_office", "validate_hours", "validate_office"]

OFFICE_KEY = "office_profile"
HOURS_KEY = "office_hours"
CURRENT_CLERK_KEY = "current_clerk"

DEFAULT_STAFF = (
    StaffMember("Trần Thị Bình", "clerk"),
    StaffMember("Lê Văn Cường", "clerk"),
    StaffMember("Nguyễn Văn An", "head"),
)


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
            self._office = OfficeProfile() if data is None else office_from_data(data)
        return self._office

    def save_office(self, profile: OfficeProfile) -> OfficeProfile:
        profile = normalise_office(profile)
        validate_office(profile)
        self._put(OFFICE_KEY, office_to_data(profile))
        self._office = profile
        return profile

    # -- hours --------------------------------------------------------------------------------
    def hours(self) -> OfficeHours:
        if self._hours is None:
            data = self._get(HOURS_KEY)
            self._hours = OfficeHours() if data is None else hours_from_data(data)
        return self._hours

    def save_hours(self, hours: OfficeHours) -> OfficeHours:
        validate_hours(hours)
        self._put(HOURS_KEY, hours_to_data(hours))
        self._hours = hours
        return hours

    # -- staff --------------------------------------------------------------------------------
    def staff(self, include_inactive: bool = False) -> list[StaffMember]:
        with self._db.read() as uow:
            return uow.staff.list(include_inactive)

    def save_staff(self, members: list[StaffMember]) -> None:
        """Replace the staff list; people who left are kept inactive (their names are on
        records)."""
        cleaned = clean_staff(members)
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
