"""Check one language's messages.po against locales/messages.pot.

Usage: python scripts/check_po.py LANG   (exit status 1 when a check fails)
Every message translated, not fuzzy, same {placeholders}, no leftover English
(a translation identical to the English text is allowed only for texts with no
words, such as "{services}").
"""
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def main(lang: str) -> int:
    with open(ROOT / "locales" / "messages.pot", "rb") as f:
        template = read_po(f)
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or not translated.string:
            problems.append(f"untranslated: {message.id[:70]!r}")
            continue
        if translated.fuzzy:
            problems.append(f"fuzzy: {message.id[:70]!r}")
        if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(translated.string)):
            problems.append(f"placeholders differ: {message.id[:70]!r}")
        if translated.string == message.id and re.search(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", message.id)):
            problems.append(f"still English: {message.id[:70]!r}")
        if "\n" in message.id and "\n" not in translated.string:
            problems.append(f"line break lost: {message.id[:70]!r}")
    for p in problems:
        print(p)
    print(f"{lang}: {len(template) - 1} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
