"""Secrets (passwords, tokens) live only in the operating system's keyring, never in the database.

:class:`KeyringStore` is the real store; :class:`InMemoryStore` stands in for it in tests. On a
machine without a usable keyring (headless Linux, a locked-down PC) the store reports
``available = False`` with a Vietnamese explanation, and the caller asks for the secret at each
upload instead (``secret_prompt``) and never keeps it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from tthc_desk.domain.errors import TthcError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE_NAME = "TTHC Desk"
NO_KEYRING_MESSAGE = (
    "Máy này không có kho mật khẩu của hệ điều hành (keyring), nên TTHC Desk không lưu được "
    "mật khẩu: mật khẩu sẽ được hỏi lại mỗi lần gửi báo cáo."
)


class CredentialError(TthcError):
    """The keyring refused to store or read a secret."""


class CredentialStore(Protocol):
    """The small interface the outbox needs; a key names one secret (``Destination.secret_key``)."""

    @property
    def available(self) -> bool: ...

    @property
    def unavailable_reason(self) -> str: ...

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, secret: str) -> None: ...

    def delete(self, key: str) -> None: ...


class InMemoryStore:
    """A dictionary that behaves like a keyring; ``available=False`` plays a machine without one."""

    def __init__(self, *, available: bool = True) -> None:
        self._available = available
        self.secrets: dict[str, str] = {}

    @property
    def available(self) -> bool:
        return self._available

    @property
    def unavailable_reason(self) -> str:
        return "" if self._available else NO_KEYRING_MESSAGE

    def get(self, key: str) -> str | None:
        return self.secrets.get(key) if self._available else None

    def set(self, key: str, secret: str) -> None:
        if not self._available:
            raise CredentialError(NO_KEYRING_MESSAGE)
        self.secrets[key] = secret

    def delete(self, key: str) -> None:
        self.secrets.pop(key, None)


class KeyringStore:
    """The operating system's keyring (Credential Manager on Windows) under service "TTHC Desk".

    The backend is looked up on every call rather than once, so a keyring unlocked (or a backend
    chosen with ``keyring.set_keyring``) after start-up is used without restarting the app.
    """

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    def _backend(self) -> KeyringBackend | None:
        import keyring
        from keyring.backends import fail, null

        try:
            backend = keyring.get_keyring()
        except Exception:  # a broken keyring configuration must not stop the counter
            log.exception("No keyring backend")
            return None
        # Both accept calls and do nothing useful: "null" forgets, "fail" raises NoKeyringError.
        if isinstance(backend, fail.Keyring | null.Keyring):
            return None
        return backend

    @property
    def available(self) -> bool:
        from keyring.errors import KeyringError

        backend = self._backend()
        if backend is None:
            return False
        try:
            backend.get_password(self.service, "__probe__")
        except (KeyringError, RuntimeError, OSError):
            log.warning("The keyring does not answer", exc_info=True)
            return False
        return True

    @property
    def unavailable_reason(self) -> str:
        return "" if self.available else NO_KEYRING_MESSAGE

    def get(self, key: str) -> str | None:
        from keyring.errors import KeyringError

        backend = self._backend()
        if backend is None:
            return None
        try:
            return backend.get_password(self.service, key)
        except (KeyringError, RuntimeError, OSError):
            log.warning("Could not read a secret from the keyring", exc_info=True)
            return None

    def set(self, key: str, secret: str) -> None:
        from keyring.errors import KeyringError

        backend = self._backend()
        if backend is None:
            raise CredentialError(NO_KEYRING_MESSAGE)
        try:
            backend.set_password(self.service, key, secret)
        except (KeyringError, RuntimeError, OSError) as e:
            log.warning("Could not store a secret in the keyring", exc_info=True)
            raise CredentialError(
                f"Kho mật khẩu của hệ điều hành không lưu được mật khẩu ({e})."
            ) from e

    def delete(self, key: str) -> None:
        from keyring.errors import KeyringError, PasswordDeleteError

        backend = self._backend()
        if backend is None:
            return
        try:
            backend.delete_password(self.service, key)
        except PasswordDeleteError:
            pass  # nothing stored under that key: already what the caller wants
        except (KeyringError, RuntimeError, OSError):
            log.warning("Could not delete a secret from the keyring", exc_info=True)
