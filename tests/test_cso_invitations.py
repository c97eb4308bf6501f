"""Admins invite a CSO; the one-time link makes a CSO account of that organisation, once."""
import re
from datetime import timedelta

from sqlalchemy import select

from bot.auth import ACCOUNTS
from bot.store import utcnow
from bot.views import console_texts, portal_texts
from bot.views.cso_invitations import INVITATIONS
from services_catalog.db import open_session
from services_catalog.models import Organization
from tests.conftest import page_says

PASSWORD = "a long enough password"
LANGS_ORG = "Démo – Maison des Langues Solidaires"


def organization_id():
    with open_session() as session:
        return session.execute(select(Organization.id).where(Organization.name == LANGS_ORG)).scalar_one()


def token_in(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def staff(client, role):
    email = f"{role}@example.org"
    client.app[ACCOUNTS].create(email, PASSWORD, kind="staff", role=role)
    client.session.cookie_jar.clear()
    response = await client.post("/api/staff/login", json={"email": email, "password": PASSWORD})
    return {"X-CSRF-Token": (await response.json())["csrf_token"]}


async def test_only_admins_invite_and_the_link_works_once(gateway):
    org = organization_id()
    headers = await staff(gateway, "caseworker")
    body = {"email": "Asso@Example.org", "organization_id": org}
    assert (await gateway.post("/api/staff/cso-invitations", json=body, headers=headers)).status == 403
    headers = await staff(gateway, "admin")
    bad = await gateway.post("/api/staff/cso-invitations", json={**body, "organization_id": "nope"},
                             headers=headers)
    assert bad.status == 400
    response = await gateway.post("/api/staff/cso-invitations", json=body, headers=headers)
    assert response.status == 201
    path = "/" + (await response.json())["url"].split("/", 3)[3]
    assert path.startswith("/portal/invite/")

    gateway.session.cookie_jar.clear()
    page = await gateway.get(path)
    html = await page.text()
    assert page.status == 200 and 'value="asso@example.org"' in html
    token = token_in(html)
    response = await gateway.post(path, data={"csrf_token": token, "password": PASSWORD,
                                              "password_again": PASSWORD + "x"})
    assert response.status == 400 and page_says(await response.text(), portal_texts.PASSWORDS_DIFFER)
    response = await gateway.post(path, data={"csrf_token": token, "password": "short",
                                              "password_again": "short"})
    page = await response.text()
    assert response.status == 400 and "12" in page and \
        page_says(page.replace("12", "{count}"), portal_texts.PASSWORD_TOO_SHORT)
    response = await gateway.post(path, data={"csrf_token": token, "password": PASSWORD,
                                              "password_again": PASSWORD}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/portal/login?welcome=1"
    account = gateway.app[ACCOUNTS].by_email("asso@example.org")
    assert account.kind == "cso" and account.organization_id == org

    assert (await gateway.get(path)).status == 404  # used
    assert (await gateway.get("/portal/invite/not-a-token")).status == 404
    response = await gateway.post("/api/cso/login", json={"email": "asso@example.org", "password": PASSWORD})
    assert response.status == 200

    gateway.session.cookie_jar.clear()
    response = await gateway.post("/api/staff/login", json={"email": "admin@example.org", "password": PASSWORD})
    headers = {"X-CSRF-Token": (await response.json())["csrf_token"]}
    again = await gateway.post("/api/staff/cso-invitations", json=body, headers=headers)
    assert again.status == 400  # the account exists now


async def test_console_page_makes_a_link_and_links_expire(gateway):
    await staff(gateway, "admin")
    page = await (await gateway.get("/console/cso-invitations")).text()
    assert LANGS_ORG in page
    response = await gateway.post("/console/cso-invitations", data={
        "csrf_token": token_in(page), "email": "b@example.org", "organization_id": organization_id()})
    html = await response.text()
    assert response.status == 200
    token = re.search(r"/portal/invite/([A-Za-z0-9_-]+)", html).group(1)
    store = gateway.app[INVITATIONS]
    assert store.find(token) is not None
    assert store.find(token, now=utcnow() + timedelta(days=8)) is None
    # The page says what is wrong, in the page's language: an unknown organisation,
    # an email that already has an account.
    response = await gateway.post("/console/cso-invitations", data={
        "csrf_token": token_in(page), "email": "c@example.org", "organization_id": "nope"})
    assert response.status == 400 and page_says(await response.text(), console_texts.INVITE_INVALID)
    response = await gateway.post("/console/cso-invitations", data={
        "csrf_token": token_in(page), "email": "admin@example.org", "organization_id": organization_id()})
    assert response.status == 400 and page_says(await response.text(), console_texts.ACCOUNT_EXISTS)
