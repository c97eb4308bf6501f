"""Shared fixtures: a temporary deployment directory, a fake Rasa, the gateway."""
import os
from pathlib import Path

import pytest

from tests.fake_rasa import FakeRasa


@pytest.fixture
def var_dir(tmp_path, monkeypatch) -> Path:
    """A fresh var/ with its own SQLite databases, for one test."""
    monkeypatch.setenv("HELPDESK_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("HELPDESK_SECRET", "test-secret")
    for name in ("RASA_URLS", "RASA_URL", "RASA_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def catalogue(var_dir):
    """The demo catalogue and France's emergency contacts in the test database."""
    from services_catalog.db import open_session
    from services_catalog.demo_loader import ensure_catalogue

    with open_session() as session, session.begin():
        ensure_catalogue(session, "fr")
    return var_dir


@pytest.fixture
async def fake_rasa(aiohttp_server):
    rasa = FakeRasa()
    server = await aiohttp_server(rasa.app())
    rasa.url = str(server.make_url("")).rstrip("/")
    return rasa


@pytest.fixture
async def gateway(aiohttp_client, catalogue, fake_rasa):
    """The gateway app with Rasa replaced at its HTTP boundary."""
    from bot.app import init_app
    from bot.settings import Settings

    settings = Settings.from_env()
    settings.rasa_urls = [fake_rasa.url]
    settings.rasa_token = fake_rasa.token
    settings.actions_url = fake_rasa.url  # the fake answers the action server's /health too
    client = await aiohttp_client(init_app(settings))
    client.settings = settings
    return client


POSTGRES_ADMIN_URL = os.environ.get("HELPDESK_TEST_POSTGRES_URL",
                                    "postgresql://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("HELPDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards.

    Skipped, with the reason, when no PostgreSQL server answers (CI has one)."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    name = f"helpdesk_test_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def redis_url():
    """The test Redis database (number 15), emptied; skipped when no Redis answers."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {error}")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
async def postgres_gateway(aiohttp_client, postgres_url, var_dir, fake_rasa, monkeypatch):
    """The gateway on a fresh PostgreSQL database (gateway tables and tracker store)."""
    from bot.app import init_app
    from bot.settings import Settings

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("TRACKER_STORE_URL", postgres_url)
    settings = Settings.from_env()
    settings.rasa_urls = [fake_rasa.url]
    settings.rasa_token = fake_rasa.token
    settings.actions_url = fake_rasa.url
    client = await aiohttp_client(init_app(settings))
    client.settings = settings
    return client


def page_says(html: str, msgid: str) -> bool:
    """Whether a rendered page shows this text in the page's own language (<html lang>)."""
    import html as html_module
    import re

    import markupsafe

    from localization import translations

    match = re.search(r'<html lang="([A-Za-z-]+)"', html)
    language = match.group(1) if match else "en"
    text = translations().gettext(language, msgid)
    # Jinja escapes quotes too (markupsafe: &#39;), hand-built pages do not.
    return html_module.escape(text, quote=False) in html or str(markupsafe.escape(text)) in html


@pytest.fixture(scope="module")
def emulator():
    """The Telegram Bot API emulator for one test module (skipped, saying why, without node)."""
    from tests.telegram_emulator import EmulatorProcess, ensure_installed

    ensure_installed()
    process = EmulatorProcess()
    process.start()
    yield process
    process.stop()
