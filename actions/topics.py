"""Answer a topic question: ask the one thing the answer depends on, then answer."""
from dataclasses import asdict
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import latest_intent, region, user_language
from actions.service_list import LAST_SEARCH, show_page
from actions.whereabouts import SHARE_LOCATION, Whereabouts, locate
from actions.wishes import wishes_in
from services_catalog.db import open_session
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now
from services_catalog.presentation import emergency_text
from services_catalog.repository import SearchRequest, ServiceRepository

# Topics whose right answer depends on the person's situation or child's age.
NEEDS = {
    "rights_work": "situation",
    "health_no_insurance": "situation",
    "language_course_find": "situation",
    "childcare_find": "child_age",
}
# Topics answered with general information only (no catalogue list).
NO_SERVICE_LIST = {"rights_asylum_appeal", "language_course_level"}
FOLLOW_UP_INTENTS = {"inform_situation", "inform_child_age", SHARE_LOCATION}
# The child_age slot's bands in years, matched against services' minimum and
# maximum ages for the topics about children.
CHILD_AGE_BANDS = {"under_3": (0, 2), "3_to_6": (3, 6), "over_6": (7, 17)}
CHILD_TOPIC_PREFIX = "childcare_"
WISHES_SLOT = "search_wishes"


class ActionAnswerTopic(Action):
    """Answer a rights, course, childcare, health or local-help question."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        whereabouts, events = locate(tracker, region())
        if intent == SHARE_LOCATION:
            return events + answer_for_place(dispatcher, tracker, whereabouts)
        topic = tracker.get_slot("pending_topic") if intent in FOLLOW_UP_INTENTS else intent
        if not topic:
            dispatcher.utter_message(response="utter_default")
            return events
        return events + answer_topic(dispatcher, tracker, topic, whereabouts)


def answer_topic(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str,
                 whereabouts: Optional[Whereabouts]) -> List[Dict[str, Any]]:
    """The topic's answer, its emergency numbers, then its services, or the
    one question the answer still needs (situation, child's age, place)."""
    needed = NEEDS.get(topic)
    value = tracker.get_slot(needed) if needed else None
    if needed and value is None:
        dispatcher.utter_message(response=f"utter_ask_{needed}")
        return [SlotSet("pending_topic", topic)]
    dispatcher.utter_message(response=f"utter_{topic}__{value}" if needed else f"utter_{topic}")
    lang = user_language(tracker)
    with open_session() as session:
        lines = ServiceRepository(session).emergency_lines(region(), [topic])
    if lines:
        dispatcher.utter_message(response="utter_emergency_contacts", contacts=emergency_text(lines, lang))
    if topic in NO_SERVICE_LIST:
        return [SlotSet("pending_topic", None)]
    if whereabouts is None:
        # The general answer first (it may be urgent), then the one question
        # the list depends on; the place's answer lists the services.
        dispatcher.utter_message(response="utter_ask_place")
        wishes = wishes_in([tracker.latest_message.get("text") or ""])
        return [SlotSet("pending_topic", topic)] + \
            ([SlotSet(WISHES_SLOT, asdict(wishes))] if wishes.free or wishes.open_now else [])
    return list_services(dispatcher, tracker, topic, whereabouts) + [SlotSet("pending_topic", None)]


def answer_for_place(dispatcher: CollectingDispatcher, tracker: Tracker,
                     whereabouts: Optional[Whereabouts]) -> List[Dict[str, Any]]:
    """A place or location just given: list what it was asked for (the
    pending topic), else the last search again from there, else ask what."""
    if whereabouts is None:
        dispatcher.utter_message(response="utter_default")
        return []
    topic = tracker.get_slot("pending_topic")
    if topic:
        needed = NEEDS.get(topic)
        if needed and tracker.get_slot(needed) is None:  # still to ask, before any answer
            dispatcher.utter_message(response=f"utter_ask_{needed}")
            return []
        # Its general answer was given when the place was asked.
        return list_services(dispatcher, tracker, topic, whereabouts) + [SlotSet("pending_topic", None)]
    last = SearchRequest.from_slot(tracker.get_slot(LAST_SEARCH))
    if last is not None:
        return list_services(dispatcher, tracker, last.topic, whereabouts)
    dispatcher.utter_message(response="utter_ask_topic")
    return []


def list_services(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str,
                  whereabouts: Whereabouts) -> List[Dict[str, Any]]:
    """The first page of services for `topic` near the person, in their
    language first, free ones first, for the child's age where it matters."""
    band = tracker.get_slot("child_age") if topic.startswith(CHILD_TOPIC_PREFIX) else None
    # "free" or "now" said with the question (kept while the place was asked) or now.
    said = tracker.get_slot(WISHES_SLOT) or {}
    now = wishes_in([tracker.latest_message.get("text") or ""])
    timezone = region_timezone(region())
    request = SearchRequest(topic, language=user_language(tracker), child_ages=CHILD_AGE_BANDS.get(band),
                            free_only=now.free or bool(said.get("free")),
                            open_at=local_now(timezone) if now.open_now or said.get("open_now") else None,
                            timezone=timezone, **whereabouts.search_area())
    return show_page(dispatcher, request, user_language(tracker), whereabouts.place_name,
                     whereabouts.place, intro=True) + ([SlotSet(WISHES_SLOT, None)] if said else [])
