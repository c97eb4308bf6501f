"""Property-based fuzzing of the importers: whatever a file holds, the import either takes
every record or changes nothing and says why, and never fails with an unexpected error."""
import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services_catalog.__main__ import main
from services_catalog.csv_format import columns
from services_catalog.db import open_session
from services_catalog.repository import ServiceRepository

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Plausible values (some good, some bad) per column, mixed with arbitrary text.
PLAUSIBLE = {
    "topics": st.sampled_from(["cso_services_food", "health_dentist;childcare_find", "food", "", ";;"]),
    "postal_code": st.sampled_from(["69007", "69100", "", "6900", "abcde", "٦٩٠٠٧"]),
    "latitude": st.sampled_from(["45.75", "", "91", "-200", "nan", "1e400", "x"]),
    "longitude": st.sampled_from(["4.85", "", "181", "inf"]),
    "free": st.sampled_from(["yes", "no", "oui", "", "maybe"]),
    "no_documents": st.sampled_from(["yes", "no", "", "1"]),
    "minimum_age": st.sampled_from(["", "0", "3", "-1", "200", "2.5"]),
    "maximum_age": st.sampled_from(["", "6", "18", "abc"]),
    "schedule": st.sampled_from(["MO 09:00-12:00", "MO,TU 18:00-20:00; SA 10:00-12:00", "", "lundi 9h",
                                 "MO 25:00-26:00", "XX 09:00-10:00"]),
    "assured_date": st.sampled_from(["2026-10-01", "", "2026-13-01", "yesterday"]),
    "languages": st.sampled_from(["fr;ar", "", "fr;;", "xx-yy-zz"]),
}
# Any text a spreadsheet could hold (NUL aside, which no CSV writer can put in a cell).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)


def cell(name):
    plausible = PLAUSIBLE.get(name)
    return st.one_of(plausible, ANY_TEXT) if plausible is not None else ANY_TEXT


ROWS = st.lists(st.fixed_dictionaries({name: cell(name) for name in
                                       ["organization", "service_name", *PLAUSIBLE, "description_fr",
                                        "address", "city", "phone"]}),
                min_size=1, max_size=6)


def service_count():
    with open_session() as session:
        return ServiceRepository(session).count_services()


@FUZZ
@given(rows=ROWS)
def test_csv_import_is_all_or_nothing_whatever_the_rows(catalogue, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "file.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = service_count()
    status = main(["import", str(path)])  # an unexpected exception fails the test here
    after = service_count()
    assert (status == 0 and after > before) or (status != 0 and after == before)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20)
HSDS_SERVICE = st.fixed_dictionaries(
    {"name": ANY_TEXT, "organization": st.one_of(JSON_VALUES, st.fixed_dictionaries({"name": ANY_TEXT})),
     "attributes": st.one_of(JSON_VALUES, st.lists(st.fixed_dictionaries(
         {"taxonomy_term": st.fixed_dictionaries({"name": st.sampled_from(
             ["Food Pantry", "Legal Aid", "Child Care", "x"])})}), max_size=3))},
    optional={"description": JSON_VALUES, "service_at_locations": JSON_VALUES, "schedules": JSON_VALUES,
              "languages": JSON_VALUES, "phones": JSON_VALUES, "assured_date": JSON_VALUES})


@FUZZ
@given(data=st.one_of(JSON_VALUES, st.lists(HSDS_SERVICE, min_size=1, max_size=4)))
def test_hsds_import_is_all_or_nothing_whatever_the_json(catalogue, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "file.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = service_count()
    status = main(["import", str(path)])
    after = service_count()
    assert (status == 0 and after > before) or (status != 0 and after == before)


def test_the_fuzzed_columns_are_template_columns():
    assert set(PLAUSIBLE) <= set(columns())
