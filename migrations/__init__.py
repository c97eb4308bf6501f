"""The schema of the help desk's database (catalogue and gateway tables), by Alembic migrations.

`ensure_schema(engine)` brings any database to the latest revision: an empty
one is built by the migrations, one already versioned is upgraded, and one
made before migrations existed (by `create_all`) is completed and stamped.
The same migrations run on SQLite and PostgreSQL. Rasa's tracker store is
Rasa's own and not here.
"""
import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def all_metadata() -> MetaData:
    """Every table the migrations manage, in one MetaData (for autogenerate and checks)."""
    from bot import accounts, audit, invitations, stats, store  # noqa: F401 - register tables
    from bot.channels import telegram_updates
    from services_catalog import models

    combined = MetaData()
    for metadata in (models.Base.metadata, store.Base.metadata, telegram_updates.Base.metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


@lru_cache(maxsize=1)
def head() -> str:
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def current_revision(engine: Engine):
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the latest schema (idempotent; cheap when already there)."""
    if current_revision(engine) == head():
        return
    config = alembic_config(engine)
    tables = set(inspect(engine).get_table_names())
    if current_revision(engine) is None and tables & set(all_metadata().tables):
        # Made by create_all before migrations existed: add what is missing, then adopt it.
        logger.warning("database without a schema version: completing it and stamping %s", head())
        _complete_legacy(engine)
        command.stamp(config, "head")
        return
    command.upgrade(config, "head")


def _complete_legacy(engine: Engine) -> None:
    from sqlalchemy import text

    metadata = all_metadata()
    metadata.create_all(engine)
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for column in table.columns:
            if column.name in columns or column.primary_key:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = column.default.arg if column.default is not None and column.default.is_scalar else None
            if column.nullable:
                clause = ""
            elif default is not None:
                # A required column with a plain default: old rows get the default.
                literal = {True: "1", False: "0"}.get(default, repr(default)) \
                    if not isinstance(default, str) else "'" + default.replace("'", "''") + "'"
                clause = f" NOT NULL DEFAULT {literal}"
            else:
                logger.warning("cannot add required column %s.%s to an old database", table.name,
                               column.name)
                continue
            with engine.begin() as connection:
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{clause}'))
            columns.add(column.name)
        for index in table.indexes:
            if index.name not in indexes and all(c.name in columns for c in index.columns):
                index.create(engine)
