"""Databases as an older version left them, with rows, for the tests of upgrading in place."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import text

from tthc_desk.db import migrate as m
from tthc_desk.db.engine import Database
from tthc_desk.domain.office import DEMO_OFFICE, OfficeProfile, office_to_data
from tthc_desk.paths import AppPaths

#: The staff of an office from before accounts: (name, role, still working).
OLD_STAFF = (
    ("Trần Thị Bình", "clerk", True),
    ("Nguyễn Văn An", "head", True),
    ("Phạm Thu Hà", "clerk", False),
)


def before_accounts(
    paths: AppPaths,
    staff: Iterable[tuple[str, str, bool]] = OLD_STAFF,
    office: OfficeProfile | None = DEMO_OFFICE,
) -> None:
    """A data folder whose database stopped at revision 0005 (staff, no accounts), holding
    ``staff`` and, unless None, ``office`` as its saved profile; opening it upgrades it.

    On PostgreSQL the test's database must start empty (mark ``empty_database``)."""
    paths.ensure()
    db = Database(paths.database_url)
    try:
        if db.schema_revision() is not None:
            raise RuntimeError("an old database is made in an empty one: mark empty_database")
        m.upgrade(db.engine, "0005")
        with db.engine.begin() as conn:
            for name, role, active in staff:
                conn.execute(
                    text("INSERT INTO staff(name, role, active) VALUES (:name, :role, :active)"),
                    {"name": name, "role": role, "active": active},
                )
            if office is not None:
                conn.execute(
                    text("INSERT INTO settings(key, value) VALUES ('office_profile', :value)"),
                    {"value": json.dumps(office_to_data(office), ensure_ascii=False)},
                )
    finally:
        db.dispose()
