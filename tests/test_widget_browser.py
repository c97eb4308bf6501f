"""The widget in a real browser: Debian's Chromium driven by tests/browser/widget.test.mjs.

The gateway (with the fake Rasa) and a host site on another origin, whose page
embeds the widget under a strict Content-Security-Policy, both listen on free
loopback ports; the Node script drives Chromium against them. The host site
also has a test-only hook that makes a caseworker answer a conversation.
Screenshots go to HELPDESK_SCREENSHOTS_DIR (`make screenshots`: docs/screenshots/).
"""
import asyncio

import pytest
from aiohttp import web

from bot.keys import CONVERSATIONS, STORE
from bot.pseudonym import pseudonymous_id
from tests.chromium import CHROMIUM, ensure_playwright, run_node_test, screenshots_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def playwright_installed():
    ensure_playwright()


def host_site(gateway_url: str, gateway_app: web.Application) -> web.Application:
    """A municipal site on another origin embedding the widget, strict CSP included."""
    ws_url = gateway_url.replace("http", "ws", 1)
    policy = (f"default-src 'none'; script-src {gateway_url}; style-src {gateway_url}; "
              f"connect-src {gateway_url} {ws_url}; img-src 'none'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")

    async def page(request: web.Request) -> web.Response:
        lang = request.query.get("lang", "fr")
        if lang not in ("fr", "en", "ar", "fa", "ps", "uk", "ru", "es"):
            raise web.HTTPBadRequest()
        html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                '<title>Ville</title></head><body><h1>Ville</h1>'
                '<p><a href="/start">Accueil</a> · <a href="/start">Démarches</a></p>'
                f'<script src="{gateway_url}/widget.js" data-lang="{lang}" '
                'data-exit-url="/exit" defer></script></body></html>')
        return web.Response(text=html, content_type="text/html",
                            headers={"Content-Security-Policy": policy})

    async def plain(request: web.Request) -> web.Response:
        name = request.path.strip("/")
        return web.Response(text=f"<!doctype html><title>{name}</title><p>{name}</p>",
                            content_type="text/html")

    async def caseworker(request: web.Request) -> web.Response:
        """Test hook: open a case on the conversation and answer as a caseworker."""
        body = await request.json()
        conversation = pseudonymous_id("test-secret", "web", body["conversation"])
        case = await asyncio.to_thread(gateway_app[STORE].open_case, conversation, "web",
                                       body.get("language", "fr"), False, "request_human")
        position = await gateway_app[CONVERSATIONS].caseworker_reply(case, body["text"])
        return web.json_response({"position": position})

    app = web.Application()
    app.router.add_get("/host", page)
    app.router.add_get("/start", plain)
    app.router.add_get("/exit", plain)
    app.router.add_post("/test/caseworker", caseworker)
    return app


def fake_rasa_script(body):
    """Echo; a question with buttons, or an erasure, when asked for one."""
    if body["message"] == "forget me":  # like action_forget_me: the gateway erases everything
        return [{"text": "Everything about you is erased."}, {"custom": {"forget": True}}]
    if body["message"] == "buttons":
        return [{"text": "Choose one:", "buttons": [{"title": "Option A", "payload": "/option_a"},
                                                    {"title": "Option B", "payload": "/option_b"}]}]
    return [{"text": f"echo:{body['message']}"}]


async def test_widget_in_chromium(playwright_installed, gateway, fake_rasa, aiohttp_server, tmp_path):
    fake_rasa.script = fake_rasa_script
    gateway_url = str(gateway.make_url("")).rstrip("/")
    host = await aiohttp_server(host_site(gateway_url, gateway.app))
    host_url = str(host.make_url("")).rstrip("/")
    gateway.settings.widget_origins = [host_url]
    shots = screenshots_dir(tmp_path)
    await run_node_test("widget.test.mjs", {
        "WIDGET_HOST_URL": host_url, "WIDGET_GATEWAY_URL": gateway_url,
        "WIDGET_SCREENSHOTS": str(shots), "WIDGET_CHROMIUM": CHROMIUM}, timeout=240)
    assert (shots / "widget-ltr-desktop.png").stat().st_size > 0
    assert (shots / "widget-rtl-mobile.png").stat().st_size > 0
