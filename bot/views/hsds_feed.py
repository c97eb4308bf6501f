"""GET /api/hsds/services: the published catalogue as a read-only, paged HSDS 3.0 feed."""
import asyncio
from datetime import datetime, timezone
from typing import Optional

from aiohttp import web
from sqlalchemy import func, select

from bot.keys import SETTINGS
from bot.texts import BAD_REQUEST
from bot.views.errors import json_error
from services_catalog.changes import service_hsds
from services_catalog.db import open_session
from services_catalog.models import Service

MAX_PER_PAGE = 200


def parse_moment(value: str) -> Optional[datetime]:
    """ISO 8601 date or date-time (zone optional, UTC assumed) → naive UTC; None if invalid."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _page(url: str, after: Optional[datetime], page: int, per_page: int) -> dict:
    with open_session(url) as session:
        where = [Service.last_modified > after] if after else []
        total = session.execute(select(func.count(Service.id)).where(*where)).scalar_one()
        # Oldest change first, so a consumer can resume from the last `last_modified` it saw.
        services = session.execute(
            select(Service).where(*where).order_by(Service.last_modified, Service.id)
            .offset((page - 1) * per_page).limit(per_page)).scalars().all()
        contents = [service_hsds(s) for s in services]
    pages = max(1, -(-total // per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents,
            "contents": contents}


async def services(request: web.Request) -> web.Response:
    after = None
    if request.query.get("modified_after"):
        after = parse_moment(request.query["modified_after"])
        if after is None:
            return json_error(request, 400, "bad_modified_after", BAD_REQUEST)
    try:
        page = int(request.query.get("page", "1"))
        per_page = int(request.query.get("per_page", "50"))
    except ValueError:
        return json_error(request, 400, "bad_page", BAD_REQUEST)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return json_error(request, 400, "bad_page", BAD_REQUEST)
    body = await asyncio.to_thread(_page, request.app[SETTINGS].database_url, after, page, per_page)
    # Public, read-only catalogue data: any directory may fetch it, from a browser too.
    return web.json_response(body, headers={"Access-Control-Allow-Origin": "*"})
