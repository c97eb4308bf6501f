"""Fold spelling variants so that one feature matches however a person typed it.

Used by the NLU tokenizer and by the gateway's safety net, so both see the same
text. Pure Python, no Rasa import: cheap to test and to reuse.
"""
import re
import unicodedata

# Arabic-script letters that keyboards and habits swap freely: Arabic yeh/kaf
# vs Persian yeh/keheh, alef variants, teh marbuta, alef maksura. Pashto-only
# letters (ټ ډ ړ ږ ښ ڼ ې ۍ) are kept: they are what tells Pashto from Persian.
_ARABIC_SCRIPT_FOLDS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا",
    "ٱ": "ا", "ؤ": "و", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ګ": "گ", "ٸ": "ئ",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6",
    "٧": "7", "٨": "8", "٩": "9", "۰": "0", "۱": "1", "۲": "2", "۳": "3",
    "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
})
# Harakat, Quranic marks, tatweel, zero-width (non-)joiners and marks, BOM.
_INVISIBLE_OR_DIACRITIC = re.compile(
    "[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]"
)
_REPEATED_LETTER = re.compile(r"(\w)\1{2,}")


def _strip_latin_accents(text: str) -> str:
    """Remove accents from Latin letters only (é→e), never from Cyrillic й or ї."""
    out = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and "a" <= out[-1] <= "z":
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def normalize_text(text: str) -> str:
    """Return the folded form of a message: lower case, no accents, one spelling."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _INVISIBLE_OR_DIACRITIC.sub("", text)
    text = text.translate(_ARABIC_SCRIPT_FOLDS)
    text = text.replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    text = _strip_latin_accents(text)
    # "helppp", "plzzzz", "سلاااام": three or more repeats count as two.
    return _REPEATED_LETTER.sub(r"\1\1", text)
