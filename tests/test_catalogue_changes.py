"""Proposed catalogue changes reach the bot only once approved, with history; uploads are all or nothing."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from services_catalog import changes
from services_catalog.db import engine_for, make_engine, open_session
from services_catalog.importer import record_of
from services_catalog.models import Organization, Service, ServiceText
from services_catalog.presentation import describe
from services_catalog.repository import ServiceRepository

LANGS_ORG = "Démo – Maison des Langues Solidaires"
EVENING = "Cours de français du soir (démo)"
RIGHTS_ORG = "Démo – Collectif Droits Sans Frontières"


def ids(session, organization, service=None):
    org = session.execute(select(Organization).where(Organization.name == organization)).scalar_one()
    if service is None:
        return org.id
    return org.id, session.execute(select(Service).where(Service.name == service)).scalar_one().id


def bot_answer(topic, lang="en"):
    """What the bot's catalogue answer says for a topic (search + presentation, as the action does)."""
    with open_session() as session:
        return "\n\n".join(describe(c, lang) for c in ServiceRepository(session).search(topic, limit=20))


def propose_phone(session, org_id, service_id, phone, who="cso-1"):
    record = record_of(session.get(Service, service_id))
    record.phone = phone
    return changes.propose(session, org_id, who, "update", record, service_id)


def test_update_is_published_only_after_approval_with_history(catalogue):
    with open_session() as session, session.begin():
        org_id, service_id = ids(session, LANGS_ORG, EVENING)
        before_modified = session.get(Service, service_id).last_modified
        change = propose_phone(session, org_id, service_id, "04 65 71 99 99")
        assert change.state == "pending" and change.kind == "update"
        assert [(d.field, d.previous, d.proposed) for d in changes.diff(session, change)] == \
            [("phone", "04 65 71 00 01", "04 65 71 99 99")]
        change_id = change.id
    assert "04 65 71 99 99" not in bot_answer("language_course_find")
    with open_session() as session, session.begin():
        service = changes.approve(session, change_id, "staff-7", today=date(2027, 1, 5))
        assert service.assured_date == date(2027, 1, 5) and service.last_modified > before_modified
    answer = bot_answer("language_course_find")
    assert "04 65 71 99 99" in answer and "04 65 71 00 01" not in answer
    with open_session() as session:
        history = {h.field_name: h for h in changes.history_of(session, service_id)}
        assert history["phone"].previous_value == "04 65 71 00 01"
        assert history["phone"].replacement_value == "04 65 71 99 99"
        assert history["phone"].updated_by == "staff-7" and history["phone"].last_action_type == "update"
        assert history["assured_date"].replacement_value == "2027-01-05"
        # once approved, the diff is what was applied
        change = session.get(changes.ServiceChange, change_id)
        assert {d.field for d in changes.diff(session, change)} == {"phone", "assured_date"}
        with pytest.raises(changes.NotPending):
            changes.approve(session, change_id, "staff-7")


def test_another_organisations_service_cannot_be_changed_or_confirmed(catalogue):
    with open_session() as session, session.begin():
        rights_org = ids(session, RIGHTS_ORG)
        _, evening = ids(session, LANGS_ORG, EVENING)
        with pytest.raises(changes.NotYours):
            propose_phone(session, rights_org, evening, "01")
        with pytest.raises(changes.NotYours):
            changes.propose(session, rights_org, "cso-2", "close", service_id=evening)
        with pytest.raises(changes.NotYours):
            changes.confirm_still_correct(session, rights_org, evening, "cso-2")
        with pytest.raises(changes.NotFound):
            changes.propose(session, rights_org, "cso-2", "close", service_id="no-such-id")
        assert changes.changes_of(session) == []


def test_proposal_naming_another_organisation_is_refused(catalogue):
    with pytest.raises(changes.NotYours):
        changes.parse_proposal({"name": "X", "organization": {"name": RIGHTS_ORG}}, LANGS_ORG)
    with pytest.raises(changes.ChangeError) as bad:
        changes.parse_proposal({"name": "", "attributes": []}, LANGS_ORG)
    assert any("field 'name'" in e for e in bad.value.errors)
    assert any("field 'attributes'" in e for e in bad.value.errors)


def test_reject_needs_a_reason_and_publishes_nothing(catalogue):
    with open_session() as session, session.begin():
        org_id, service_id = ids(session, LANGS_ORG, EVENING)
        change_id = propose_phone(session, org_id, service_id, "04 65 71 55 55").id
    with open_session() as session, session.begin():
        with pytest.raises(changes.ChangeError):
            changes.reject(session, change_id, "staff-7", "  ")
    with open_session() as session, session.begin():
        rejected = changes.reject(session, change_id, "staff-7", "Wrong number, please check")
        assert rejected.state == "rejected" and rejected.reason == "Wrong number, please check"
    with open_session() as session:
        assert changes.changes_of(session, org_id)[0].reason == "Wrong number, please check"
        with pytest.raises(changes.NotPending):
            changes.approve(session, change_id, "staff-7")
    assert "04 65 71 55 55" not in bot_answer("language_course_find")


