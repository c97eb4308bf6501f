"""The Telegram channel end to end, against the Bot API emulator telegram-test-api (npm).

The test plays the person through the emulator's client API; the gateway
reaches the emulator through TELEGRAM_BASE_URL, by way of the thin front in
tests/telegram_emulator.py; Rasa is tests/fake_rasa.py. Both long polling and
the webhook are run. Skipped, with the reason, when node/npm are missing.
"""
import asyncio
import json

import aiohttp
import pytest

from bot.channels.telegram import TELEGRAM
from tests.telegram_emulator import EmulatorFront, Person, free_port

pytestmark = pytest.mark.slow  # starts the emulator (node)

CHAT_ID = 555000111
LANGUAGE_MENU = [{"title": "العربية", "payload": '/set_language{"language": "ar"}'},
                 {"title": "Français", "payload": '/set_language{"language": "fr"}'}]
LONG_PAYLOAD = '/inform_situation{"situation": "temporary_protection", "place": "Vaulx-en-Velin"}'


@pytest.fixture
async def front(aiohttp_server, emulator):
    proxy = EmulatorFront(emulator.url)
    server = await aiohttp_server(proxy.app())
    proxy.url = str(server.make_url("")).rstrip("/")
    return proxy


def scripted(body):
    """Rasa's part, as the real domain would answer these messages."""
    message = body["message"]
    if message == "/greet":
        return [{"text": "Hello! <b>I am</b> the *assistant*.",
                 "buttons": [{"title": "French classes", "payload": "/language_course_find"}]},
                {"text": "Please do not write your name."}]
    if message == "/choose_language":
        return [{"text": "Choose your language:", "buttons": LANGUAGE_MENU}]
    if message == "long please":
        return [{"text": "\n\n".join(["para " * 200] * 6),
                 "buttons": [{"title": "Temporary protection", "payload": LONG_PAYLOAD}]}]
    return [{"text": f"echo:{message}"}]


async def start_gateway(aiohttp_server, fake_rasa, front, token, webhook: bool):
    from bot.app import init_app
    from bot.settings import Settings

    port = free_port()
    settings = Settings.from_env()
    settings.rasa_urls = [fake_rasa.url]
    settings.rasa_token = fake_rasa.token
    settings.actions_url = fake_rasa.url
    settings.telegram_bot_token = token
    settings.telegram_base_url = f"{front.url}/bot"
    if webhook:
        settings.telegram_webhook_url = f"http://127.0.0.1:{port}/telegram/webhook"
        settings.telegram_webhook_secret = "e2e-secret"
    fake_rasa.script = scripted
    server = await aiohttp_server(init_app(settings), port=port)
    await asyncio.wait_for(server.app[TELEGRAM].ready.wait(), 20)
    return server


async def test_polling_conversation(aiohttp_server, catalogue, fake_rasa, front, emulator):
    token = "1001:POLLING"
    server = await start_gateway(aiohttp_server, fake_rasa, front, token, webhook=False)
    person = Person(emulator.url, token, CHAT_ID, language_code="uk")

    # /start: greeting and privacy notice in the person's Telegram language, then the menu.
    await person.command("/start")
    received = await person.wait_for(3)
    assert [r["message"] for r in fake_rasa.received] == ["/greet", "/choose_language"]
    assert fake_rasa.received[0]["metadata"]["language"] == "uk"
    assert received[0]["text"] == "Hello! <b>I am</b> the *assistant*."  # never read as markup
    assert "parse_mode" not in received[0]
    assert received[0]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "French classes", "callback_data": "/language_course_find"}
    menu = received[2]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in menu] == [b["payload"] for b in LANGUAGE_MENU]

    # A language button: its payload is the message, and the language is switched.
    await person.press(menu[0][0]["callback_data"])
    await person.wait_for(4)
    assert fake_rasa.last()["message"] == '/set_language{"language": "ar"}'
    assert fake_rasa.last()["metadata"]["language"] == "ar"

    # A long answer comes in parts under 4096, its keyboard on the last part;
    # a payload too long for callback_data still reaches Rasa whole.
    await person.say("long please")
    received = await person.wait_for(6)
    parts = received[4:6]
    assert all(len(p["text"]) <= 4096 for p in parts) and "reply_markup" not in parts[0]
    key = parts[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(key.encode()) <= 64
    await person.press(key)
    await person.wait_for(7)
    assert fake_rasa.last()["message"] == LONG_PAYLOAD

    # A shared location becomes the nearest-services payload.
    await person.share_location(45.75, 4.85)
    await person.wait_for(8)
    assert fake_rasa.last()["message"] == '/share_location{"latitude": 45.75, "longitude": 4.85}'

    # Every reply was pushed exactly once, and no raw chat id sits in the database.
    assert len(person.received) == 8
    await asyncio.sleep(0.5)
    assert len(await person.wait_for(8)) == 8
    database = (catalogue / "helpdesk.db").read_bytes()
    assert str(CHAT_ID).encode() not in database
    assert server.app[TELEGRAM].application.updater.running


async def test_webhook_conversation(aiohttp_server, catalogue, fake_rasa, front, emulator):
    token = "1002:WEBHOOK"
    server = await start_gateway(aiohttp_server, fake_rasa, front, token, webhook=True)
    assert front.webhooks[token] == {"url": str(server.make_url("/telegram/webhook")),
                                     "secret": "e2e-secret"}
    person = Person(emulator.url, token, CHAT_ID + 1, language_code="fr")
    await person.say("bonjour")
    received = await person.wait_for(1)
    assert received[0]["text"] == "echo:bonjour"
    assert fake_rasa.last()["metadata"]["channel"] == "telegram"
    await person.press('/set_language{"language": "fr"}')
    await person.wait_for(2)
    assert fake_rasa.last()["message"] == '/set_language{"language": "fr"}'

    # Without the secret header, the webhook refuses the update.
    async with aiohttp.ClientSession() as session:
        update = {"update_id": 999, "message": {"message_id": 1, "date": 1, "text": "intrus",
                                                "chat": {"id": 1, "type": "private"}}}
        async with session.post(server.make_url("/telegram/webhook"), data=json.dumps(update),
                                headers={"Content-Type": "application/json"}) as response:
            assert response.status == 403
    assert "intrus" not in [r["message"] for r in fake_rasa.received]
