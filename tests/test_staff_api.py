"""The staff API: sign-in security, the queue, claim, reply through the person's channel, close."""
import pytest
import sqlalchemy

from bot.auth import ACCOUNTS
from bot.keys import AUDIT, STORE
from tests.helpers import PASSWORD, handoff_script, make_account


async def sign_in(client, email, password=PASSWORD, status=200):
    response = await client.post("/api/staff/login", json={"email": email, "password": password})
    assert response.status == status, await response.text()
    return (await response.json()).get("csrf_token") if status == 200 else None


async def open_case(client, conversation="widget-1", text="help me", lang="fr"):
    response = await client.post(f"/api/chat/{conversation}/messages", json={"text": text, "locale": lang})
    body = await response.json()
    assert body["handoff"]["state"] == "queued", body
    return body["handoff"]["case_id"]


async def test_staff_api_needs_a_session(gateway):
    for path in ("/api/staff/cases", "/api/staff/cases/x", "/api/staff/me"):
        response = await gateway.get(path)
        assert response.status == 401


async def test_wrong_password_then_throttled_even_with_the_right_one(gateway):
    make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org", "wrong password!!", status=401)
    await sign_in(gateway, "nobody@example.org", PASSWORD, status=401)
    for _ in range(4):
        await sign_in(gateway, "cw@example.org", "wrong password!!", status=401)
    await sign_in(gateway, "cw@example.org", PASSWORD, status=429)


async def test_state_changes_need_the_csrf_token(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway)
    make_account(gateway, "cw@example.org")
    token = await sign_in(gateway, "cw@example.org")
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim")
    assert response.status == 403
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim",
                                  headers={"X-CSRF-Token": "forged"})
    assert response.status == 403
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim",
                                  headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert response.status == 403
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim", headers={"X-CSRF-Token": token})
    assert response.status == 200


async def test_a_case_from_queue_to_reply_to_close(gateway, fake_rasa):
    fake_rasa.script = handoff_script(True, "crisis_violence")
    case_id = await open_case(gateway, "widget-7", "il me frappe, j'ai peur de lui")
    make_account(gateway, "cw@example.org", languages=("fr",))
    token = await sign_in(gateway, "cw@example.org")
    headers = {"X-CSRF-Token": token}

    queue = await (await gateway.get("/api/staff/cases?state=queued")).json()
    assert [c["id"] for c in queue["cases"]] == [case_id]
    assert queue["cases"][0]["urgent"] is True and queue["cases"][0]["language"] == "fr"

    # The person writes again: it reaches the case, not Rasa.
    sent_to_rasa = len(fake_rasa.received)
    response = await gateway.post("/api/chat/widget-7/messages", json={"text": "are you there?"})
    assert (await response.json())["handoff"]["state"] == "queued"
    assert len(fake_rasa.received) == sent_to_rasa

    # Replying before claiming is refused; claiming gives the case to this caseworker.
    response = await gateway.post(f"/api/staff/cases/{case_id}/messages", json={"text": "hi"},
                                  headers=headers)
    assert response.status == 409
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim", headers=headers)
    assert (await response.json())["case"]["state"] == "with_caseworker"

    case = await (await gateway.get(f"/api/staff/cases/{case_id}")).json()
    texts = [(m["sender"], m["text"]) for m in case["transcript"]]
    assert ("user", "il me frappe, j'ai peur de lui") in texts and ("user", "are you there?") in texts
    assert {c["key"] for c in case["canned_replies"]} >= {"hello", "safe_now"}

    response = await gateway.post(f"/api/staff/cases/{case_id}/messages",
                                  json={"text": "I am here. Are you safe?"}, headers=headers)
    assert response.status == 201
    reply_position = (await response.json())["position"]
    # The widget reads it through its own API.
    messages = await (await gateway.get(f"/api/chat/widget-7/messages?after={reply_position - 1}")).json()
    assert messages["messages"][0] == {"position": reply_position, "sender": "caseworker",
                                       "text": "I am here. Are you safe?"}
    status = await gateway.post("/api/chat/widget-7/messages", json={"text": "yes thanks"})
    assert (await status.json())["handoff"]["state"] == "with_caseworker"

    response = await gateway.post(f"/api/staff/cases/{case_id}/close",
                                  json={"outcome": "not an outcome"}, headers=headers)
    assert response.status == 400
    response = await gateway.post(f"/api/staff/cases/{case_id}/close",
                                  json={"outcome": "referred_to_service"}, headers=headers)
    assert response.status == 200
    # Rasa was told to resume, and the bot answers again.
    assert any(e["events"] == [{"event": "resume"}] for e in fake_rasa.events)
    body = await (await gateway.post("/api/chat/widget-7/messages", json={"text": "thanks"})).json()
    assert body["handoff"]["state"] == "bot"
    assert body["messages"][0]["text"] == "bot:thanks"

    # The audit log holds who did what to which case, and no text.
    entries = gateway.app[AUDIT].entries()
    actions = [e["action"] for e in entries if e["target"] == case_id]
    assert {"claim", "view_case", "reply", "close"} <= set(actions)
    assert "Are you safe" not in repr(entries)


