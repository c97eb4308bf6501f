"""Custom actions against tracker fixtures, with the demo catalogue; no Rasa server."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.crisis import ActionCrisis
from actions.handoff import ActionForgetMe, ActionOpenCase
from actions.language_menu import ActionLanguageMenu
from actions.topics import ActionAnswerTopic
from services_catalog.taxonomy import CRISIS_INTENTS, TOPIC_INTENTS
from tests.helpers import responses, run


WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
SATURDAY_NIGHT = datetime(2026, 11, 28, 23, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def during_staff_hours(monkeypatch):
    """Actions see a Wednesday noon unless a test says otherwise."""
    monkeypatch.setattr("actions.staff_hours.local_now", lambda timezone: WEDNESDAY_NOON)


def tracker(intent, language="fr", slots=None, text="message"):
    return Tracker.from_dict({
        "sender_id": "web-test", "slots": slots or {}, "events": [], "paused": False,
        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                           "entities": [], "metadata": {"language": language}},
    })


def test_asks_situation_when_the_answer_depends_on_it(catalogue):
    messages, events = run(ActionAnswerTopic(), tracker("health_no_insurance"))
    assert responses(messages) == ["utter_ask_situation"]
    assert events == [SlotSet("pending_topic", "health_no_insurance")]


def test_answers_the_pending_topic_for_the_situation(catalogue):
    messages, events = run(ActionAnswerTopic(), tracker(
        "inform_situation", slots={"situation": "no_papers", "pending_topic": "health_no_insurance",
                                   "place": "69007"}))
    assert responses(messages)[0] == "utter_health_no_insurance__no_papers"
    assert "utter_services_list" in responses(messages)
    assert SlotSet("pending_topic", None) in events


def test_childcare_asks_the_childs_age(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker("childcare_find"))
    assert responses(messages) == ["utter_ask_child_age"]
    messages, _ = run(ActionAnswerTopic(), tracker(
        "inform_child_age", slots={"child_age": "under_3", "pending_topic": "childcare_find"}))
    assert responses(messages)[0] == "utter_childcare_find__under_3"


def test_services_listed_in_the_users_language(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker("cso_services_food", language="es", slots={"place": "69007"}))
    services = next(m for m in messages if m.get("response") == "utter_services_list")
    assert "Colis alimentaires et repas (démo)" in services["services"]


def test_shelter_answer_carries_the_shelter_number_from_the_catalogue(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker("housing_emergency_shelter", language="en"))
    contacts = next(m for m in messages if m.get("response") == "utter_emergency_contacts")
    assert contacts["contacts"].startswith("115 — ")


@pytest.mark.parametrize("topic", TOPIC_INTENTS)
def test_every_topic_has_its_responses(catalogue, topic):
    import yaml
    from pathlib import Path
    domain = yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text())
    slots = {"situation": "unknown", "child_age": "over_6"}
    messages, _ = run(ActionAnswerTopic(), tracker(topic, slots=slots))
    for name in responses(messages):
        assert name in domain["responses"], name


@pytest.mark.parametrize("crisis", CRISIS_INTENTS)
def test_crisis_gives_numbers_opens_an_urgent_case_and_pauses(catalogue, crisis):
    messages, events = run(ActionCrisis(), tracker(crisis, language="ar"))
    assert responses(messages)[0] == f"utter_{crisis}"
    handoff = [m["custom"] for m in messages if m.get("custom")]
    assert handoff == [{"handoff": {"urgent": True, "reason": crisis}}]
    assert responses(messages)[-1] == "utter_case_opened_urgent"
    assert events == [ConversationPaused()]
    if crisis != "crisis_detention":
        contacts = next(m for m in messages if m.get("response") == "utter_emergency_contacts")
        assert contacts["contacts"]


def test_request_human_opens_a_normal_case():
    messages, events = run(ActionOpenCase(), tracker("affirm"))
    assert {"handoff": {"urgent": False, "reason": "request_human"}} in [m.get("custom") for m in messages]
    assert events == [ConversationPaused()]


def test_forget_me_asks_the_gateway_to_erase():
    messages, _ = run(ActionForgetMe(), tracker("affirm"))
    assert {"forget": True} in [m.get("custom") for m in messages]


def test_language_menu_shows_each_language_in_its_own_name():
    messages, _ = run(ActionLanguageMenu(), tracker("choose_language"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "العربية" in titles and "پښتو" in titles and "Українська" in titles


def test_postcode_in_the_message_filters_and_is_remembered(catalogue):
    messages, events = run(ActionAnswerTopic(), tracker("cso_services_hygiene", language="en",
                                                        text="shower near 69001 please"))
    assert SlotSet("place", "69001") in events
    services = next(m for m in messages if m.get("response") == "utter_services_list")["services"]
    assert "69001" in services
    assert "Open now, closes at" in services or "Closed now" in services


def test_no_service_in_the_postcode_widens_the_area(catalogue):
    # 69250 has no centre in the region file and no service: its département has.
    messages, _ = run(ActionAnswerTopic(), tracker("cso_services_hygiene", slots={"place": "69250"}))
    assert "utter_services_further_away" in responses(messages)
    assert "utter_services_list" in responses(messages)


def test_outside_staff_hours_the_person_is_told_when_someone_answers(catalogue, monkeypatch):
    monkeypatch.setattr("actions.staff_hours.local_now", lambda timezone: SATURDAY_NIGHT)
    messages, events = run(ActionCrisis(), tracker("crisis_violence", language="es"))
    later = next(m for m in messages if m.get("response") == "utter_case_opened_urgent_later")
    assert later["day"] == "lunes" and later["time"] == "9:00"
    assert "utter_emergency_contacts" in responses(messages)  # the numbers come first, always
    assert events == [ConversationPaused()]
    messages, _ = run(ActionOpenCase(), tracker("affirm", language="fr"))
    later = next(m for m in messages if m.get("response") == "utter_case_opened_later")
    assert later["day"] == "lundi" and later["time"] == "09:00"


def test_outside_hours_without_a_fitting_number_no_numbers_are_promised(catalogue, monkeypatch):
    monkeypatch.setattr("actions.staff_hours.local_now", lambda timezone: SATURDAY_NIGHT)
    messages, _ = run(ActionCrisis(), tracker("crisis_detention", language="en"))
    assert "utter_emergency_contacts" not in responses(messages)
    assert "utter_case_opened_later" in responses(messages)
