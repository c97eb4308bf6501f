"""The caseworkers' console pages: sign-in, the queue, a case worked through plain forms, the audit page."""
import asyncio
import re

import aiohttp
import pytest

from bot.keys import STORE
from bot.templating import PAGE_CSP
from bot.views import console_texts as texts
from bot.views import portal_texts
from tests.conftest import page_says
from tests.helpers import PASSWORD, handoff_script, make_account

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def open_case(client, conversation, text="help me", lang="fr"):
    response = await client.post(f"/api/chat/{conversation}/messages", json={"text": text, "locale": lang})
    body = await response.json()
    assert body["handoff"]["state"] == "queued", body
    return body["handoff"]["case_id"]


async def page_token(client, path):
    response = await client.get(path)
    html = await response.text()
    match = TOKEN.search(html)
    assert match, f"no csrf field on {path}"
    return match.group(1)


async def console_login(client, email, password=PASSWORD):
    token = await page_token(client, "/console/login")
    return await client.post("/console/login", data={"email": email, "password": password,
                                                     "csrf_token": token})


async def test_login_page_has_a_csrf_field_and_its_own_strict_csp(gateway):
    response = await gateway.get("/console/login")
    assert response.status == 200
    html = await response.text()
    assert len(TOKEN.search(html).group(1)) > 20
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    # Under "no-referrer" browsers post forms with `Origin: null`, which the CSRF check refuses.
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<label for="email">' in html and '<label for="password">' in html
    # No inline script or style: the CSP would block them.
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None and "style=" not in html
    script = await gateway.get("/static/console.js")
    assert script.status == 200 and "WebSocket" in await script.text()
    assert (await gateway.get("/static/console.css")).status == 200
    assert (await gateway.get("/static/")).status in (403, 404)  # no directory listing


