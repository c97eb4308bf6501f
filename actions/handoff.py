"""Pass the conversation to a person, or forget the person, on their request."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.context import user_language
from actions.staff_hours import next_staff_opening


class ActionOpenCase(Action):
    """Ask the gateway for a normal-urgency case and pause the bot."""

    def name(self) -> Text:
        return "action_open_case"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(json_message={"handoff": {"urgent": False, "reason": "request_human"}})
        staff_return = next_staff_opening(user_language(tracker))
        if staff_return is None:
            dispatcher.utter_message(response="utter_case_opened")
        else:
            dispatcher.utter_message(response="utter_case_opened_later", **staff_return)
        return [ConversationPaused()]


class ActionForgetMe(Action):
    """Ask the gateway to erase this conversation everywhere."""

    def name(self) -> Text:
        return "action_forget_me"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_forgotten")
        dispatcher.utter_message(json_message={"forget": True})
        return []
