"""The Telegram channel without Telegram: rendering, the webhook, the ledger, the outbox.

Telegram is replaced at its HTTP boundary (tests/fake_telegram.py) and Rasa at
its own (tests/fake_rasa.py); python-telegram-bot, the gateway and its
database are the real ones. The emulator-based end-to-end tests are in
test_telegram_e2e.py.
"""
import asyncio
import json
import time

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from telegram import Bot

from bot.channels.telegram import (CHANNEL, SECRET_HEADER, TELEGRAM, TelegramSender, command_texts,
                                   location_text, webhook_secret)
from bot.channels.telegram_render import (BUTTONS_ONLY_TEXT, MAX_CALLBACK_BYTES, keyboard, render,
                                          resolve_callback, split_text, utf16_length)
from bot.keys import CONVERSATIONS, STORE
from bot.outbox import Outbox
from bot.pseudonym import pseudonymous_id
from bot.sealed import AddressSealer
from bot.settings import Settings
from bot.store import GatewayStore, make_engine
from tests.fake_telegram import FakeTelegram

CHAT_ID = 987654321
SECRET = "webhook-secret_1"
LONG_PAYLOAD = '/inform_situation{"situation": "temporary_protection", "place": "Vaulx-en-Velin"}'


# -- rendering ---------------------------------------------------------------------
def test_short_text_is_one_part():
    assert split_text("Bonjour") == ["Bonjour"]


def test_long_text_is_split_at_paragraphs_under_the_limit():
    paragraph = ("word " * 300).strip()  # 1499 characters
    text = "\n\n".join([paragraph] * 6)
    parts = split_text(text)
    assert len(parts) == 3
    assert all(utf16_length(p) <= 4096 for p in parts)
    assert all(p.startswith("word") and p.endswith("word") for p in parts)
    assert "\n\n".join(parts) == text


def test_split_counts_utf16_units_like_telegram():
    text = "😀" * 3000  # 6000 UTF-16 units, 3000 characters: one part would be refused
    parts = split_text(text)
    assert [len(p) for p in parts] == [2048, 952]
    assert "".join(parts) == text


@hsettings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "ب", " ", "\n", "😀", "é"]), max_size=600),
       st.integers(min_value=8, max_value=120))
def test_split_keeps_every_visible_character_in_order(text, limit):
    parts = split_text(text, limit)
    assert all(utf16_length(p) <= limit for p in parts)
    assert all(p.strip() == p and p for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_short_payloads_are_the_callback_data_and_long_ones_a_short_key():
    short = '/set_language{"language": "ar"}'
    long = '/inform_situation{"situation": "temporary_protection", "place": "Villeurbanne"}'
    arabic = "/inform" + "ب" * 30  # 67 bytes in UTF-8, 37 characters
    markup = keyboard([{"title": "العربية", "payload": short}, {"title": "TP", "payload": long},
                       {"title": "ب", "payload": arabic}])
    data = [row[0].callback_data for row in markup.inline_keyboard]
    assert data[0] == short
    assert data[1] != long and data[2] != arabic
    assert all(len(d.encode("utf-8")) <= MAX_CALLBACK_BYTES for d in data)
    offered = [short, long, arabic]
    assert [resolve_callback(d, offered) for d in data] == offered
    assert resolve_callback(data[1], [short]) is None  # a key no button of this chat has


def test_text_is_sent_as_it_is_with_the_keyboard_on_the_last_part():
    text = "<b>Café</b> *bold* _it_ [link](http://x) `code` &amp;"
    parts = render(text, [{"title": "Yes", "payload": "/affirm"}])
    assert len(parts) == 1 and parts[0][0] == text
    assert parts[0][1].inline_keyboard[0][0].text == "Yes"
    long_parts = render("x " * 5000, [{"title": "Yes", "payload": "/affirm"}])
    assert [markup is not None for _, markup in long_parts] == [False, False, True]
    assert render("", [{"title": "Yes", "payload": "/affirm"}])[0][0] == BUTTONS_ONLY_TEXT
    assert render("   ", None) == []


def test_commands_and_locations_become_service_texts():
    assert command_texts("/start") == ["/greet", "/language"]
    assert command_texts("/START@helpdesk_bot ref") == ["/greet", "/language"]
    assert command_texts("/help") == ["/greet"]
    assert command_texts("/language") == ["/language"]
    assert command_texts("/forget") == ["/forget_me"]
    assert command_texts("cours de français") == ["cours de français"]
    assert location_text(45.75, 4.85) == '/share_location{"latitude": 45.75, "longitude": 4.85}'
    # Rounded to about 100 m before Rasa keeps it.
    assert location_text(45.7512345, 4.8598765) == '/share_location{"latitude": 45.751, "longitude": 4.86}'


def test_a_webhook_secret_exists_even_when_unset():
    derived = webhook_secret(Settings(secret="s", telegram_webhook_url="https://x/telegram/webhook"))
    assert len(derived) >= 32 and derived.isalnum()
    assert webhook_secret(Settings(secret="s", telegram_webhook_secret="mine")) == "mine"


# -- the webhook, through the real gateway ------------------------------------------------
@pytest.fixture
async def fake_telegram(aiohttp_server):
    telegram = FakeTelegram()
    server = await aiohttp_server(telegram.app())
    telegram.url = str(server.make_url("")).rstrip("/")
    return telegram


@pytest.fixture
async def tg_gateway(aiohttp_client, catalogue, fake_rasa, fake_telegram):
    """The gateway in webhook mode, Telegram and Rasa faked at their HTTP boundaries."""
    from bot.app import init_app

    settings = Settings.from_env()
    settings.rasa_urls = [fake_rasa.url]
    settings.rasa_token = fake_rasa.token
    settings.actions_url = fake_rasa.url
    settings.telegram_bot_token = "123:TEST"
    settings.telegram_base_url = fake_telegram.base_url
    settings.telegram_webhook_url = "https://helpdesk.example/telegram/webhook"
    settings.telegram_webhook_secret = SECRET
    client = await aiohttp_client(init_app(settings))
    await asyncio.wait_for(client.app[TELEGRAM].ready.wait(), 10)
    client.settings = settings
    return client


def message_update(update_id: int, text: str, language_code: str = "fr") -> dict:
    user = {"id": CHAT_ID, "is_bot": False, "first_name": "A", "language_code": language_code}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": CHAT_ID, "type": "private", "first_name": "A"}}}


def callback_update(update_id: int, data: str) -> dict:
    user = {"id": CHAT_ID, "is_bot": False, "first_name": "A", "language_code": "fr"}
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "from": user, "chat_instance": "ci", "data": data,
        "message": {"message_id": 1, "date": int(time.time()),
                    "chat": {"id": CHAT_ID, "type": "private"}, "text": "?"}}}


