"""CSV import is all or nothing with an error per bad row and field; export round-trips."""
import json

import pytest

from services_catalog.__main__ import main
from services_catalog.csv_format import columns
from services_catalog.db import open_session
from services_catalog.importer import export_records
from services_catalog.repository import ServiceRepository

GOOD = """organization,service_name,topics,description_fr,description_ar,address,postal_code,city,languages,free,no_documents,minimum_age,maximum_age,schedule,assured_date,phone
Asso Test,Cours du soir,language_course_find;language_course_level,Cours gratuits,دروس مجانية,1 rue Test,69007,Lyon,fr;ar,yes,yes,,,"MO,WE 18:00-20:00; SA 10:00-12:00",2026-10-01,04 65 71 99 01
Asso Test,Douches,cso_services_hygiene,Douches gratuites,,2 rue Test,69001,Lyon,fr,oui,non,,,TU 08:00-12:00,,
"""
BAD = """organization,service_name,topics,postal_code,latitude,free,schedule,assured_date,minimum_age,maximum_age
Asso Test,Bon service,cso_services_food,69007,,yes,MO 09:00-12:00,,,
Asso Test,,cso_services_food,69007,,yes,,,,
Asso Test,Mauvais sujet,food_bank,69007,,yes,,,,
Asso Test,Mauvaise latitude,cso_services_food,69007,145.2,yes,,,,
Asso Test,Mauvais horaire,cso_services_food,69007,,yes,lundi 9h-12h,,,
Asso Test,Mauvais gratuit,cso_services_food,69007,,maybe,,2026-13-01,,
Asso Test,Ages inverses,cso_services_food,69007,,yes,,,12,6
"""


def count(var_dir):
    with open_session() as session:
        return ServiceRepository(session).count_services()


def test_good_file_is_imported_with_every_field(var_dir, tmp_path, capsys):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    assert "2 services imported" in capsys.readouterr().out
    with open_session() as session:
        cards = ServiceRepository(session).search("language_course_level")
    card = cards[0]
    assert card.name == "Cours du soir" and card.postal_code == "69007"
    assert card.texts["description"]["ar"] == "دروس مجانية"
    assert card.languages == ["ar", "fr"] and card.no_documents_required
    assert {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00"} in card.schedules


def test_bad_file_changes_nothing_and_names_every_bad_row_and_field(var_dir, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    assert main(["import", str(path)]) == 1
    errors = capsys.readouterr().err
    assert count(var_dir) == 0  # not even the good first row
    for expected in ["row 3, field 'service_name'", "row 4, field 'topics'", "row 5, field 'latitude'",
                     "row 6, field 'schedule'", "row 7, field 'free'", "row 7, field 'assured_date'",
                     "row 8, field 'maximum_age'", "nothing imported: 7 error(s)"]:
        assert expected in errors, expected


@pytest.mark.parametrize("content,message", [
    ("name,topics\nx,y\n", "missing column(s) organization, service_name"),
    ("\ufeff" + GOOD, None),
])
def test_headers_and_byte_order_marks(var_dir, tmp_path, capsys, content, message):
    path = tmp_path / "file.csv"
    path.write_text(content, encoding="utf-8")
    status = main(["import", str(path)])
    if message:
        assert status == 1 and message in capsys.readouterr().err
    else:
        assert status == 0


def test_not_utf8_and_unknown_suffix_are_refused_clearly(var_dir, tmp_path, capsys):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(GOOD.replace("Cours gratuits", "Cours été").encode("latin-1", "replace"))
    assert main(["import", str(latin)]) == 1
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "file.pdf")]) == 2


