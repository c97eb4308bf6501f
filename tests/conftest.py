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
    settings.actions_url = fake_rasa.url  # no action server: /healthz must say so
    client = await aiohttp_client(init_app(settings))
    client.settings = settings
    return client