async def test_a_canned_reply_goes_out_in_the_persons_language(gateway, fake_rasa, catalogue):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "widget-ar", "ساعدني من فضلك أريد التحدث مع شخص", lang="ar")
    make_account(gateway, "cw@example.org", languages=("fr",))
    token = await sign_in(gateway, "cw@example.org")
    headers = {"X-CSRF-Token": token}
    case = gateway.app[STORE].case(case_id)
    assert case.language == "ar"
    # A non-urgent Arabic case waits for an Arabic speaker first, if there is one.
    make_account(gateway, "ar@example.org", languages=("ar",))
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim", headers=headers)
    assert response.status == 409
    gateway.app[ACCOUNTS].set_active(gateway.app[ACCOUNTS].by_email("ar@example.org").id, False)
    response = await gateway.post(f"/api/staff/cases/{case_id}/claim", headers=headers)
    assert response.status == 200
    response = await gateway.post(f"/api/staff/cases/{case_id}/messages",
                                  json={"canned": "safe_now"}, headers=headers)
    assert response.status == 201
    messages = await (await gateway.get("/api/chat/widget-ar/messages")).json()
    reply = messages["messages"][-1]
    assert reply["sender"] == "caseworker"
    assert "Are you safe" not in reply["text"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in reply["text"])
    assert "112" in reply["text"]  # the region's numbers, from the catalogue