async def test_form_login_wrong_then_right_password_then_throttled(gateway):
    make_account(gateway, "cw@example.org")
    response = await console_login(gateway, "cw@example.org", "wrong password!!")
    assert response.status == 401
    assert page_says(await response.text(), portal_texts.WRONG_LOGIN)
    response = await gateway.get("/console", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/console/login")

    response = await console_login(gateway, "cw@example.org")
    assert response.status == 200 and response.url.path == "/console"
    html = await response.text()
    assert page_says(html, texts.QUEUE) and '<html lang="fr" dir="ltr">' in html

    # Failures count the same as the JSON API's: five, then even the right password waits.
    make_account(gateway, "other@example.org")
    for _ in range(5):
        assert (await console_login(gateway, "other@example.org", "wrong password!!")).status == 401
    response = await console_login(gateway, "other@example.org")
    assert response.status == 429
    assert page_says(await response.text(), texts.ERRORS["too_many_attempts"])


async def test_the_queue_lists_an_urgent_case_first_and_marks_it(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    calm = await open_case(gateway, "w-calm")
    fake_rasa.script = handoff_script(True, "crisis_violence")
    urgent = await open_case(gateway, "w-urgent", "help, he hits me")
    make_account(gateway, "cw@example.org")
    await console_login(gateway, "cw@example.org")

    response = await gateway.get("/console")
    html = await response.text()
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    rows = re.findall(r'<tr class="([^"]*)" data-case-id="([^"]+)"', html)
    assert [case_id for _, case_id in rows] == [urgent, calm]
    assert rows[0][0] == "case urgent" and rows[1][0] == "case"
    assert page_says(html, portal_texts.TOPIC_LABELS["crisis_violence"])
    assert page_says(html, texts.REASONS["request_human"])
    assert re.search(r'class="badge badge-urgent">[^<]+</strong>', html)
    banner = re.search(r'<div id="urgent-banner"[^>]*>', html).group(0)
    assert "hidden" not in banner
    assert 'aria-live="polite"' in html


async def test_a_case_worked_without_javascript_claim_reply_close(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "widget-9", "help : je voudrais parler à une personne")
    make_account(gateway, "cw@example.org")
    await console_login(gateway, "cw@example.org")
    page = f"/console/cases/{case_id}"

    html = await (await gateway.get(page)).text()
    assert gateway.app[STORE].case(case_id).language == "fr"
    assert "help : je voudrais parler à une personne" in html and "français" in html
    assert not page_says(html, texts.SEND_REPLY)  # not before claiming
    token = TOKEN.search(html).group(1)

    response = await gateway.post(f"{page}/claim", data={"csrf_token": token})
    assert response.status == 200 and response.url.path == page
    html = await response.text()
    assert page_says(html, texts.DONE["claimed"]) and page_says(html, texts.SEND_REPLY)
    assert gateway.app[STORE].case(case_id).state == "with_caseworker"

    response = await gateway.post(f"{page}/reply", data={"csrf_token": token,
                                                         "text": "Bonjour, je suis là."})
    assert page_says(await response.text(), texts.DONE["replied"])
    messages = (await (await gateway.get("/api/chat/widget-9/messages")).json())["messages"]
    assert messages[-1]["sender"] == "caseworker" and messages[-1]["text"] == "Bonjour, je suis là."

    response = await gateway.post(f"{page}/reply", data={"csrf_token": token, "canned": "hello"})
    assert page_says(await response.text(), texts.DONE["replied"])
    messages = (await (await gateway.get("/api/chat/widget-9/messages")).json())["messages"]
    assert messages[-1]["sender"] == "caseworker" and messages[-1]["text"] != "Bonjour, je suis là."

    response = await gateway.post(f"{page}/close", data={"csrf_token": token, "outcome": ""})
    assert page_says(await response.text(), texts.ERRORS["unknown_outcome"])
    assert gateway.app[STORE].case(case_id).state == "with_caseworker"
    response = await gateway.post(f"{page}/close", data={"csrf_token": token,
                                                         "outcome": "information_given"})
    assert page_says(await response.text(), texts.DONE["closed"])
    assert gateway.app[STORE].case(case_id).state == "closed"

    body = await (await gateway.post("/api/chat/widget-9/messages", json={"text": "merci"})).json()
    assert body["handoff"]["state"] == "bot"
    assert body["messages"][0]["text"] == "bot:merci"


async def test_a_case_held_for_speakers_says_so(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "w-ar", "ساعدني من فضلك أريد التحدث مع شخص", lang="ar")
    make_account(gateway, "ar@example.org", languages=("ar",))
    make_account(gateway, "cw@example.org", languages=("en",))
    await console_login(gateway, "cw@example.org")
    html = await (await gateway.get(f"/console/cases/{case_id}")).text()
    assert '<html lang="en"' in html
    assert "Arabic" in html and "held for caseworkers who speak Arabic" in html
    # The person's Arabic text is marked right to left.
    assert re.search(r'<p class="text" lang="ar" dir="rtl">ساعدني', html)
    response = await gateway.post(f"/console/cases/{case_id}/claim",
                                  data={"csrf_token": TOKEN.search(html).group(1)})
    assert "held for caseworkers who speak the person&#39;s language" in await response.text()
    assert gateway.app[STORE].case(case_id).state == "queued"


async def test_what_a_person_wrote_is_escaped(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "w-xss", "help <script>alert(1)</script>")
    make_account(gateway, "cw@example.org")
    await console_login(gateway, "cw@example.org")
    html = await (await gateway.get(f"/console/cases/{case_id}")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


async def test_a_post_without_the_csrf_token_is_refused(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "w-csrf")
    make_account(gateway, "cw@example.org")
    # Signing in needs the login page's token too.
    response = await gateway.post("/console/login", data={"email": "cw@example.org", "password": PASSWORD})
    assert response.status == 403
    await console_login(gateway, "cw@example.org")
    response = await gateway.post(f"/console/cases/{case_id}/claim", data={})
    assert response.status == 403
    response = await gateway.post(f"/console/cases/{case_id}/claim", data={"csrf_token": "forged"})
    assert response.status == 403
    assert gateway.app[STORE].case(case_id).state == "queued"


async def test_a_cso_account_cannot_open_the_console(gateway):
    make_account(gateway, "cso@example.org", kind="cso", org="org-1")
    response = await gateway.post("/api/cso/login", json={"email": "cso@example.org", "password": PASSWORD})
    assert response.status == 200  # a real CSO session
    response = await gateway.get("/console", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/console/login")
    response = await console_login(gateway, "cso@example.org")
    assert response.status == 401


async def test_only_admins_see_the_audit_log(gateway):
    make_account(gateway, "cw@example.org")
    make_account(gateway, "admin@example.org", role="admin")
    await console_login(gateway, "cw@example.org")
    response = await gateway.get("/console/audit")
    assert response.status == 403
    assert not page_says(await (await gateway.get("/console")).text(), texts.AUDIT_LOG)  # nor in the menu

    token = await page_token(gateway, "/console")
    response = await gateway.post("/console/logout", data={"csrf_token": token})
    assert response.url.path == "/console/login"
    assert (await gateway.get("/console", allow_redirects=False)).status == 303

    await console_login(gateway, "admin@example.org")
    response = await gateway.get("/console/audit")
    assert response.status == 200
    html = await response.text()
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    assert "cw@example.org" in html
    assert page_says(html, texts.AUDIT_ACTIONS["sign_in"]) and page_says(html, texts.AUDIT_ACTIONS["sign_out"])
    assert "<form" not in html.split("<main", 1)[1]  # read only
    assert "sign_in" not in html.split("<main", 1)[1]  # codes are shown as words


async def test_the_staff_websocket_announces_a_new_case(gateway, fake_rasa):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await gateway.ws_connect("/api/staff/ws")
    assert refused.value.status == 401

    make_account(gateway, "cw@example.org")
    await console_login(gateway, "cw@example.org")
    socket = await gateway.ws_connect("/api/staff/ws")
    try:
        fake_rasa.script = handoff_script(True, "crisis_self_harm")
        case_id = await open_case(gateway, "w-live", "help I want to die")
        event = await asyncio.wait_for(socket.receive_json(), timeout=5)
        assert event["type"] == "case_opened" and event["case_id"] == case_id
        assert event["urgent"] is True
    finally:
        await socket.close()
