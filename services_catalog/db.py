"""Open the catalogue database (DATABASE_URL, SQLite under var/ by default)."""
import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    var_dir = Path(os.environ.get("HELPDESK_VAR_DIR") or ROOT / "var")
    var_dir.mkdir(parents=True, exist_ok=True)
    return os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'helpdesk.db'}"


def engine_for(url: str) -> Engine:
    """An engine for any of the deployment's databases; SQLite gets WAL and
    foreign keys (so erasure cascades), PostgreSQL a connection check."""
    # hide_parameters: a failing statement's error would otherwise carry its bound
    # values (a person's message) into the logs.
    kwargs = {"future": True, "pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if ":memory:" not in url and "mode=memory" not in url:
            # Keep connections open (SQLAlchemy 2.0's default; 1.4 opens one per
            # transaction): closing the last connection to a WAL database
            # checkpoints it, which cost more than the gateway's statements.
            kwargs["poolclass"] = QueuePool
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Erased rows are overwritten, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    return engine


def make_engine(url: str) -> Engine:
    """The catalogue's engine, its database brought to the latest schema (migrations/)."""
    from migrations import ensure_schema  # here: migrations import the models

    engine = engine_for(url)
    ensure_schema(engine)
    return engine


@lru_cache(maxsize=4)
def session_factory(url: str = "") -> sessionmaker:
    """A session factory per database URL; one session per unit of work."""
    return sessionmaker(make_engine(url or database_url()), future=True, expire_on_commit=False)


def open_session(url: str = "") -> Session:
    return session_factory(url or database_url())()