def test_new_service_then_closing_it(catalogue):
    record = changes.parse_proposal({
        "name": "Cafe des langues (test)", "attributes": [{"taxonomy_term": {"code": "language_course_find"}}],
        "phones": [{"number": "04 65 71 12 34"}], "cost_options": [{"amount": 0}],
        "x-helpdesk": {"descriptions": {"fr": "Conversation le jeudi", "en": "Thursday conversation"},
                       "source_language": "fr"},
        "schedules": [{"byday": "TH", "opens_at": "18:00", "closes_at": "20:00"}],
    }, LANGS_ORG)
    with open_session() as session, session.begin():
        org_id = ids(session, LANGS_ORG)
        change = changes.propose(session, org_id, "cso-1", "new", record)
        fields = {d.field: d for d in changes.diff(session, change)}
        assert fields["name"].previous is None and fields["name"].proposed == "Cafe des langues (test)"
        assert fields["description_fr"].proposed == "Conversation le jeudi"
        change_id = change.id
    assert "Cafe des langues" not in bot_answer("language_course_find")
    with open_session() as session, session.begin():
        service_id = changes.approve(session, change_id, "staff-7").id
        assert session.get(changes.ServiceChange, change_id).service_id == service_id
    answer = bot_answer("language_course_find", "en")
    assert "Cafe des langues (test)" in answer and "Thursday conversation" in answer
    with open_session() as session, session.begin():
        close_id = changes.propose(session, org_id, "cso-1", "close", service_id=service_id).id
    with open_session() as session, session.begin():
        changes.approve(session, close_id, "staff-7")
    assert "Cafe des langues" not in bot_answer("language_course_find")


def test_update_keeps_texts_it_does_not_carry_and_later_proposal_supersedes(catalogue):
    with open_session() as session, session.begin():
        org_id, service_id = ids(session, LANGS_ORG, EVENING)
        session.add(ServiceText(service_id=service_id, field="eligibility", language="fr", text="Adultes"))
    with open_session() as session, session.begin():
        first = propose_phone(session, org_id, service_id, "04 65 71 11 11").id
        second = propose_phone(session, org_id, service_id, "04 65 71 22 22").id
    with open_session() as session, session.begin():
        assert session.get(changes.ServiceChange, first).state == "superseded"
        changes.approve(session, second, "staff-7")
    with open_session() as session:
        card = ServiceRepository(session).search("language_course_level")[0]
        assert card.phone == "04 65 71 22 22" and card.texts["eligibility"] == {"fr": "Adultes"}


def test_stale_services_and_one_click_confirmation(catalogue):
    today = date(2027, 4, 1)  # the demo services were checked on 2026-11-01: fresh
    with open_session() as session, session.begin():
        org_id, service_id = ids(session, LANGS_ORG, EVENING)
        session.get(Service, service_id).assured_date = today - timedelta(days=181)
    with open_session() as session, session.begin():
        stale = changes.stale_services(session, organization_id=org_id, today=today)
        assert [s.id for s in stale] == [service_id]
        assert len(changes.stale_services(session, today=today)) == 1
        changes.confirm_still_correct(session, org_id, service_id, "cso-1", today=today)
    with open_session() as session:
        assert changes.stale_services(session, today=today) == []
        assert changes.history_of(session, service_id)[-1].last_action_type == "confirm"
        card = ServiceRepository(session).search("language_course_level")[0]
        assert "Last checked on Apr 1, 2027" in describe(card, "en")


UPLOAD = """organization,service_name,topics,description_fr,phone,schedule
{org},Cours de français du soir (démo),language_course_find,Cours du soir,04 65 71 33 33,MO 18:00-20:00
{org},Nouvel atelier,language_course_find,Atelier,04 65 71 44 44,TU 18:00-20:00
"""


def test_upload_makes_pending_changes_or_nothing(catalogue):
    good = UPLOAD.format(org=LANGS_ORG).encode()
    records, errors = changes.read_upload("services.csv", good)
    assert not errors
    with open_session() as session, session.begin():
        org_id = ids(session, LANGS_ORG)
        made = changes.propose_records(session, org_id, "cso-1", records)
        assert sorted(c.kind for c in made) == ["new", "update"]
    assert "04 65 71 33 33" not in bot_answer("language_course_find")

    bad = (UPLOAD.format(org=LANGS_ORG) + f"{RIGHTS_ORG},Autre,language_course_find,x,,\n"
           + f"{LANGS_ORG},Horaire faux,language_course_find,x,,lundi\n").encode()
    records, errors = changes.read_upload("services.csv", bad)
    assert errors == ["services.csv, row 5, field 'schedule': 'lundi' should look like 'MO,WE 18:00-20:00'"]
    records, errors = changes.read_upload("services.csv", bad.rsplit(b"\n", 2)[0] + b"\n")
    assert not errors
    with open_session() as session, session.begin():
        before = len(changes.changes_of(session))
        with pytest.raises(changes.ChangeError) as refused:
            changes.propose_records(session, org_id, "cso-1", records)
        assert refused.value.errors == [
            f"upload, record 3 ('Autre'), field 'organization': {RIGHTS_ORG!r} is not your organisation"]
    with open_session() as session:
        assert len(changes.changes_of(session)) == before
    assert changes.read_upload("services.pdf", b"x")[1][0].endswith("upload a .csv, .xlsx or HSDS .json file")


def test_preview_card_renders_in_the_chosen_language(catalogue):
    with open_session() as session:
        _, service_id = ids(session, LANGS_ORG, EVENING)
        record = record_of(session.get(Service, service_id))
    record.descriptions = {"fr": "Cours du soir"}
    text = describe(changes.card_from_record(record, assured=date(2027, 1, 5)), "en")
    assert "(Description available only in another language:) Cours du soir" in text
    assert "Last checked on Jan 5, 2027" in text


def test_an_older_database_gets_the_new_column(var_dir):
    url = f"sqlite:///{var_dir / 'old.db'}"
    with engine_for(url).begin() as connection:
        connection.execute(text("CREATE TABLE service (id VARCHAR(36) PRIMARY KEY, "
                                "organization_id VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL)"))
    engine = make_engine(url)
    with engine.connect() as connection:
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(service)"))}
    assert {"last_modified", "assured_date", "email"} <= columns
