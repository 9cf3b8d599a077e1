"""Who may do what: roles, rights, the acting person, and the rules of an account's password.

The one table of rights is :data:`RIGHTS`. The services check it (``AccountService.require``) before
any change, so the GUI and the CLI obey the same rule; the GUI also reads it to hide or disable what
the person logged in may not do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tthc_desk.domain.errors import ForbiddenError, NotLoggedInError
from tthc_desk.domain.naming import name
from tthc_desk.domain.text import ID_TEXT_MAX, text_problem


class Role(StrEnum):
    CLERK = "clerk"  # Cán bộ tiếp nhận
    HEAD = "head"  # Lãnh đạo
    ADMIN = "admin"  # Quản trị


class Right(StrEnum):
    """One guarded kind of action; the value is stable (journal, tests)."""

    RECEIVE = "receive"  # intake: a dossier code, a ledger number, a receipt
    CORRECT = "correct"  # correct an intake mistake
    MOVE = "move"  # hand over, supplement, result, return, refuse, stop, withdraw, close
    PRINT = "print"  # print or reprint a dossier's forms and the registers
    POSTAL = "postal"  # return by post: handover lists, waybills, outcomes
    DRAFT_LETTER = "draft_letter"  # draft, edit, deliver or discard an apology letter
    SIGN_LETTER = "sign_letter"  # sign (confirm and number) an apology letter
    APPROVE_EXTENSION = "approve_extension"  # a second re-appointment of one dossier
    SIGN_EXPLANATION = "sign_explanation"  # the late-dossier explanation list
    BUILD_REPORT = "build_report"  # Biểu 06a figures and workbooks
    QUEUE_REPORT = "queue_report"  # put a report in the upload queue
    UPLOAD = "upload"  # send the queue now, retry an item
    OFFICE = "office"  # office profile, hours, units, plan targets, settings
    CATALOG = "catalog"  # the procedure catalog
    CALENDAR = "calendar"  # the working calendar
    ACCOUNTS = "accounts"  # add, disable, reset accounts and their roles
    DESTINATIONS = "destinations"  # where reports are sent, and its password
    BACKUP = "backup"  # take a backup, its settings (destinations, time, retention)
    RESTORE = "restore"  # replace the database with a backup
    COPY_DATABASE = "copy_database"  # copy the whole database to a server or a new data folder
    RECOVERY_KEY = "recovery_key"  # print the recovery key sheet, check a copied recovery key
    CLEANUP = "cleanup"  # remove old reports and generated files from the app's folders
    VIEW_JOURNAL = "view_journal"  # read the journal
    VERIFY_JOURNAL = "verify_journal"  # check the data against the journal
    VIEW_DASHBOARD = "view_dashboard"  # the head of office's dashboard (Tổng quan)
    DEMO = "demo"  # generate sample dossiers
    SERVER = "server"  # which database this PC uses: the office's server or its own file
    REBUILD_FACTS = "rebuild_facts"  # make the report facts again from the dossiers
    SCANS = "scans"  # view, print or export the scanned papers and results of dossiers


_CLERK = frozenset({Role.CLERK, Role.HEAD})
_HEAD = frozenset({Role.HEAD})
_ADMIN = frozenset({Role.ADMIN})
_HEAD_OR_ADMIN = frozenset({Role.HEAD, Role.ADMIN})
_ANY = frozenset(Role)

#: THE table: who may do what. The head of office does everything a clerk does.
RIGHTS: dict[Right, frozenset[Role]] = {
    Right.RECEIVE: _CLERK,
    Right.CORRECT: _CLERK,
    Right.MOVE: _CLERK,
    Right.PRINT: _CLERK,
    Right.POSTAL: _CLERK,
    Right.DRAFT_LETTER: _CLERK,
    Right.SIGN_LETTER: _HEAD,
    Right.APPROVE_EXTENSION: _HEAD,
    Right.SIGN_EXPLANATION: _HEAD,
    Right.BUILD_REPORT: _ANY,
    Right.QUEUE_REPORT: _ANY,
    Right.UPLOAD: _ANY,
    Right.OFFICE: _ADMIN,
    Right.CATALOG: _ADMIN,
    Right.CALENDAR: _ADMIN,
    Right.ACCOUNTS: _ADMIN,
    Right.DESTINATIONS: _ADMIN,
    Right.BACKUP: _ADMIN,
    # The key to all the data and every backup: the administrator only, never the system.
    Right.RECOVERY_KEY: _ADMIN,
    Right.CLEANUP: _ADMIN,
    Right.RESTORE: _ADMIN,
    Right.COPY_DATABASE: _ADMIN,
    Right.VIEW_JOURNAL: _HEAD_OR_ADMIN,
    Right.VERIFY_JOURNAL: _HEAD_OR_ADMIN,
    Right.VIEW_DASHBOARD: _HEAD_OR_ADMIN,
    Right.DEMO: _ADMIN,
    Right.SERVER: _ADMIN,
    Right.REBUILD_FACTS: _ADMIN,
    # Citizens' papers: only the roles that handle dossiers (issue 15, privacy).
    Right.SCANS: _CLERK,
}

#: What the headless system identity may do (scheduled weekly report, upload, backup, checks,
#: the start-up cleanup of old files, the automatic apology drafts): nothing that receives,
#: moves, signs or configures.
SYSTEM_RIGHTS: frozenset[Right] = frozenset(
    {
        Right.BUILD_REPORT,
        Right.QUEUE_REPORT,
        Right.UPLOAD,
        Right.BACKUP,
        Right.CLEANUP,
        Right.VERIFY_JOURNAL,
        Right.DRAFT_LETTER,
    }
)


@dataclass(frozen=True)
class Actor:
    """The person (or the system) on whose behalf an action runs."""

    username: str
    full_name: str
    roles: frozenset[Role] = frozenset()
    system: bool = False

    def has(self, role: Role) -> bool:
        return role in self.roles


SYSTEM = Actor("system", "Hệ thống (tác vụ tự động)", frozenset(), system=True)


def can(actor: Actor | None, right: Right) -> bool:
    if actor is None:
        return False
    if actor.system:
        return right in SYSTEM_RIGHTS
    return bool(actor.roles & RIGHTS[right])


def roles_for(right: Right) -> list[Role]:
    """The roles that hold ``right``, in the order clerk, head, admin."""
    return [r for r in Role if r in RIGHTS[right]]


def who_may(right: Right) -> str:
    """“Cán bộ tiếp nhận hoặc Lãnh đạo”: the roles that hold ``right``, for a message."""
    return " hoặc ".join(name(r) for r in roles_for(right))


def require(actor: Actor | None, right: Right, doing: str) -> Actor:
    """``actor`` when it holds ``right``; else the error that says who may ``doing``."""
    if actor is None:
        raise NotLoggedInError(f"Cần đăng nhập để {doing}.")
    if not can(actor, right):
        who = who_may(right)
        if actor.system:
            raise ForbiddenError(f"Tác vụ tự động không được {doing}: cần {who} đăng nhập.")
        raise ForbiddenError(
            f"Chỉ {who} được {doing}; tài khoản “{actor.username}” không có quyền này."
        )
    return actor


def parse_roles(text: str | Iterable[str]) -> frozenset[Role]:
    """``clerk,head`` (or words) → roles; raises ValueError naming a word that is not a role."""
    words = text.split(",") if isinstance(text, str) else list(text)
    roles: set[Role] = set()
    for word in (w.strip().lower() for w in words):
        if not word:
            continue
        try:
            roles.add(Role(word))
        except ValueError:
            raise ValueError(word) from None
    return frozenset(roles)


def roles_text(roles: Iterable[Role]) -> str:
    """The stored form: ``clerk,head`` in the order of :class:`Role`."""
    wanted = set(roles)
    return ",".join(r.value for r in Role if r in wanted)


# -- user names and passwords --------------------------------------------------------------------

MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def username_problem(username: str) -> str | None:
    if not username:
        return "Chưa nhập tên đăng nhập."
    if msg := text_problem(username, "Tên đăng nhập", ID_TEXT_MAX):
        return msg
    if not _USERNAME.match(username):
        return (
            f"Tên đăng nhập “{username}” không hợp lệ: dùng 2–40 chữ thường không dấu, chữ số, "
            "dấu chấm, gạch dưới hoặc gạch ngang (ví dụ binh.tt)."
        )
    return None


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` cannot be used by ``username``, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    if not password.strip():
        return "Mật khẩu không được chỉ gồm dấu cách."
    if password.strip().lower() == username.lower():
        return "Mật khẩu không được trùng tên đăng nhập."
    return None


def suggest_username(full_name: str) -> str:
    """A user name from a full name: “Trần Thị Bình” → ``binh.tt``."""
    folded = unicodedata.normalize("NFD", full_name.replace("đ", "d").replace("Đ", "D"))
    ascii_words = "".join(c for c in folded if not unicodedata.combining(c)).lower().split()
    words = [re.sub(r"[^a-z0-9]", "", w) for w in ascii_words]
    words = [w for w in words if w]
    if not words:
        return "canbo"
    given, rest = words[-1], words[:-1]
    return given + ("." + "".join(w[0] for w in rest) if rest else "")


# -- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A person who logs in. The password hash never leaves the database layer and the
    account service."""

    username: str
    full_name: str
    roles: frozenset[Role]
    active: bool = True
    must_change_password: bool = True
    has_password: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime | None = None
    id: int | None = None

    def actor(self) -> Actor:
        return Actor(self.username, self.full_name, self.roles)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class LockOut:
    """After how many failed logins in a row an account is locked, and for how long."""

    max_failures: int = 5
    minutes: int = 5

    def after_failure(self, account: Account, now: datetime) -> tuple[int, datetime | None]:
        """The account's failed-attempt count and lock after one more wrong password."""
        failures = account.failed_attempts + 1
        if failures >= self.max_failures:
            return 0, now + timedelta(minutes=self.minutes)
        return failures, None


@dataclass(frozen=True)
class NewAccount:
    """An account to create, with its first password (never stored as such)."""

    username: str
    full_name: str
    roles: frozenset[Role]
    password: str

    def __repr__(self) -> str:  # a password must never reach a log line
        return f"NewAccount({self.username!r}, {self.full_name!r}, {roles_text(self.roles)!r})"


#: The demo database's single documented account (README): all roles, password "demo".
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
