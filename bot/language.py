"""Which language to answer in: explicit choice, the message, the client's hint, the default.

Detection narrows by script (Pashto's and Ukrainian's own letters settle those
at once), then asks an in-domain model trained on the assistant's NLU data
(which knows Arabic in Latin letters, translit and SMS spelling) among the
launch languages; py3langid's pretrained model (shipped in the package, no
download) is what recognises a language outside the launch set. Short or ambiguous messages ("ok",
"👍", a postcode) are not "clear" and keep the conversation's language.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from bot.language_model import language_model
from localization import LanguageSet

PASHTO_LETTERS = set("ټډړږښڼېۍځڅ")
PERSIAN_LETTERS = set("پچژگ")
ARABIC_ONLY_LETTERS = set("ةىإأؤ")
UKRAINIAN_LETTERS = set("іїєґ")
RUSSIAN_LETTERS = set("ыэъё")
# Launch languages written in each script, and other languages of that script
# that py3langid knows: they tell "a language we do not speak" from "unclear".
SCRIPT_LANGUAGES = {"latin": ["fr", "en", "es"], "cyrillic": ["uk", "ru"],
                    "arabic": ["ar", "fa", "ps"]}
LATIN_LAUNCH = SCRIPT_LANGUAGES["latin"]
OTHER_LANGUAGES = {"latin": ["de", "it", "pt", "nl", "tr", "pl", "ro", "sq", "sw", "vi", "id"],
                   "cyrillic": ["bg", "sr", "mk", "be", "kk", "mn", "ky"],
                   "arabic": ["ur", "ug", "ku"]}
MIN_LETTERS = 6
MIN_WORDS = 2
CLEAR_PROBABILITY = 0.8


@dataclass(frozen=True)
class Detection:
    """The language a message is clearly written in, if any."""

    code: Optional[str]  # a BCP 47 base code, or None when unclear
    supported: bool


UNCLEAR = Detection(None, False)


@lru_cache(maxsize=8)
def _identifier(languages: tuple):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def _rank(text: str, candidates: Iterable[str]):
    return _identifier(tuple(sorted(set(candidates)))).classify(text)


def _script_counts(text: str) -> dict:
    counts = {"latin": 0, "cyrillic": 0, "arabic": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        if code < 0x250:
            counts["latin"] += 1
        elif 0x400 <= code < 0x530:
            counts["cyrillic"] += 1
        elif 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
            counts["arabic"] += 1
        else:
            counts["other"] += 1
    return counts


def detect_language(text: str, supported: LanguageSet) -> Detection:
    """The language `text` is clearly written in, or UNCLEAR."""
    text = text.strip()
    if not text or text.startswith("/"):
        return UNCLEAR
    counts = _script_counts(text)
    letters = sum(counts.values())
    words = re.findall(r"\w+", text)
    if letters < MIN_LETTERS or len(words) < MIN_WORDS and letters < 12:
        return UNCLEAR
    script = max(counts, key=counts.get)
    if script == "other":
        return Detection("und", False)
    chars = set(text.casefold())
    if script == "arabic" and chars & PASHTO_LETTERS and supported.supports("ps"):
        return Detection("ps", True)
    if script == "cyrillic":
        if chars & UKRAINIAN_LETTERS and not chars & RUSSIAN_LETTERS and supported.supports("uk"):
            return Detection("uk", True)
        if chars & RUSSIAN_LETTERS and not chars & UKRAINIAN_LETTERS and supported.supports("ru"):
            return Detection("ru", True)
    candidates = [c for c in SCRIPT_LANGUAGES[script] if supported.supports(c)]
    if script == "latin":
        # Arabic, Persian, Russian… are also written in Latin letters.
        candidates = supported.codes
    else:
        # py3langid recognises a language of this script that we do not speak.
        other, probability = _rank(text, SCRIPT_LANGUAGES[script] + OTHER_LANGUAGES[script])
        if other not in SCRIPT_LANGUAGES[script] and probability >= 0.98 and len(words) >= 3:
            return Detection(other, False)
    ranked = language_model(tuple(supported.codes)).probabilities(text, candidates)
    if not ranked:
        return UNCLEAR
    best, probability = ranked[0]
    if probability >= CLEAR_PROBABILITY:
        return Detection(best, True)
    if script == "latin" and len(words) >= 4:
        other, other_probability = _rank(text.casefold(), LATIN_LAUNCH + OTHER_LANGUAGES["latin"])
        if other not in LATIN_LAUNCH and other_probability >= 0.98:
            return Detection(other, False)
    return UNCLEAR


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    unsupported_detected: bool = False


def choose_language(text: str, current: Optional[str], chosen: bool,
                    hint: Optional[str], languages: LanguageSet) -> LanguageChoice:
    """Apply DESIGN.md's order: choice, clear message language, hint, default."""
    if chosen and languages.supports(current):
        return LanguageChoice(current)
    detection = detect_language(text, languages)
    if detection.code and detection.supported:
        return LanguageChoice(detection.code)
    fallback = (current if languages.supports(current) else None) \
        or languages.closest(hint) or languages.default
    return LanguageChoice(fallback, unsupported_detected=detection.code is not None)
