"""Render a domain response in the user's language (Rasa's NLG endpoint uses this).

The English text in domain.yml is the gettext message id; placeholders such as
`{contacts}` are filled after translation, from the action's arguments first
and the conversation's slots second, so translators may move them freely.
"""
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from localization import Translations

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def load_domain_responses(path: Path = ROOT / "domain.yml") -> Dict[str, dict]:
    """The first variation of every response in the domain file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: variations[0] for name, variations in (data.get("responses") or {}).items()}


def fill_placeholders(text: str, values: Mapping[str, Any]) -> str:
    """Replace `{name}` by its value; unknown names are left out, not shown raw."""
    def replace(match: "re.Match[str]") -> str:
        value = values.get(match.group(1))
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(replace, text)


class ResponseRenderer:
    """Domain responses, translated and filled."""

    def __init__(self, responses: Dict[str, dict], translations: Translations,
                 defaults: Optional[Mapping[str, Any]] = None):
        self.responses = responses
        self.translations = translations
        self.defaults = dict(defaults or {})

    def knows(self, name: str) -> bool:
        return name in self.responses

    def render(self, name: str, language: str,
               values: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """`{"text": …, "buttons": [...]}` for response `name` in `language`."""
        spec = self.responses.get(name) or self.responses["utter_default"]
        merged = {**self.defaults, **(values or {})}
        message: Dict[str, Any] = {
            "text": fill_placeholders(self.translations.gettext(language, spec.get("text", "")), merged)
        }
        buttons: List[dict] = [
            {"title": self.translations.gettext(language, button["title"]),
             "payload": button["payload"]}
            for button in spec.get("buttons") or []
        ]
        if buttons:
            message["buttons"] = buttons
        return message
