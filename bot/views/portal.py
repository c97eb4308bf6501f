"""The CSO portal's pages (/portal/…): sign in, services, propose, preview, confirm, upload.

Plain HTML forms, no scripts. Every page shows the signed-in organisation's
data only; another organisation's service is a 403 page. Proposals wait for
staff review (services_catalog/changes.py).
"""
import asyncio
import json
from datetime import date
from typing import Optional

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth import cso_required, current_account, end_session
from bot.keys import AUDIT
from bot.views.catalogue_common import (MAX_UPLOAD_BYTES, in_catalogue, launch_language,
                                        preview_text, who)
from bot.views.cso_api import own_change
from bot.views.staff_api import authenticate_and_start
from bot.views.portal_render import render, stylesheet
from bot.views.ui_language import setup_language_choice, ui_language
from bot.views.service_form import form_values, record_from_form, values_from_form, weekdays
from bot.views.portal_texts import TOPIC_LABELS
from bot.templating import setup_templates
from localization import load_languages
from services_catalog import changes
from services_catalog.importer import record_of
from services_catalog.models import Organization, Service

RECENT_PROPOSALS = 30


def safe_next(target: Optional[str]) -> str:
    """Only a portal path of this site (no open redirect)."""
    if target and target.startswith("/portal/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/portal/"


async def error_page(request: web.Request, error: Exception) -> web.Response:
    if isinstance(error, changes.NotYours):
        return await render(request, "portal/message.html", {"message": "NOT_YOURS"}, status=403)
    if isinstance(error, changes.NotPending):
        return await render(request, "portal/message.html", {"message": "ALREADY_REVIEWED"}, status=409)
    return await render(request, "portal/message.html", {"message": "NOT_FOUND"}, status=404)


PAGE_ERRORS = (changes.NotYours, changes.NotFound, changes.NotPending)


# Sign-in ----------------------------------------------------------------------------------

async def login_page(request: web.Request) -> web.Response:
    account = await current_account(request)
    if account is not None and account.kind == "cso":
        raise web.HTTPSeeOther("/portal/")
    return await render(request, "portal/login.html",
                        {"error": None, "next": safe_next(request.query.get("next")), "email": "",
                         "welcome": bool(request.query.get("welcome"))})


async def login_submit(request: web.Request) -> web.Response:
    """The form twin of POST /api/cso/login: the staff API's throttled, audited sign-in."""
    form = await request.post()
    email, password = form.get("email"), form.get("password")
    context = {"next": safe_next(form.get("next")), "email": email if isinstance(email, str) else ""}
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return await render(request, "portal/login.html", dict(context, error="WRONG_LOGIN"), 400)
    account, _token, error = await authenticate_and_start(request, email, password, "cso")
    if account is None:
        too_many = error == "too_many_attempts"
        response = await render(request, "portal/login.html",
                                dict(context, error="TOO_MANY_ATTEMPTS" if too_many else "WRONG_LOGIN"),
                                429 if too_many else 401)
        if too_many:
            response.headers["Retry-After"] = "900"
        return response
    raise web.HTTPSeeOther(context["next"])


async def logout(request: web.Request) -> web.Response:
    account = await current_account(request)
    if account is not None:
        await asyncio.to_thread(request.app[AUDIT].record, account.id, "sign_out", None)
    await end_session(request)
    raise web.HTTPSeeOther("/portal/login")


# The organisation's services -------------------------------------------------------------

def _proposal_row(change) -> dict:
    return {"id": change.id, "kind": change.kind, "state": change.state, "reason": change.reason,
            "name": json.loads(change.record).get("name"),
            "proposed_on": change.proposed_at.date() if change.proposed_at else None}


def home_data(session: Session, organization_id: str) -> dict:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise changes.NotFound(organization_id)
    stale = {s.id for s in changes.stale_services(session, organization_id=organization_id)}
    pending = {c.service_id for c in changes.changes_of(session, organization_id, "pending")}
    services = session.execute(select(Service).where(Service.organization_id == organization_id)
                               .order_by(Service.status, Service.name)).scalars()
    return {
        "organization": organization.name,
        "services": [{"id": s.id, "name": s.name, "active": s.status == "active",
                      "assured_date": s.assured_date, "stale": s.id in stale,
                      "pending": s.id in pending} for s in services],
        "proposals": [_proposal_row(c) for c in
                      changes.changes_of(session, organization_id)[:RECENT_PROPOSALS]],
        "stale_days": changes.STALE_AFTER_DAYS,
    }


@cso_required
async def home(request: web.Request) -> web.Response:
    try:
        data = await in_catalogue(request, home_data, request["account"].organization_id)
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    data["notice"] = {"confirmed": "CONFIRMED", "uploaded": "UPLOADED"}.get(request.query.get("done", ""))
    data["uploaded_count"] = request.query.get("count", "")
    return await render(request, "portal/home.html", data)


# Propose a new service or a change -------------------------------------------------------

def form_context(request: web.Request, values: dict, errors: dict, service_id: Optional[str] = None,
                 **extra) -> dict:
    languages = load_languages()
    return dict(extra, values=values, errors=errors, service_id=service_id,
                topics=list(TOPIC_LABELS), launch_languages=languages.codes,
                rtl_codes={code for code, spec in languages.languages.items() if spec.rtl},
                weekdays=weekdays())


def _service_page(session: Session, organization_id: str, service_id: str):
    service = changes.own_service(session, organization_id, service_id)
    record = record_of(service)
    pending = [c.id for c in changes.changes_of(session, organization_id, "pending")
               if c.service_id == service_id]
    card = changes.card_from_record(record, service.id, service.assured_date)
    return record, card, {"name": service.name, "active": service.status == "active",
                          "assured_date": service.assured_date, "pending": pending}


def preview_language(request: web.Request) -> str:
    lang = request.query.get("lang", "")
    return lang if launch_language(lang) else ui_language(request)


@cso_required
async def new_service_page(request: web.Request) -> web.Response:
    return await render(request, "portal/service_form.html",
                        form_context(request, form_values(None), {}, service=None))


@cso_required
async def service_page(request: web.Request) -> web.Response:
    """The published service, its edit form and a preview in a chosen language."""
    service_id = request.match_info["service_id"]
    try:
        record, card, service = await in_catalogue(request, _service_page,
                                                   request["account"].organization_id, service_id)
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    lang = preview_language(request)
    return await render(request, "portal/service_form.html", form_context(
        request, form_values(record), {}, service_id, service=service, preview_lang=lang,
        preview=preview_text(request, card, lang)))


def _propose_form(session: Session, organization_id: str, account: str, form, service_id):
    """(change id, None) or (None, errors) for a posted service form."""
    if service_id is not None:  # 403 before looking at the form
        changes.own_service(session, organization_id, service_id)
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise changes.NotFound(organization_id)
    record, errors = record_from_form(form, organization.name)
    if errors:
        return None, errors
    change = changes.propose(session, organization_id, account,
                             "update" if service_id else "new", record, service_id)
    return change.id, None


async def _submit(request: web.Request, service_id: Optional[str]) -> web.Response:
    form = await request.post()
    try:
        change_id, errors = await in_catalogue(request, _propose_form, request["account"].organization_id,
                                               who(request), form, service_id)
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    if errors:
        return await render(request, "portal/service_form.html", form_context(
            request, values_from_form(form), errors, service_id, service=None), status=400)
    raise web.HTTPSeeOther(f"/portal/changes/{change_id}?sent=1")


@cso_required
async def new_service_submit(request: web.Request) -> web.Response:
    return await _submit(request, None)


@cso_required
async def service_submit(request: web.Request) -> web.Response:
    return await _submit(request, request.match_info["service_id"])


def _propose_close(session: Session, organization_id: str, account: str, service_id: str) -> str:
    return changes.propose(session, organization_id, account, "close", service_id=service_id).id


@cso_required
async def close_submit(request: web.Request) -> web.Response:
    try:
        change_id = await in_catalogue(request, _propose_close, request["account"].organization_id,
                                       who(request), request.match_info["service_id"])
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    raise web.HTTPSeeOther(f"/portal/changes/{change_id}?sent=1")


def _confirm(session: Session, organization_id: str, service_id: str, account: str) -> None:
    changes.confirm_still_correct(session, organization_id, service_id, account)


@cso_required
async def confirm_submit(request: web.Request) -> web.Response:
    """The one-click "still correct"."""
    try:
        await in_catalogue(request, _confirm, request["account"].organization_id,
                           request.match_info["service_id"], who(request))
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    raise web.HTTPSeeOther("/portal/?done=confirmed")


# A proposal: what changes, how the assistant would show it -------------------------------

def _change_page(session: Session, organization_id: str, change_id: str):
    change = own_change(session, organization_id, change_id)
    record = changes.record_of_change(change)
    assured = date.today() if change.state == "pending" else None
    return (_proposal_row(change), changes.diff(session, change),
            changes.card_from_record(record, change.service_id or "new", assured))


@cso_required
async def change_page(request: web.Request) -> web.Response:
    try:
        proposal, diff, card = await in_catalogue(request, _change_page,
                                                  request["account"].organization_id,
                                                  request.match_info["change_id"])
    except PAGE_ERRORS as error:
        return await error_page(request, error)
    lang = preview_language(request)
    return await render(request, "portal/change.html", {
        "proposal": proposal, "diff": diff, "sent": bool(request.query.get("sent")),
        "preview_lang": lang, "preview": preview_text(request, card, lang),
        "launch_languages": load_languages().codes})


# Upload a file into the review queue ------------------------------------------------------

@cso_required
async def upload_page(request: web.Request) -> web.Response:
    return await render(request, "portal/upload.html", {"errors": [], "problem": None})


@cso_required
async def upload_submit(request: web.Request) -> web.Response:
    form = await request.post()
    field = form.get("file")
    if not isinstance(field, web.FileField):
        return await render(request, "portal/upload.html", {"errors": [], "problem": "FILE_REQUIRED"}, 400)
    content = field.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return await render(request, "portal/upload.html", {"errors": [], "problem": "FILE_TOO_LARGE"}, 413)
    records, errors = await asyncio.to_thread(changes.read_upload, field.filename or "", content)
    if not errors and not records:
        errors = [f"{field.filename}: the file has no services"]
    if not errors:
        try:
            made = await in_catalogue(request, lambda s: len(changes.propose_records(
                s, request["account"].organization_id, who(request), records)))
        except changes.ChangeError as error:
            errors = error.errors
        except PAGE_ERRORS as error:
            return await error_page(request, error)
    if errors:
        return await render(request, "portal/upload.html", {"errors": errors, "problem": "UPLOAD_ERRORS"}, 400)
    raise web.HTTPSeeOther(f"/portal/?done=uploaded&count={made}")


async def portal_root(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/portal/")


def setup_portal(app: web.Application) -> None:
    setup_templates(app)  # the shared Jinja2 set-up (bot/templating.py), installed once
    setup_language_choice(app)
    app.router.add_get("/portal", portal_root)
    app.router.add_get("/portal/portal.css", stylesheet)
    app.router.add_get("/portal/login", login_page)
    app.router.add_post("/portal/login", login_submit)
    app.router.add_post("/portal/logout", logout)
    app.router.add_get("/portal/", home)
    app.router.add_get("/portal/services/new", new_service_page)
    app.router.add_post("/portal/services/new", new_service_submit)
    app.router.add_get("/portal/services/{service_id}", service_page)
    app.router.add_post("/portal/services/{service_id}", service_submit)
    app.router.add_post("/portal/services/{service_id}/close", close_submit)
    app.router.add_post("/portal/services/{service_id}/confirm", confirm_submit)
    app.router.add_get("/portal/changes/{change_id}", change_page)
    app.router.add_get("/portal/upload", upload_page)
    app.router.add_post("/portal/upload", upload_submit)
