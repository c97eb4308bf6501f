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
from typing import Dict, FrozenSet, Iterable, List, Optional, Pattern, Tuple

import yaml

from bot.net_scripts import required_scripts, scripts_in
from rasa_ext.text_normalization import normalize_text
from services_catalog.taxonomy import CRISIS_INTENTS

ROOT = Path(__file__).resolve().parent.parent
NET_DIR = ROOT / "safety_net"


def _phrase_words(phrase: str) -> str:
    """A phrase as a regex of its folded words, any spacing between them."""
    return r"\s+".join(re.escape(w) for w in normalize_text(phrase).split())


def _alternation(phrases: List[str], patterns: List[str]) -> str:
    """Phrases as whole words, behind one shared boundary check, then the raw patterns.

    One `(?<!\w)` before all phrases (not one per phrase) lets the regex engine
    skip positions by the phrases' first letters: several times faster."""
    parts = [r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)"] if phrases else []
    return "|".join(parts + [f"(?:{p})" for p in patterns])


@dataclass(frozen=True)
class NetMatch:
    crisis: str  # a crisis intent, e.g. crisis_self_harm
    language: str


@dataclass
class PatternGroup:
    """Some of one crisis type's phrases and patterns, all needing the same writing systems."""
    scripts: Optional[FrozenSet[str]]  # None: searched in every message
    pattern: Pattern

    def may_match(self, text_scripts: Optional[FrozenSet[str]]) -> bool:
        return self.scripts is None or text_scripts is None or bool(self.scripts & text_scripts)


@dataclass
class LanguageNet:
    language: str
    crisis: Dict[str, List[PatternGroup]]
    exclusions: Optional[Pattern]

    def match(self, folded: str, text_scripts: Optional[FrozenSet[str]] = None) -> Optional[str]:
        """The first crisis type whose phrases occur; `text_scripts` (the writing
        systems of the message's letters) skips patterns that cannot match,
        None searches them all."""
        if self.exclusions is not None:
            folded = self.exclusions.sub(" ", folded)
        for crisis, groups in self.crisis.items():
            for group in groups:
                if group.may_match(text_scripts) and group.pattern.search(folded):
                    return crisis
        return None


def _words(phrases: Iterable[str]) -> List[str]:
    return [w for w in (_phrase_words(p) for p in phrases if p and p.strip()) if w]


def _compile(phrases: Iterable[str], patterns: Iterable[str]) -> Optional[Pattern]:
    words, raw = _words(phrases), [p for p in patterns if p]
    return re.compile(_alternation(words, raw)) if words or raw else None


def _grouped(phrases: Iterable[str], patterns: Iterable[str]) -> List[PatternGroup]:
    """One regex per set of writing systems, the always-searched group first."""
    by_scripts: Dict[Optional[FrozenSet[str]], Tuple[List[str], List[str]]] = {}
    for words in _words(phrases):
        by_scripts.setdefault(required_scripts(words), ([], []))[0].append(words)
    for pattern in (p for p in patterns if p):
        by_scripts.setdefault(required_scripts(pattern), ([], []))[1].append(pattern)
    ordered = sorted(by_scripts.items(), key=lambda item: (item[0] is not None, sorted(item[0] or ())))
    return [PatternGroup(scripts, re.compile(_alternation(*parts))) for scripts, parts in ordered]


def load_language_net(path: Path) -> LanguageNet:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    crisis = {}
    for intent in CRISIS_INTENTS:
        spec = data.get(intent) or {}
        groups = _grouped(spec.get("phrases") or [], spec.get("patterns") or [])
        if groups:
            crisis[intent] = groups
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

    def check(self, text: str, language: Optional[str] = None,
              every_pattern: bool = False) -> Optional[NetMatch]:
        """The crisis the text signals, if any; the message's own language first.

        Patterns that need letters the message does not have are skipped
        (bot/net_scripts.py); `every_pattern` searches them all anyway, which
        gives the same answer more slowly (the tests compare both)."""
        if text.startswith("/"):
            return None  # a button payload, not something a person typed
        folded = normalize_text(text)
        text_scripts = None if every_pattern else scripts_in(folded)
        ordered = sorted(self.nets, key=lambda net: net.language != language)
        for net in ordered:
            crisis = net.match(folded, text_scripts)
            if crisis:
                return NetMatch(crisis, net.language)
        return None

    def languages(self) -> Tuple[str, ...]:
        return tuple(net.language for net in self.nets)


@lru_cache(maxsize=1)
def safety_net() -> SafetyNet:
    return SafetyNet.load()
