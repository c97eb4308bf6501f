"""Every user-facing text exists in every launch language, placeholders intact."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from localization import SOURCE_LANGUAGE, Translations, load_languages

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code in load_languages().codes if code != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
RTL = {"ar", "fa", "ps"}


def source_texts():
    """The English texts of locales/messages.pot (kept current by test_pot_is_up_to_date)."""
    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.fixture(scope="module")
def translations():
    return Translations.load()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_translated(translations, lang):
    missing = [t for t in sorted(source_texts()) if not translations.has(lang, t)]
    assert not missing, f"{len(missing)} texts lack a {lang} translation, e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(translations, lang):
    for text in source_texts():
        if translations.has(lang, text):
            assert sorted(PLACEHOLDER.findall(translations.gettext(lang, text))) == \
                sorted(PLACEHOLDER.findall(text)), text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_left_behind(translations, lang):
    for text in source_texts():
        words = re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", text))
        if words and translations.has(lang, text):
            assert translations.gettext(lang, text) != text, f"{lang} still English: {text[:60]}"


@pytest.mark.parametrize("lang", sorted(RTL))
def test_right_to_left_translations_are_in_their_script(translations, lang):
    for text in source_texts():
        if translations.has(lang, text) and re.search(r"[A-Za-z]{4,}", PLACEHOLDER.sub("", text)):
            assert re.search(r"[\u0600-\u06FF]", translations.gettext(lang, text)), text[:60]


def test_right_to_left_set_is_configured():
    languages = load_languages().languages
    assert {code for code, lang in languages.items() if lang.rtl} == RTL


def test_pot_is_up_to_date(tmp_path):
    """locales/messages.pot is what `make translations` extracts today."""
    out = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "N_", "-o", str(out), "--no-location", "--omit-header", "--sort-output", "."], cwd=ROOT, check=True, capture_output=True,
                   env={"PYTHONPATH": str(ROOT)})
    with out.open("rb") as fresh, (ROOT / "locales" / "messages.pot").open("rb") as committed:
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(committed)}, \
            "run `make translations` and translate the new texts"


PRIVACY_NOTICE = ('Please do not write your name or any document number. Your messages are kept for '
                  '{retention_days} days and are never shared with the police or immigration '
                  'authorities. Write "forget me" at any time to erase them.')


@pytest.mark.parametrize("lang", load_languages().codes)
def test_privacy_page_shows_the_current_notice_in_every_language(translations, lang):
    page = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    notice = translations.gettext(lang, PRIVACY_NOTICE).replace("{retention_days}", "30")
    assert notice in page, f"docs/privacy.md has an outdated {lang} notice"
