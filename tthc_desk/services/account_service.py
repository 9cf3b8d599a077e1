"""Accounts and the person logged in to this process.

The account service is the session of the GUI or of one CLI command: :attr:`current` is the
person every action is recorded under, and :meth:`require` is the check every guarded use case
makes first (the one table of rights is :data:`tthc_desk.domain.access.RIGHTS`).
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import (
    SYSTEM,
    Account,
    Actor,
    LockOut,
    NewAccount,
    Right,
    Role,
    password_problem,
    require,
    username_problem,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import (
    ConflictError,
    ForbiddenError,
    LoginError,
    NotFoundError,
    Problem,
    ProblemCollector,
    ValidationError,
)
from tthc_desk.domain.journal import JournalContext, JournalKind, Note
from tthc_desk.domain.text import NAME_MAX, collapse_spaces, nfc, text_problem, visible
from tthc_desk.services.passwords import hash_password, verify_password

log = logging.getLogger(__name__)

MAX_FAILURES_KEY = "login_max_failures"
LOCK_MINUTES_KEY = "login_lock_minutes"
IDLE_LOCK_MINUTES_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10


# A job that runs as someone else than the person logged in (the scheduled weekly report, the
# upload, the start-up apology scan run as the system): set per thread of work, so the GUI's
# user is untouched while a background job runs beside it.
_acting: ContextVar[Actor | None] = ContextVar("tthc_desk_acting", default=None)
# What the person is doing, in words, and the right it needs: set by :meth:`AccountService.
# require` and written on the journal entries of the writes that follow (per thread of work).
_doing: ContextVar[tuple[str, str]] = ContextVar("tthc_desk_doing", default=("", ""))


class AccountService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._current: Actor | None = None
        self._must_change = False

    # -- the session ----------------------------------------------------------------------------
    @property
    def current(self) -> Actor | None:
        """The person (or the system) actions are recorded under; None before a login."""
        return _acting.get() or self._current

    @contextmanager
    def acting_as(self, actor: Actor) -> Iterator[Actor]:
        """Run the block as ``actor`` (usually :data:`SYSTEM`) in this thread only."""
        token = _acting.set(actor)
        try:
            yield actor
        finally:
            _acting.reset(token)

    @property
    def must_change_password(self) -> bool:
        """The person logged in with a temporary password and must choose their own first."""
        return self._must_change

    def require(self, right: Right, doing: str) -> Actor:
        """The person logged in, when they hold ``right``; else the error saying who may."""
        acting = _acting.get()
        actor = require(acting or self._current, right, doing)
        if self._must_change and acting is None and not actor.system:
            raise ForbiddenError("Cần đổi mật khẩu tạm thời trước khi làm việc.")
        _doing.set((doing, right.value))
        return actor

    def doing(self, action: str) -> None:
        """Name what the following writes do when no right is asked (the first-run setup, the
        demo's seeding): the journal writes it on their entries."""
        _doing.set((action, ""))

    def journal_context(self) -> JournalContext:
        """Who is acting and what they are doing, for the journal entries of a write."""
        actor = self.current
        doing, right = _doing.get()
        return JournalContext(
            self._clock.now(),
            actor.username if actor else "",
            actor.full_name if actor else "",
            doing,
            right,
        )

    def record_lock(self) -> None:
        """The screen was locked (idle or Ctrl+L) by or for the person logged in."""
        if self._current is not None:
            with self._db.write() as uow:
                uow.journal.note(Note(JournalKind.LOCK, "khóa màn hình"))

    def lockout(self) -> LockOut:
        """The lock-out rule (settings ``login_max_failures``, ``login_lock_minutes``)."""
        with self._db.read() as uow:
            failures = uow.settings.get(MAX_FAILURES_KEY)
            minutes = uow.settings.get(LOCK_MINUTES_KEY)
        default = LockOut()
        return LockOut(
            int(failures) if failures else default.max_failures,
            int(minutes) if minutes else default.minutes,
        )

    def idle_lock_minutes(self) -> int:
        """Minutes without input before the window locks itself (setting; 0: never)."""
        with self._db.read() as uow:
            value = uow.settings.get(IDLE_LOCK_MINUTES_KEY)
        return DEFAULT_IDLE_LOCK_MINUTES if value is None else int(value)

    def save_policy(self, lockout: LockOut, idle_minutes: int) -> None:
        """The lock-out rule and the idle lock's delay in minutes (0: never), for everyone."""
        self.require(Right.ACCOUNTS, "đổi quy định đăng nhập")
        problems = [
            ValidationError.for_field(key, message).problems[0]
            for key, value, low, high, message in (
                ("max_failures", lockout.max_failures, 3, 20, "Số lần sai cần từ 3 đến 20."),
                (
                    "lock_minutes",
                    lockout.minutes,
                    1,
                    1440,
                    "Thời gian khóa cần từ 1 đến 1440 phút.",
                ),
                ("idle_minutes", idle_minutes, 0, 240, "Thời gian chờ cần từ 0 đến 240 phút."),
            )
            if not low <= value <= high
        ]
        if problems:
            raise ValidationError("Chưa lưu được quy định đăng nhập.", problems)
        with self._db.write() as uow:
            uow.settings.put(MAX_FAILURES_KEY, lockout.max_failures)
            uow.settings.put(LOCK_MINUTES_KEY, lockout.minutes)
            uow.settings.put(IDLE_LOCK_MINUTES_KEY, idle_minutes)

    def login(self, username: str, password: str) -> Account:
        """Log ``username`` in; five wrong passwords in a row lock the account for a while."""
        username = nfc(username).strip().lower()
        now = self._clock.now()
        if self._db.writes_stopped is not None:
            return self._login_while_damaged(username, password, now)
        with self._db.write() as uow:
            account = uow.accounts.get(username)
            failed = _refused(account, username, now)
            if account is None or failed is not None:
                who = (
                    (visible(username, 40), "")
                    if account is None
                    else (username, account.full_name)
                )
                uow.journal.note(Note(JournalKind.LOGIN_FAILED, "đăng nhập bị từ chối", *who))
            elif not verify_password(uow.accounts.password_hash(username), password):
                failures, locked_until = self.lockout().after_failure(account, now)
                uow.accounts.record_failure(username, failures, locked_until)
                log.warning("Failed login for %s", username)
                failed = LoginError(_wrong_password(account, failures, locked_until))
                action = "đăng nhập sai mật khẩu" + (
                    f"; tài khoản bị khóa đến {locked_until:%H:%M}" if locked_until else ""
                )
                uow.journal.note(
                    Note(JournalKind.LOGIN_FAILED, action, username, account.full_name)
                )
            else:
                uow.accounts.record_login(username, now)
                uow.journal.note(Note(JournalKind.LOGIN, "đăng nhập", username, account.full_name))
        if failed is not None or account is None:
            raise failed or LoginError(_refusal(None))
        self._current = account.actor()
        self._must_change = account.must_change_password
        _doing.set(("", ""))
        log.info("%s logged in", username)
        return account

    def _login_while_damaged(self, username: str, password: str, now: datetime) -> Account:
        """A damaged database stops writes (``HealthService``): people still log in to look
        things up and print, checked the same way, with nothing recorded."""
        with self._db.read() as uow:
            account = uow.accounts.get(username)
            failed = _refused(account, username, now)
            wrong = (
                account is not None
                and failed is None
                and not verify_password(uow.accounts.password_hash(username), password)
            )
        if wrong and account is not None:
            failed = LoginError(_wrong_password(account, account.failed_attempts + 1, None))
        if failed is not None or account is None:
            raise failed or LoginError(_refusal(None))
        self._current = account.actor()
        self._must_change = False
        _doing.set(("", ""))
        log.info("%s logged in (database writes stopped)", username)
        return account

    def logout(self) -> None:
        if self._current is not None:
            log.info("%s logged out", self._current.username)
            if not self._current.system and self._db.writes_stopped is None:
                with self._db.write() as uow:
                    uow.journal.note(Note(JournalKind.LOGOUT, "đăng xuất"))
        self._current, self._must_change = None, False
        _doing.set(("", ""))

    def use_system(self) -> Actor:
        """Run as the headless system identity (scheduled report, upload, backup, checks)."""
        self._current, self._must_change = SYSTEM, False
        return SYSTEM

    def change_password(self, old: str, new: str) -> None:
        """The logged-in person replaces their password (the temporary one, or their own)."""
        actor = self._current
        if actor is None or actor.system:
            raise LoginError("Cần đăng nhập để đổi mật khẩu.")
        if msg := password_problem(new, actor.username):
            raise ValidationError.for_field("new_password", msg)
        if new == old:
            raise ValidationError.for_field("new_password", "Mật khẩu mới phải khác mật khẩu cũ.")
        with self._db.write() as uow:
            if not verify_password(uow.accounts.password_hash(actor.username), old):
                raise ValidationError.for_field("old_password", "Mật khẩu hiện tại không đúng.")
            uow.accounts.set_password(actor.username, hash_password(new), must_change=False)
            uow.journal.note(Note(JournalKind.PASSWORD, "đổi mật khẩu"))
        self._must_change = False

    # -- administration -------------------------------------------------------------------------
    def list(self, include_inactive: bool = False) -> list[Account]:
        with self._db.read() as uow:
            return uow.accounts.list(include_inactive)

    def get(self, username: str) -> Account:
        with self._db.read() as uow:
            account = uow.accounts.get(username)
        if account is None:
            raise NotFoundError(f"Không có tài khoản “{username}”.")
        return account

    def heads(self) -> builtins.list[Account]:
        """The active accounts that hold the head-of-office role (they sign letters)."""
        return [a for a in self.list() if Role.HEAD in a.roles]

    def add(
        self,
        username: str,
        full_name: str,
        roles: frozenset[Role],
        password: str,
        temporary: bool = True,
    ) -> Account:
        """A new account; a temporary password must be changed at the first login."""
        self.require(Right.ACCOUNTS, "tạo tài khoản")
        return self.create(username, full_name, roles, password, temporary)

    def create(
        self,
        username: str,
        full_name: str,
        roles: frozenset[Role],
        password: str,
        temporary: bool = True,
        *,
        demo: bool = False,
    ) -> Account:
        """:meth:`add` without the rights check: the first-run setup and the demo use it.

        ``demo`` lets the demo account keep its documented short password (``demo``)."""
        username, full_name = nfc(username).strip().lower(), collapse_spaces(full_name)
        _check_new_account(username, full_name, roles, "x" * 8 if demo else password)
        with self._db.write() as uow:
            if uow.accounts.get(username) is not None:
                raise ConflictError(_taken(username))
            new = Account(username, full_name, roles, must_change_password=temporary)
            return uow.accounts.add(new, hash_password(password), self._clock.now())

    def check_new(self, account: NewAccount) -> None:
        """Raise one ValidationError for everything :meth:`create` would refuse in ``account``,
        a user name already taken included (fields ``username``, ``full_name``, ``roles``,
        ``password``); saves nothing."""
        username = nfc(account.username).strip().lower()
        problems = _new_account_problems(
            username, collapse_spaces(account.full_name), account.roles, account.password
        )
        if not any(field == "username" for field, _ in problems):
            with self._db.read() as uow:
                if uow.accounts.get(username) is not None:
                    problems.append(("username", _taken(username)))
        _raise_problems(problems)

    def check_initial_passwords(self, passwords: Mapping[str, str]) -> None:
        """Raise one ValidationError (field ``initial_password.<user name>``) unless each
        account exists, has no password yet, and may use the password given; saves nothing."""
        problems = ProblemCollector()
        with self._db.read() as uow:
            for username, password in passwords.items():
                field = f"initial_password.{username}"
                account = uow.accounts.get(username)
                if account is None:
                    problems.add(f"Không có tài khoản “{username}”.", field=field)
                elif account.has_password:
                    problems.add(
                        f"Tài khoản “{username}” đã có mật khẩu; Quản trị đặt lại nếu cần.",
                        field=field,
                    )
                elif msg := password_problem(password, username):
                    problems.add(msg, field=field)
        problems.raise_if_any("Chưa đặt được mật khẩu tạm thời: cần sửa các mục được đánh dấu.")

    def set_initial_passwords(self, passwords: Mapping[str, str]) -> None:
        """The first, temporary passwords of accounts that have none (the staff of a database
        from before accounts), to be changed at each person's first login; all or none.

        While no administrator can log in (the first-run setup, ``SettingsService.
        complete_setup``) nobody needs to be logged in; afterwards only an administrator may.
        An account that already has a password is refused (the administrator resets that one)."""
        if not passwords:
            return
        with self._db.read() as uow:
            if uow.accounts.any_active_with(Role.ADMIN):
                self.require(Right.ACCOUNTS, "đặt mật khẩu tạm thời")
        self.check_initial_passwords(passwords)
        hashes = {username: hash_password(p) for username, p in passwords.items()}
        with self._db.write() as uow:
            for username, digest in hashes.items():
                uow.accounts.set_password(username, digest, must_change=True)
        log.info("Temporary passwords set for %d carried-over accounts", len(hashes))

    def reset_password(self, username: str, password: str) -> Account:
        """A new temporary password, to be changed at the next login; unlocks the account."""
        self.require(Right.ACCOUNTS, "đặt lại mật khẩu")
        account = self.get(username)
        if msg := password_problem(password, account.username):
            raise ValidationError.for_field("password", msg)
        with self._db.write() as uow:
            uow.accounts.set_password(account.username, hash_password(password), must_change=True)
        return self.get(account.username)

    def update(self, username: str, full_name: str, roles: frozenset[Role]) -> Account:
        self.require(Right.ACCOUNTS, "sửa tài khoản")
        account = self.get(username)
        full_name = collapse_spaces(full_name)
        if not full_name:
            raise ValidationError.for_field("full_name", "Chưa nhập họ và tên.")
        if msg := text_problem(full_name, "Họ và tên", NAME_MAX):
            raise ValidationError.for_field("full_name", msg)
        if not roles:
            raise ValidationError.for_field("roles", "Tài khoản cần ít nhất một vai trò.")
        if Role.ADMIN in account.roles and Role.ADMIN not in roles:
            self._keep_an_admin(account.username)
        with self._db.write() as uow:
            return uow.accounts.update(account.username, full_name=full_name, roles=roles)

    def set_active(self, username: str, active: bool) -> Account:
        """Disable (or enable again) an account; its history stays under its name."""
        self.require(Right.ACCOUNTS, "khóa hoặc mở tài khoản")
        account = self.get(username)
        if not active and Role.ADMIN in account.roles:
            self._keep_an_admin(account.username)
        with self._db.write() as uow:
            return uow.accounts.update(account.username, active=active)

    def delete(self, username: str) -> None:
        """Remove an account made by mistake; one that has acted on a dossier is only disabled."""
        self.require(Right.ACCOUNTS, "xóa tài khoản")
        account = self.get(username)
        if Role.ADMIN in account.roles:
            self._keep_an_admin(account.username)
        with self._db.write() as uow:
            if uow.accounts.has_acted(account.full_name):
                raise ConflictError(
                    f"Tài khoản “{account.username}” đã có tên trên hồ sơ: không xóa được, "
                    "chỉ khóa được."
                )
            uow.accounts.delete(account.username)

    def _keep_an_admin(self, leaving: str) -> None:
        others = [a for a in self.list() if Role.ADMIN in a.roles and a.username != leaving]
        if not any(a.has_password for a in others):
            raise ConflictError("Phải còn ít nhất một tài khoản Quản trị đang hoạt động.")


def _check_new_account(
    username: str, full_name: str, roles: frozenset[Role], password: str
) -> None:
    _raise_problems(_new_account_problems(username, full_name, roles, password))


def _new_account_problems(
    username: str, full_name: str, roles: frozenset[Role], password: str
) -> list[tuple[str, str]]:
    """(field, message) for each rule a new account breaks."""
    problems: list[tuple[str, str]] = []
    if msg := username_problem(username):
        problems.append(("username", msg))
    if not full_name:
        problems.append(("full_name", "Chưa nhập họ và tên."))
    elif msg := text_problem(full_name, "Họ và tên", NAME_MAX):
        problems.append(("full_name", msg))
    if not roles:
        problems.append(("roles", "Tài khoản cần ít nhất một vai trò."))
    if msg := password_problem(password, username):
        problems.append(("password", msg))
    return problems


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError(
            "Chưa tạo được tài khoản: cần sửa các mục được đánh dấu.",
            [Problem(message, field=field) for field, message in problems],
        )


def _taken(username: str) -> str:
    return f"Tên đăng nhập “{username}” đã có người dùng."


def _refused(account: Account | None, username: str, now: datetime) -> LoginError | None:
    """Why ``account`` may not log in before its password is even checked, or None."""
    if account is None or not account.active:
        return LoginError(_refusal(account))
    if account.locked(now):
        assert account.locked_until is not None
        return LoginError(
            f"Tài khoản “{username}” đang bị khóa vì nhập sai mật khẩu nhiều lần; "
            f"thử lại sau {account.locked_until:%H:%M}."
        )
    return None


def _refusal(account: Account | None) -> str:
    if account is None:
        return "Sai tên đăng nhập hoặc mật khẩu."
    return f"Tài khoản “{account.username}” đã bị khóa; hãy hỏi người Quản trị."


def _wrong_password(account: Account, failures: int, locked_until: datetime | None) -> str:
    if locked_until is not None:
        return (
            f"Sai mật khẩu quá nhiều lần: tài khoản “{account.username}” bị khóa tạm thời "
            f"đến {locked_until:%H:%M}."
        )
    return "Sai tên đăng nhập hoặc mật khẩu."
