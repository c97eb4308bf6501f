"""The web chat API (DESIGN.md): send a message, read later messages, erase."""
import json
import logging
import re

from aiohttp import web

from bot.client_address import client_address
from bot.keys import ADDRESS_LIMITER, CONVERSATION_LIMITER, CONVERSATIONS, SETTINGS
from bot.pseudonym import pseudonymous_id
from bot.texts import BAD_REQUEST, EMPTY, SLOW_DOWN, TOO_LONG
from bot.views.errors import json_error, request_language

logger = logging.getLogger(__name__)

CHANNEL = "web"
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def _conversation_id(request: web.Request) -> str:
    raw = request.match_info["conversation_id"]
    if not CONVERSATION_ID.match(raw):
        raise web.HTTPBadRequest(text=json.dumps({"error": "bad_conversation_id"}),
                                 content_type="application/json")
    return pseudonymous_id(request.app[SETTINGS].secret, CHANNEL, raw)


async def post_message(request: web.Request) -> web.Response:
    """POST /api/chat/{conversation_id}/messages {"text": str, "locale": str?}."""
    settings = request.app[SETTINGS]
    conversation_id = _conversation_id(request)
    # The app accepts large bodies for Rasa's NLG calls; the chat API does not.
    if (request.content_length or 0) > settings.max_body_bytes:
        return json_error(request, 413, "too_large", TOO_LONG)
    raw = await request.content.read(settings.max_body_bytes + 1)
    if len(raw) > settings.max_body_bytes:
        return json_error(request, 413, "too_large", TOO_LONG)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return json_error(request, 400, "malformed_json", BAD_REQUEST)
    if not isinstance(body, dict):
        return json_error(request, 400, "malformed_json", BAD_REQUEST)
    locale = body.get("locale") if isinstance(body.get("locale"), str) else None
    language = request_language(request, locale)
    text = body.get("text")
    if not isinstance(text, str):
        return json_error(request, 400, "text_required", BAD_REQUEST, language)
    text = text.strip()
    if not text:
        return json_error(request, 400, "empty_text", EMPTY, language)
    if len(text) > settings.max_message_chars:
        return json_error(request, 413, "too_long", TOO_LONG, language)
    if not request.app[ADDRESS_LIMITER].allow(client_address(request)) or \
            not request.app[CONVERSATION_LIMITER].allow(conversation_id):
        return json_error(request, 429, "rate_limited", SLOW_DOWN, language)
    result = await request.app[CONVERSATIONS].handle_user_message(
        conversation_id, CHANNEL, text, hint=locale)
    return web.json_response(result.as_json())


async def get_messages(request: web.Request) -> web.Response:
    """GET /api/chat/{conversation_id}/messages?after=n."""
    conversation_id = _conversation_id(request)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return json_error(request, 400, "bad_after", BAD_REQUEST)
    messages = await request.app[CONVERSATIONS].messages_after(conversation_id, after)
    return web.json_response({"messages": [m.as_json() for m in messages]})


async def delete_conversation(request: web.Request) -> web.Response:
    """DELETE /api/chat/{conversation_id}: erase everything about it."""
    conversation_id = _conversation_id(request)
    await request.app[CONVERSATIONS].forget(conversation_id)
    return web.json_response({"erased": True})
