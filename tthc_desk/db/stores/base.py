"""What every store shares: the session of its unit of work and the database dialect."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session


class Dialect(StrEnum):
    """The SQL dialect a store writes for; dialect-specific variants sit side by side."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"
    OTHER = "other"

    @classmethod
    def of(cls, backend_name: str) -> Dialect:
        try:
            return cls(backend_name)
        except ValueError:
            return cls.OTHER


class Store:
    """Base of the stores: statements run on the unit of work's session."""

    def __init__(self, session: Session, dialect: Dialect = Dialect.SQLITE) -> None:
        self._s = session
        self._dialect = dialect
