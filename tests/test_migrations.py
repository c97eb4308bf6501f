"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from migrations import all_metadata, current_revision, ensure_schema, head
from services_catalog.db import engine_for


def differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, all_metadata())


def test_migrations_match_the_models_on_sqlite(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ensure_schema(engine)
    assert current_revision(engine) == head()
    assert differences(engine) == []  # a model change without its migration fails here
    ensure_schema(engine)  # idempotent


def test_migrations_match_the_models_on_postgresql(postgres_url):
    engine = engine_for(postgres_url)
    ensure_schema(engine)
    assert current_revision(engine) == head()
    assert differences(engine) == []
    engine.dispose()


def test_a_database_from_before_migrations_is_completed_and_stamped(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url, future=True)
    with old.begin() as connection:  # the service table as the first version had it
        connection.execute(text("CREATE TABLE organization (id VARCHAR(36) PRIMARY KEY, "
                                "name VARCHAR(255) NOT NULL UNIQUE, description TEXT, "
                                "website VARCHAR(255), email VARCHAR(255))"))
        connection.execute(text("INSERT INTO organization (id, name) VALUES ('o1', 'Kept')"))
    old.dispose()
    engine = engine_for(url)
    ensure_schema(engine)
    assert current_revision(engine) == head()
    assert "service_change" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM organization")).scalar() == "Kept"
