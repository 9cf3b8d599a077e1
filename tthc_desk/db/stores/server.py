"""What the services ask the database about the database itself (issue 12): which transaction
a save runs in, and, after a lost connection, whether that transaction committed.

PostgreSQL keeps the outcome of recent transactions (``txid_status``, PostgreSQL 10+): a client
whose connection dropped while it waited for the answer to COMMIT asks it there, instead of
guessing and saving again. On SQLite (a file on this PC) no answer is ever lost.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, select, text

from tthc_desk.db.models import DossierRecord
from tthc_desk.db.stores.base import Dialect, Store


class Outcome(StrEnum):
    COMMITTED = "committed"
    ABORTED = "aborted"
    UNKNOWN = "unknown"  # still in progress on the server, or too old to be known


class ServerStore(Store):
    def transaction_id(self) -> int | None:
        """This unit of work's transaction on the server (None on SQLite)."""
        if self._dialect is not Dialect.POSTGRESQL:
            return None
        return int(self._s.execute(text("SELECT txid_current()")).scalar_one())

    def outcome(self, transaction_id: int) -> Outcome:
        """What became of ``transaction_id`` (a value :meth:`transaction_id` gave)."""
        if self._dialect is not Dialect.POSTGRESQL:
            return Outcome.UNKNOWN
        status = self._s.execute(text("SELECT txid_status(:xid)"), {"xid": transaction_id}).scalar()
        if status == "committed":
            return Outcome.COMMITTED
        if status == "aborted":
            return Outcome.ABORTED
        return Outcome.UNKNOWN

    def holds_dossiers(self) -> bool:
        """Whether any dossier was ever received into this database."""
        return bool(self._s.execute(select(exists().where(DossierRecord.id.is_not(None)))).scalar())
