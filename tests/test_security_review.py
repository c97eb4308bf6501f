"""Regression tests for the findings of the security review of sign-in, sessions and erasure.

Each would pass on the code before its fix was made only if the flaw were gone.
"""
import asyncio
import logging

import sqlalchemy

from bot.auth import ACCOUNTS, COOKIE_NAME
from bot.erasure_ledger import ErasureLedger
from bot.keys import SETTINGS, STORE
from tests.test_staff_api import PASSWORD, handoff_script, make_account, open_case, sign_in


def session_cookie(client):
    return next((c.value for c in client.session.cookie_jar if c.key == COOKIE_NAME), None)


async def test_a_copied_cookie_stops_working_after_sign_out(gateway):
    make_account(gateway, "cw@example.org")
    token = await sign_in(gateway, "cw@example.org")
    copied = session_cookie(gateway)
    assert (await gateway.post("/api/staff/logout", headers={"X-CSRF-Token": token})).status == 200
    gateway.session.cookie_jar.clear()
    response = await gateway.get("/api/staff/me", headers={"Cookie": f"{COOKIE_NAME}={copied}"})
    assert response.status == 401


async def test_the_live_queue_stops_for_a_disabled_account_and_foreign_pages(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    account = make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    response = await gateway.get("/api/staff/ws", headers={"Origin": "https://evil.example",
                                                          "Upgrade": "websocket", "Connection": "Upgrade",
                                                          "Sec-WebSocket-Version": "13",
                                                          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert response.status == 403
    socket = await gateway.ws_connect("/api/staff/ws")
    gateway.app[ACCOUNTS].set_active(account.id, False)
    await open_case(gateway, "w-after-disable")
    message = await asyncio.wait_for(socket.receive(), timeout=15)
    assert message.type.name == "CLOSE" and message.data == 4401


async def test_simultaneous_guesses_are_all_counted(gateway):
    make_account(gateway, "cw@example.org")

    async def guess():
        response = await gateway.post("/api/staff/login",
                                      json={"email": "cw@example.org", "password": "wrong password!!"})
        return response.status
    statuses = await asyncio.gather(*(guess() for _ in range(15)))
    assert statuses.count(401) <= 6 and statuses.count(429) >= 9


async def test_a_stranger_cannot_lock_a_caseworker_out(gateway):
    """Failures from one address lock that address (and that account from it), not the victim."""
    gateway.app[SETTINGS].trusted_proxies = ("127.0.0.1",)
    make_account(gateway, "victim@example.org")
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(25):
        await gateway.post("/api/staff/login", headers=attacker,
                           json={"email": "victim@example.org", "password": "wrong password!!"})
    response = await gateway.post("/api/staff/login", headers=attacker,
                                  json={"email": "victim@example.org", "password": PASSWORD})
    assert response.status == 429
    response = await gateway.post("/api/staff/login", headers={"X-Forwarded-For": "198.51.100.4"},
                                  json={"email": "victim@example.org", "password": PASSWORD})
    assert response.status == 200


async def test_a_database_error_never_logs_the_message(gateway, fake_rasa, caplog):
    with gateway.app[STORE].engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TRIGGER boom BEFORE INSERT ON messages "
                                           "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"))
    caplog.set_level(logging.DEBUG)
    response = await gateway.post("/api/chat/leak/messages", json={"text": "SECRET-12-RUE-X"})
    assert response.status == 500
    logged = "\n".join(record.getMessage() + (record.exc_text or "") +
                       (str(record.exc_info[1]) if record.exc_info else "") for record in caplog.records)
    assert "disk trouble" in logged  # the error itself is logged…
    assert "SECRET-12-RUE-X" not in logged  # …without the person's words


async def test_odd_csrf_tokens_and_huge_bodies_get_clear_refusals(gateway):
    make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    response = await gateway.post("/api/staff/logout", headers={"X-CSRF-Token": "Ã©tÃ©"})
    assert response.status == 403
    response = await gateway.post("/api/staff/login", json={"email": "a@b.org", "password": "x" * 3_000_000})
    assert response.status == 413
    response = await gateway.get("/api/staff/me")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_damaged_ledger_line_still_erases(tmp_path):
    from datetime import datetime, timezone

    ledger = ErasureLedger(tmp_path / "ledger.txt")
    ledger.record("we-first")
    with open(tmp_path / "ledger.txt", "a") as raw:
        raw.write("2026-11-22T1")  # a crash in the middle of a line
    ledger.record("we-second")
    assert (tmp_path / "ledger.txt").stat().st_mode & 0o077 == 0
    assert set(ledger.since(datetime(2000, 1, 1, tzinfo=timezone.utc))) >= {"we-first", "we-second"}
    ledger.prune()
    assert "we-second" in ledger.since(datetime.now(timezone.utc).replace(year=2000))


async def test_erased_words_are_not_left_in_the_database_file(gateway, var_dir):
    assert (await gateway.post("/api/chat/forensic/messages",
                               json={"text": "FORENSIC-SECRET-77"})).status == 200
    assert (await gateway.delete("/api/chat/forensic")).status == 200
    with gateway.app[STORE].engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"FORENSIC-SECRET-77" not in (var_dir / "helpdesk.db").read_bytes()