async def post_update(client, update: dict, secret=SECRET):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return await client.post("/telegram/webhook", json=update, headers=headers)


async def test_webhook_is_set_with_its_secret(tg_gateway, fake_telegram):
    calls = [c for c in fake_telegram.calls if c["method"] == "setWebhook"]
    assert calls and calls[0]["params"]["secret_token"] == SECRET
    assert calls[0]["params"]["url"] == "https://helpdesk.example/telegram/webhook"
    assert calls[0]["token"] == "123:TEST"


async def test_update_without_the_right_secret_is_refused(tg_gateway, fake_rasa):
    assert (await post_update(tg_gateway, message_update(1, "hello"), secret=None)).status == 403
    assert (await post_update(tg_gateway, message_update(2, "hello"), secret="wrong")).status == 403
    assert fake_rasa.received == []
    response = await post_update(tg_gateway, message_update(3, "hello"))
    assert response.status == 200
    assert [r["message"] for r in fake_rasa.received] == ["hello"]


async def test_no_webhook_route_in_polling_mode(gateway):
    assert (await gateway.post("/telegram/webhook", json={})).status == 404


async def test_message_goes_to_rasa_and_the_reply_comes_back(tg_gateway, fake_rasa, fake_telegram):
    fake_rasa.script = lambda body: [{"text": "<b>Réponse</b> *1*", "buttons": [
        {"title": "Oui", "payload": "/affirm"},
        {"title": "Long", "payload": LONG_PAYLOAD}]}]
    response = await post_update(tg_gateway, message_update(10, "cours de français"))
    assert response.status == 200
    body = fake_rasa.last()
    conversation_id = pseudonymous_id("test-secret", CHANNEL, str(CHAT_ID))
    assert body["sender"] == conversation_id and body["metadata"]["channel"] == "telegram"
    sent = fake_telegram.sent()
    assert len(sent) == 1
    assert sent[0]["text"] == "<b>Réponse</b> *1*" and "parse_mode" not in sent[0]
    assert sent[0]["chat_id"] == str(CHAT_ID)
    rows = json.loads(sent[0]["reply_markup"])["inline_keyboard"]
    assert rows[0][0] == {"text": "Oui", "callback_data": "/affirm"}
    long_key = rows[1][0]["callback_data"]
    assert long_key.startswith("#k:")
    # Pressing the long button sends its whole payload to Rasa.
    response = await post_update(tg_gateway, callback_update(11, long_key))
    assert response.status == 200
    assert fake_rasa.last()["message"] == LONG_PAYLOAD
    assert any(c["method"] == "answerCallbackQuery" for c in fake_telegram.calls)
    # Nothing readable about the chat in the database: the id is only sealed.
    store = tg_gateway.app[STORE]
    conversation = store.conversation(conversation_id)
    assert conversation.sealed_address and str(CHAT_ID) not in conversation.sealed_address
    assert [m.status for m in store.messages_after(conversation_id, 0)] == ["done"] * 4


