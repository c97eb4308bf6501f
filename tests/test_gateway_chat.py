"""The web chat API against a fake Rasa: routing, languages, cases, erasure, limits."""
import json

from sqlalchemy import create_engine, text

from bot.keys import CONVERSATIONS
from bot.pseudonym import pseudonymous_id
from localization import translations


async def send(client, cid, text, **extra):
    return await client.post(f"/api/chat/{cid}/messages", json={"text": text, **extra})


async def test_reply_shape_and_pseudonymous_id(gateway, fake_rasa):
    response = await send(gateway, "abc123", "j'ai besoin d'un médecin s'il vous plaît")
    assert response.status == 200
    body = await response.json()
    assert body["messages"] == [{"text": "echo:j'ai besoin d'un médecin s'il vous plaît"}]
    assert body["language"] == "fr"
    assert body["handoff"] == {"state": "bot", "case_id": None, "urgent": False}
    sent = fake_rasa.last()
    assert sent["sender"] == pseudonymous_id("test-secret", "web", "abc123")
    assert "abc123" not in sent["sender"]
    assert sent["metadata"] == {"language": "fr", "channel": "web"}


async def test_language_follows_message_then_short_messages_keep_it(gateway, fake_rasa):
    await send(gateway, "c1", "أحتاج إلى طبيب من فضلك")
    assert fake_rasa.last()["metadata"]["language"] == "ar"
    body = await (await send(gateway, "c1", "ok")).json()
    assert body["language"] == "ar"
    body = await (await send(gateway, "c1", "69007")).json()
    assert body["language"] == "ar"


async def test_hint_used_when_message_is_unclear(gateway, fake_rasa):
    body = await (await send(gateway, "c2", "👍", locale="uk-UA")).json()
    assert body["language"] == "uk"
    body = await (await send(gateway, "c3", "69007")).json()
    assert body["language"] == "fr"  # nothing to go on: the deployment's default


async def test_explicit_choice_wins_over_detection(gateway, fake_rasa):
    await send(gateway, "c4", '/set_language{"language": "ps"}')
    assert fake_rasa.last()["metadata"]["language"] == "ps"
    body = await (await send(gateway, "c4", "I need a doctor for my son please")).json()
    assert body["language"] == "ps"


async def test_unsupported_language_gets_default_and_menu(gateway, fake_rasa):
    body = await (await send(gateway, "c5", "Ich brauche bitte einen Arzt für meine Tochter")).json()
    assert fake_rasa.last() is None  # not understood by the model: not sent
    assert body["language"] == "fr"
    message = body["messages"][0]
    assert message["text"] == translations().gettext(
        "fr", "Sorry, I cannot write in your language yet. Please choose one of these languages:")
    assert {b["payload"] for b in message["buttons"]} >= {'/set_language{"language": "ps"}'}


async def test_handoff_opens_case_and_bot_stays_silent(gateway, fake_rasa):
    fake_rasa.script = lambda body: [
        {"text": "numbers"}, {"custom": {"handoff": {"urgent": True, "reason": "crisis_violence"}}}]
    body = await (await send(gateway, "c6", "my husband hits me and i am afraid")).json()
    assert body["handoff"]["state"] == "queued"
    assert body["handoff"]["urgent"] is True
    assert body["messages"] == [{"text": "numbers"}]
    received = len(fake_rasa.received)
    body = await (await send(gateway, "c6", "/restart")).json()
    assert len(fake_rasa.received) == received  # the caseworker's, not Rasa's
    assert body["handoff"]["state"] == "queued"
    assert body["messages"][0]["text"] == translations().gettext(
        "en", "Your message was passed to the person from the help desk.")


async def test_cancel_closes_a_queued_case_and_resumes_rasa(gateway, fake_rasa):
    fake_rasa.script = lambda body: [{"custom": {"handoff": {"urgent": False, "reason": "request_human"}}}]
    await send(gateway, "c7", "/affirm")
    fake_rasa.script = lambda body: [{"text": "cancelled"}]
    body = await (await send(gateway, "c7", "/cancel_handoff")).json()
    assert body["handoff"]["state"] == "bot"
    assert fake_rasa.events[-1]["events"] == [{"event": "resume"}]
    assert fake_rasa.last()["message"] == "/cancel_handoff"


