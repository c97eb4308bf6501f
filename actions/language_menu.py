"""Show the language menu: each language in its own name."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from localization import load_languages


class ActionLanguageMenu(Action):
    """Offer every launch language as a button."""

    def name(self) -> Text:
        return "action_language_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        buttons = [{"title": lang.name, "payload": f'/set_language{{"language": "{code}"}}'}
                   for code, lang in load_languages().languages.items()]
        dispatcher.utter_message(response="utter_language_menu", buttons=buttons)
        return []
