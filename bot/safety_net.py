"""The per-language safety net: crisis phrases that no training can take away.

The NLU model may miss a crisis it was never shown; these hand-kept phrases
and patterns (safety_net/<lang>.yml) catch the common ways of saying it in
each language, misspellings and colloquial forms included. Either the model
or the net is enough to treat a message as a crisis. Exclusions (idioms such
as "I'm dying to learn French", negations such as "I'm not in danger") are
cut out of the message before the crisis phrases are looked for.

Everything is matched on the folded text (rasa_ext.text_normalization), so a
phrase written once matches with or without accents, in either Arabic-script
spelling, in any case.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Pattern, Tuple

import yaml

from rasa_ext.text_normalization import normalize_text
from services_catalog.taxonomy import CRISIS_INTENTS

ROOT = Path(__file__).resolve().parent.parent
NET_DIR = ROOT / "safety_net"


def _phrase_pattern(phrase: str) -> str:
    words = normalize_text(phrase).split()
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"


@dataclass(frozen=True)
class NetMatch:
    crisis: str  # a crisis intent, e.g. crisis_self_harm
    language: str


@dataclass
class LanguageNet:
    language: str
    crisis: Dict[str, Pattern]
    exclusions: Optional[Pattern]

    def match(self, folded: str) -> Optional[str]:
        if self.exclusions is not None:
            folded = self.exclusions.sub(" ", folded)
        for crisis, pattern in self.crisis.items():
            if pattern.search(folded):
                return crisis
        return None


def _compile(phrases: Iterable[str], patterns: Iterable[str]) -> Optional[Pattern]:
    parts = [_phrase_pattern(p) for p in phrases if p and p.strip()]
    parts += [p for p in patterns if p]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def load_language_net(path: Path) -> LanguageNet:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    crisis = {}
    for intent in CRISIS_INTENTS:
        spec = data.get(intent) or {}
        compiled = _compile(spec.get("phrases") or [], spec.get("patterns") or [])
        if compiled is not None:
            crisis[intent] = compiled
    exclusions = data.get("exclusions") or {}
    return LanguageNet(path.stem, crisis,
                       _compile(exclusions.get("phrases") or [], exclusions.get("patterns") or []))


class SafetyNet:
    """All languages' nets. A message is checked against every language's
    phrases, since people mix languages and detection can be wrong."""

    def __init__(self, nets: List[LanguageNet]):
        self.nets = nets

    @classmethod
    def load(cls, directory: Path = NET_DIR) -> "SafetyNet":
        return cls([load_language_net(p) for p in sorted(directory.glob("*.yml"))])

    def check(self, text: str, language: Optional[str] = None) -> Optional[NetMatch]:
        """The crisis the text signals, if any; the message's own language first."""
        if text.startswith("/"):
            return None  # a button payload, not something a person typed
        folded = normalize_text(text)
        ordered = sorted(self.nets, key=lambda net: net.language != language)
        for net in ordered:
            crisis = net.match(folded)
            if crisis:
                return NetMatch(crisis, net.language)
        return None

    def languages(self) -> Tuple[str, ...]:
        return tuple(net.language for net in self.nets)


@lru_cache(maxsize=1)
def safety_net() -> SafetyNet:
    return SafetyNet.load()