def test_topic_for_the_whole_file(var_dir, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import", str(path), "--topic", "cso_services_social_support"]) == 0
    with open_session() as session:
        assert len(ServiceRepository(session).search("cso_services_social_support")) == 2


def test_csv_export_round_trips(catalogue, tmp_path, monkeypatch):
    exported = tmp_path / "catalogue.csv"
    assert main(["export", str(exported)]) == 0
    with open_session() as session:
        before = export_records(session)
    assert exported.read_text(encoding="utf-8").splitlines()[0].split(",") == columns()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{fresh / 'helpdesk.db'}")
    assert main(["import", str(exported)]) == 0
    with open_session() as session:
        after = export_records(session)
    assert after == before


def test_hsds_export_has_services_with_organization_and_topics(catalogue, tmp_path):
    exported = tmp_path / "catalogue.json"
    assert main(["export", str(exported)]) == 0
    services = json.loads(exported.read_text(encoding="utf-8"))
    assert len(services) == 19
    food = next(s for s in services if s["name"] == "Colis alimentaires et repas (démo)")
    assert food["organization"]["name"].startswith("Démo")
    assert food["locations"][0]["addresses"][0]["postal_code"] == "69007"
    assert {"code": "cso_services_food", "vocabulary": "helpdesk-topics"} in \
        [a["taxonomy_term"] for a in food["attributes"]]
    assert food["schedules"][0]["freq"] == "WEEKLY"


OTHER_DIRECTORY = [
    {"name": "ESL for adults", "description": "Free English and French classes",
     "organization": {"name": "Elsewhere Literacy Project"},
     "locations": [{"latitude": 45.76, "longitude": 4.83,
                    "addresses": [{"address_1": "5 Example Street", "city": "Lyon", "postal_code": "69003"}]}],
     "phones": [{"number": "04 65 71 98 00"}],
     "schedules": [{"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "18:00:00", "closes_at": "20:00:00"}],
     "languages": [{"code": "en"}, {"code": "es"}],
     "attributes": [{"taxonomy_term": {"name": "Language Classes"}}]},
    {"name": "Pantry", "organization": {"name": "Elsewhere Food Hub"},
     "attributes": [{"taxonomy_term": {"term": "Food Pantry"}}], "cost_options": []},
]


def test_hsds_file_from_elsewhere_imports_with_topics_mapped(var_dir, tmp_path):
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(OTHER_DIRECTORY), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    with open_session() as session:
        classes = ServiceRepository(session).search("language_course_find")
        food = ServiceRepository(session).search("cso_services_food")
    assert classes[0].name == "ESL for adults" and classes[0].postal_code == "69003"
    assert {"byday": "TU,TH", "opens_at": "18:00", "closes_at": "20:00"} in classes[0].schedules
    assert food[0].organization == "Elsewhere Food Hub"


def test_hsds_record_without_known_topic_is_refused_unless_a_topic_is_given(var_dir, tmp_path, capsys):
    data = [{"name": "Mystery", "organization": {"name": "Org"},
             "attributes": [{"taxonomy_term": {"name": "Bicycle Repair"}}]}]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["import", str(path)]) == 1
    assert "record 1, field 'attributes'" in capsys.readouterr().err
    assert count(var_dir) == 0
    assert main(["import", str(path), "--topic", "cso_services_social_support"]) == 0


def test_hsds_export_imports_back(catalogue, tmp_path, monkeypatch):
    exported = tmp_path / "catalogue.json"
    assert main(["export", str(exported)]) == 0
    with open_session() as session:
        before = export_records(session)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{fresh / 'helpdesk.db'}")
    assert main(["import", str(exported)]) == 0
    with open_session() as session:
        assert export_records(session) == before


def test_xlsx_template_imports_like_csv(var_dir, tmp_path):
    import csv as csv_module
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in csv_module.reader(io.StringIO(GOOD)):
        sheet.append([int(c) if c == "69007" else c for c in row])  # a postcode typed as a number
    path = tmp_path / "good.xlsx"
    workbook.save(path)
    assert main(["import", str(path)]) == 0
    with open_session() as session:
        cards = ServiceRepository(session).search("language_course_find")
    assert cards[0].postal_code == "69007"


def test_broken_files_are_refused_clearly(var_dir, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert main(["import", str(broken)]) == 1
    assert "not a readable XLSX workbook" in capsys.readouterr().err
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    assert main(["import", str(bad_json)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