async def test_a_duplicate_update_is_processed_once(tg_gateway, fake_rasa, fake_telegram):
    update = message_update(20, "bonjour")
    assert (await post_update(tg_gateway, update)).status == 200
    assert (await post_update(tg_gateway, update)).status == 200
    assert [r["message"] for r in fake_rasa.received] == ["bonjour"]
    assert len(fake_telegram.sent()) == 1


async def test_start_greets_in_the_users_language_and_shows_the_menu(tg_gateway, fake_rasa):
    assert (await post_update(tg_gateway, message_update(30, "/start", "uk"))).status == 200
    assert [r["message"] for r in fake_rasa.received] == ["/greet", "/choose_language"]
    assert fake_rasa.received[0]["metadata"]["language"] == "uk"


async def test_an_interrupted_update_is_not_sent_to_rasa_twice(tg_gateway, fake_rasa, fake_telegram):
    """A crash after the message reached the inbox: the inbox replays it, the
    redelivered update must not send it again; a crash before: it is processed."""
    channel = tg_gateway.app[TELEGRAM]
    conversations = tg_gateway.app[CONVERSATIONS]
    conversation_id = pseudonymous_id("test-secret", CHANNEL, str(CHAT_ID))
    # /start was interrupted after its first message (/greet) was stored.
    await asyncio.to_thread(channel.ledger.receive, 40, conversation_id)
    await conversations.handle_user_message(conversation_id, CHANNEL, "/greet", hint="fr",
                                            address=str(CHAT_ID))
    assert (await post_update(tg_gateway, message_update(40, "/start"))).status == 200
    assert [r["message"] for r in fake_rasa.received] == ["/greet", "/choose_language"]
    assert channel.ledger.status(40) == "processed"
    # Interrupted before anything was stored.
    await asyncio.to_thread(channel.ledger.receive, 41, conversation_id)
    assert (await post_update(tg_gateway, message_update(41, "merci"))).status == 200
    assert fake_rasa.last()["message"] == "merci" and len(fake_rasa.received) == 3


async def test_a_message_that_waited_for_rasa_is_answered_on_telegram(tg_gateway, fake_rasa,
                                                                     fake_telegram):
    fake_rasa.down = True
    assert (await post_update(tg_gateway, message_update(45, "aide"))).status == 200
    assert len(fake_telegram.sent()) == 1  # "technical trouble", with the emergency numbers
    fake_rasa.down = False
    assert await tg_gateway.app[CONVERSATIONS].replay_waiting(older_than_seconds=0) == 1
    assert [s["text"] for s in fake_telegram.sent()][1:] == ["echo:aide"]
    assert (await post_update(tg_gateway, message_update(45, "aide"))).status == 200
    assert [r["message"] for r in fake_rasa.received] == ["aide"]


async def test_a_malformed_update_is_refused(tg_gateway):
    response = await tg_gateway.post("/telegram/webhook", data=b"{not json",
                                     headers={SECRET_HEADER: SECRET})
    assert response.status == 400


async def test_forgetting_still_tells_the_person(tg_gateway, fake_rasa, fake_telegram):
    fake_rasa.script = lambda body: [{"text": "Everything was erased."}, {"custom": {"forget": True}}]
    assert (await post_update(tg_gateway, message_update(50, "/affirm"))).status == 200
    assert [s["text"] for s in fake_telegram.sent()] == ["Everything was erased."]
    conversation_id = pseudonymous_id("test-secret", CHANNEL, str(CHAT_ID))
    assert tg_gateway.app[STORE].conversation(conversation_id) is None


async def test_what_cannot_be_read_gets_a_notice_in_the_users_language(tg_gateway, fake_rasa,
                                                                       fake_telegram):
    update = message_update(60, "x")
    del update["message"]["text"]
    update["message"]["sticker"] = {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1,
                                    "is_animated": False, "is_video": False, "type": "regular"}
    assert (await post_update(tg_gateway, update)).status == 200
    assert fake_rasa.received == []
    translations = tg_gateway.app[CONVERSATIONS].translations
    from bot.channels.telegram import NOT_TEXT
    assert fake_telegram.sent()[0]["text"] == translations.gettext("fr", NOT_TEXT)


