"""POST /nlg: Rasa asks for a response; we render it in the user's language."""
import asyncio
import hmac
import logging

from aiohttp import web

from bot.keys import LANGUAGES, RENDERER, SETTINGS, STATS

logger = logging.getLogger(__name__)


def first_reply_of_turn(tracker: dict) -> bool:
    """Whether no bot message followed the latest user message yet (count each question once)."""
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "user":
            return True
    return False


async def generate(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].rasa_token
    if not hmac.compare_digest(request.query.get("token", "").encode(), token.encode()):
        return web.json_response({"error": "unauthorised"}, status=401)
    body = await request.json()
    tracker = body.get("tracker") or {}
    metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
    languages = request.app[LANGUAGES]
    language = metadata.get("language")
    if not languages.supports(language):
        language = languages.default
    if first_reply_of_turn(tracker):
        intent = ((tracker.get("latest_message") or {}).get("intent") or {}).get("name")
        if intent:
            await asyncio.to_thread(request.app[STATS].count, language, "question", intent)
    values = {**(tracker.get("slots") or {}), **(body.get("arguments") or {})}
    renderer = request.app[RENDERER]
    name = body.get("response", "")
    if not renderer.knows(name):
        logger.error("NLG asked for an unknown response %s", name)
    return web.json_response(renderer.render(name, language, values))
