"""A message the model did not understand may be the place the assistant asked for."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import latest_intent, region
from actions.topics import answer_for_place
from actions.whereabouts import locate

# What the assistant says when the message holds no place after all.
NOT_UNDERSTOOD = {"out_of_scope": "utter_out_of_scope",
                  # A place the catalogue does not know: ask again, with the hint.
                  "inform_place": "utter_ask_place"}


class ActionPlaceOrFallback(Action):
    """For `nlu_fallback` and `out_of_scope`: "69007" or "Villeurbanne" alone
    are neither a topic nor small talk, and the model says so; when the text
    names a place, remember it and list what the person was looking for."""

    def name(self) -> Text:
        return "action_place_or_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        whereabouts, events = locate(tracker, region())
        if not events:  # no place named in this message
            dispatcher.utter_message(response=NOT_UNDERSTOOD.get(latest_intent(tracker), "utter_default"))
            return []
        return events + answer_for_place(dispatcher, tracker, whereabouts)
