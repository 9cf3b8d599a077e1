"""Typed errors carrying a Vietnamese, user-safe message.

The UI shows ``message`` as is; the CLI prints it on one line and exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what to fix."""

    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        joined = ", ".join(where)
        prefix = (joined[:1].upper() + joined[1:] + ": ") if where else ""
        return prefix + self.message


class TthcError(Exception):
    """Base of every error the user may see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(TthcError):
    """Input refused; ``problems`` lists every problem found (field, row, column)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    @classmethod
    def for_field(cls, field_name: str, message: str) -> ValidationError:
        return cls(message, [Problem(message, field=field_name)])

    def field_messages(self) -> dict[str, str]:
        """The first message per field, for showing inline next to inputs."""
        out: dict[str, str] = {}
        for p in self.problems:
            if p.field and p.field not in out:
                out[p.field] = p.message
        return out

    def full_text(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + ["- " + p.describe() for p in self.problems]
        return "\n".join(lines)


class NotFoundError(TthcError):
    """A code, procedure or record that does not exist."""


class ConflictError(TthcError):
    """The change collides with data already saved (duplicate, stale state)."""


@dataclass
class _Collector:
    """Collects problems, then raises one ValidationError with all of them."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problems.append(Problem(message, field, row, column))

    def raise_if_any(self, summary: str) -> None:
        if self.problems:
            raise ValidationError(summary, self.problems)


ProblemCollector = _Collector


class AccessError(TthcError):
    """The action needs a person who is logged in and holds the right to it."""


class NotLoggedInError(AccessError):
    """Nobody is logged in (GUI) or no ``--user`` was given (CLI)."""


class ForbiddenError(AccessError):
    """The person logged in does not hold the right; the message says who does."""


class LoginError(AccessError):
    """Wrong user name or password, or the account is disabled or locked for a while."""


class SetupRequiredError(TthcError):
    """The office is not set up yet: no dossier code, ledger number or receipt can be issued."""


class JournalKeyError(TthcError):
    """The journal key of this database cannot be read (another PC, another Windows user, a
    keyring that was cleared): its history cannot be checked or continued."""


#: The way out of a lost or damaged database, said wherever one is found.
RESTORE_HINT = (
    "Hãy khôi phục bản sao lưu gần nhất (Hệ thống → Sao lưu và khôi phục, hoặc lệnh "
    "“tthc-desk restore TỆP”) hoặc hỏi người Quản trị."
)
DAMAGED_TEXT = (
    "Cơ sở dữ liệu bị hỏng ({what}). Phần mềm đã dừng ghi để không ghi thêm vào tệp hỏng; "
    "vẫn xem và in được những gì còn đọc được. " + RESTORE_HINT
)
DAMAGED_PAGES = "một số trang dữ liệu bị ghi đè hoặc không đọc được"


class DatabaseKeyError(TthcError):
    """The database is encrypted and this PC (this Windows account) has no key that opens it:
    the recovery key (Phiếu khóa khôi phục dữ liệu) is needed."""


class DatabaseMissingError(TthcError):
    """The data folder held an office's database and it is gone or empty: restore, never start
    a new office over it."""


class DatabaseFileError(TthcError):
    """The database file is damaged, cut short, or not a TTHC Desk database at all."""


class DatabaseDamagedError(TthcError):
    """A check found the database damaged: writes are stopped until a backup is restored, so
    nothing more is written into a broken file."""


class ServerUnavailableError(TthcError):
    """The office's PostgreSQL server cannot be reached, or refuses this PC (the message says
    which, and what to do): nothing is read or written until it answers again."""


class SchemaTooNewError(TthcError):
    """The database was made by a newer version of TTHC Desk than the one on this PC: this PC's
    software must be updated before it works on that data."""


class NotEncryptedError(TthcError):
    """The database is not encrypted (the demo, a server database): it has no recovery key."""


class ScanError(TthcError):
    """A scanned page or a scanner cannot be used: the message names the file (or the scanner,
    or the folder) and says what to do (another file, another format, check the scanner)."""