async def test_get_messages_after_position(gateway, fake_rasa):
    await send(gateway, "c8", "bonjour je cherche un cours de français")
    listing = await (await gateway.get("/api/chat/c8/messages?after=0")).json()
    assert [m["sender"] for m in listing["messages"]] == ["user", "bot"]
    later = await (await gateway.get("/api/chat/c8/messages?after=1")).json()
    assert [m["position"] for m in later["messages"]] == [2]


async def test_forget_request_erases_everywhere(gateway, fake_rasa, var_dir):
    pseudo = pseudonymous_id("test-secret", "web", "c9")
    tracker = create_engine(f"sqlite:///{var_dir / 'tracker.db'}", future=True)
    with tracker.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, 'x'), ('other', 'y')"),
                           {"s": pseudo})
    await send(gateway, "c9", "I need a lawyer for my asylum appeal")
    fake_rasa.script = lambda body: [{"text": "erased"}, {"custom": {"forget": True}}]
    body = await (await send(gateway, "c9", "/affirm")).json()
    assert body["messages"] == [{"text": "erased"}]
    listing = await (await gateway.get("/api/chat/c9/messages?after=0")).json()
    assert listing["messages"] == []
    with tracker.connect() as connection:
        rows = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
    assert rows == ["other"]


async def test_delete_endpoint_erases_messages_and_cases(gateway, fake_rasa):
    fake_rasa.script = lambda body: [{"custom": {"handoff": {"urgent": True, "reason": "crisis_self_harm"}}}]
    await send(gateway, "c10", "i want to end my life")
    response = await gateway.delete("/api/chat/c10")
    assert response.status == 200
    listing = await (await gateway.get("/api/chat/c10/messages?after=0")).json()
    assert listing["messages"] == []
    fake_rasa.script = lambda body: [{"text": "hello again"}]
    body = await (await send(gateway, "c10", "hello")).json()
    assert body["handoff"]["state"] == "bot"  # the case went with the erasure


async def test_rasa_down_gives_localised_trouble_with_emergency_numbers(gateway, fake_rasa):
    fake_rasa.down = True
    body = await (await send(gateway, "c11", "мне нужна помощь с документами")).json()
    assert body["language"] == "ru"
    text_ = body["messages"][0]["text"]
    assert text_.startswith(translations().gettext("ru", "Sorry, we are having technical trouble. "
                            "Please write again in a few minutes. If you are in danger, call the emergency numbers:"))
    assert "112" in text_ and "15" in text_
    listing = await (await gateway.get("/api/chat/c11/messages?after=0")).json()
    assert listing["messages"][0]["text"] == "мне нужна помощь с документами"  # kept


