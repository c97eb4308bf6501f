"""The CSO portal's HTML pages: sign-in by form, own services only, propose, preview, confirm, upload."""
import re
from datetime import date, timedelta

import aiohttp
from sqlalchemy import select

from bot.auth import ACCOUNTS
from bot.views import console_texts, portal_texts
from services_catalog.db import open_session
from services_catalog.models import Service, ServiceChange
from tests.conftest import page_says
from tests.helpers import PASSWORD, demo_ids as ids

LANGS_ORG = "Démo – Maison des Langues Solidaires"
EVENING = "Cours de français du soir (démo)"
LEGAL = "Permanence juridique gratuite (démo)"


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def sign_in_by_form(client, email="cso@example.org", password=PASSWORD, expect=303):
    orgs, _ = ids()
    if client.app[ACCOUNTS].by_email(email) is None:
        client.app[ACCOUNTS].create(email, PASSWORD, kind="cso", organization_id=orgs[LANGS_ORG])
    page = await client.get("/portal/login?next=/portal/upload")
    html = await page.text()
    assert page.status == 200 and 'name="viewport"' in html
    assert "script-src" in page.headers["Content-Security-Policy"] or \
        "default-src 'none'" in page.headers["Content-Security-Policy"]
    response = await client.post("/portal/login", allow_redirects=False, data={
        "email": email, "password": password, "csrf_token": token_in(html), "next": "/portal/upload"})
    assert response.status == expect, await response.text()
    return response


async def page(client, path, status=200, lang="en"):
    response = await client.get(path, headers={"Accept-Language": lang})
    html = await response.text()
    assert response.status == status, html[:500]
    return html


async def test_pages_need_a_cso_session_and_login_redirects_next(gateway):
    response = await gateway.get("/portal/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/portal/login")
    await sign_in_by_form(gateway, password="wrong password!!", expect=401)
    response = await sign_in_by_form(gateway)
    assert response.headers["Location"] == "/portal/upload"
    response = await gateway.post("/portal/login", allow_redirects=False,
                                  data={"email": "cso@example.org", "password": PASSWORD})
    assert response.status == 403  # no CSRF token


async def test_home_shows_only_own_services_and_flags_stale_ones(gateway):
    _, services = ids()
    with open_session() as session, session.begin():
        session.get(Service, services[EVENING]).assured_date = date.today() - timedelta(days=400)
    await sign_in_by_form(gateway)
    html = await page(gateway, "/portal/")
    assert "Cours de français du soir (démo)" in html and LEGAL not in html
    assert "Not checked for more than 180 days. Is it still correct?" in html
    assert f'/portal/services/{services[EVENING]}/confirm' in html
    response = await gateway.post(f"/portal/services/{services[EVENING]}/confirm", allow_redirects=False,
                                  data={"csrf_token": token_in(html)})
    assert response.status == 303
    html = await page(gateway, "/portal/?done=confirmed")
    assert "marked as checked today" in html and "Is it still correct?" not in html


async def test_another_organisations_service_is_403(gateway):
    _, services = ids()
    await sign_in_by_form(gateway)
    html = await page(gateway, f"/portal/services/{services[LEGAL]}", status=403)
    assert "belongs to another organisation" in html and "04 65 71 00 10" not in html
    token = token_in(html)
    for path in (f"/portal/services/{services[LEGAL]}", f"/portal/services/{services[LEGAL]}/close",
                 f"/portal/services/{services[LEGAL]}/confirm"):
        response = await gateway.post(path, data={"csrf_token": token, "service_name": "x"})
        assert response.status == 403, path
    with open_session() as session:
        assert session.execute(select(ServiceChange)).first() is None


def form_of(html: str) -> list:
    """The edit form's fields as a browser would post them (inputs, checked boxes, textareas)."""
    fields = []
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = (re.search(r'value="([^"]*)"', tag) or [None, ""])[1]
        if kind in ("checkbox", "radio") and " checked" not in tag:
            continue
        if kind != "file":
            fields.append((name.group(1), value.replace("&#39;", "'").replace("&amp;", "&")))
    for name, value in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields.append((name, value.replace("&#39;", "'").replace("&amp;", "&")))
    return fields


async def test_edit_form_round_trips_and_a_change_shows_its_diff_and_preview(gateway):
    _, services = ids()
    await sign_in_by_form(gateway)
    html = await page(gateway, f"/portal/services/{services[EVENING]}?lang=ar")
    assert 'dir="rtl"' in html and "How the assistant shows it" in html
    fields = [(k, v) for k, v in form_of(html) if k != "next"]
    # Posting the form unchanged proposes nothing different: the round trip is lossless.
    fields_by_name = dict(fields)
    assert fields_by_name["service_name"] == EVENING and fields_by_name["source_language"] == "fr"
    unchanged = await gateway.post(f"/portal/services/{services[EVENING]}", data=fields,
                                   allow_redirects=False)
    assert unchanged.status == 303
    change_page = await page(gateway, unchanged.headers["Location"])
    assert "<dt>" not in change_page.split("What changes")[1].split("</dl>")[0]

    new_values = {"phone": "04 65 71 98 76", "description_uk": "Безкоштовні вечірні курси"}
    edited = [(k, new_values.get(k, v)) for k, v in fields]
    response = await gateway.post(f"/portal/services/{services[EVENING]}", data=edited, allow_redirects=False)
    assert response.status == 303
    html = await page(gateway, response.headers["Location"] + "&lang=uk")
    assert "sent to the help desk for review" in html
    assert "04 65 71 00 01" in html and "04 65 71 98 76" in html  # before and after
    assert "Безкоштовні вечірні курси" in html.split("preview")[-1]  # preview in Ukrainian


