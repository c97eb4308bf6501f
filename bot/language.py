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
# Arabic in Latin letters writes some sounds with digits: "3andi", "n9ra", "y7fdek".
DIGITS_FOR_SOUNDS = re.compile(r"[a-z][23579]|[23579][a-z]")
MIN_LETTERS = 4
MIN_WORDS = 2
STRONG_WORDS = 3
STRONG_LETTERS = 12
UNSUPPORTED_MIN_WORDS = 4
CLEAR_PROBABILITY = 0.8
ONE_WORD_PROBABILITY = 0.95


@dataclass(frozen=True)
class Detection:
    """The language a message is clearly written in, if any."""

    code: Optional[str]  # a BCP 47 base code, or None when unclear
    supported: bool
    # Long enough to switch a conversation already under way to another
    # language ("merci bien" in a Persian conversation is politeness, not a switch).
    strong: bool = False


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
    if letters < MIN_LETTERS:
        return UNCLEAR
    strong = len(words) >= STRONG_WORDS and letters >= STRONG_LETTERS
    script = max(counts, key=counts.get)
    if script == "other":
        return Detection("und", False, strong)
    chars = set(text.casefold())
    if script == "arabic" and chars & PASHTO_LETTERS and supported.supports("ps"):
        return Detection("ps", True, strong)
    if script == "cyrillic":
        if chars & UKRAINIAN_LETTERS and not chars & RUSSIAN_LETTERS and supported.supports("uk"):
            return Detection("uk", True, strong)
        if chars & RUSSIAN_LETTERS and not chars & UKRAINIAN_LETTERS and supported.supports("ru"):
            return Detection("ru", True, strong)
    # Arabic, Persian, Russian… are also written in Latin letters.
    candidates = supported.codes if script == "latin" else \
        [c for c in SCRIPT_LANGUAGES[script] if supported.supports(c)]
    ranked = language_model(tuple(supported.codes)).probabilities(text, candidates)
    best, probability = ranked[0] if ranked else (None, 0.0)
    single_script = counts[script] >= 0.9 * letters
    if len(words) >= UNSUPPORTED_MIN_WORDS and single_script \
            and not DIGITS_FOR_SOUNDS.search(text.casefold()):
        # A language we do not speak: py3langid is sure and our own model is not.
        known = SCRIPT_LANGUAGES[script]
        other, other_probability = _rank(text.casefold(), known + OTHER_LANGUAGES[script])
        if other not in known and other_probability >= 0.999 and probability < 0.95:
            return Detection(other, False, strong)
    # One word ("hola", "привіт") must be very typical of its language.
    threshold = CLEAR_PROBABILITY if len(words) >= MIN_WORDS else ONE_WORD_PROBABILITY
    if best and probability >= threshold:
        return Detection(best, True, strong)
    return UNCLEAR


def best_guess(text: str, supported: LanguageSet) -> Optional[str]:
    """A weaker guess for a conversation's very first, short message ("سلام", "hi").

    Used only when there is no language yet and no client hint: the script
    alone already says a reply in the default language would be wrong.
    """
    counts = _script_counts(text)
    letters = sum(counts.values())
    script = max(counts, key=counts.get)
    if letters < 2 or script == "other" or text.strip().startswith("/"):
        return None
    candidates = supported.codes if script == "latin" else \
        [c for c in SCRIPT_LANGUAGES[script] if supported.supports(c)]
    ranked = language_model(tuple(supported.codes)).probabilities(text, candidates)
    if not ranked:
        return None
    best, probability = ranked[0]
    return best if probability >= (0.75 if script == "latin" else 0.4) else None


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
    has_current = languages.supports(current)
    if detection.code and (detection.strong or not has_current):
        if detection.supported:
            return LanguageChoice(detection.code)
    else:
        detection = UNCLEAR
    fallback = (current if has_current else None) or languages.closest(hint) \
        or (best_guess(text, languages) if not detection.code else None) or languages.default
    return LanguageChoice(fallback, unsupported_detected=detection.code is not None)