async def test_bad_input_is_refused_clearly(gateway, fake_rasa):
    response = await gateway.post("/api/chat/c12/messages", data="{not json",
                                  headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"] == "malformed_json"
    response = await send(gateway, "c12", "   ")
    assert response.status == 400
    response = await send(gateway, "c12", "a" * 2001)
    assert response.status == 413
    response = await gateway.post("/api/chat/c12/messages", data=json.dumps({"text": "a" * 20000}),
                                  headers={"Content-Type": "application/json"})
    assert response.status == 413
    response = await send(gateway, "bad id with spaces", "hello")
    assert response.status in (400, 404)
    response = await gateway.post("/api/chat/c12/messages", json={"text": 5})
    assert response.status == 400
    assert fake_rasa.received == []


async def test_rate_limit_per_conversation_spares_others(gateway, fake_rasa):
    for _ in range(30):
        assert (await send(gateway, "busy", "hello")).status == 200
    limited = await send(gateway, "busy", "hello", locale="es")
    assert limited.status == 429
    body = await limited.json()
    assert body["message"] == translations().gettext(
        "es", "You are sending messages very fast. Please wait a minute and try again.")
    assert (await send(gateway, "calm", "hello")).status == 200


async def test_healthz_reports_the_missing_action_server(gateway, fake_rasa):
    assert (await gateway.get("/healthz")).status == 200
    fake_rasa.actions_down = True
    response = await gateway.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["rasa"] == "ok" and body["db"] == "ok" and body["actions"] != "ok"


async def test_security_headers(gateway):
    response = await gateway.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_an_empty_answer_from_rasa_is_never_passed_on_as_silence(gateway, fake_rasa):
    fake_rasa.script = lambda body: []
    body = await (await send(gateway, "c13", "I want to kill myself")).json()
    assert body["messages"] and "112" in body["messages"][0]["text"]


async def test_nlg_accepts_a_long_conversations_tracker(gateway):
    events = [{"event": "user", "text": "x" * 200}] * 500
    body = {"response": "utter_goodbye", "arguments": {}, "channel": {"name": "helpdesk"},
            "tracker": {"sender_id": "x", "slots": {}, "events": events,
                        "latest_message": {"metadata": {"language": "en"}}}}
    response = await gateway.post(f"/nlg?token={gateway.settings.rasa_token}", json=body)
    assert response.status == 200


async def test_no_message_text_or_raw_id_in_logs(gateway, fake_rasa, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    fake_rasa.script = lambda body: [{"text": "reply"}, {"custom": {"handoff": {"urgent": True,
                                                                              "reason": "crisis_violence"}}}]
    await send(gateway, "raw-id-4711", "secret words about my husband")
    fake_rasa.down = True
    await send(gateway, "raw-id-4712", "more secret words")
    # aiohttp's test server keeps its own access log; production uses
    # RedactingAccessLogger (tested below), so that one is left out here.
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name != "aiohttp.access")
    assert "secret words" not in logged
    assert "raw-id-471" not in logged


async def test_access_log_shows_routes_not_conversation_ids(aiohttp_client, caplog):
    import logging

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from bot.access_log import RedactingAccessLogger

    app = web.Application()

    async def handler(request):
        return web.json_response({})

    app.router.add_post("/api/chat/{conversation_id}/messages", handler)
    request = make_mocked_request("POST", "/api/chat/raw-id-4713/messages?x=secret", app=app)
    match = await app.router.resolve(request)
    request._match_info = match
    caplog.set_level(logging.INFO)
    RedactingAccessLogger(logging.getLogger("access"), "").log(request, web.Response(), 0.01)
    assert caplog.records[-1].getMessage() == "POST /api/chat/{conversation_id}/messages 200 0.010s"


async def test_safety_net_sends_the_crisis_to_rasa_even_if_the_model_would_miss_it(gateway, fake_rasa):
    from bot.keys import CONVERSATIONS
    from bot.safety_net import SafetyNet, load_language_net

    net_file = gateway.settings.var_dir / "xx.yml"
    net_file.write_text('crisis_self_harm:\n  phrases: ["want to disappear"]\nexclusions:\n  phrases: []\n')
    gateway.app[CONVERSATIONS].safety_net = SafetyNet([load_language_net(net_file)])
    await send(gateway, "c14", "I just want to disappear forever")
    assert fake_rasa.last()["message"] == "/crisis_self_harm"
    assert fake_rasa.last()["metadata"]["safety_net"] is True
    listing = await (await gateway.get("/api/chat/c14/messages?after=0")).json()
    assert listing["messages"][0]["text"] == "I just want to disappear forever"  # the person's words kept


async def test_retention_erases_idle_conversations_everywhere(gateway, fake_rasa):
    from datetime import timedelta

    from sqlalchemy import update

    from bot.keys import CONVERSATIONS
    from bot.retention import purge_expired
    from bot.store import Conversation, utcnow

    await send(gateway, "old", "bonjour je cherche un cours de français")
    await send(gateway, "recent", "bonjour je cherche un cours de français")
    service = gateway.app[CONVERSATIONS]
    with service.store.session() as session, session.begin():
        session.execute(update(Conversation)
                        .where(Conversation.id == pseudonymous_id("test-secret", "web", "old"))
                        .values(last_seen_at=utcnow() - timedelta(days=31)))
    assert await purge_expired(service, 30) == 1
    old = await (await gateway.get("/api/chat/old/messages?after=0")).json()
    recent = await (await gateway.get("/api/chat/recent/messages?after=0")).json()
    assert old["messages"] == [] and len(recent["messages"]) == 2


async def test_a_message_sent_while_rasa_is_down_is_processed_once_when_it_is_back(gateway, fake_rasa):
    from bot.keys import CONVERSATIONS

    fake_rasa.down = True
    body = await (await send(gateway, "c15", "where can i find a free lawyer")).json()
    assert "112" in body["messages"][0]["text"]  # an answer at once, with emergency numbers
    fake_rasa.down = False
    fake_rasa.script = lambda body: [{"text": f"answer to {body['message']}"}]
    assert await gateway.app[CONVERSATIONS].replay_waiting(older_than_seconds=0) == 1
    assert await gateway.app[CONVERSATIONS].replay_waiting(older_than_seconds=0) == 0
    assert [m["message"] for m in fake_rasa.received] == ["where can i find a free lawyer"]
    pseudo = pseudonymous_id("test-secret", "web", "c15")
    assert fake_rasa.received[0]["message_id"] == f"{pseudo}:1"
    listing = await (await gateway.get("/api/chat/c15/messages?after=2")).json()
    assert [m["text"] for m in listing["messages"]] == ["answer to where can i find a free lawyer"]


async def test_waiting_messages_go_to_rasa_before_the_next_one_in_order(gateway, fake_rasa):
    fake_rasa.down = True
    await send(gateway, "c16", "first message about food")
    fake_rasa.down = False
    fake_rasa.script = lambda body: [{"text": f"re: {body['message']}"}]
    body = await (await send(gateway, "c16", "second message about a doctor")).json()
    assert [m["message"] for m in fake_rasa.received] == ["first message about food",
                                                         "second message about a doctor"]
    assert [m["text"] for m in body["messages"]] == ["re: first message about food",
                                                     "re: second message about a doctor"]


async def test_a_slow_rasa_times_out_and_its_answer_is_recovered_not_sent_twice(gateway, fake_rasa):
    from bot.keys import CONVERSATIONS

    service = gateway.app[CONVERSATIONS]
    service.rasa.timeout = __import__("aiohttp").ClientTimeout(total=0.3)
    fake_rasa.delay = 1.0
    fake_rasa.script = lambda body: [{"text": "late answer"}]
    body = await (await send(gateway, "c17", "i need a lawyer please")).json()
    assert "112" in body["messages"][0]["text"]  # did not wait for the slow answer
    fake_rasa.delay = 0.0
    await __import__("asyncio").sleep(1.0)
    assert await service.replay_waiting(older_than_seconds=0) == 1
    assert len(fake_rasa.received) == 1  # processed once
    listing = await (await gateway.get("/api/chat/c17/messages?after=0")).json()
    assert listing["messages"][-1]["text"] == "late answer"


async def test_a_waiting_request_to_be_forgotten_is_honoured_before_anything_else(gateway, fake_rasa):
    fake_rasa.down = True
    await send(gateway, "c18", "/affirm")  # the confirmation of "forget me", while Rasa is down
    fake_rasa.down = False
    fake_rasa.script = lambda body: ([{"text": "erased"}, {"custom": {"forget": True}}]
                                     if body["message"] == "/affirm" else [{"text": "hello"}])
    response = await send(gateway, "c18", "hello again")
    assert response.status == 200
    assert (await response.json())["messages"] == [{"text": "erased"}]
    listing = await (await gateway.get("/api/chat/c18/messages?after=0")).json()
    assert listing["messages"] == []


async def test_a_crisis_waiting_for_rasa_opens_a_case_the_next_message_does_not_close(gateway, fake_rasa):
    fake_rasa.down = True
    await send(gateway, "c19", "he beats me every night")
    await send(gateway, "c19", "please help")
    fake_rasa.down = False
    fake_rasa.script = lambda body: ([{"text": "numbers"},
                                      {"custom": {"handoff": {"urgent": True, "reason": "crisis_violence"}}}]
                                     if body["message"] in ("he beats me every night", "/crisis_violence")
                                     else [{"text": "bot"}])
    body = await (await send(gateway, "c19", "are you there?")).json()
    assert body["handoff"]["state"] == "queued" and body["handoff"]["urgent"] is True
    assert len(fake_rasa.received) == 1  # only the crisis; the rest went to the caseworker
    assert body["messages"][0]["text"] == "numbers"


async def test_cancel_once_a_caseworker_has_the_case_goes_to_the_caseworker(gateway, fake_rasa):
    from sqlalchemy import update

    from bot.keys import CONVERSATIONS
    from bot.store import Case

    fake_rasa.script = lambda body: [{"custom": {"handoff": {"urgent": True, "reason": "crisis_violence"}}},
                                     {"text": "numbers"}]
    await send(gateway, "c20", "he beats me")
    with gateway.app[CONVERSATIONS].store.session() as session, session.begin():
        session.execute(update(Case).values(state="with_caseworker"))
    received = len(fake_rasa.received)
    body = await (await send(gateway, "c20", "/cancel_handoff")).json()
    assert body["handoff"]["state"] == "with_caseworker"
    assert len(fake_rasa.received) == received


async def test_a_message_waits_while_the_action_server_is_down(gateway, fake_rasa):
    """Fault: the action server is down. Rasa answers 200 with nothing; the person gets
    the trouble reply with the emergency numbers, and the message is processed, once,
    when the action server is back (not lost as 'processed badly')."""
    conversations = gateway.app[CONVERSATIONS]
    fake_rasa.actions_down = True
    body = await (await send(gateway, "act-down", "where is the food bank?")).json()
    assert "112" in body["messages"][0]["text"]
    assert await conversations.replay_waiting(older_than_seconds=0) == 0  # still down: nothing resent
    assert len(fake_rasa.received) == 1
    fake_rasa.actions_down = False
    assert await conversations.replay_waiting(older_than_seconds=0) == 1
    listing = await (await gateway.get("/api/chat/act-down/messages")).json()
    texts = [m["text"] for m in listing["messages"]]
    assert texts.count("echo:where is the food bank?") == 1
    assert len(fake_rasa.received) == 2  # sent again once, with the same message id
    assert fake_rasa.received[0]["message_id"] == fake_rasa.received[1]["message_id"]


async def test_a_case_keeps_its_conversation_until_its_own_period_ends(gateway, fake_rasa):
    """Retention: an open case is never purged; a closed one goes HELPDESK_CASE_RETENTION_DAYS
    after closing, with its conversation and transcript."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot.retention import purge_expired
    from bot.store import Case, Conversation, utcnow

    fake_rasa.script = lambda body: [{"text": "a person will answer"},
                                     {"custom": {"handoff": {"urgent": False, "reason": "request_human"}}}]
    body = await (await send(gateway, "cased", "I want to talk to a person")).json()
    case_id = body["handoff"]["case_id"]
    service = gateway.app[CONVERSATIONS]
    cid = pseudonymous_id("test-secret", "web", "cased")

    def age(days_idle, days_closed=None):
        with service.store.session() as session, session.begin():
            session.execute(update(Conversation).where(Conversation.id == cid)
                            .values(last_seen_at=utcnow() - timedelta(days=days_idle)))
            if days_closed is not None:
                session.execute(update(Case).where(Case.id == case_id).values(
                    state="closed", closed_at=utcnow() - timedelta(days=days_closed)))

    age(60)
    assert await purge_expired(service, 30, 30) == 0  # the case is still open
    age(60, days_closed=10)
    assert await purge_expired(service, 30, 30) == 0  # closed, but within its own period
    age(60, days_closed=31)
    assert await purge_expired(service, 30, 30) == 1
    assert service.store.case(case_id) is None
    listing = await (await gateway.get("/api/chat/cased/messages?after=0")).json()
    assert listing["messages"] == []
