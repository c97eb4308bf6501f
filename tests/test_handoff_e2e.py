"""A crisis, from the person's first message to the erased transcript (issue 5's end-to-end path).

For a person on Telegram (through the Bot API emulator) and one on the web
widget's API: a crisis message → the safety net → an urgent case in the queue
→ a caseworker claims it and replies → the reply reaches the person on their
channel → the person's answer reaches the console and not the bot → close →
the bot answers again → erasing the conversation removes the case transcript.
Rasa is tests/fake_rasa.py, answering the crisis intent as the domain's rule does.
"""
import asyncio

import aiohttp
import pytest

from bot.auth import ACCOUNTS
from bot.channels.telegram import TELEGRAM
from tests.telegram_emulator import EmulatorFront, Person, free_port

pytestmark = pytest.mark.slow  # starts the Telegram emulator (node)

PASSWORD = "a caseworker's long password"


def rasa_as_the_domain(body):
    message = body["message"]
    if message.startswith("/crisis_"):
        return [{"text": "Call 17 or 112 now. A person from the help desk will answer you."},
                {"custom": {"handoff": {"urgent": True, "reason": message[1:]}}}]
    if message == "/forget_me":
        return [{"text": "Everything was erased."}, {"custom": {"forget": True}}]
    return [{"text": f"bot:{message}"}]


@pytest.fixture
async def running(aiohttp_server, catalogue, fake_rasa, emulator):
    from bot.app import init_app
    from bot.settings import Settings

    front = EmulatorFront(emulator.url)
    front_server = await aiohttp_server(front.app())
    settings = Settings.from_env()
    settings.rasa_urls = [fake_rasa.url]
    settings.rasa_token = fake_rasa.token
    settings.actions_url = fake_rasa.url
    settings.telegram_bot_token = "2001:HANDOFF"
    settings.telegram_base_url = f"{str(front_server.make_url('')).rstrip('/')}/bot"
    fake_rasa.script = rasa_as_the_domain
    server = await aiohttp_server(init_app(settings), port=free_port())
    await asyncio.wait_for(server.app[TELEGRAM].ready.wait(), 20)
    server.app[ACCOUNTS].create("cw@example.org", PASSWORD, languages=["fr", "uk"])
    return server


class Console:
    """A caseworker at the console's API."""

    def __init__(self, base):
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.token = None

    async def sign_in(self):
        async with self.http.post(f"{self.base}/api/staff/login",
                                  json={"email": "cw@example.org", "password": PASSWORD}) as r:
            assert r.status == 200
            self.token = (await r.json())["csrf_token"]

    async def get(self, path):
        async with self.http.get(f"{self.base}{path}") as r:
            return r.status, await r.json()

    async def post(self, path, body=None):
        async with self.http.post(f"{self.base}{path}", json=body or {},
                                  headers={"X-CSRF-Token": self.token}) as r:
            return r.status, await r.json()


async def wait_until(check, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def caseworker_takes_and_answers(console, case_id, reply):
    status, queue = await console.get("/api/staff/cases?state=queued")
    assert status == 200 and queue["cases"][0]["id"] == case_id and queue["cases"][0]["urgent"]
    assert (await console.post(f"/api/staff/cases/{case_id}/claim"))[0] == 200
    status, body = await console.post(f"/api/staff/cases/{case_id}/messages", {"text": reply})
    assert status == 201


async def test_crisis_on_telegram_to_erased_transcript(running, fake_rasa, emulator):
    base = str(running.make_url("")).rstrip("/")
    console = Console(base)
    await console.sign_in()
    person = Person(emulator.url, "2001:HANDOFF", 777000111, language_code="fr")
    try:
        await person.say("mon mari m'a frappée et il menace de me tuer")
        received = await person.wait_for(1)
        assert "17" in received[0]["text"]
        crisis = [r["message"] for r in fake_rasa.received if r["message"].startswith("/crisis_")]
        assert crisis == ["/crisis_violence"]  # the safety net, in French

        status, queue = await console.get("/api/staff/cases?state=queued")
        case_id = queue["cases"][0]["id"]
        assert queue["cases"][0]["language"] == "fr" and queue["cases"][0]["channel"] == "telegram"
        await caseworker_takes_and_answers(console, case_id, "Je suis là. Êtes-vous en sécurité ?")
        received = await person.wait_for(2)
        assert received[1]["text"] == "Je suis là. Êtes-vous en sécurité ?"  # on Telegram

        sent_to_rasa = len(fake_rasa.received)
        await person.say("oui je suis chez une amie")

        async def reached_console():
            _, case = await console.get(f"/api/staff/cases/{case_id}")
            return any(m["text"] == "oui je suis chez une amie" for m in case["transcript"])
        await wait_until(reached_console)
        assert len(fake_rasa.received) == sent_to_rasa  # not the bot's

        assert (await console.post(f"/api/staff/cases/{case_id}/close",
                                   {"outcome": "referred_to_service"}))[0] == 200
        await person.wait_for(3)  # "your message was passed on" for the last one
        await person.say("merci, où trouver un cours de français ?")
        received = await person.wait_for(4)
        assert received[-1]["text"] == "bot:merci, où trouver un cours de français ?"

        await person.command("/forget")
        await person.wait_for(5)
        status, _ = await console.get(f"/api/staff/cases/{case_id}")
        assert status == 404  # the transcript is gone with the conversation
    finally:
        await console.http.close()


async def test_crisis_on_the_widget_to_erased_transcript(running, fake_rasa):
    base = str(running.make_url("")).rstrip("/")
    console = Console(base)
    await console.sign_in()
    widget = aiohttp.ClientSession()
    try:
        async def say(text):
            async with widget.post(f"{base}/api/chat/w-crisis/messages",
                                   json={"text": text, "locale": "uk"}) as r:
                assert r.status == 200
                return await r.json()

        first = await say("мені погано, я хочу покінчити з собою")
        assert first["handoff"]["state"] == "queued" and first["handoff"]["urgent"] is True
        case_id = first["handoff"]["case_id"]
        await caseworker_takes_and_answers(console, case_id, "Я тут. Ви зараз у безпеці?")

        # The widget hears of it on its WebSocket (or reads it by position).
        async with widget.get(f"{base}/api/chat/w-crisis/messages?after=0") as r:
            messages = (await r.json())["messages"]
        assert messages[-1] == {"position": messages[-1]["position"], "sender": "caseworker",
                                "text": "Я тут. Ви зараз у безпеці?"}

        sent_to_rasa = len(fake_rasa.received)
        answer = await say("так, я в безпеці")
        assert answer["handoff"]["state"] == "with_caseworker"
        assert len(fake_rasa.received) == sent_to_rasa
        _, case = await console.get(f"/api/staff/cases/{case_id}")
        assert case["transcript"][-2]["text"] == "так, я в безпеці"

        assert (await console.post(f"/api/staff/cases/{case_id}/close",
                                   {"outcome": "information_given"}))[0] == 200
        again = await say("дякую")
        assert again["handoff"]["state"] == "bot" and again["messages"][-1]["text"] == "bot:дякую"

        async with widget.delete(f"{base}/api/chat/w-crisis") as r:
            assert r.status == 200
        status, _ = await console.get(f"/api/staff/cases/{case_id}")
        assert status == 404
    finally:
        await widget.close()
        await console.http.close()
