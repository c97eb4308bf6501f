"""The console in the caseworker's language: every page, the live texts, the language menu."""
import html as html_module
import json
import re
from html.parser import HTMLParser

import pytest

from bot.canned_replies import CANNED_REPLIES
from bot.views import console_texts, portal_texts
from localization import load_languages, translations
from services_catalog import changes
from services_catalog.db import open_session
from services_catalog.models import Service
from tests.conftest import page_says
from tests.helpers import PASSWORD, demo_ids, handoff_script, make_account

LANGUAGES = load_languages()
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def english_texts() -> set:
    """Every English text a console page may show (constants and tables of both text modules)."""
    found = set()
    for module in (console_texts, portal_texts):
        for name in dir(module):
            value = getattr(module, name)
            if name.isupper() and isinstance(value, str):
                found.add(value)
            elif name.isupper() and isinstance(value, dict):
                found.update(v for v in value.values() if isinstance(v, str))
    return found


class VisibleText(HTMLParser):
    """The texts a person reads or hears: text nodes and the labelling attributes."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)
            if name == "data-texts" and value:  # what console.js writes
                self.parts.extend(json.loads(value).values())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_left(page: str, lang: str) -> list:
    """English console texts on a page that should be in `lang` (texts that read the same are fine).

    What is marked as another language (the person's messages, prepared replies
    in the person's language, language names in their own script) is left out."""
    page = re.sub(r'<(p|span|option|pre)\b[^>]*\blang="(?!' + lang + r'")[^"]*"[^>]*>.*?</\1>', "", page,
                  flags=re.S)
    parser = VisibleText()
    parser.feed(page)
    visible = "\n".join(parser.parts)
    left = []
    for msgid in english_texts():
        if translations().gettext(lang, msgid) == msgid:
            continue
        # Whole texts anywhere; a short word only as a whole node ("Queue", "Case").
        pattern = msgid.split("{")[0].strip()
        if len(pattern) >= 12 and pattern in visible or msgid in parser.parts:
            left.append(msgid)
    return left


async def sign_in(client, email):
    client.session.cookie_jar.clear()
    page = await (await client.get("/console/login")).text()
    response = await client.post("/console/login", data={"email": email, "password": PASSWORD,
                                                         "csrf_token": TOKEN.search(page).group(1)})
    assert response.status == 200, response.status


async def open_case(client, conversation, text, lang):
    response = await client.post(f"/api/chat/{conversation}/messages", json={"text": text, "locale": lang})
    return (await response.json())["handoff"]["case_id"]


def pending_proposal() -> str:
    """A demo organisation proposes closing one of its services (so a review page exists)."""
    _orgs, services = demo_ids()
    with open_session() as session, session.begin():
        service = session.get(Service, services["Cours de français du soir (démo)"])
        return changes.propose(session, service.organization_id, "cso-test", "close", service_id=service.id).id


@pytest.mark.parametrize("lang", LANGUAGES.codes)
async def test_every_console_page_is_in_the_caseworkers_language(gateway, fake_rasa, lang):
    fake_rasa.script = handoff_script(True, "crisis_violence")
    urgent = await open_case(gateway, "w-urgent", "au secours, il me frappe", "fr")
    fake_rasa.script = handoff_script(False, "request_human")
    calm = await open_case(gateway, "w-calm", "ساعدني، أريد التحدث مع شخص", "ar")
    change_id = pending_proposal()
    make_account(gateway, f"admin-{lang}@example.org", languages=(lang,), role="admin")
    await sign_in(gateway, f"admin-{lang}@example.org")
    page = await (await gateway.get(f"/console/cases/{urgent}")).text()
    await gateway.post(f"/console/cases/{urgent}/claim", data={"csrf_token": TOKEN.search(page).group(1)})

    direction = "rtl" if LANGUAGES.languages[lang].rtl else "ltr"
    for path in ("/console", f"/console/cases/{urgent}", f"/console/cases/{calm}", "/console/reviews",
                 f"/console/reviews/{change_id}", "/console/audit", "/console/cso-invitations"):
        response = await gateway.get(path)
        assert response.status == 200, path
        page = await response.text()
        assert f'<html lang="{lang}" dir="{direction}">' in page, path
        if lang != "en":
            assert english_left(page, lang) == [], (lang, path)
    gateway.session.cookie_jar.clear()
    page = await (await gateway.get("/console/login", headers={"Accept-Language": lang})).text()
    assert f'<html lang="{lang}"' in page and page_says(page, console_texts.SIGN_IN_TITLE)
    if lang != "en":
        assert english_left(page, lang) == []


async def test_the_live_texts_and_labels_come_translated_for_the_script(gateway, fake_rasa):
    fake_rasa.script = handoff_script(True, "crisis_self_harm")
    await open_case(gateway, "w-live", "help", "fr")
    make_account(gateway, "uk@example.org", languages=("uk",))
    await sign_in(gateway, "uk@example.org")
    page = await (await gateway.get("/console")).text()
    body = re.search(r"<body[^>]*>", page).group(0)
    live = json.loads(html_module.unescape(re.search(r'data-texts="([^"]*)"', body).group(1)))
    assert set(live) == set(console_texts.JS_TEXTS)
    assert live["urgent"] == translations().gettext("uk", console_texts.URGENT) != "Urgent"
    queue = re.search(r'<div id="queue"[^>]*>', page).group(0)
    reasons = json.loads(html_module.unescape(re.search(r'data-reasons="([^"]*)"', queue).group(1)))
    assert reasons["crisis_self_harm"] == translations().gettext(
        "uk", portal_texts.TOPIC_LABELS["crisis_self_harm"])
    languages = json.loads(html_module.unescape(re.search(r'data-languages="([^"]*)"', queue).group(1)))
    assert languages["ar"]["label"] == "арабська" and languages["ar"]["rtl"] is True


async def test_prepared_replies_show_what_they_say_in_the_caseworkers_language(gateway, fake_rasa):
    fake_rasa.script = handoff_script(False, "request_human")
    case_id = await open_case(gateway, "w-fa", "help می‌خواهم با یک نفر صحبت کنم", "fa")
    make_account(gateway, "fr@example.org", languages=("fr",), role="admin")
    await sign_in(gateway, "fr@example.org")
    page = await (await gateway.get(f"/console/cases/{case_id}")).text()
    await gateway.post(f"/console/cases/{case_id}/claim", data={"csrf_token": TOKEN.search(page).group(1)})
    page = await (await gateway.get(f"/console/cases/{case_id}")).text()
    hello_fr = translations().gettext("fr", CANNED_REPLIES["hello"])
    hello_fa = translations().gettext("fa", CANNED_REPLIES["hello"])
    assert hello_fr != hello_fa != CANNED_REPLIES["hello"]
    assert re.search(r'<p class="gloss" id="canned-hello-gloss">' + re.escape(html_module.escape(hello_fr)), page)
    assert re.search(r'<p class="translated" lang="fa" dir="rtl">' + re.escape(html_module.escape(hello_fa)), page)


async def test_the_language_menu_changes_the_pages_and_outlives_signing_out(gateway):
    make_account(gateway, "fr@example.org", languages=("fr",))
    await sign_in(gateway, "fr@example.org")
    page = await (await gateway.get("/console")).text()
    token = TOKEN.search(page).group(1)
    assert '<html lang="fr"' in page
    # Without the session's token the choice is refused like any other post.
    assert (await gateway.post("/console/language", data={"lang": "ar", "next": "/console"})).status == 403

    response = await gateway.post("/console/language", allow_redirects=False,
                                  data={"lang": "ar", "next": "/console?x=1", "csrf_token": token})
    assert response.status == 303 and response.headers["Location"] == "/console?x=1"
    cookie = response.cookies["helpdesk_ui_language"]
    assert cookie.value == "ar" and cookie["httponly"] and cookie["samesite"] == "Strict"
    page = await (await gateway.get("/console")).text()
    assert '<html lang="ar" dir="rtl">' in page and page_says(page, console_texts.QUEUE)
    await gateway.post("/console/logout", data={"csrf_token": token})
    assert '<html lang="ar"' in await (await gateway.get("/console/login")).text()

    # An unknown language changes nothing; the way back never leaves the console or the portal.
    page = await (await gateway.get("/console/login")).text()
    token = TOKEN.search(page).group(1)
    for target in ("https://evil.example/", "//evil.example/", "/console\\@evil", "/elsewhere"):
        response = await gateway.post("/console/language", allow_redirects=False,
                                      data={"lang": "xx", "next": target, "csrf_token": token})
        assert response.headers["Location"] == "/console", target
        assert "helpdesk_ui_language" not in response.cookies
    assert '<html lang="ar"' in await (await gateway.get("/console/login")).text()


async def test_the_portal_has_the_same_menu(gateway):
    page = await (await gateway.get("/portal/login", headers={"Accept-Language": "es"})).text()
    assert '<html lang="es"' in page and 'action="/portal/language"' in page
    response = await gateway.post("/portal/language", allow_redirects=False,
                                  data={"lang": "ps", "next": "/portal/login",
                                        "csrf_token": TOKEN.search(page).group(1)})
    assert response.headers["Location"] == "/portal/login"
    page = await (await gateway.get("/portal/login")).text()
    assert '<html lang="ps" dir="rtl">' in page and page_says(page, portal_texts.SIGN_IN)


def test_console_text_names_do_not_hide_portal_ones():
    """Console pages look names up in console_texts first: a shared name would hide the portal's text."""
    shared = {n for n in dir(console_texts) if n.isupper() and n != "N_" and hasattr(portal_texts, n)}
    assert shared == set()
