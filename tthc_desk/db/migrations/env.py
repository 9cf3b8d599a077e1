"""Alembic environment: uses the engine handed over by tthc_desk.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from tthc_desk.db import models  # noqa: F401  (registers the tables)
from tthc_desk.db.base import Base
from tthc_desk.db.migrate import include_name

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when run by the alembic command line
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "alembic.ini needs sqlalchemy.url"
    engine = create_engine(url)

with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        # Several counters starting at once on a new or older database: one migrates, the others
        # wait here and then find the schema up to date (PostgreSQL's DDL is transactional).
        from tthc_desk.db.engine import lock_key

        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("migrate")})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
