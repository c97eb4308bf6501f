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
])
def test_place_in(text, expected):
    assert place_in(text, "fr") == expected
