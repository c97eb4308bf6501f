"""Fault injection on PostgreSQL: connections dropped mid-request; nothing lost, recovery on its own."""
import asyncio

from sqlalchemy import create_engine, text

from bot.keys import STORE
from bot.pseudonym import pseudonymous_id
from tests.conftest import POSTGRES_ADMIN_URL


def drop_connections(database_url):
    """What a database failover or a restarted PgBouncer does to the gateway's pool."""
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    admin.dispose()
    return killed


async def test_connections_dropped_while_rasa_thinks(postgres_gateway, fake_rasa):
    gateway = postgres_gateway
    assert (await gateway.post("/api/chat/db-fault/messages", json={"text": "bonjour"})).status == 200
    fake_rasa.delay = 1.0
    request = asyncio.create_task(gateway.post("/api/chat/db-fault/messages",
                                               json={"text": "je cherche un cours"}))
    await asyncio.sleep(0.5)  # the message is stored; Rasa is answering
    assert await asyncio.to_thread(drop_connections, gateway.settings.database_url) >= 1
    response = await request
    assert response.status == 200
    assert (await response.json())["messages"][0]["text"] == "echo:je cherche un cours"
    fake_rasa.delay = 0
    # Nothing lost, nothing left waiting, and the next message goes through as usual.
    assert (await gateway.post("/api/chat/db-fault/messages", json={"text": "merci"})).status == 200
    listing = await (await gateway.get("/api/chat/db-fault/messages")).json()
    assert [m["text"] for m in listing["messages"]] == [
        "bonjour", "echo:bonjour", "je cherche un cours", "echo:je cherche un cours", "merci", "echo:merci"]
    store = gateway.app[STORE]
    assert store.pending_messages(0, pseudonymous_id("test-secret", "web", "db-fault")) == []
    assert (await gateway.get("/healthz")).status == 200
