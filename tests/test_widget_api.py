"""The widget's server side: served files, texts per language, CORS, and the chat WebSocket."""
import asyncio
import gzip

import aiohttp
import pytest

from bot.events import conversation_topic
from bot.keys import CONVERSATIONS, HUB, STORE
from bot.pseudonym import pseudonymous_id
from bot.widget_texts import WIDGET_TEXTS

SITE = "https://www.ville.example"


@pytest.fixture
def site_allowed(gateway):
    gateway.settings.widget_origins = [SITE]
    return gateway


async def say(client, cid, text, **headers):
    return await client.post(f"/api/chat/{cid}/messages", json={"text": text}, headers=headers)


async def caseworker_reply(client, cid, text):
    conversation = pseudonymous_id("test-secret", "web", cid)
    case = await asyncio.to_thread(client.app[STORE].open_case, conversation, "web", "fr", False,
                                   "request_human")
    return await client.app[CONVERSATIONS].caseworker_reply(case, text)


# -- files ----------------------------------------------------------------------------
async def test_script_is_small_cacheable_and_csp_safe(gateway):
    response = await gateway.get("/widget.js", headers={"Accept-Encoding": "identity"})
    assert response.status == 200
    assert response.content_type == "text/javascript"
    body = await response.read()
    assert len(gzip.compress(body, 9)) < 30 * 1024
    source = body.decode()
    # What a strict CSP (no unsafe-eval, no unsafe-inline) or safe rendering forbids.
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function",
                   "document.write", ".style", "'style'", "setTimeout('", 'setTimeout("'):
        assert banned not in source, banned
    etag = response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    again = await gateway.get("/widget.js", headers={"If-None-Match": etag,
                                                      "Accept-Encoding": "identity"})
    assert again.status == 304


