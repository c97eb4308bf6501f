"""The languages of this deployment and the translated texts of every reply.

Shared by the gateway (NLG endpoint, channel texts) and the action server
(catalogue answers), so both speak from the same gettext catalogues under
locales/<lang>/LC_MESSAGES/messages.po.
"""
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional

import yaml
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
LANGUAGES_FILE = ROOT / "config" / "languages.yml"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    """One language of the launch set."""

    code: str
    name: str  # the language's own name, shown in the language menu
    rtl: bool


@dataclass(frozen=True)
class LanguageSet:
    """The deployment's languages and its default."""

    default: str
    languages: Dict[str, Language]

    @property
    def codes(self) -> List[str]:
        return list(self.languages)

    def supports(self, code: Optional[str]) -> bool:
        return bool(code) and code in self.languages

    def closest(self, tag: Optional[str]) -> Optional[str]:
        """Map a client hint ("fr-FR", "prs", "uk_UA") to a supported code."""
        if not tag:
            return None
        base = tag.replace("_", "-").split("-")[0].lower()
        base = {"prs": "fa", "pes": "fa", "pbu": "ps", "pbt": "ps"}.get(base, base)
        return base if base in self.languages else None


@lru_cache(maxsize=1)
def load_languages(path: str = "") -> LanguageSet:
    """Read config/languages.yml (or HELPDESK_LANGUAGES_FILE)."""
    file = Path(path or os.environ.get("HELPDESK_LANGUAGES_FILE") or LANGUAGES_FILE)
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    languages = {
        code: Language(code, spec["name"], bool(spec.get("rtl")))
        for code, spec in data["languages"].items()
    }
    default = os.environ.get("HELPDESK_DEFAULT_LANGUAGE") or data["default"]
    if default not in languages:
        raise ValueError(f"default language {default!r} is not in {file}")
    return LanguageSet(default, languages)


class Translations:
    """English message ids to their translation, for every language."""

    def __init__(self, catalogs: Mapping[str, Mapping[str, str]]):
        self._catalogs = catalogs

    @classmethod
    def load(cls, locales_dir: Path = LOCALES_DIR) -> "Translations":
        catalogs: Dict[str, Dict[str, str]] = {}
        for po_file in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
            lang = po_file.parent.parent.name
            with po_file.open("rb") as handle:
                catalog = read_po(handle, locale=None)
            catalogs[lang] = {
                message.id: message.string
                for message in catalog
                if message.id and message.string and not message.fuzzy
            }
        return cls(catalogs)

    def languages(self) -> List[str]:
        return list(self._catalogs)

    def has(self, lang: str, msgid: str) -> bool:
        return lang == SOURCE_LANGUAGE or msgid in self._catalogs.get(lang, {})

    def gettext(self, lang: str, msgid: str) -> str:
        """The text in `lang`; English (and a warning) when it is missing."""
        if lang == SOURCE_LANGUAGE or not msgid:
            return msgid
        translated = self._catalogs.get(lang, {}).get(msgid)
        if translated is None:
            # Log the length, not the text: message ids can be long and the
            # completeness test is what keeps this from happening.
            logger.warning("missing %s translation for a %d-character text", lang, len(msgid))
            return msgid
        return translated


@lru_cache(maxsize=1)
def translations() -> Translations:
    """The process-wide translations, loaded once."""
    return Translations.load()


def N_(msgid: str) -> str:
    """Mark a text for extraction by pybabel without translating it here."""
    return msgid
