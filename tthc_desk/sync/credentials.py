"""Secrets (passwords, tokens) live only in the operating system's keyring, never in the database.

:class:`KeyringStore` is the real store; :class:`InMemoryStore` stands in for it in tests. On a
machine without a usable keyring (headless Linux, a locked-down PC) the store reports
``available = False`` with a Vietnamese explanation, and the caller asks for the secret at each
upload instead (``secret_prompt``) and never keeps it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
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


#: The file (in :func:`~tthc_desk.paths.key_dir`) naming the keyring backend this PC used last.
BACKEND_FILE = "keyring-backend.txt"
_chosen_lock = threading.Lock()
_chosen = False  # whether this process has chosen its backend


def _remembered_file() -> Path:
    from tthc_desk.paths import key_dir

    return key_dir() / BACKEND_FILE


def choose_backend(remembered: Path | None = None) -> KeyringBackend:
    """``keyring.get_keyring()``, without its search through every installed package for keyring
    plugins on the first call when this PC's choice is already known.

    That search reads the metadata of every installed distribution and imports every backend
    (D-Bus, Secret Service, KWallet…): 60–150 ms of each start-up, 300 ms and more with a cold
    disk cache, to find the same backend as last time (issue 14). So the choice is kept, by
    class name, in ``remembered`` (default: the user's key folder) and loaded straight away next
    time, after the choices the person made themselves (``PYTHON_KEYRING_BACKEND``, keyring's
    configuration file), as keyring orders them. A remembered backend that no longer loads or
    is no longer usable (its priority check fails) is searched for again. Delete the file to
    make the app search again after installing another keyring.
    """
    global _chosen
    import keyring
    from keyring import core

    with _chosen_lock:
        # Chosen already, by this process or by whoever called keyring.set_keyring: as before.
        if _chosen or getattr(core, "_keyring_backend", None) is not None:
            return keyring.get_keyring()
        _chosen = True
        path = remembered if remembered is not None else _remembered_file()
        backend = core.load_env() or core.load_config() or _load_remembered(path)
        if backend is not None:
            keyring.set_keyring(backend)
            return backend
        backend = keyring.get_keyring()  # the full search
        name = f"{type(backend).__module__}.{type(backend).__qualname__}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(name + "\n", encoding="utf-8")
        except OSError:
            log.warning("Could not remember the keyring backend in %s", path, exc_info=True)
        return backend


def _load_remembered(path: Path) -> KeyringBackend | None:
    from keyring import core
    from keyring.backends import chainer, fail, null

    try:
        name = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name:
        return None
    try:
        backend = core.load_keyring(name)  # checks its priority: usable on this PC now
    except Exception:  # gone, or unusable now: search again
        log.info("The remembered keyring backend %s does not load; searching again", name)
        return None
    # These are what the search settles for when it finds nothing better: search again.
    if isinstance(backend, chainer.ChainerBackend | fail.Keyring | null.Keyring):
        return None
    return backend


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
        from keyring.backends import fail, null

        try:
            backend = choose_backend()
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
