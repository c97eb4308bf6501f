"""Security headers on every answer, and JSON for unexpected errors (no text logged)."""
import logging

from aiohttp import web

logger = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


PRIVATE_PREFIXES = ("/api/staff", "/api/cso", "/console", "/portal", "/api/chat")


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(PRIVATE_PREFIXES):
        # Transcripts and accounts must not stay in a shared office computer's cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def json_errors(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:  # noqa: BLE001 - logged with the route, never the body
        logger.exception("unhandled error on %s %s", request.method, request.match_info.route.resource)
        return web.json_response({"error": "internal"}, status=500)
