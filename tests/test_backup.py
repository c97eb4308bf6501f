"""Backups and restores: everything comes back except what was erased after the backup."""
import shutil

import pytest
from sqlalchemy import create_engine, text

from bot.pseudonym import pseudonymous_id
from tools import backup


def tracker_rows(url):
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all())
    engine.dispose()
    return rows


def fake_tracker(url, *senders):
    """Rasa's events table, with one event per conversation (as Rasa would have written)."""
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS events "
                                "(sender_id VARCHAR(255), data TEXT)"))
        for sender in senders:
            connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"),
                               {"s": sender})
    engine.dispose()


async def roundtrip(gateway, settings, tmp_path):
    keep = pseudonymous_id("test-secret", "web", "keep")
    gone = pseudonymous_id("test-secret", "web", "gone")
    for conversation in ("keep", "gone"):
        response = await gateway.post(f"/api/chat/{conversation}/messages", json={"text": "bonjour"})
        assert response.status == 200
    fake_tracker(settings.tracker_store_url, keep, gone)

    backup.create(settings, tmp_path / "backup")
    assert (await gateway.delete("/api/chat/gone")).status == 200
    assert gone not in tracker_rows(settings.tracker_store_url)

    assert backup.restore(settings, tmp_path / "backup") == 1
    kept = await (await gateway.get("/api/chat/keep/messages")).json()
    erased = await (await gateway.get("/api/chat/gone/messages")).json()
    assert len(kept["messages"]) == 2
    assert erased["messages"] == []
    rows = tracker_rows(settings.tracker_store_url)
    assert keep in rows and gone not in rows


async def test_sqlite_backup_restore_keeps_erasures(gateway, tmp_path):
    await roundtrip(gateway, gateway.settings, tmp_path)


async def test_postgres_backup_restore_keeps_erasures(postgres_gateway, tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    await roundtrip(postgres_gateway, postgres_gateway.settings, tmp_path)
