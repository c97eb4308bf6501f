"""CORS for the widget's endpoints: only the configured origins and the gateway's own.

Browsers send an Origin header on cross-site fetches and on every WebSocket
handshake. A request to the chat API or the widget's texts from a page that is
not in HELPDESK_WIDGET_ORIGINS is refused outright (403), not only left without
the Access-Control-Allow-Origin header: a "simple" cross-site POST would
otherwise still reach the bot, and browsers apply no CORS to WebSockets at all.
Requests without Origin (curl, tools.chat, server-to-server) are not browsers'
cross-site calls and pass as before.
"""
from urllib.parse import urlsplit

from aiohttp import web

from bot.keys import SETTINGS

CORS_PREFIXES = ("/api/chat/", "/widget/")
ALLOW_METHODS = "GET, POST, DELETE, OPTIONS"
ALLOW_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def origin_allowed(request: web.Request, origin: str) -> bool:
    """A configured origin, or the gateway's own host (the demo page, a same-site widget)."""
    if origin.rstrip("/").lower() in request.app[SETTINGS].widget_origins:
        return True
    # Compared by host:port, since a TLS-terminating proxy may hide the scheme.
    return bool(request.host) and urlsplit(origin).netloc.lower() == request.host.lower()


def _refuse() -> web.Response:
    return web.json_response({"error": "origin_not_allowed"}, status=403)


def _allow(headers, origin: str) -> None:
    headers["Access-Control-Allow-Origin"] = origin
    headers["Vary"] = "Origin"


@web.middleware
async def widget_cors(request: web.Request, handler):
    if not request.path.startswith(CORS_PREFIXES):
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is None:
        response = await handler(request)
        if not response.prepared:
            # Shared caches must not give this answer to a page of another origin.
            response.headers["Vary"] = "Origin"
        return response
    if not origin_allowed(request, origin):
        return _refuse()
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response = web.Response(status=204)
        _allow(response.headers, origin)
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response
    try:
        response = await handler(request)
    except web.HTTPException as error:
        # Let the page read the error (a 400, a 404) instead of a bare network failure.
        _allow(error.headers, origin)
        raise
    if not response.prepared:  # a WebSocket has sent its headers already
        _allow(response.headers, origin)
    return response
