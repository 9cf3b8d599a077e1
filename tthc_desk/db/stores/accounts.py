"""Accounts: who logs in, with which roles; the Argon2id hash stays in this layer and the
account service (it never reaches the UI, the journal or an export)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, or_, select

from tthc_desk.db.models import (
    AccountRecord,
    ApologyLetterRecord,
    DossierCorrectionRecord,
    DossierEventRecord,
    DossierRecord,
)
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.access import Account, Role, parse_roles, roles_text


def account_from_record(r: AccountRecord) -> Account:
    return Account(
        username=r.username,
        full_name=r.full_name,
        roles=parse_roles(r.roles),
        active=r.active,
        must_change_password=r.must_change_password,
        has_password=r.password_hash is not None,
        failed_attempts=r.failed_attempts,
        locked_until=r.locked_until,
        last_login_at=r.last_login_at,
        created_at=r.created_at,
        id=r.id,
    )


class AccountStore(Store):
    def list(self, include_inactive: bool = False) -> list[Account]:
        """Accounts by full name; the disabled ones too when asked."""
        q = select(AccountRecord).order_by(AccountRecord.full_name, AccountRecord.username)
        if not include_inactive:
            q = q.where(AccountRecord.active.is_(True))
        return [account_from_record(r) for r in self._s.scalars(q)]

    def get(self, username: str) -> Account | None:
        rec = self._record(username)
        return None if rec is None else account_from_record(rec)

    def password_hash(self, username: str) -> str | None:
        return self._s.scalar(
            select(AccountRecord.password_hash).where(AccountRecord.username == username)
        )

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(AccountRecord)) or 0)

    def any_active_with(self, role: Role) -> bool:
        """Whether an active account holds ``role`` and can log in (it has a password)."""
        rows = self._s.scalars(
            select(AccountRecord.roles).where(
                AccountRecord.active.is_(True), AccountRecord.password_hash.is_not(None)
            )
        )
        return any(role in parse_roles(text) for text in rows)

    def add(self, account: Account, password_hash: str | None, now: datetime) -> Account:
        rec = AccountRecord(
            username=account.username,
            full_name=account.full_name,
            roles=roles_text(account.roles),
            active=account.active,
            password_hash=password_hash,
            must_change_password=account.must_change_password,
            failed_attempts=0,
            locked_until=None,
            created_at=now,
            last_login_at=None,
        )
        self._s.add(rec)
        self._s.flush()
        return account_from_record(rec)

    def set_password(self, username: str, password_hash: str, must_change: bool) -> None:
        rec = self._require(username)
        rec.password_hash = password_hash
        rec.must_change_password = must_change
        rec.failed_attempts = 0
        rec.locked_until = None

    def record_login(self, username: str, now: datetime) -> None:
        rec = self._require(username)
        rec.failed_attempts, rec.locked_until, rec.last_login_at = 0, None, now

    def record_failure(self, username: str, failures: int, locked_until: datetime | None) -> None:
        rec = self._require(username)
        rec.failed_attempts, rec.locked_until = failures, locked_until

    def update(
        self,
        username: str,
        *,
        full_name: str | None = None,
        roles: frozenset[Role] | None = None,
        active: bool | None = None,
    ) -> Account:
        rec = self._require(username)
        if full_name is not None:
            rec.full_name = full_name
        if roles is not None:
            rec.roles = roles_text(roles)
        if active is not None:
            rec.active = active
            if active:
                rec.failed_attempts, rec.locked_until = 0, None
        self._s.flush()
        return account_from_record(rec)

    def has_acted(self, full_name: str) -> bool:
        """Whether the person appears on a dossier: received it, moved it, corrected it, signed
        a letter. Such an account is kept for ever (disabled, never deleted)."""
        on_record = or_(
            exists().where(DossierRecord.clerk_name == full_name),
            exists().where(DossierEventRecord.actor == full_name),
            exists().where(DossierCorrectionRecord.by == full_name),
            exists().where(ApologyLetterRecord.confirmed_by == full_name),
        )
        return bool(self._s.scalar(select(on_record)))

    def delete(self, username: str) -> None:
        rec = self._require(username)
        self._s.delete(rec)

    def _record(self, username: str) -> AccountRecord | None:
        return self._s.scalar(select(AccountRecord).where(AccountRecord.username == username))

    def _require(self, username: str) -> AccountRecord:
        rec = self._record(username)
        if rec is None:
            raise KeyError(username)
        return rec
