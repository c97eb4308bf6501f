"""Respond to danger: the fitting emergency numbers, then a person takes over."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.context import latest_intent, region, user_language
from actions.staff_hours import next_staff_opening
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now
from services_catalog.presentation import describe_all, emergency_text
from services_catalog.db import open_session
from services_catalog.repository import ServiceRepository
from services_catalog.taxonomy import CRISIS_INTENTS



class ActionCrisis(Action):
    """Give emergency contacts, ask the gateway for an urgent case, pause the bot."""

    def name(self) -> Text:
        return "action_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        crisis = latest_intent(tracker)
        if crisis not in CRISIS_INTENTS:
            crisis = "crisis_violence"  # never leave a danger signal unanswered
        lang = user_language(tracker)
        dispatcher.utter_message(response=f"utter_{crisis}")
        with open_session() as session:
            repository = ServiceRepository(session)
            lines = repository.emergency_lines(region(), [crisis])
            cards = repository.search(crisis, language=lang, limit=2)
        if lines:
            dispatcher.utter_message(response="utter_emergency_contacts",
                                     contacts=emergency_text(lines, lang))
        if cards:
            timezone = region_timezone(region())
            dispatcher.utter_message(response="utter_services_list",
                                     services=describe_all(cards, lang, local_now(timezone), timezone))
        # The gateway owns cases: this custom message asks it to open one.
        dispatcher.utter_message(json_message={"handoff": {"urgent": True, "reason": crisis}})
        staff_return = next_staff_opening(lang)
        if staff_return is None:
            dispatcher.utter_message(response="utter_case_opened_urgent")
        elif lines:
            dispatcher.utter_message(response="utter_case_opened_urgent_later", **staff_return)
        else:
            # No emergency number fits (e.g. detention): do not point to "the numbers above".
            dispatcher.utter_message(response="utter_case_opened_later", **staff_return)
        return [ConversationPaused()]
