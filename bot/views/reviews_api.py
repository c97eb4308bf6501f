"""The staff review queue (DESIGN.md): proposed catalogue changes, approve or reject; stale services."""
import asyncio
from typing import Dict, Iterable

from aiohttp import web
from sqlalchemy.orm import Session

from bot.auth import ACCOUNTS, staff_required
from bot.keys import AUDIT
from bot.views.catalogue_common import (CATALOGUE_ERRORS, error_response, in_catalogue,
                                        json_object, who)
from services_catalog import changes
from services_catalog.models import Organization, ServiceChange

STATES = ("pending", "approved", "rejected", "superseded")


def review_json(session: Session, change: ServiceChange, emails: Dict[str, str]) -> dict:
    data = changes.change_json(session, change)
    organization = session.get(Organization, change.organization_id)
    data["organization_name"] = organization.name if organization else None
    data["proposed_by_email"] = emails.get(change.proposed_by)
    return data


def emails_of(request: web.Request) -> Dict[str, str]:
    """Account id → email, so a reviewer knows who proposed (ids are what the tables keep)."""
    return {str(a.id): a.email for a in request.app[ACCOUNTS].list()}


def _reviews(session: Session, state: str, emails: Dict[str, str]) -> dict:
    found = changes.changes_of(session, state=state)
    if state == "pending":
        found.reverse()  # the queue: oldest first
    return {"reviews": [review_json(session, c, emails) for c in found]}


def _review(session: Session, change_id: str, emails: Dict[str, str]) -> dict:
    change = session.get(ServiceChange, change_id)
    if change is None:
        raise changes.NotFound(change_id)
    return {"review": review_json(session, change, emails)}


def _approve(session: Session, change_id: str, reviewer: str, emails: Dict[str, str]) -> dict:
    service = changes.approve(session, change_id, reviewer)
    return {"review": review_json(session, session.get(ServiceChange, change_id), emails),
            "service_id": service.id}


def _reject(session: Session, change_id: str, reviewer: str, reason: str,
            emails: Dict[str, str]) -> dict:
    change = changes.reject(session, change_id, reviewer, reason)
    return {"review": review_json(session, change, emails)}


def stale_json(services: Iterable) -> list:
    return [{"id": s.id, "name": s.name, "organization_id": s.organization_id,
             "organization_name": s.organization.name,
             "assured_date": s.assured_date.isoformat() if s.assured_date else None}
            for s in services]


async def _answer(request: web.Request, function, *args) -> web.Response:
    try:
        return web.json_response(await in_catalogue(request, function, *args))
    except CATALOGUE_ERRORS as error:
        return error_response(error)


@staff_required()
async def list_reviews(request: web.Request) -> web.Response:
    """GET /api/staff/reviews?state=pending (default): the queue, oldest first, each with its diff."""
    state = request.query.get("state", "pending")
    if state not in STATES:
        return web.json_response({"error": "unknown_state", "states": list(STATES)}, status=400)
    emails = await asyncio.to_thread(emails_of, request)
    return await _answer(request, _reviews, state, emails)


@staff_required()
async def get_review(request: web.Request) -> web.Response:
    """GET /api/staff/reviews/{change_id}: one change with its field-by-field diff."""
    emails = await asyncio.to_thread(emails_of, request)
    return await _answer(request, _review, request.match_info["change_id"], emails)


@staff_required()
async def approve(request: web.Request) -> web.Response:
    """POST /api/staff/reviews/{change_id}/approve: publish it (the bot answers with it now)."""
    change_id = request.match_info["change_id"]
    emails = await asyncio.to_thread(emails_of, request)
    response = await _answer(request, _approve, change_id, who(request), emails)
    if response.status == 200:
        await asyncio.to_thread(request.app[AUDIT].record, request["account"].id,
                                "review_approved", change_id)
    return response


@staff_required()
async def reject(request: web.Request) -> web.Response:
    """POST /api/staff/reviews/{change_id}/reject {"reason"}: the CSO sees the reason."""
    change_id = request.match_info["change_id"]
    body = await json_object(request)
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return web.json_response({"error": "reason_required"}, status=400)
    emails = await asyncio.to_thread(emails_of, request)
    response = await _answer(request, _reject, change_id, who(request), reason.strip()[:2000], emails)
    if response.status == 200:
        await asyncio.to_thread(request.app[AUDIT].record, request["account"].id,
                                "review_rejected", change_id)
    return response


def _stale(session: Session) -> dict:
    return {"services": stale_json(changes.stale_services(session)),
            "after_days": changes.STALE_AFTER_DAYS}


@staff_required()
async def stale_services(request: web.Request) -> web.Response:
    """GET /api/staff/stale-services: active services not confirmed for 180 days."""
    return await _answer(request, _stale)


def setup_reviews_api(app: web.Application) -> None:
    app.router.add_get("/api/staff/reviews", list_reviews)
    app.router.add_get("/api/staff/reviews/{change_id}", get_review)
    app.router.add_post("/api/staff/reviews/{change_id}/approve", approve)
    app.router.add_post("/api/staff/reviews/{change_id}/reject", reject)
    app.router.add_get("/api/staff/stale-services", stale_services)
