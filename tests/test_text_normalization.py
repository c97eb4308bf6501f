"""Spelling variants fold to one form, without breaking Ukrainian or Pashto letters."""
from rasa_ext.text_normalization import normalize_text


def test_latin_accents_and_case_fold():
    assert normalize_text("Médecin GRATUIT à Lyon") == "medecin gratuit a lyon"
    assert normalize_text("niño") == "nino"


def test_cyrillic_letters_keep_their_marks():
    assert normalize_text("Їжа й житло") == "їжа й житло"
    assert normalize_text("Ещё") == "еще"


def test_arabic_script_variants_fold():
    # Arabic yeh/kaf and Persian yeh/keheh, diacritics, tatweel, zero-width non-joiner.
    assert normalize_text("مي\u200cخواهم") == normalize_text("میخواهم")
    assert normalize_text("كتاب") == normalize_text("کتاب")
    assert normalize_text("مـــدرســة") == normalize_text("مدرسة")
    assert normalize_text("طَبِيب") == "طبیب"


def test_pashto_letters_are_kept():
    assert "ښ" in normalize_text("ښځه") and "ټ" in normalize_text("ډاکټر")


def test_repeated_letters_are_shortened():
    assert normalize_text("helppppp") == "helpp"
    assert normalize_text("سلاااام") == normalize_text("سلاام")
