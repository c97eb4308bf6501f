"""What an action needs to know about the conversation: language, region, intent."""
import os
from typing import Optional

from rasa_sdk import Tracker

from localization import load_languages


def user_language(tracker: Tracker) -> str:
    """The language the gateway chose for this message (sent as metadata)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    languages = load_languages()
    code = metadata.get("language")
    return code if languages.supports(code) else languages.default


def region() -> str:
    return os.environ.get("HELPDESK_REGION", "fr")


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")