async def test_invalid_form_names_the_field_and_sends_nothing(gateway):
    await sign_in_by_form(gateway)
    html = await page(gateway, "/portal/services/new")
    response = await gateway.post("/portal/services/new", data={
        "csrf_token": token_in(html), "service_name": "Atelier", "source_language": "fr",
        "description_fr": "Un atelier", "schedule-0-days": "MO", "schedule-0-opens": "18:00",
        "schedule-0-closes": "17:00", "latitude": "200"})
    body = await response.text()
    assert response.status == 400
    assert page_says(body, portal_texts.FORM_ERRORS)
    assert 'id="e-topics"' in body and 'id="e-schedule"' in body and 'id="e-latitude"' in body
    assert 'value="Atelier"' in body  # what was typed is kept
    with open_session() as session:
        assert session.execute(select(ServiceChange)).first() is None


async def test_upload_page_all_or_nothing(gateway):
    await sign_in_by_form(gateway)
    html = await page(gateway, "/portal/upload")
    data = aiohttp.FormData()
    data.add_field("csrf_token", token_in(html))
    data.add_field("file", (f"organization,service_name,topics\n{LANGS_ORG},Atelier,language_course_find\n"
                            f"{LANGS_ORG},,language_course_find\n").encode(),
                   filename="s.csv", content_type="text/csv")
    response = await gateway.post("/portal/upload", data=data)
    body = await response.text()
    assert response.status == 400 and "s.csv, row 3, field &#39;service_name&#39;: is required" in body
    data = aiohttp.FormData()
    data.add_field("csrf_token", token_in(html))
    data.add_field("file", f"organization,service_name,topics\n{LANGS_ORG},Atelier,language_course_find\n"
                   .encode(), filename="s.csv", content_type="text/csv")
    response = await gateway.post("/portal/upload", data=data, allow_redirects=False)
    assert response.status == 303
    assert "1 proposals were sent for review" in await page(gateway, response.headers["Location"])


async def test_every_page_renders_in_a_right_to_left_language(gateway):
    _, services = ids()
    await sign_in_by_form(gateway)
    for path in ("/portal/", "/portal/services/new", f"/portal/services/{services[EVENING]}",
                 "/portal/upload"):
        html = await page(gateway, path, lang="ar")
        assert '<html lang="ar" dir="rtl">' in html, path


async def test_review_pages_are_for_staff_and_reject_needs_a_reason(gateway):
    _, services = ids()
    await sign_in_by_form(gateway)
    html = await page(gateway, f"/portal/services/{services[EVENING]}")
    response = await gateway.post(f"/portal/services/{services[EVENING]}/close", allow_redirects=False,
                                  data={"csrf_token": token_in(html)})
    assert response.status == 303
    response = await gateway.get("/console/reviews", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/console/login")

    gateway.session.cookie_jar.clear()
    gateway.app[ACCOUNTS].create("staff@example.org", PASSWORD, kind="staff", role="caseworker")
    await gateway.post("/api/staff/login", json={"email": "staff@example.org", "password": PASSWORD})
    queue = await page(gateway, "/console/reviews")
    change_id = re.search(r'href="/console/reviews/([^"]+)"', queue).group(1)
    assert "Closing: <bdi>Cours de français du soir (démo)</bdi>" in queue
    review = await page(gateway, f"/console/reviews/{change_id}")
    assert page_says(review, portal_texts.STATUS) and page_says(review, portal_texts.STATUS_INACTIVE)
    response = await gateway.post(f"/console/reviews/{change_id}/reject",
                                  data={"csrf_token": token_in(review), "reason": "  "})
    assert response.status == 400 and page_says(await response.text(), console_texts.REASON_NEEDED)
    response = await gateway.post(f"/console/reviews/{change_id}/reject",
                                  data={"csrf_token": token_in(review), "reason": "Still open in 2027"})
    assert response.status == 200 and page_says(await response.text(), console_texts.NO_PROPOSALS_WAITING)

    gateway.session.cookie_jar.clear()
    await sign_in_by_form(gateway)
    home = await page(gateway, "/portal/")
    assert "Reason given by the help desk: Still open in 2027" in home
    with open_session() as session:
        assert session.get(Service, services[EVENING]).status == "active"
