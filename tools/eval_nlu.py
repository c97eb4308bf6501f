"""`make eval`: how well the assistant understands messages it never saw in training.

For each language: intent macro-F1 on eval/nlu/<lang>/standard.yml and on the
deliberately hard set, how often it is wrong *with confidence* (≥ 0.7), the
confusion pairs worth fixing, crisis recall per crisis type, the false-alarm
rate (everyday messages taken for a crisis), and how often the gateway's
language detection names the right language. Figures are printed and written
to var/eval/nlu-<date>.json.

    python -m tools.eval_nlu [--model PATH] [--languages fr,ar]
"""
import argparse
import asyncio
import json
import os
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIDENT = 0.7


def read_eval_file(path: Path) -> List[Tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu", []):
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def macro_f1(gold: List[str], predicted: List[str]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    return float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))


async def parse_all(agent, texts: List[str]) -> List[Tuple[str, float, str]]:
    """(delivered intent, its confidence, the classifier's own top intent) per text.

    The fallback classifier renames a low-confidence intent nlu_fallback: the
    person then gets "not sure, choose a topic or a person". Both figures are
    reported: the classifier's top intent, and what is delivered.
    """
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        top = ranking[0]["name"] if ranking else (intent.get("name") or "none")
        results.append((intent.get("name") or "none", float(intent.get("confidence") or 0.0), top))
    return results


def evaluate_language(agent, lang: str, languages) -> Dict:
    from bot.language import detect_language

    from bot.safety_net import safety_net

    net = safety_net()
    report: Dict = {"language": lang}
    crisis_hits: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    combined_hits: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    alarms = [0, 0]
    combined_alarms = [0, 0]
    for name in ("standard", "hard"):
        path = ROOT / "eval" / "nlu" / lang / f"{name}.yml"
        if not path.exists():
            continue
        pairs = read_eval_file(path)
        texts = [t for t, _ in pairs]
        gold = [g for _, g in pairs]
        predictions = asyncio.run(parse_all(agent, texts))
        predicted = [top for _, _, top in predictions]
        delivered = [p for p, _, _ in predictions]
        errors = [(g, top, c) for g, (_, c, top) in zip(gold, predictions) if g != top]
        confusions = Counter((g, p) for g, p, _ in errors)
        # Crisis figures use what is delivered: a crisis below the fallback
        # threshold is not escalated by the model (the safety net is separate).
        # Combined: what the gateway does, the model OR the safety net.
        for text, g, p in zip(texts, gold, delivered):
            by_net = net.check(text, lang) is not None
            if g.startswith("crisis_"):
                crisis_hits[g][1] += 1
                crisis_hits[g][0] += p.startswith("crisis_")
                combined_hits[g][1] += 1
                combined_hits[g][0] += p.startswith("crisis_") or by_net
            else:
                alarms[1] += 1
                alarms[0] += p.startswith("crisis_")
                combined_alarms[1] += 1
                combined_alarms[0] += p.startswith("crisis_") or by_net
        detected = [detect_language(t, languages) for t in texts]
        report[name] = {
            "examples": len(pairs),
            "intent_f1": round(macro_f1(gold, predicted), 4),
            "delivered_f1": round(macro_f1(gold, delivered), 4),
            "fallback_rate": round(delivered.count("nlu_fallback") / max(1, len(pairs)), 4),
            "accuracy": round(1 - len(errors) / max(1, len(pairs)), 4),
            "errors": len(errors),
            "confidently_wrong": sum(1 for _, _, c in errors if c >= CONFIDENT),
            "top_confusions": [f"{g} → {p} ×{n}" for (g, p), n in confusions.most_common(6)],
            "language_detected_right": round(
                sum(d.code == lang for d in detected) / max(1, len(detected)), 4),
            # Strong detections are those that would switch a conversation.
            "language_detected_wrong": round(
                sum(d.code not in (None, lang) and d.strong for d in detected) / max(1, len(detected)), 4),
        }
    report["crisis_recall"] = {k: round(h / n, 4) for k, (h, n) in sorted(crisis_hits.items())}
    total_hits = sum(h for h, _ in crisis_hits.values())
    total = sum(n for _, n in crisis_hits.values())
    report["crisis_recall_all"] = round(total_hits / max(1, total), 4)
    report["false_alarm_rate"] = round(alarms[0] / max(1, alarms[1]), 4)
    report["combined_crisis_recall"] = {k: round(h / n, 4) for k, (h, n) in sorted(combined_hits.items())}
    report["combined_crisis_recall_all"] = round(
        sum(h for h, _ in combined_hits.values()) / max(1, sum(n for _, n in combined_hits.values())), 4)
    report["combined_false_alarm_rate"] = round(combined_alarms[0] / max(1, combined_alarms[1]), 4)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    parser.add_argument("--languages")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(ROOT))
    from rasa.core.agent import Agent

    from localization import load_languages
    from tools.model import train

    languages = load_languages()
    model = args.model or str(train())
    agent = Agent.load(model)
    codes = args.languages.split(",") if args.languages else languages.codes
    reports = [evaluate_language(agent, lang, languages) for lang in codes]
    print(f"\n{'lang':5} {'F1 std':>7} {'F1 hard':>8} {'delivered':>9} {'fallback':>8} "
          f"{'conf.wrong':>10} {'crisis rec.':>11} {'false al.':>9} {'+net rec.':>9} {'+net f.a.':>9} "
          f"{'lang-id':>8}")
    for r in reports:
        std, hard = r.get("standard", {}), r.get("hard", {})
        print(f"{r['language']:5} {std.get('intent_f1', 0):7.3f} {hard.get('intent_f1', 0):8.3f} "
              f"{std.get('delivered_f1', 0):9.3f} {std.get('fallback_rate', 0):8.3f} "
              f"{std.get('confidently_wrong', 0) + hard.get('confidently_wrong', 0):10d} "
              f"{r['crisis_recall_all']:11.3f} {r['false_alarm_rate']:9.3f} "
              f"{r['combined_crisis_recall_all']:9.3f} {r['combined_false_alarm_rate']:9.3f} "
              f"{std.get('language_detected_right', 0):8.3f}")
    print("F1 std/hard: the classifier's top intent, macro-F1; delivered: after the fallback "
          "threshold (standard set); conf.wrong: errors with confidence >= 0.7 (both sets); "
          "crisis recall and false alarms: both sets, the model as delivered; +net: the model or "
          "the safety net (what the gateway does); lang-id: standard set.")
    for r in reports:
        for name in ("standard", "hard"):
            if r.get(name, {}).get("top_confusions"):
                print(f"{r['language']} {name}: " + "; ".join(r[name]["top_confusions"]))
        low = {k: v for k, v in r["combined_crisis_recall"].items() if v < 0.97}
        if low:
            print(f"{r['language']} crisis recall (model + net) below 0.97: {low}")
    out = ROOT / "var" / "eval"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"nlu-{date.today().isoformat()}.json"
    target.write_text(json.dumps({"model": Path(model).name, "reports": reports}, indent=2,
                                 ensure_ascii=False))
    print(f"\nwritten to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
