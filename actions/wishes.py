"""What kind of service the person asks for in their own words: free, open now.

Read from config/search_wishes.yml (words per language, on the folded text).
A wish narrows the search; when nothing fits it, the search runs without it,
because a closed or paying service is better than no help at all.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List

import yaml

from rasa_ext.text_normalization import normalize_text

WISHES_FILE = Path(__file__).resolve().parent.parent / "config" / "search_wishes.yml"


@dataclass(frozen=True)
class Wishes:
    free: bool = False
    open_now: bool = False


@lru_cache(maxsize=1)
def _patterns() -> Dict[str, re.Pattern]:
    """One pattern per wish, over every language (people mix languages)."""
    data = yaml.safe_load(WISHES_FILE.read_text(encoding="utf-8"))
    patterns = {}
    for wish, by_language in data.items():
        alternatives: List[str] = []
        for words in by_language.values():
            for word in words:
                stem = normalize_text(str(word).rstrip("*"))
                alternatives.append(re.escape(stem) + (r"\w*" if str(word).endswith("*") else ""))
        patterns[wish] = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
    return patterns


def wishes_in(texts: Iterable[str]) -> Wishes:
    folded = " \n ".join(normalize_text(text) for text in texts if text)
    patterns = _patterns()
    return Wishes(free=bool(patterns["free"].search(folded)),
                  open_now=bool(patterns["open_now"].search(folded)))
