"""Where TTHC Desk keeps its data: one place, overridable for tests, demos and portable builds.

Order of precedence: an explicit ``--data-dir``, then ``TTHC_DESK_DATA_DIR``, then the per-user
data folder of the platform (``%LOCALAPPDATA%\\TTHC Desk`` on Windows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

ENV_DATA_DIR = "TTHC_DESK_DATA_DIR"
ENV_DATABASE_URL = "TTHC_DESK_DATABASE_URL"
ENV_KEY_DIR = "TTHC_DESK_KEY_DIR"
APP_NAME = "TTHC Desk"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path

    @property
    def database_file(self) -> Path:
        return self.data_dir / "tthc-desk.db"

    @property
    def database_url(self) -> str:
        return os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{self.database_file}"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def template_dir(self) -> Path:
        """Administrator overrides of printed-form templates."""
        return self.data_dir / "templates"

    @property
    def output_dir(self) -> Path:
        return self.data_dir / "output"

    @property
    def reports_dir(self) -> Path:
        """Where the scheduled weekly reports are built before they are sent."""
        return self.data_dir / "reports"

    def ensure(self) -> AppPaths:
        for d in (self.data_dir, self.backup_dir, self.log_dir, self.output_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    if data_dir:
        base = Path(data_dir)
    elif os.environ.get(ENV_DATA_DIR):
        base = Path(os.environ[ENV_DATA_DIR])
    else:
        base = Path(user_data_dir(APP_NAME, appauthor=False))
    return AppPaths(base.expanduser().resolve())


def key_dir() -> Path:
    """Where secrets go on a PC without an OS keyring: the user's own configuration folder,
    never the data folder (whoever copies the database does not get its keys with it).
    ``TTHC_DESK_KEY_DIR`` overrides it (tests, portable builds)."""
    if os.environ.get(ENV_KEY_DIR):
        return Path(os.environ[ENV_KEY_DIR]).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "keys"
