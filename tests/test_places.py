"""Places named by postcode, town or district, in the launch languages' scripts."""
import pytest

from services_catalog.places import place_in


@pytest.mark.parametrize("text,expected", [
    ("cours de français près de 69007", "69007"),
    ("je suis à Lyon 7e", "69007"),
    ("i live in lyon 3", "69003"),
    ("أنا في ليون", "6900"),
    ("من در لیون زندگی میکنم", "6900"),
    ("я живу в Лионе 8", "69008"),
    ("живу в ліоні", "6900"),
    ("живу в Ліоні 9", "69009"),
    ("Villeurbanne", "69100"),
    ("I need food", None),
    ("phone 0465710001", None),
    ("۶۹۰۰۷", "69007"),  # Persian digits: the catalogue's postcodes are ASCII
    ("الرمز ٦٩٠٠٣", "69003"),  # Arabic-Indic digits
])
def test_place_in(text, expected):
    assert place_in(text, "fr") == expected


@pytest.mark.parametrize("text, postcode", [
    ("I live in the 3rd arrondissement", "69003"), ("je suis dans le 8ème", "69008"),
    ("живу в 5 округе", "69005"), ("ساكن بالغيوتيير", "69007"), ("أنا ساكن بفيلوربان", "69100"),
    ("живем в виллербане", "69100"), ("on dort chez un ami à Bron", "69500"),
    ("من در ویلوربان زندگی می کنم", "69100"), ("near the Part-Dieu station", "69003"),
])
def test_places_named_in_a_sentence(text, postcode):
    assert place_in(text, "fr") == postcode


def test_no_place_in_everyday_words():
    for text in ("qui est le président des états-unis", "I need a lawyer", "بيرون خیلی سرده"):
        assert place_in(text, "fr") is None
