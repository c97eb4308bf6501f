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
    # Another language's transliterated words inside English ones ("arest" in "nearest").
    "where is the nearest doctor", "the nearest day centre please",
    "la seule solution est de demander un titre de séjour",
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
    ("ma seule issue, c'est de mourir", "crisis_self_harm"),
    ("menia zaarestovali vchera", "crisis_detention"),
])
def test_indirect_statements_are_caught(text, crisis):
    match = safety_net().check(text, "en")
    assert match is not None and match.crisis == crisis, text


# -- skipping patterns by writing system changes speed, never the answer --------------
def _reference_net(path: Path):
    """The net as first written: each phrase with its own word boundaries, every pattern searched."""
    import re

    import yaml

    from rasa_ext.text_normalization import normalize_text

    def phrase(text):
        return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in normalize_text(text).split()) + r"(?!\w)"

    def alternation(spec):
        parts = [phrase(p) for p in spec.get("phrases") or [] if p.strip()] + list(spec.get("patterns") or [])
        return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    crisis = {intent: alternation(data.get(intent) or {}) for intent in CRISIS_INTENTS}
    return alternation(data.get("exclusions") or {}), {k: v for k, v in crisis.items() if v}


def _reference_check(nets, text, language):
    from rasa_ext.text_normalization import normalize_text

    folded = normalize_text(text)
    for lang in sorted(nets, key=lambda code: code != language):
        exclusions, crisis = nets[lang]
        cut = exclusions.sub(" ", folded) if exclusions else folded
        for intent, pattern in crisis.items():
            if pattern.search(cut):
                return intent, lang
    return None


def _every_evaluation_message():
    import yaml

    for path in sorted((ROOT / "eval" / "nlu").glob("*/*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    yield path.parent.name, line.strip()[2:]


@pytest.mark.slow
def test_the_net_answers_as_its_plain_reference_on_every_evaluation_message():
    reference = {p.stem: _reference_net(p) for p in sorted((ROOT / "safety_net").glob("*.yml"))}
    net = safety_net()
    checked = caught = 0
    for number, (lang, text) in enumerate(_every_evaluation_message()):
        # Mixed scripts too (a Latin word in an Arabic message, an emergency number), now and then.
        for variant in (text, f"{text} ok 112") if number % 4 == 0 else (text,):
            expected = _reference_check(reference, variant, lang)
            found = net.check(variant, lang)
            assert ((found.crisis, found.language) if found else None) == expected, (lang, variant)
            checked += 1
            caught += found is not None
    assert checked > 9000 and caught > 500  # the comparison covered crises, not only calm messages


def test_skipping_patterns_never_changes_the_answer():
    net = safety_net()
    for lang, text in list(_every_evaluation_message())[::7]:
        assert net.check(text, lang) == net.check(text, lang, every_pattern=True), (lang, text)


def test_required_scripts_are_sound():
    from bot.net_scripts import required_scripts, scripts_in

    assert required_scripts(r"(?<!\w)je\s+suis\s+mineur") == {"LATIN"}
    assert required_scripts(r"(?:foo|بار)") == {"LATIN", "ARABIC"}
    assert required_scripts(r"[аб]+") == {"CYRILLIC"}
    # Anything that may match without a letter of a known script is searched everywhere.
    for unsure in (r"(a|\d+)", r"x?", r"\w+", r".*", r"(?<!\w)3919(?!\w)", r"[a-z0-9]", r"[^a]"):
        assert required_scripts(unsure) is None, unsure
    assert scripts_in("je suis à lyon, 3919") == {"LATIN"}
    assert scripts_in("أنا في ليون z") == {"ARABIC", "LATIN"}
