"""The CSO JSON API (DESIGN.md): sign in, list the organisation's services, propose changes.

A CSO account acts for its own organisation only: another organisation's
service answers 403. Every proposal waits for staff review (202).
"""
import asyncio
from datetime import date

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth import cso_required
from bot.views.catalogue_common import (CATALOGUE_ERRORS, MAX_UPLOAD_BYTES, error_response,
                                        in_catalogue, json_object, launch_language, preview_text,
                                        service_summary, who)
from bot.views.staff_api import logout, sign_in
from services_catalog import changes
from services_catalog.importer import record_of
from services_catalog.models import Organization, Service, ServiceChange


def organization_services(session: Session, organization_id: str) -> dict:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise changes.NotFound(organization_id)
    stale = {s.id for s in changes.stale_services(session, organization_id=organization_id)}
    services = session.execute(select(Service).where(Service.organization_id == organization_id)
                               .order_by(Service.name, Service.id)).scalars()
    return {"organization": {"id": organization.id, "name": organization.name},
            "services": [service_summary(session, s, stale) for s in services]}


def propose_hsds(session: Session, organization_id: str, account: str, data, kind: str,
                 service_id: str = None) -> dict:
    if service_id is not None:  # ownership first: another organisation's service is 403, whatever the body
        changes.own_service(session, organization_id, service_id)
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise changes.NotFound(organization_id)
    record = changes.parse_proposal(data, organization.name) if kind != "close" else None
    return changes.change_json(session, changes.propose(session, organization_id, account, kind,
                                                        record, service_id))


def own_change(session: Session, organization_id: str, change_id: str) -> ServiceChange:
    change = session.get(ServiceChange, change_id)
    if change is None:
        raise changes.NotFound(change_id)
    if change.organization_id != organization_id:
        raise changes.NotYours(change_id)
    return change


async def login(request: web.Request) -> web.Response:
    """POST /api/cso/login {"email", "password"}: the same sign-in (and throttling) as staff."""
    return await sign_in(request, "cso")


async def _answer(request: web.Request, function, *args, status: int = 200) -> web.Response:
    try:
        return web.json_response(await in_catalogue(request, function, *args), status=status)
    except CATALOGUE_ERRORS as error:
        return error_response(error)


@cso_required
async def list_services(request: web.Request) -> web.Response:
    """GET /api/cso/services: this organisation's services (published), stale ones flagged."""
    return await _answer(request, organization_services, request["account"].organization_id)


@cso_required
async def propose_new(request: web.Request) -> web.Response:
    """POST /api/cso/services (one HSDS service object) → 202 with the pending change."""
    body = await json_object(request)
    return await _answer(request, propose_hsds, request["account"].organization_id, who(request),
                         body, "new", status=202)


@cso_required
async def propose_update(request: web.Request) -> web.Response:
    """PUT /api/cso/services/{service_id} (the whole HSDS service object) → 202."""
    body = await json_object(request)
    return await _answer(request, propose_hsds, request["account"].organization_id, who(request),
                         body, "update", request.match_info["service_id"], status=202)


@cso_required
async def propose_close(request: web.Request) -> web.Response:
    """DELETE /api/cso/services/{service_id}: propose closing the service → 202."""
    return await _answer(request, propose_hsds, request["account"].organization_id, who(request),
                         None, "close", request.match_info["service_id"], status=202)


def _confirm(session: Session, organization_id: str, service_id: str, account: str) -> dict:
    service = changes.confirm_still_correct(session, organization_id, service_id, account)
    return {"service": changes.service_hsds(service)}


@cso_required
async def confirm(request: web.Request) -> web.Response:
    """POST /api/cso/services/{service_id}/confirm: "still correct", checked today."""
    return await _answer(request, _confirm, request["account"].organization_id,
                         request.match_info["service_id"], who(request))


def _changes(session: Session, organization_id: str, state: str) -> dict:
    return {"changes": [changes.change_json(session, c)
                        for c in changes.changes_of(session, organization_id, state)]}


@cso_required
async def list_changes(request: web.Request) -> web.Response:
    """GET /api/cso/changes?state=: the organisation's proposals, with reviewers' reasons."""
    return await _answer(request, _changes, request["account"].organization_id,
                         request.query.get("state") or None)


def _preview(session: Session, organization_id: str, kind: str, object_id: str):
    if kind == "change":
        # As it would read if approved today.
        return changes.card_from_record(changes.record_of_change(own_change(session, organization_id,
                                                                            object_id)),
                                        assured=date.today())
    service = changes.own_service(session, organization_id, object_id)
    return changes.card_from_record(record_of(service), service.id, service.assured_date)


async def preview(request: web.Request, kind: str) -> web.Response:
    lang = request.query.get("lang", "")
    if not launch_language(lang):
        return web.json_response({"error": "unknown_language"}, status=400)
    try:
        card = await in_catalogue(request, _preview, request["account"].organization_id, kind,
                                  request.match_info["id"])
    except CATALOGUE_ERRORS as error:
        return error_response(error)
    return web.json_response({"language": lang, "text": preview_text(request, card, lang)})


@cso_required
async def preview_service(request: web.Request) -> web.Response:
    """GET /api/cso/services/{id}/preview?lang=ar: the published service as the bot shows it."""
    return await preview(request, "service")


@cso_required
async def preview_change(request: web.Request) -> web.Response:
    """GET /api/cso/changes/{id}/preview?lang=ar: a proposal as the bot would show it."""
    return await preview(request, "change")


async def read_uploaded_file(request: web.Request):
    """(filename, bytes) of the form's `file` field, or an error response."""
    form = await request.post()
    field = form.get("file")
    if not isinstance(field, web.FileField):
        return None, web.json_response({"error": "file_required"}, status=400)
    content = field.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return None, web.json_response({"error": "too_large"}, status=413)
    return (field.filename or "", content), None


def _propose_records(session: Session, organization_id: str, account: str, records) -> dict:
    made = changes.propose_records(session, organization_id, account, records)
    return {"changes": [changes.change_json(session, c) for c in made]}


@cso_required
async def upload(request: web.Request) -> web.Response:
    """POST /api/cso/uploads (multipart `file`: CSV, XLSX or HSDS JSON): every row becomes a
    pending change, or nothing does and every bad row is named (400)."""
    uploaded, refusal = await read_uploaded_file(request)
    if refusal is not None:
        return refusal
    records, errors = await asyncio.to_thread(changes.read_upload, *uploaded)
    if errors:
        return web.json_response({"error": "invalid", "errors": errors}, status=400)
    if not records:
        return web.json_response({"error": "invalid", "errors": ["the file has no services"]}, status=400)
    return await _answer(request, _propose_records, request["account"].organization_id,
                         who(request), records, status=202)


def setup_cso_api(app: web.Application) -> None:
    app.router.add_post("/api/cso/login", login)
    app.router.add_post("/api/cso/logout", logout)
    app.router.add_get("/api/cso/services", list_services)
    app.router.add_post("/api/cso/services", propose_new)
    app.router.add_put("/api/cso/services/{service_id}", propose_update)
    app.router.add_delete("/api/cso/services/{service_id}", propose_close)
    app.router.add_post("/api/cso/services/{service_id}/confirm", confirm)
    app.router.add_get("/api/cso/services/{id}/preview", preview_service)
    app.router.add_get("/api/cso/changes", list_changes)
    app.router.add_get("/api/cso/changes/{id}/preview", preview_change)
    app.router.add_post("/api/cso/uploads", upload)
