"""Office profile, office hours, options, and whether the office is set up.

The rules (``validate_office``, ``validate_hours``, ``normalise_office``) live in
:mod:`tthc_desk.domain.office`; they are imported here too, where the settings dialog finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Account, NewAccount, Right, Role
from tthc_desk.domain.errors import ConflictError, SetupRequiredError, ValidationError
from tthc_desk.domain.office import (
    DEMO_OFFICE,
    OfficeHours,
    OfficeProfile,
    hours_from_data,
    hours_to_data,
    normalise_office,
    office_from_data,
    office_to_data,
    validate_hours,
    validate_office,
)
from tthc_desk.services.account_service import AccountService

# The rules are re-exported for the settings dialog, which checks a whole form before saving.
__all__ = ["SettingsService", "normalise_office", "validate_hours", "validate_office"]

OFFICE_KEY = "office_profile"
HOURS_KEY = "office_hours"
DEMO_KEY = "demo_database"  # set on the demo database only: its office is made up

SETUP_COMMAND = (
    'tthc-desk setup --agency-id MÃ_ĐỊNH_DANH --authority "UBND …" --office "…" '
    '--place "…" --head "…" --admin TÊN_ĐĂNG_NHẬP --admin-name "…" --password-stdin'
)


class SettingsService:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        on_set_up: Callable[[], None] | None = None,
    ) -> None:
        """``on_set_up``: told once the office is set up (the data folder remembers it)."""
        self._db = db
        self._accounts = accounts
        self._on_set_up = on_set_up
        self._set_up = False
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
        self._accounts.require(Right.OFFICE, "sửa thông tin cơ quan")
        return self._store_office(profile)

    def _store_office(self, profile: OfficeProfile) -> OfficeProfile:
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
        self._accounts.require(Right.OFFICE, "sửa giờ làm việc")
        return self._store_hours(hours)

    def _store_hours(self, hours: OfficeHours) -> OfficeHours:
        validate_hours(hours)
        self._put(HOURS_KEY, hours_to_data(hours))
        self._hours = hours
        return hours

    # -- set up or not -----------------------------------------------------------------------
    def is_demo(self) -> bool:
        """The demo database: its office and people are made up (and it says so)."""
        return bool(self.get_value(DEMO_KEY, False))

    def is_set_up(self) -> bool:
        """Whether the office profile is saved and an administrator can log in."""
        if not self._set_up:
            with self._db.read() as uow:
                self._set_up = uow.settings.get(OFFICE_KEY) is not None and (
                    uow.accounts.any_active_with(Role.ADMIN)
                )
        return self._set_up

    def require_setup(self) -> None:
        """Before a dossier code, a ledger or letter number or a receipt is issued."""
        if not self.is_set_up():
            raise SetupRequiredError(
                "Chưa khai báo thông tin cơ quan: chưa cấp được mã hồ sơ, số sổ hay giấy tiếp "
                "nhận. Hãy hoàn tất phần khai báo ban đầu khi mở phần mềm, hoặc chạy "
                f"{SETUP_COMMAND}"
            )

    def complete_setup(
        self,
        profile: OfficeProfile,
        hours: OfficeHours,
        admin: NewAccount,
        temporary_passwords: Mapping[str, str] | None = None,
    ) -> Account:
        """The first-run setup: the office, its hours, the first administrator and the
        temporary passwords of staff carried over from an older database (user name →
        password), all checked before anything is saved (one ValidationError naming every
        problem). Refused once the office is set up (the administrator edits the profile from
        then on)."""
        if self.is_set_up():
            raise ConflictError("Cơ quan đã được khai báo; sửa ở Hệ thống → Thông tin cơ quan.")
        self._accounts.doing("khai báo ban đầu")
        profile = normalise_office(profile)
        carried = dict(temporary_passwords or {})
        _raise_all(
            "Chưa hoàn tất được khai báo ban đầu: cần sửa các mục được đánh dấu.",
            lambda: validate_office(profile),
            lambda: validate_hours(hours),
            lambda: self._accounts.check_new(admin),
            lambda: _first_is_admin(admin),
            lambda: self._accounts.check_initial_passwords(carried),
        )
        # The staff first: once an administrator can log in, only one may set their passwords.
        self._accounts.set_initial_passwords(carried)
        account = self._accounts.create(
            admin.username, admin.full_name, admin.roles, admin.password, temporary=False
        )
        self._store_hours(hours)
        self._store_office(profile)
        self._set_up = False
        if self._on_set_up is not None:
            self._on_set_up()
        return account

    def seed_demo(self, accounts: tuple[NewAccount, ...]) -> None:
        """The demo database's made-up office and people, once; it says it is a demo."""
        if self.is_demo() or self.get_value(OFFICE_KEY) is not None:
            return
        self._accounts.doing("tạo cơ sở dữ liệu mẫu")
        self._store_office(DEMO_OFFICE)
        for a in accounts:
            if not any(x.username == a.username for x in self._accounts.list(True)):
                self._accounts.create(
                    a.username, a.full_name, a.roles, a.password, temporary=False, demo=True
                )
        self.set_value(DEMO_KEY, True)


def _first_is_admin(account: NewAccount) -> None:
    if Role.ADMIN not in account.roles:
        raise ValidationError.for_field(
            "roles", "Tài khoản đầu tiên phải có vai trò Quản trị (để quản lý các tài khoản khác)."
        )


def _raise_all(summary: str, *checks: Callable[[], None]) -> None:
    """Run every check; raise one ValidationError with the problems of all that failed."""
    problems = []
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(summary, problems)
