"""Check one language's NLU training and evaluation files: counts, duplicates, leaks.

Usage: python scripts/check_nlu_data.py LANG   (exit status 1 when a check fails)
"""
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from services_catalog.taxonomy import INTENTS_BY_FILE as INTENTS  # noqa: E402
from services_catalog.taxonomy import TRAINED_INTENTS as ALL_INTENTS  # noqa: E402

TOPIC_FILES = list(INTENTS)
BIG_TOPICS = ("rights_", "cso_services_", "crisis_")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u064B-\u0652\u0640\u200c\u200d]", "", text)
    text = text.replace("ي", "ی").replace("ك", "ک")
    return re.sub(r"[^\w]+", " ", text).strip()


def read_examples(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = defaultdict(list)
    for block in data.get("nlu", []):
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                out[block["intent"]].append(line[2:].strip())
    return out


def main(lang: str) -> int:
    errors = []
    train = defaultdict(list)
    for topic in TOPIC_FILES:
        path = ROOT / "data" / "nlu" / lang / f"{topic}.yml"
        if not path.exists():
            errors.append(f"missing {path}")
            continue
        for intent, examples in read_examples(path).items():
            if intent not in INTENTS[topic]:
                errors.append(f"{path.name}: intent {intent} does not belong in this file")
            train[intent].extend(examples)
    evals = {}
    for name in ("standard", "hard"):
        path = ROOT / "eval" / "nlu" / lang / f"{name}.yml"
        if not path.exists():
            errors.append(f"missing {path}")
            continue
        evals[name] = read_examples(path)
    seen = {}
    for intent in ALL_INTENTS:
        minimum = 60 if intent.startswith(BIG_TOPICS) else 50
        distinct = {normalise(e) for e in train[intent]}
        if len(distinct) < minimum:
            errors.append(f"train {intent}: {len(distinct)} distinct examples, need {minimum}")
        for e in train[intent]:
            if re.search(r"[\[\]{}]", e):
                errors.append(f"train {intent}: brackets not allowed: {e!r}")
            key = normalise(e)
            if key in seen and seen[key] != intent:
                errors.append(f"train: {e!r} is in both {seen[key]} and {intent}")
            seen[key] = intent
        dupes = [e for e, n in Counter(normalise(x) for x in train[intent]).items() if n > 1]
        if dupes:
            errors.append(f"train {intent}: duplicated examples {dupes[:5]}")
    # Held out of every language's training data, not only this one's: the
    # model is multilingual, and people mix languages.
    all_training = set(seen)
    for path in (ROOT / "data" / "nlu").glob("*/*.yml"):
        for examples in read_examples(path).values():
            all_training |= {normalise(e) for e in examples}
    for name, data in evals.items():
        minimum = 20 if name == "standard" else 5
        for intent in ALL_INTENTS:
            if len(set(map(normalise, data.get(intent, [])))) < minimum:
                errors.append(f"eval {name} {intent}: {len(data.get(intent, []))} examples, need {minimum}")
            for e in data.get(intent, []):
                if normalise(e) in all_training:
                    errors.append(f"eval {name} {intent}: {e!r} copies a training example")
                if re.search(r"[\[\]{}]", e):
                    errors.append(f"eval {name} {intent}: brackets not allowed: {e!r}")
        for intent in data:
            if intent not in ALL_INTENTS:
                errors.append(f"eval {name}: unknown intent {intent}")
    for e in errors:
        print(e)
    total = sum(len(v) for v in train.values())
    print(f"{lang}: {total} training examples, "
          + ", ".join(f"{n} {sum(len(v) for v in d.values())}" for n, d in evals.items())
          + f"; {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
