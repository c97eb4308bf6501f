"""Alembic's entry point: runs the migrations on the engine ensure_schema gives it
(or on DATABASE_URL when called as `alembic` from the command line)."""
from alembic import context
from sqlalchemy import text

from migrations import all_metadata

config = context.config


def run() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from services_catalog.db import database_url, engine_for

        engine = engine_for(database_url())
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes may start at once: one migrates, the others wait.
            connection.execute(text("SELECT pg_advisory_xact_lock(7271003)"))
        context.configure(connection=connection, target_metadata=all_metadata(),
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
