"""The staff review queue as console pages (/console/reviews): diff, preview, approve or reject.

The same operations as the review API (bot/views/reviews_api.py), as plain form
posts that redirect back, in the caseworker's language like the rest of the console.
"""
import asyncio
from datetime import date

from aiohttp import web
from sqlalchemy.orm import Session

from bot.auth import staff_required
from bot.keys import AUDIT
from bot.views import console_texts, portal_texts
from bot.views.catalogue_common import in_catalogue, launch_language, preview_text, who
from bot.views.console_render import page_text, render_console
from bot.views.reviews_api import _approve, _reject, _reviews, emails_of, review_json, stale_json
from localization import load_languages
from services_catalog import changes
from services_catalog.models import ServiceChange



def _queue(session: Session, emails) -> dict:
    return {**_reviews(session, "pending", emails),
            "stale": stale_json(changes.stale_services(session)), "stale_days": changes.STALE_AFTER_DAYS}


@staff_required()
async def queue(request: web.Request) -> web.Response:
    emails = await asyncio.to_thread(emails_of, request)
    data = await in_catalogue(request, _queue, emails)
    done = request.query.get("done", "")
    return await render_console(request, "portal/review_queue.html", dict(
        data, done=page_text(request, console_texts.DONE[done]) if done in ("approved", "rejected") else None))


def _details(session: Session, change_id: str, emails):
    change = session.get(ServiceChange, change_id)
    if change is None:
        raise changes.NotFound(change_id)
    card = changes.card_from_record(changes.record_of_change(change), change.service_id or "new",
                                    date.today() if change.state == "pending" else None)
    return review_json(session, change, emails), card


async def _review_page(request: web.Request, error: str = None, status: int = 200) -> web.Response:
    emails = await asyncio.to_thread(emails_of, request)
    try:
        review, card = await in_catalogue(request, _details, request.match_info["change_id"], emails)
    except changes.NotFound:
        raise web.HTTPNotFound(text=page_text(request, console_texts.NO_SUCH_PROPOSAL))
    lang = request.query.get("lang", "")
    lang = lang if launch_language(lang) else review["proposed"].get("x-helpdesk", {}).get(
        "source_language", load_languages().default)
    if not launch_language(lang):
        lang = load_languages().default
    return await render_console(request, "portal/review.html", {
        "review": review, "error": error, "preview_lang": lang, "preview": preview_text(request, card, lang),
        "launch_languages": load_languages().codes}, status=status)


@staff_required()
async def review_page(request: web.Request) -> web.Response:
    return await _review_page(request)


@staff_required()
async def approve(request: web.Request) -> web.Response:
    change_id = request.match_info["change_id"]
    emails = await asyncio.to_thread(emails_of, request)
    try:
        await in_catalogue(request, _approve, change_id, who(request), emails)
    except changes.NotPending:
        return await _review_page(request, page_text(request, portal_texts.ALREADY_REVIEWED), 409)
    except changes.NotFound:
        raise web.HTTPNotFound(text=page_text(request, console_texts.NO_SUCH_PROPOSAL))
    await asyncio.to_thread(request.app[AUDIT].record, request["account"].id, "review_approved", change_id)
    raise web.HTTPSeeOther("/console/reviews?done=approved")


@staff_required()
async def reject(request: web.Request) -> web.Response:
    change_id = request.match_info["change_id"]
    form = await request.post()
    reason = form.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return await _review_page(request, page_text(request, console_texts.REASON_NEEDED), 400)
    emails = await asyncio.to_thread(emails_of, request)
    try:
        await in_catalogue(request, _reject, change_id, who(request), reason.strip()[:2000], emails)
    except changes.NotPending:
        return await _review_page(request, page_text(request, portal_texts.ALREADY_REVIEWED), 409)
    except changes.NotFound:
        raise web.HTTPNotFound(text=page_text(request, console_texts.NO_SUCH_PROPOSAL))
    await asyncio.to_thread(request.app[AUDIT].record, request["account"].id, "review_rejected", change_id)
    raise web.HTTPSeeOther("/console/reviews?done=rejected")


def setup_review_pages(app: web.Application) -> None:
    app.router.add_get("/console/reviews", queue)
    app.router.add_get("/console/reviews/{change_id}", review_page)
    app.router.add_post("/console/reviews/{change_id}/approve", approve)
    app.router.add_post("/console/reviews/{change_id}/reject", reject)
