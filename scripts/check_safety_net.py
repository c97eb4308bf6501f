"""Check one language's safety net on the TRAINING data (the evaluation stays held out).

Usage: python scripts/check_safety_net.py LANG [--show]
Prints the recall on training crisis examples per crisis type, the false
alarms on everyday training examples, and with --show the misses and false
alarms themselves. Exit status 1 when the file does not load.
"""
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bot.safety_net import SafetyNet, load_language_net  # noqa: E402
from check_nlu_data import read_examples  # noqa: E402


def main(lang: str, show: bool) -> int:
    try:
        net = SafetyNet([load_language_net(ROOT / "safety_net" / f"{lang}.yml")])
    except Exception as error:  # noqa: BLE001 - report any load problem
        print(f"safety_net/{lang}.yml does not load: {error}")
        return 1
    hits, totals, alarms, everyday = Counter(), Counter(), [], 0
    misses = []
    for path in sorted((ROOT / "data" / "nlu" / lang).glob("*.yml")):
        for intent, examples in read_examples(path).items():
            for text in examples:
                match = net.check(text, lang)
                if intent.startswith("crisis_"):
                    totals[intent] += 1
                    if match:
                        hits[intent] += 1
                    else:
                        misses.append((intent, text))
                else:
                    everyday += 1
                    if match:
                        alarms.append((intent, match.crisis, text))
    for intent in sorted(totals):
        print(f"{intent:28} recall {hits[intent] / totals[intent]:.2f} ({hits[intent]}/{totals[intent]})")
    print(f"false alarms on everyday examples: {len(alarms)}/{everyday} = {len(alarms) / max(1, everyday):.3f}")
    if show:
        for intent, text in misses:
            print(f"MISS {intent}: {text}")
        for intent, crisis, text in alarms:
            print(f"ALARM {intent} -> {crisis}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--show" in sys.argv))
