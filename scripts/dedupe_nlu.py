"""Keep the multilingual training data consistent after languages are written separately.

1. A training example that appears (after normalisation) under two intents,
   usually in two languages' files, is kept only under its first occurrence
   (languages in config order), so the one model is never taught both.
2. An evaluation example that appears in any language's training data is
   removed from the evaluation files: held-out means held out of everything.

Usage: python scripts/dedupe_nlu.py [--dry-run]
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from check_nlu_data import normalise  # noqa: E402


def language_order():
    return list(yaml.safe_load((ROOT / "config" / "languages.yml").read_text())["languages"])


def rewrite(path: Path, keep) -> int:
    """Drop example lines for which keep(intent, text) is False; returns how many."""
    removed = 0
    out = []
    intent = None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        match = re.match(r"^- intent:\s*(\S+)", line)
        if match:
            intent = match.group(1)
        example = re.match(r"^\s+- (.*)$", line)
        if example and intent and not keep(intent, example.group(1).strip()):
            removed += 1
            continue
        out.append(line)
    return removed, "".join(out)


def main(dry_run: bool) -> int:
    owner = {}
    training_files = [p for lang in language_order()
                      for p in sorted((ROOT / "data" / "nlu" / lang).glob("*.yml"))]
    total = 0
    for path in training_files:
        def keep(intent, text):
            key = normalise(text)
            if key not in owner:
                owner[key] = intent
            return owner[key] == intent
        removed, text = rewrite(path, keep)
        if removed:
            print(f"{path.relative_to(ROOT)}: {removed} examples already under another intent")
            total += removed
            if not dry_run:
                path.write_text(text, encoding="utf-8")
    for path in sorted((ROOT / "eval" / "nlu").rglob("*.yml")):
        removed, text = rewrite(path, lambda intent, t: normalise(t) not in owner)
        if removed:
            print(f"{path.relative_to(ROOT)}: {removed} examples also in training")
            total += removed
            if not dry_run:
                path.write_text(text, encoding="utf-8")
    print(f"{total} examples {'would be ' if dry_run else ''}removed")
    return 0


if __name__ == "__main__":
    sys.exit(main("--dry-run" in sys.argv))
