"""A second counter PC on the test's office: its own services on the same database.

On PostgreSQL it has a data folder of its own and the same server database (``database_url``, from
the environment, as a second PC is set up); on SQLite it is a second process of the same PC: the
same data folder, the same file.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import open_test_services
from tthc_desk.domain.clock import Clock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services


def second_pc_folder(data_dir: Path, database_url: str | None) -> Path:
    return data_dir if database_url is None else data_dir.parent / "pc-b"


def open_second_pc(
    data_dir: Path, database_url: str | None, clock: Clock, login: str = "cuong", **kw: object
) -> Services:
    """The other counter's services, logged in as ``login``."""
    return open_test_services(
        AppPaths(second_pc_folder(data_dir, database_url)), clock, login=login, **kw
    )
