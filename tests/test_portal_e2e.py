"""Issue 6, done when: a CSO signs in, sees only its services, proposes a change; the change is
not in the bot's answers; staff approve; the bot's answer now shows it; a change to another
organisation's service is refused."""
import re
from datetime import date

from babel.dates import format_date
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.topics import ActionAnswerTopic
from bot.auth import ACCOUNTS
from bot.views import console_texts, portal_texts
from services_catalog.changes import history_of
from services_catalog.db import open_session
from services_catalog.models import Organization, Service, ServiceChange
from tests.conftest import page_says

PASSWORD = "a long enough password"
LANGS_ORG = "Démo – Maison des Langues Solidaires"
EVENING = "Cours de français du soir (démo)"
LEGAL = "Permanence juridique gratuite (démo)"
NEW_PHONE = "04 65 71 98 76"
NEW_TEXT = "Нові вечірні курси французької, також онлайн."


def bot_answer(lang: str = "uk") -> str:
    """The bot's answer to "evening French classes near 69007", through the real action."""
    tracker = Tracker.from_dict({
        "sender_id": "e2e", "slots": {"situation": "refugee"}, "events": [], "paused": False,
        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": "cours du soir 69007", "entities": [],
                           "intent": {"name": "language_course_find", "confidence": 0.9},
                           "metadata": {"language": lang}}})
    dispatcher = CollectingDispatcher()
    ActionAnswerTopic().run(dispatcher, tracker, {})
    return next(m for m in dispatcher.messages if m.get("response") == "utter_services_list")["services"]


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def fields_of(html: str) -> list:
    """The edit form as a browser posts it: inputs, checked boxes and radios, textareas."""
    fields = []
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        if not name or (kind in ("checkbox", "radio") and " checked" not in tag):
            continue
        value = (re.search(r'value="([^"]*)"', tag) or [None, ""])[1]
        fields.append((name.group(1), value.replace("&#39;", "'").replace("&amp;", "&")))
    fields += [(n, v.replace("&#39;", "'").replace("&amp;", "&")) for n, v in
               re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html)]
    return fields


async def test_cso_change_reaches_the_bot_only_after_staff_approval(gateway):
    with open_session() as session:
        organization = session.execute(select(Organization).where(Organization.name == LANGS_ORG)).scalar_one()
        services = {s.name: s.id for s in session.execute(select(Service)).scalars()}
    gateway.app[ACCOUNTS].create("benevole@langues.example", PASSWORD, kind="cso",
                                 organization_id=organization.id)
    gateway.app[ACCOUNTS].create("staff@helpdesk.example", PASSWORD, kind="staff", role="caseworker",
                                 languages=["fr"])
    before = bot_answer()
    assert EVENING in before and "04 65 71 00 01" in before and NEW_PHONE not in before

    # A CSO signs in with the portal's form and sees only its own services.
    login = await (await gateway.get("/portal/login")).text()
    response = await gateway.post("/portal/login", data={
        "email": "benevole@langues.example", "password": PASSWORD, "csrf_token": token_in(login)})
    assert response.status == 200 and str(response.url).endswith("/portal/")
    home = await response.text()
    assert EVENING in home and LEGAL not in home
    api = await (await gateway.get("/api/cso/services")).json()
    assert {s["organization"]["name"] for s in api["services"]} == {LANGS_ORG}

    # It proposes a change: a new phone number and a Ukrainian description.
    form = await (await gateway.get(f"/portal/services/{services[EVENING]}")).text()
    changed = {"phone": NEW_PHONE, "description_uk": NEW_TEXT}
    response = await gateway.post(f"/portal/services/{services[EVENING]}",
                                  data=[(k, changed.get(k, v)) for k, v in fields_of(form)])
    assert response.status == 200 and "/portal/changes/" in str(response.url)
    proposal = await response.text()
    assert page_says(proposal, portal_texts.PROPOSED) and NEW_PHONE in proposal

    # A change to another organisation's service is refused, by the page and by the API.
    response = await gateway.post(f"/portal/services/{services[LEGAL]}",
                                  data=[(k, changed.get(k, v)) for k, v in fields_of(form)])
    assert response.status == 403
    response = await gateway.put(f"/api/cso/services/{services[LEGAL]}", json={"name": "x"},
                                 headers={"X-CSRF-Token": token_in(form)})
    assert response.status == 403

    # The change is not in the bot's answers yet.
    waiting = bot_answer()
    assert NEW_PHONE not in waiting and NEW_TEXT not in waiting and "04 65 71 00 01" in waiting

    # Staff sign in, see the change in the review queue with its diff, and approve it.
    gateway.session.cookie_jar.clear()
    response = await gateway.post("/api/staff/login", json={"email": "staff@helpdesk.example",
                                                            "password": PASSWORD})
    staff_id = (await response.json())["account"]["id"]
    queue = (await (await gateway.get("/api/staff/reviews")).json())["reviews"]
    assert len(queue) == 1 and queue[0]["organization_name"] == LANGS_ORG
    assert {"field": "phone", "previous": "04 65 71 00 01", "proposed": NEW_PHONE} in queue[0]["diff"]
    review = await (await gateway.get(f"/console/reviews/{queue[0]['id']}?lang=uk")).text()
    assert NEW_TEXT in review and page_says(review, console_texts.APPROVE)
    response = await gateway.post(f"/console/reviews/{queue[0]['id']}/approve",
                                  data={"csrf_token": token_in(review)})
    assert response.status == 200 and page_says(await response.text(), console_texts.DONE["approved"])

    # The bot's answer now shows it, checked today; the history says who changed what.
    after = bot_answer()
    assert NEW_PHONE in after and NEW_TEXT in after and "04 65 71 00 01" not in after
    assert format_date(date.today(), "medium", locale="uk") in after
    with open_session() as session:
        assert session.get(ServiceChange, queue[0]["id"]).state == "approved"
        phone = [h for h in history_of(session, services[EVENING]) if h.field_name == "phone"][0]
        assert (phone.previous_value, phone.replacement_value, phone.updated_by) == \
            ("04 65 71 00 01", NEW_PHONE, str(staff_id))
        legal = session.get(Service, services[LEGAL])
        assert legal.phones[0].number == "04 65 71 00 10"
