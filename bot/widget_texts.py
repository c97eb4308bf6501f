"""The web widget's own texts (labels, buttons, status lines), marked for translation.

The widget fetches them per language from /widget/strings/{lang}.json, so
translators work in the same .po files as for every other text.
"""
from typing import Dict

from localization import N_, Translations

WIDGET_TEXTS: Dict[str, str] = {
    # NOTE: the round button that opens the chat on a web page.
    "launcher": N_("Chat with the help desk"),
    "title": N_("Help desk"),
    "close": N_("Close the chat"),
    # NOTE: leaves the site at once for a neutral page, for someone writing from an unsafe place.
    "quick_exit": N_("Quick exit"),
    "quick_exit_help": N_("Leave this site now and clear this chat from this browser."),
    "input_label": N_("Your message"),
    "placeholder": N_("Write your message here"),
    "send": N_("Send"),
    # NOTE: names of who wrote a message, read out by screen readers.
    "you": N_("You"),
    "assistant": N_("Assistant"),
    "caseworker": N_("Person from the help desk"),
    "connection_lost": N_("Connection lost. Trying again…"),
    "not_sent": N_("Your message was not sent. Please try again."),
    "new_message": N_("You have a new message."),
    # NOTE: starts a new, empty chat; this browser forgets the old one.
    "end": N_("End conversation"),
}


def widget_strings(translations: Translations, lang: str) -> Dict[str, str]:
    """Every widget text in `lang` (English where a translation is missing)."""
    return {key: translations.gettext(lang, msgid) for key, msgid in WIDGET_TEXTS.items()}
