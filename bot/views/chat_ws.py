"""GET /api/chat/{conversation_id}/ws: the widget's live feed of a conversation's new messages.

The socket sends `{"messages": [...]}` (the shape of GET .../messages?after=n)
each time the conversation's topic on the event hub says a message was stored.
Events carry positions only; the text is read from the store, by the
conversation's own pseudonymous id, so no other conversation can leak in.
The Origin check is the CORS middleware's (bot/cors.py).
"""
import asyncio
import contextlib
import logging
import weakref

from aiohttp import WSCloseCode, WSMsgType, web

from bot.events import conversation_topic
from bot.keys import CONVERSATIONS, HUB
from bot.texts import BAD_REQUEST
from bot.views.chat import _conversation_id
from bot.views.errors import json_error

logger = logging.getLogger(__name__)

SOCKETS = web.AppKey("chat_sockets", weakref.WeakSet)
# Pings keep proxies from dropping an idle socket and find clients that vanished.
HEARTBEAT_SECONDS = 25.0


def setup_chat_sockets(app: web.Application) -> None:
    """Track open sockets so that shutdown can close them instead of waiting on them."""
    app[SOCKETS] = weakref.WeakSet()
    app.on_shutdown.append(close_sockets)


async def close_sockets(app: web.Application) -> None:
    # All at once: each close waits (up to its timeout) for the client's answer.
    await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
                           for ws in list(app[SOCKETS])), return_exceptions=True)


async def _send_new(ws: web.WebSocketResponse, request: web.Request, conversation_id: str,
                    after: int) -> int:
    """Send the messages stored after `after`; returns the new last position."""
    messages = await request.app[CONVERSATIONS].messages_after(conversation_id, after)
    if messages:
        await ws.send_json({"messages": [m.as_json() for m in messages]})
        after = messages[-1].position
    return after


async def _pump(ws: web.WebSocketResponse, request: web.Request, conversation_id: str,
                after: int, queue: asyncio.Queue) -> None:
    try:
        # Subscribed before this first read: a message stored meanwhile is not missed.
        after = await _send_new(ws, request, conversation_id, after)
        while True:
            await queue.get()
            while not queue.empty():  # several events at once: one read covers them all
                queue.get_nowait()
            after = await _send_new(ws, request, conversation_id, after)
    except (ConnectionResetError, RuntimeError):
        pass  # the client went away while we were sending
    except Exception as error:  # noqa: BLE001 - e.g. the database is down
        logger.error("chat socket feed failed: %s", type(error).__name__)
    # Closing ends the handler's read loop; the widget then polls and reconnects.
    await ws.close(code=WSCloseCode.INTERNAL_ERROR)


async def chat_socket(request: web.Request) -> web.StreamResponse:
    """GET /api/chat/{conversation_id}/ws?after=n."""
    conversation_id = _conversation_id(request)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return json_error(request, 400, "bad_after", BAD_REQUEST)
    if after < 0:
        return json_error(request, 400, "bad_after", BAD_REQUEST)
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    async with request.app[HUB].subscribe(conversation_topic(conversation_id)) as queue:
        pump = asyncio.create_task(_pump(ws, request, conversation_id, after, queue))
        try:
            # The client sends nothing we need; reading is how a close is noticed.
            async for message in ws:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
    if not ws.closed:
        await ws.close()
    return ws