async def test_a_shared_location_is_sent_as_its_payload(tg_gateway, fake_rasa):
    update = message_update(70, "x")
    del update["message"]["text"]
    update["message"]["location"] = {"latitude": 45.75, "longitude": 4.85}
    assert (await post_update(tg_gateway, update)).status == 200
    assert fake_rasa.last()["message"] == '/share_location{"latitude": 45.75, "longitude": 4.85}'


async def test_no_text_or_chat_id_in_the_logs(tg_gateway, fake_rasa, caplog):
    caplog.set_level("DEBUG")
    await post_update(tg_gateway, message_update(80, "mon secret très personnel"))
    await post_update(tg_gateway, message_update(80, "mon secret très personnel"))
    # (Access lines are the fake servers' own: the gateway's are redacted, see test_gateway_chat.)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert "telegram update delivered twice" in logged
    assert "personnel" not in logged and str(CHAT_ID) not in logged and "123:TEST" not in logged


# -- the outbox: 429, network errors, refusals ---------------------------------------------
@pytest.fixture
async def outbox_with_bot(var_dir, fake_telegram):
    store = GatewayStore(make_engine(f"sqlite:///{var_dir / 'outbox.db'}"))
    sealer = AddressSealer("test-secret")
    outbox = Outbox(store, sealer.open)
    bot = Bot("123:TEST", base_url=fake_telegram.base_url)
    await bot.initialize()
    outbox.register(CHANNEL, TelegramSender(lambda: bot))
    store.get_or_create_conversation("te-1", CHANNEL)
    store.set_sealed_address("te-1", sealer.seal(str(CHAT_ID)))
    yield store, outbox
    await bot.shutdown()


def statuses(store):
    return [m.status for m in store.messages_after("te-1", 0)]


async def test_429_is_retried_after_retry_after(outbox_with_bot, fake_telegram):
    store, outbox = outbox_with_bot
    store.add_message("te-1", "bot", "Bonjour", status="to_send")
    fake_telegram.fail_next(429, "Too Many Requests: retry after 1", retry_after=1)
    assert await outbox.flush("te-1") == 0
    assert statuses(store) == ["to_send"]  # kept, not lost
    assert await outbox.flush(due_only=True) == 0  # not before retry_after
    await asyncio.sleep(1.1)
    assert await outbox.flush(due_only=True) == 1
    assert [s["text"] for s in fake_telegram.sent()] == ["Bonjour"]
    assert statuses(store) == ["done"]
    assert await outbox.flush(due_only=True) == 0  # sent once


async def test_a_retry_resumes_after_the_parts_already_sent(outbox_with_bot, fake_telegram):
    store, outbox = outbox_with_bot
    store.add_message("te-1", "bot", "a" * 3000 + "\n\n" + "b" * 3000, status="to_send")
    store.add_message("te-1", "bot", "next", status="to_send")
    fake_telegram.succeed_next()
    fake_telegram.fail_next(429, "Too Many Requests: retry after 1", retry_after=1)
    assert await outbox.flush("te-1") == 0
    # The second part waits, and the next message does not overtake it.
    assert [s["text"][0] for s in fake_telegram.sent()] == ["a"]
    assert statuses(store) == ["to_send", "to_send"]
    await asyncio.sleep(1.1)
    assert await outbox.flush(due_only=True) == 2
    assert [s["text"][0] for s in fake_telegram.sent()] == ["a", "b", "n"]


async def test_a_network_error_is_retried_with_back_off(outbox_with_bot, fake_telegram):
    store, outbox = outbox_with_bot
    store.add_message("te-1", "bot", "Bonjour", status="to_send")
    fake_telegram.fail_next(502, "Bad Gateway")
    assert await outbox.flush("te-1") == 0
    assert statuses(store) == ["to_send"]
    await asyncio.sleep(1.1)  # the first back-off is one second
    assert await outbox.flush(due_only=True) == 1
    assert [s["text"] for s in fake_telegram.sent()] == ["Bonjour"]


@pytest.mark.parametrize("status,description", [
    (403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")])
async def test_a_refusal_for_good_is_undeliverable(outbox_with_bot, fake_telegram, status, description):
    store, outbox = outbox_with_bot
    store.add_message("te-1", "bot", "Bonjour", status="to_send")
    fake_telegram.fail_next(status, description)
    await outbox.flush("te-1")
    assert statuses(store) == ["undeliverable"]
    assert await outbox.flush(due_only=True) == 0
