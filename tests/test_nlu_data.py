"""Training and held-out evaluation data: counts per intent, no leaks, same intents everywhere."""
import importlib.util
from pathlib import Path

import pytest
import yaml

from localization import load_languages

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_nlu_data", ROOT / "scripts" / "check_nlu_data.py")
check_nlu_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_nlu_data)


@pytest.mark.parametrize("lang", load_languages().codes)
def test_language_data_is_complete_and_held_out(lang, capsys):
    status = check_nlu_data.main(lang)
    output = capsys.readouterr().out
    assert status == 0, output[-2000:]


def test_domain_lists_every_trained_intent():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(check_nlu_data.ALL_INTENTS) <= set(domain["intents"])


def test_no_evaluation_example_is_in_any_training_file():
    """Across languages too: a French example must not be trained in the English files."""
    training = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for examples in check_nlu_data.read_examples(path).values():
            training |= {check_nlu_data.normalise(e) for e in examples}
    leaks = []
    for path in (ROOT / "eval" / "nlu").rglob("*.yml"):
        for intent, examples in check_nlu_data.read_examples(path).items():
            leaks += [(path.parent.name, e) for e in examples if check_nlu_data.normalise(e) in training]
    assert not leaks, leaks[:10]
