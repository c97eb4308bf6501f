"""Staff invite a CSO from the console; the CSO sets its password from the one-time link.

Admins make the link (console page or POST /api/staff/cso-invitations) and
pass it on themselves (no mail is sent); /portal/invite/{token} creates the
account. The token is in the path, which the access log never records.
"""
import asyncio
from typing import AsyncIterator

from aiohttp import web
from sqlalchemy import select

from bot.accounts import MIN_PASSWORD_LENGTH, AccountError, AccountExists
from bot.auth import ACCOUNTS, staff_required
from bot.invitations import VALID_FOR, InvitationStore
from bot.keys import AUDIT, STORE
from bot.views import console_texts
from bot.views.catalogue_common import in_catalogue, json_object
from bot.views.console_render import page_text, render_console
from bot.views.portal_render import render
from services_catalog.changes import iso
from services_catalog.models import Organization

INVITATIONS = web.AppKey("cso_invitations", InvitationStore)


def _organizations(session) -> list:
    return [{"id": o.id, "name": o.name}
            for o in session.execute(select(Organization).order_by(Organization.name)).scalars()]


def _organization_exists(session, organization_id: str) -> bool:
    return session.get(Organization, organization_id) is not None


async def _invite(request: web.Request, email, organization_id):
    """(link, invitation) or raises AccountError with what is wrong."""
    if not isinstance(email, str) or not isinstance(organization_id, str) or \
            not await in_catalogue(request, _organization_exists, organization_id):
        raise AccountError("an email and an existing organisation are needed")
    token, invitation = await asyncio.to_thread(request.app[INVITATIONS].invite, email, organization_id,
                                                request["account"].id)
    return f"{request.scheme}://{request.host}/portal/invite/{token}", invitation


@staff_required(role="admin")
async def invite_api(request: web.Request) -> web.Response:
    """POST /api/staff/cso-invitations {"email", "organization_id"} → 201 {"url", "expires_at"}."""
    body = await json_object(request)
    try:
        url, invitation = await _invite(request, body.get("email"), body.get("organization_id"))
    except AccountError as error:
        return web.json_response({"error": "invalid", "message": str(error)}, status=400)
    return web.json_response({"url": url, "email": invitation.email,
                              "organization_id": invitation.organization_id,
                              "expires_at": iso(invitation.expires_at)}, status=201)


@staff_required(role="admin")
async def invite_page(request: web.Request) -> web.Response:
    return await render_console(request, "portal/invite_new.html", {
        "organizations": await in_catalogue(request, _organizations), "link": None, "error": None,
        "email": "", "valid_days": VALID_FOR.days})


@staff_required(role="admin")
async def invite_submit(request: web.Request) -> web.Response:
    form = await request.post()
    context = {"organizations": await in_catalogue(request, _organizations), "link": None,
               "error": None, "email": form.get("email", ""), "valid_days": VALID_FOR.days}
    try:
        context["link"], invitation = await _invite(request, form.get("email"), form.get("organization_id"))
        context["expires_at"] = iso(invitation.expires_at)
    except AccountError as error:
        msgid = console_texts.ACCOUNT_EXISTS if isinstance(error, AccountExists) else console_texts.INVITE_INVALID
        return await render_console(request, "portal/invite_new.html",
                                    dict(context, error=page_text(request, msgid)), 400)
    return await render_console(request, "portal/invite_new.html", context)


async def accept_page(request: web.Request) -> web.Response:
    invitation = await asyncio.to_thread(request.app[INVITATIONS].find, request.match_info["token"])
    if invitation is None:
        return await render(request, "portal/message.html", {"message": "INVITATION_INVALID"}, status=404)
    return await render(request, "portal/invite_accept.html",
                        {"email": invitation.email, "error": None, "min_length": MIN_PASSWORD_LENGTH})


async def accept_submit(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    invitation = await asyncio.to_thread(request.app[INVITATIONS].find, token)
    if invitation is None:
        return await render(request, "portal/message.html", {"message": "INVITATION_INVALID"}, status=404)
    form = await request.post()
    password, again = form.get("password"), form.get("password_again")
    context = {"email": invitation.email, "min_length": MIN_PASSWORD_LENGTH}
    if not isinstance(password, str) or password != again:
        return await render(request, "portal/invite_accept.html", dict(context, error="PASSWORDS_DIFFER"), 400)
    if len(password) < MIN_PASSWORD_LENGTH:
        return await render(request, "portal/invite_accept.html", dict(context, error="PASSWORD_TOO_SHORT"), 400)
    try:
        account = await asyncio.to_thread(request.app[INVITATIONS].accept, token, password)
    except AccountError:
        return await render(request, "portal/message.html", {"message": "INVITATION_INVALID"}, status=409)
    await asyncio.to_thread(request.app[AUDIT].record, invitation.invited_by, "account_created", str(account.id))
    raise web.HTTPSeeOther("/portal/login?welcome=1")


async def _store(app: web.Application) -> AsyncIterator[None]:
    # After the gateway's own storage context, which made STORE and ACCOUNTS.
    app[INVITATIONS] = await asyncio.to_thread(InvitationStore, app[STORE].engine, app[ACCOUNTS])
    yield


def setup_cso_invitations(app: web.Application) -> None:
    app.cleanup_ctx.append(_store)
    app.router.add_post("/api/staff/cso-invitations", invite_api)
    app.router.add_get("/console/cso-invitations", invite_page)
    app.router.add_post("/console/cso-invitations", invite_submit)
    app.router.add_get("/portal/invite/{token}", accept_page)
    app.router.add_post("/portal/invite/{token}", accept_submit)
