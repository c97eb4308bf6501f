"""GET /healthz: 200 only when Rasa, the action server and the database answer."""
import asyncio

import aiohttp
from aiohttp import web

from bot.keys import CONVERSATIONS, HTTP, SETTINGS, STORE


async def healthz(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    status = {"status": "ok", "rasa": "ok", "actions": "ok", "db": "ok"}
    rasa_problem = await request.app[CONVERSATIONS].rasa.healthy()
    if rasa_problem:
        status["rasa"] = rasa_problem
    try:
        async with request.app[HTTP].get(f"{settings.actions_url}/health",
                                         timeout=aiohttp.ClientTimeout(total=3)) as response:
            if response.status != 200:
                status["actions"] = f"status {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        status["actions"] = type(error).__name__
    try:
        await asyncio.to_thread(request.app[STORE].ping)
    except Exception as error:  # noqa: BLE001 - any database failure is "not ok"
        status["db"] = type(error).__name__
    healthy = all(status[part] == "ok" for part in ("rasa", "actions", "db"))
    if not healthy:
        status["status"] = "unavailable"
    return web.json_response(status, status=200 if healthy else 503)
