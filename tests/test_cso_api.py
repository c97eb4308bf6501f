"""The CSO API, the staff review API and the HSDS feed, through the gateway."""
import asyncio
from datetime import datetime, timedelta

import aiohttp

from bot.auth import ACCOUNTS
from services_catalog.db import open_session
from services_catalog.models import Service
from tests.helpers import PASSWORD, demo_ids as ids

LANGS_ORG = "Démo – Maison des Langues Solidaires"
EVENING = "Cours de français du soir (démo)"
RIGHTS_ORG = "Démo – Collectif Droits Sans Frontières"
LEGAL = "Permanence juridique gratuite (démo)"


async def sign_in(client, email, kind):
    client.session.cookie_jar.clear()
    response = await client.post(f"/api/{kind}/login", json={"email": email, "password": PASSWORD})
    assert response.status == 200, await response.text()
    return {"X-CSRF-Token": (await response.json())["csrf_token"]}


async def cso(client, org_name=LANGS_ORG, email="cso@example.org"):
    orgs, _ = ids()
    if client.app[ACCOUNTS].by_email(email) is None:
        client.app[ACCOUNTS].create(email, PASSWORD, kind="cso", organization_id=orgs[org_name])
    return await sign_in(client, email, "cso")


async def staff(client, email="staff@example.org"):
    if client.app[ACCOUNTS].by_email(email) is None:
        client.app[ACCOUNTS].create(email, PASSWORD, kind="staff", role="caseworker", languages=["fr"])
    return await sign_in(client, email, "staff")


NEW_SERVICE = {
    "name": "Café des langues (test)", "attributes": [{"taxonomy_term": {"code": "language_course_find"}}],
    "phones": [{"number": "04 65 71 12 34"}], "cost_options": [{"amount": 0}],
    "schedules": [{"byday": "TH", "opens_at": "18:00", "closes_at": "20:00"}],
    "x-helpdesk": {"descriptions": {"fr": "Conversation le jeudi", "ar": "محادثة يوم الخميس"},
                   "source_language": "fr"},
}


async def test_cso_api_needs_a_cso_session(gateway):
    assert (await gateway.get("/api/cso/services")).status == 401
    await staff(gateway)
    assert (await gateway.get("/api/cso/services")).status == 401  # staff are not a CSO
    response = await gateway.post("/api/cso/login", json={"email": "staff@example.org", "password": PASSWORD})
    assert response.status == 401


async def test_cso_sees_only_its_services_and_cannot_touch_others(gateway):
    headers = await cso(gateway)
    orgs, services = ids()
    listed = await (await gateway.get("/api/cso/services")).json()
    assert listed["organization"]["name"] == LANGS_ORG
    assert {s["name"] for s in listed["services"]} == {EVENING, "Atelier français avec garde d'enfants (démo)"}
    assert all(s["organization"]["id"] == orgs[LANGS_ORG] for s in listed["services"])

    legal = services[LEGAL]
    body = {**NEW_SERVICE, "name": LEGAL}
    assert (await gateway.put(f"/api/cso/services/{legal}", json=body, headers=headers)).status == 403
    assert (await gateway.delete(f"/api/cso/services/{legal}", headers=headers)).status == 403
    assert (await gateway.post(f"/api/cso/services/{legal}/confirm", headers=headers)).status == 403
    assert (await gateway.get(f"/api/cso/services/{legal}/preview?lang=fr")).status == 403
    assert (await gateway.put("/api/cso/services/nope", json=body, headers=headers)).status == 404
    other = {**NEW_SERVICE, "organization": {"name": RIGHTS_ORG}}
    assert (await gateway.post("/api/cso/services", json=other, headers=headers)).status == 403
    assert (await gateway.put(f"/api/cso/services/{legal}", json=body)).status == 403  # no CSRF token
    assert (await (await gateway.get("/api/cso/changes")).json())["changes"] == []


async def test_proposals_wait_for_review_then_approve_and_reject(gateway):
    headers = await cso(gateway)
    _, services = ids()
    response = await gateway.post("/api/cso/services", json={"name": "", "attributes": []}, headers=headers)
    assert response.status == 400
    assert any("field 'name'" in e for e in (await response.json())["errors"])

    response = await gateway.post("/api/cso/services", json=NEW_SERVICE, headers=headers)
    assert response.status == 202
    new = (await response.json())
    assert new["state"] == "pending" and new["kind"] == "new"
    assert {"field": "description_ar", "previous": None, "proposed": "محادثة يوم الخميس"} in new["diff"]
    preview = await (await gateway.get(f"/api/cso/changes/{new['id']}/preview?lang=ar")).json()
    assert "محادثة يوم الخميس" in preview["text"] and "Café des langues (test)" in preview["text"]
    assert (await gateway.get(f"/api/cso/changes/{new['id']}/preview?lang=xx")).status == 400

    response = await gateway.delete(f"/api/cso/services/{services[EVENING]}", headers=headers)
    assert response.status == 202
    close = await response.json()
    assert close["diff"] == [{"field": "status", "previous": "active", "proposed": "inactive"}]

    staff_headers = await staff(gateway)
    queue = (await (await gateway.get("/api/staff/reviews")).json())["reviews"]
    assert [r["id"] for r in queue] == [new["id"], close["id"]]
    assert queue[0]["organization_name"] == LANGS_ORG and queue[0]["proposed_by_email"] == "cso@example.org"
    response = await gateway.post(f"/api/staff/reviews/{close['id']}/reject", json={"reason": " "},
                                  headers=staff_headers)
    assert response.status == 400
    response = await gateway.post(f"/api/staff/reviews/{close['id']}/reject",
                                  json={"reason": "Still open, per phone call"}, headers=staff_headers)
    assert response.status == 200
    response = await gateway.post(f"/api/staff/reviews/{new['id']}/approve", headers=staff_headers)
    assert response.status == 200
    service_id = (await response.json())["service_id"]
    assert (await gateway.post(f"/api/staff/reviews/{new['id']}/approve",
                               headers=staff_headers)).status == 409
    assert (await (await gateway.get("/api/staff/reviews")).json())["reviews"] == []

    await cso(gateway)
    mine = {c["id"]: c for c in (await (await gateway.get("/api/cso/changes")).json())["changes"]}
    assert mine[close["id"]]["state"] == "rejected"
    assert mine[close["id"]]["reason"] == "Still open, per phone call"
    assert mine[new["id"]]["state"] == "approved" and mine[new["id"]]["service_id"] == service_id
    listed = await (await gateway.get("/api/cso/services")).json()
    assert "Café des langues (test)" in {s["name"] for s in listed["services"]}