async def test_urgent_cases_first_and_anyone_may_take_them(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    calm = await open_case(gateway, "w-calm", "ساعدني من فضلك أريد التحدث مع شخص", lang="ar")
    fake_rasa.script = handoff_script(True, "crisis_self_harm")
    urgent = await open_case(gateway, "w-urgent", "ساعدني أريد أن أموت", lang="ar")
    make_account(gateway, "ar@example.org", languages=("ar",))
    make_account(gateway, "fr@example.org", languages=("fr",))
    token = await sign_in(gateway, "fr@example.org")
    queue = await (await gateway.get("/api/staff/cases")).json()
    assert [c["id"] for c in queue["cases"]] == [urgent, calm]
    assert queue["cases"][1]["reserved_for_speakers"] is True
    response = await gateway.post(f"/api/staff/cases/{urgent}/claim", headers={"X-CSRF-Token": token})
    assert response.status == 200


async def test_disabling_an_account_ends_its_session(gateway):
    account = make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    assert (await gateway.get("/api/staff/me")).status == 200
    gateway.app[ACCOUNTS].set_active(account.id, False)
    assert (await gateway.get("/api/staff/me")).status == 401
    await sign_in(gateway, "cw@example.org", status=401)


async def test_sessions_expire_when_idle(gateway, monkeypatch):
    import time as time_module

    make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    assert (await gateway.get("/api/staff/me")).status == 200
    later = time_module.time() + gateway.app["auth_idle_seconds"] + 5
    monkeypatch.setattr("bot.auth.time.time", lambda: later)
    assert (await gateway.get("/api/staff/me")).status == 401


async def test_session_cookie_is_httponly_and_strict(gateway):
    make_account(gateway, "cw@example.org")
    response = await gateway.post("/api/staff/login", json={"email": "cw@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_cso_accounts_cannot_use_the_staff_api(gateway):
    make_account(gateway, "cso@example.org", kind="cso", org="org-1")
    await sign_in(gateway, "cso@example.org", status=401)


async def test_the_audit_log_cannot_be_changed(gateway):
    account = make_account(gateway, "admin@example.org", role="admin")
    gateway.app[AUDIT].record(account.id, "sign_in")
    engine = gateway.app[STORE].engine
    with pytest.raises(sqlalchemy.exc.DatabaseError):
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("UPDATE audit_log SET action = 'x'"))
    with pytest.raises(sqlalchemy.exc.DatabaseError):
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DELETE FROM audit_log"))
    await sign_in(gateway, "admin@example.org")
    entries = (await (await gateway.get("/api/staff/audit")).json())["entries"]
    assert entries and all(e["action"] in ("sign_in",) for e in entries)


async def test_only_admins_read_the_audit_log(gateway):
    make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    assert (await gateway.get("/api/staff/audit")).status == 403


async def test_statistics_are_aggregate_counts_only(gateway, fake_rasa):
    from bot.keys import STATS

    fake_rasa.script = handoff_script(True, "crisis_violence")
    await open_case(gateway, "w-s1", "il me frappe, j'ai peur de lui")
    stats = gateway.app[STATS]
    stats.count("fr", "question", "health_dentist")
    stats.count("fr", "question", "health_dentist")
    stats.count("ar", "question", "rights_asylum_appeal")
    make_account(gateway, "cw@example.org")
    await sign_in(gateway, "cw@example.org")
    summary = await (await gateway.get("/api/staff/stats?days=7")).json()
    assert {"topic": "health", "kind": "question", "count": 2} in summary["by_topic"]
    assert {"language": "fr", "kind": "case_urgent", "count": 1} in summary["by_language"]
    # Nothing in it points to a person or a conversation.
    flat = repr(summary)
    assert "w-s1" not in flat and "we-" not in flat and "frappe" not in flat
    from bot.stats import DailyCount
    columns = set(DailyCount.__table__.columns.keys())
    assert columns == {"day", "language", "kind", "key", "count"}


async def test_the_nlg_endpoint_counts_each_question_once(gateway):
    from bot.keys import STATS

    tracker = {"latest_message": {"intent": {"name": "health_dentist"}, "metadata": {"language": "fr"}},
               "events": [{"event": "user"}], "slots": {}}
    token = gateway.settings.rasa_token
    for events in ([{"event": "user"}], [{"event": "user"}, {"event": "bot"}]):
        response = await gateway.post(f"/nlg?token={token}", json={
            "response": "utter_greet", "arguments": {}, "tracker": {**tracker, "events": events}})
        assert response.status == 200
    summary = gateway.app[STATS].summary(1)
    assert summary["by_topic"] == [{"topic": "health", "kind": "question", "count": 1}]


async def test_cross_site_requests_are_refused_even_with_the_token(gateway):
    make_account(gateway, "cw@example.org")
    token = await sign_in(gateway, "cw@example.org")
    headers = {"X-CSRF-Token": token}
    # What a browser sends from a page of ours under Referrer-Policy no-referrer: accepted.
    response = await gateway.post("/api/staff/logout", headers={**headers, "Origin": "null",
                                                                "Sec-Fetch-Site": "same-origin"})
    assert response.status == 200
    token = await sign_in(gateway, "cw@example.org")
    for cross in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                  {"Origin": "null", "Sec-Fetch-Site": "cross-site"}):
        response = await gateway.post("/api/staff/logout", headers={"X-CSRF-Token": token, **cross})
        assert response.status == 403
