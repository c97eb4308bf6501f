"""What the portal, CSO API and review API share: a catalogue transaction off the event loop."""
import asyncio
from datetime import datetime
from typing import Any, Callable

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.keys import SETTINGS
from localization import load_languages
from services_catalog import changes
from services_catalog.db import open_session
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now
from services_catalog.presentation import describe
from services_catalog.repository import ServiceCard

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


async def in_catalogue(request: web.Request, function: Callable[..., Any], *args) -> Any:
    """Run function(session, *args) in one catalogue transaction, in a thread (SQLite/psycopg block)."""
    url = request.app[SETTINGS].database_url

    def work():
        with open_session(url) as session, session.begin():
            return function(session, *args)

    return await asyncio.to_thread(work)


def error_response(error: Exception) -> web.Response:
    """The JSON answer for a refused catalogue change."""
    if isinstance(error, changes.NotYours):
        return web.json_response({"error": "another_organisation"}, status=403)
    if isinstance(error, changes.NotFound):
        return web.json_response({"error": "not_found"}, status=404)
    if isinstance(error, changes.NotPending):
        return web.json_response({"error": "already_reviewed", "state": str(error)}, status=409)
    if isinstance(error, changes.ChangeError):
        return web.json_response({"error": "invalid", "errors": error.errors}, status=400)
    raise error


CATALOGUE_ERRORS = (changes.NotYours, changes.NotFound, changes.NotPending, changes.ChangeError)


async def json_object(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "malformed_json"}', content_type="application/json")
    return body


def who(request: web.Request) -> str:
    """The signed-in account as recorded in changes and history (its id, never its email)."""
    return str(request["account"].id)


def preview_text(request: web.Request, card: ServiceCard, lang: str,
                 now: datetime = None) -> str:
    """The service as the bot would show it in `lang`, hours as of now in the region."""
    timezone = region_timezone(request.app[SETTINGS].region)
    return describe(card, lang, now or local_now(timezone), timezone)


def launch_language(code: str) -> bool:
    return code in load_languages().codes


def service_summary(session: Session, service, stale_ids=frozenset()) -> dict:
    """A service as the CSO lists show it: HSDS plus freshness and what is waiting for review."""
    data = changes.service_hsds(service)
    data["stale"] = service.id in stale_ids
    data["pending_changes"] = list(session.execute(
        select(changes.ServiceChange.id).where(changes.ServiceChange.service_id == service.id,
                                               changes.ServiceChange.state == "pending")).scalars())
    return data