async def test_staff_reviews_need_staff(gateway):
    headers = await cso(gateway)
    assert (await gateway.get("/api/staff/reviews")).status == 401
    assert (await gateway.post("/api/staff/reviews/x/approve", headers=headers)).status == 401


CSV = """organization,service_name,topics,description_fr,phone
{org},Cours de français du soir (démo),language_course_find,Cours du soir,04 65 71 33 33
{org},Nouvel atelier,language_course_find,Atelier,04 65 71 44 44
"""


async def test_upload_is_all_or_nothing(gateway):
    headers = await cso(gateway)

    def form(text, name="services.csv"):
        data = aiohttp.FormData()
        data.add_field("file", text.encode(), filename=name, content_type="text/csv")
        return data

    bad = CSV.format(org=LANGS_ORG) + f"{RIGHTS_ORG},Autre,language_course_find,x,\n"
    response = await gateway.post("/api/cso/uploads", data=form(bad), headers=headers)
    assert response.status == 400
    assert (await response.json())["errors"] == [
        f"upload, record 3 ('Autre'), field 'organization': {RIGHTS_ORG!r} is not your organisation"]
    assert (await (await gateway.get("/api/cso/changes")).json())["changes"] == []
    response = await gateway.post("/api/cso/uploads", data=form(CSV.format(org=LANGS_ORG)), headers=headers)
    assert response.status == 202
    assert sorted(c["kind"] for c in (await response.json())["changes"]) == ["new", "update"]
    response = await gateway.post("/api/cso/uploads", data=form("x", "notes.txt"), headers=headers)
    assert response.status == 400


async def test_confirm_and_stale_list(gateway):
    _, services = ids()
    with open_session() as session, session.begin():
        session.get(Service, services[EVENING]).assured_date = datetime.now().date() - timedelta(days=200)
    staff_headers = await staff(gateway)
    stale = (await (await gateway.get("/api/staff/stale-services")).json())["services"]
    assert services[EVENING] in [s["id"] for s in stale]
    headers = await cso(gateway)
    listed = {s["id"]: s for s in (await (await gateway.get("/api/cso/services")).json())["services"]}
    assert listed[services[EVENING]]["stale"] is True
    response = await gateway.post(f"/api/cso/services/{services[EVENING]}/confirm", headers=headers)
    assert response.status == 200
    assert (await response.json())["service"]["assured_date"] == datetime.now().date().isoformat()
    await staff(gateway)
    stale = (await (await gateway.get("/api/staff/stale-services")).json())["services"]
    assert services[EVENING] not in [s["id"] for s in stale]
    del staff_headers


async def test_hsds_feed_pages_and_modified_after(gateway):
    feed = await (await gateway.get("/api/hsds/services?per_page=5")).json()
    assert feed["size"] == 5 and feed["first_page"] and not feed["last_page"]
    total = feed["total_items"]
    assert total > 5 and feed["contents"][0]["organization"]["name"]
    assert {"id", "status", "last_modified", "attributes", "schedules"} <= set(feed["contents"][0])
    cut = datetime.utcnow().isoformat() + "Z"
    await asyncio.sleep(0.01)
    _, services = ids()
    with open_session() as session, session.begin():
        from services_catalog.changes import confirm_still_correct
        service = session.get(Service, services[LEGAL])
        confirm_still_correct(session, service.organization_id, service.id, "1")
    recent = await (await gateway.get("/api/hsds/services", params={"modified_after": cut})).json()
    assert [s["id"] for s in recent["contents"]] == [services[LEGAL]]
    assert recent["total_items"] == 1 and recent["last_page"]
    for bad in ("yesterday", "2027-13-01"):
        assert (await gateway.get("/api/hsds/services", params={"modified_after": bad})).status == 400
    assert (await gateway.get("/api/hsds/services?per_page=100000")).status == 400
    assert (await gateway.post("/api/hsds/services")).status == 405
