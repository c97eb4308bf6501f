"""Which writing systems a safety-net pattern needs, so a message skips patterns it cannot match.

A pattern whose every match must contain, say, an Arabic-script letter cannot
match a message written only in Latin letters. Reading that off the compiled
regex (its parse tree) is sound: a script is named only when every way the
pattern can match includes a letter of it; anything unsure (\\w, `.`, a class
with non-letters, an optional part) counts as "may match anything", and such a
pattern is always searched. Checking fewer patterns changes speed, never the
answer (tests/test_safety_net.py compares both on every evaluation message).
"""
import unicodedata
from functools import lru_cache
from typing import FrozenSet, Optional

try:  # Python 3.11+ moved the parser; 3.10, which Rasa needs, has it at the top level
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE,  # type: ignore
                               SUBPATTERN)
except ImportError:  # pragma: no cover - the Python this project runs on
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import (BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE,  # type: ignore
                               SUBPATTERN)

Scripts = Optional[FrozenSet[str]]  # None: the pattern may match without any letter
WIDEST_RANGE = 2000  # a character range wider than this is not examined letter by letter


@lru_cache(maxsize=4096)
def script_of(char: str) -> Optional[str]:
    """A letter's writing system ("LATIN", "CYRILLIC", "ARABIC"…), None for anything else."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


def scripts_in(text: str) -> FrozenSet[str]:
    return frozenset(s for s in map(script_of, set(text)) if s)


def _class_scripts(items) -> Scripts:
    scripts = set()
    for op, value in items:
        if op == LITERAL:
            chars = [chr(value)]
        elif op == RANGE and value[1] - value[0] <= WIDEST_RANGE:
            chars = [chr(c) for c in range(value[0], value[1] + 1)]
        else:  # NEGATE, CATEGORY (\w, \d), a huge range
            return None
        found = {script_of(c) for c in chars}
        if None in found:
            return None
        scripts |= found
    return frozenset(scripts) if scripts else None


def _item_scripts(op, value) -> Scripts:
    if op == LITERAL:
        script = script_of(chr(value))
        return frozenset({script}) if script else None
    if op == IN:
        return _class_scripts(value)
    if op == SUBPATTERN:
        return _sequence_scripts(value[-1])
    if op in (MAX_REPEAT, MIN_REPEAT):
        minimum, _maximum, inner = value
        return _sequence_scripts(inner) if minimum >= 1 else None
    if op == BRANCH:
        union = set()
        for branch in value[1]:
            needed = _sequence_scripts(branch)
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    # ANY, AT, ASSERT, ASSERT_NOT, NOT_LITERAL, back-references, atomic groups…: unsure.
    return None


def _sequence_scripts(sequence) -> Scripts:
    """The first element every match must contain that needs a known script."""
    for op, value in sequence:
        needed = _item_scripts(op, value)
        if needed is not None:
            return needed
    return None


def required_scripts(pattern: str) -> Scripts:
    """The writing systems of which every match of `pattern` contains a letter, or None."""
    return _sequence_scripts(sre_parse.parse(pattern))
