"""Answer a topic question: ask the one thing the answer depends on, then answer."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import latest_intent, region, user_language
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now
from services_catalog.places import place_in
from services_catalog.presentation import describe_all, emergency_text
from services_catalog.db import open_session
from services_catalog.repository import ServiceRepository

# Topics whose right answer depends on the person's situation or child's age.
NEEDS = {
    "rights_work": "situation",
    "health_no_insurance": "situation",
    "language_course_find": "situation",
    "childcare_find": "child_age",
}
# Topics answered with general information only (no catalogue list).
NO_SERVICE_LIST = {"rights_asylum_appeal", "language_course_level"}
FOLLOW_UP_INTENTS = {"inform_situation", "inform_child_age"}


class ActionAnswerTopic(Action):
    """Answer a rights, course, childcare, health or local-help question."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        topic = tracker.get_slot("pending_topic") if intent in FOLLOW_UP_INTENTS else intent
        if not topic:
            dispatcher.utter_message(response="utter_default")
            return []
        # A postcode in the message is remembered for the rest of the conversation.
        place = place_in((tracker.latest_message or {}).get("text"), region()) or tracker.get_slot("place")
        events: List[Dict[Text, Any]] = [SlotSet("place", place)] if place else []
        needed = NEEDS.get(topic)
        value = tracker.get_slot(needed) if needed else None
        if needed and value is None:
            dispatcher.utter_message(response=f"utter_ask_{needed}")
            return events + [SlotSet("pending_topic", topic)]
        dispatcher.utter_message(response=f"utter_{topic}__{value}" if needed else f"utter_{topic}")
        lang = user_language(tracker)
        with open_session() as session:
            repository = ServiceRepository(session)
            lines = repository.emergency_lines(region(), [topic])
            cards, widened = ([], False) if topic in NO_SERVICE_LIST else \
                nearest_services(repository, topic, place, lang)
        if lines:
            dispatcher.utter_message(response="utter_emergency_contacts",
                                     contacts=emergency_text(lines, lang))
        if cards:
            if widened and len(place) == 5:  # a postcode the person gave, not a town prefix
                dispatcher.utter_message(response="utter_services_further_away", place=place)
            timezone = region_timezone(region())
            dispatcher.utter_message(response="utter_services_list",
                                     services=describe_all(cards, lang, local_now(timezone), timezone))
        elif topic not in NO_SERVICE_LIST:
            dispatcher.utter_message(response="utter_no_services_found")
        return events + [SlotSet("pending_topic", None)]


def nearest_services(repository: ServiceRepository, topic: str, place: Optional[str], lang: str):
    """Services in the postcode, else in its département, else anywhere: (cards, widened)."""
    if not place:
        return repository.search(topic, language=lang, limit=3), False
    for prefix in dict.fromkeys((place, place[:2])):
        cards = repository.search(topic, postal_code_prefix=prefix, language=lang, limit=3)
        if cards:
            return cards, prefix != place
    return repository.search(topic, language=lang, limit=3), True