async def test_script_is_sent_gzipped_when_accepted(gateway):
    response = await gateway.get("/widget.js", headers={"Accept-Encoding": "gzip"},
                                 auto_decompress=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(await response.read()) < 30 * 1024
    assert "Accept-Encoding" in response.headers["Vary"]


async def test_stylesheet_is_served_as_css(gateway):
    response = await gateway.get("/widget.css")
    assert response.status == 200
    assert response.content_type == "text/css"
    assert ".hdw-panel" in await response.text()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_strings_in_each_language_with_direction(gateway):
    arabic = await (await gateway.get("/widget/strings/ar.json")).json()
    assert arabic["lang"] == "ar" and arabic["dir"] == "rtl"
    assert set(arabic["strings"]) == set(WIDGET_TEXTS)
    english = await (await gateway.get("/widget/strings/en-GB.json")).json()
    assert english == {"lang": "en", "dir": "ltr", "strings": WIDGET_TEXTS}
    unknown = await (await gateway.get("/widget/strings/de.json")).json()
    assert unknown["lang"] == "fr"  # the deployment's default


async def test_demo_page_embeds_the_widget_under_a_strict_policy(gateway):
    response = await gateway.get("/widget-demo?lang=fa")
    assert response.status == 200
    page = await response.text()
    assert '<script src="/widget.js" data-lang="fa" defer>' in page
    assert 'dir="rtl"' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe" not in policy


# -- CORS -----------------------------------------------------------------------------
async def test_preflight_allowed_only_for_configured_origins(site_allowed):
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    ok = await site_allowed.options("/api/chat/c1/messages", headers={"Origin": SITE, **preflight})
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    denied = await site_allowed.options("/api/chat/c1/messages",
                                        headers={"Origin": "https://evil.example", **preflight})
    assert denied.status == 403
    assert "Access-Control-Allow-Origin" not in denied.headers


async def test_chat_from_allowed_site_gets_cors_header(site_allowed, fake_rasa):
    response = await say(site_allowed, "c2", "bonjour", Origin=SITE)
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in response.headers["Vary"]
    strings = await site_allowed.get("/widget/strings/fr.json", headers={"Origin": SITE})
    assert strings.headers["Access-Control-Allow-Origin"] == SITE


async def test_chat_from_other_site_never_reaches_the_bot(site_allowed, fake_rasa):
    response = await say(site_allowed, "c3", "bonjour", Origin="https://evil.example")
    assert response.status == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert fake_rasa.last() is None
    read = await site_allowed.get("/api/chat/c3/messages", headers={"Origin": "null"})
    assert read.status == 403


async def test_same_host_and_non_browser_clients_pass(site_allowed, fake_rasa):
    own = f"http://{site_allowed.server.host}:{site_allowed.server.port}"
    assert (await say(site_allowed, "c4", "bonjour", Origin=own)).status == 200
    plain = await say(site_allowed, "c4", "encore")
    assert plain.status == 200
    assert "Access-Control-Allow-Origin" not in plain.headers


async def test_errors_readable_by_allowed_site(site_allowed):
    response = await site_allowed.get("/api/chat/bad%20id/messages", headers={"Origin": SITE})
    assert response.status == 400
    assert response.headers["Access-Control-Allow-Origin"] == SITE


# -- WebSocket ------------------------------------------------------------------------
async def test_socket_catches_up_then_receives_caseworker_reply(gateway, fake_rasa):
    await say(gateway, "w1", "je voudrais parler à quelqu'un")
    async with gateway.ws_connect("/api/chat/w1/ws?after=0") as ws:
        first = await ws.receive_json(timeout=5)
        assert [m["position"] for m in first["messages"]] == [1, 2]
        assert first["messages"][0] == {"position": 1, "sender": "user",
                                        "text": "je voudrais parler à quelqu'un"}
        text = "Bonjour, je suis Marie.\n<img src=x onerror=alert(1)>"
        position = await caseworker_reply(gateway, "w1", text)
        update = await ws.receive_json(timeout=5)
        assert update == {"messages": [{"position": position, "sender": "caseworker", "text": text}]}


async def test_socket_starts_after_the_clients_position(gateway, fake_rasa):
    await say(gateway, "w2", "bonjour")
    async with gateway.ws_connect("/api/chat/w2/ws?after=2") as ws:
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive_json(timeout=0.3)
        await say(gateway, "w2", "encore")
        update = await ws.receive_json(timeout=5)
        assert [m["position"] for m in update["messages"]] == [3, 4]


async def test_socket_never_sends_another_conversations_messages(gateway, fake_rasa):
    await say(gateway, "mine", "bonjour")
    await say(gateway, "theirs", "bonjour")
    async with gateway.ws_connect("/api/chat/mine/ws?after=2") as ws:
        await caseworker_reply(gateway, "theirs", "a reply for someone else")
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive_json(timeout=0.5)


async def test_socket_checks_origin(site_allowed, fake_rasa):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await site_allowed.ws_connect("/api/chat/w3/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    async with site_allowed.ws_connect("/api/chat/w3/ws", headers={"Origin": SITE}) as ws:
        assert not ws.closed


async def test_socket_refuses_bad_position(gateway):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await gateway.ws_connect("/api/chat/w4/ws?after=-1")
    assert refused.value.status == 400


async def test_socket_unsubscribes_when_client_leaves(gateway):
    topic = conversation_topic(pseudonymous_id("test-secret", "web", "w5"))
    ws = await gateway.ws_connect("/api/chat/w5/ws")
    for _ in range(50):
        if gateway.app[HUB].subscriber_count(topic) == 1:
            break
        await asyncio.sleep(0.02)
    assert gateway.app[HUB].subscriber_count(topic) == 1
    await ws.close()
    for _ in range(50):
        if gateway.app[HUB].subscriber_count(topic) == 0:
            break
        await asyncio.sleep(0.02)
    assert gateway.app[HUB].subscriber_count(topic) == 0


async def test_shutdown_closes_open_sockets(gateway):
    ws = await gateway.ws_connect("/api/chat/w6/ws")
    await asyncio.sleep(0.05)
    receiving = asyncio.create_task(ws.receive(timeout=10))  # a browser is always reading
    # Without on_shutdown closing it, the open socket would hold the shutdown for a minute.
    await asyncio.wait_for(gateway.server.close(), timeout=5)
    message = await receiving
    assert message.type == aiohttp.WSMsgType.CLOSE
    assert message.data == aiohttp.WSCloseCode.GOING_AWAY
