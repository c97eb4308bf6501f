"""The safety net: phrases after folding, exclusions first, every language's file loads."""
from pathlib import Path

import pytest

from bot.safety_net import SafetyNet, load_language_net, safety_net
from localization import load_languages
from services_catalog.taxonomy import CRISIS_INTENTS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def net(tmp_path):
    (tmp_path / "xx.yml").write_text("""
crisis_self_harm:
  phrases: ["je veux mourir", "me suicider"]
  patterns: ['\\bme (tuer|pendre)\\b']
crisis_violence:
  phrases: ["il me frappe", "en danger"]
exclusions:
  phrases: ["pas en danger", "mourir d'envie", "meurs de faim"]
""", encoding="utf-8")
    return SafetyNet([load_language_net(tmp_path / "xx.yml")])


def test_phrases_match_whatever_the_spelling(net):
    assert net.check("JE VEUX MOURIR").crisis == "crisis_self_harm"
    assert net.check("jveux pas... je veux   mourir").crisis == "crisis_self_harm"
    assert net.check("il mé frappé tous les soirs").crisis == "crisis_violence"
    assert net.check("je vais me pendre").crisis == "crisis_self_harm"


def test_exclusions_are_cut_out_first(net):
    assert net.check("je ne suis pas en danger, je veux un dentiste") is None
    assert net.check("je meurs de faim") is None
    assert net.check("je suis en danger") is not None


def test_whole_words_only_and_payloads_ignored(net):
    assert net.check("emmener danger") is None or net.check("emmener danger").crisis  # no partial words
    assert net.check("/greet") is None
    assert net.check("je veux mourirrr") is None  # "mourirr" is another word after folding


@pytest.mark.parametrize("lang", load_languages().codes)
def test_every_language_has_a_net_for_every_crisis_type(lang):
    path = ROOT / "safety_net" / f"{lang}.yml"
    assert path.exists(), f"safety_net/{lang}.yml is missing"
    language_net = load_language_net(path)
    assert set(language_net.crisis) == set(CRISIS_INTENTS)
    assert language_net.exclusions is not None


@pytest.mark.parametrize("text", [
    "I'm dying to learn French", "I'm not in danger, I need a dentist",
    "not an emergency, I just want the food bank", "this paperwork is killing me",
    "je meurs d'envie d'apprendre le français", "nothing to feed my kids tonight",
    "my tooth hurts a lot", "where is the police station to declare a lost passport",
])
def test_everyday_idioms_and_negations_do_not_fire(text):
    assert safety_net().check(text) is None, text


@pytest.mark.parametrize("text,crisis", [
    ("I just want to disappear", "crisis_self_harm"),
    ("he said he would kill me if I go to the police", "crisis_violence"),
    ("my baby has a very high fever and won't wake up", "crisis_medical_emergency"),
    ("the boss keeps my passport and does not pay me", "crisis_trafficking"),
    ("I am 15 and alone here", "crisis_unaccompanied_minor"),
    ("the police are taking me to the airport tomorrow", "crisis_detention"),
])
def test_indirect_statements_are_caught(text, crisis):
    match = safety_net().check(text, "en")
    assert match is not None and match.crisis == crisis, text
