"""Server-rendered pages (console, portal): Jinja2 over bot/templates/, autoescaped, strict CSP."""
from pathlib import Path
from typing import Any, Dict, Optional

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.auth import csrf_token

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
# Pages load only their own scripts and styles: no inline code, no third party.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def setup_templates(app: web.Application) -> None:
    """Install Jinja2 once (the console and the portal both call this)."""
    if aiohttp_jinja2.APP_KEY in app:
        return
    aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        # Autoescape everything a person or a CSO wrote, in every .html template.
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True))


def setup_static(app: web.Application) -> None:
    """Serve bot/static under /static/ (no directory listing), once."""
    for resource in app.router.resources():
        if resource.canonical.rstrip("/") == "/static":
            return
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)


async def render_page(template: str, request: web.Request, context: Optional[Dict[str, Any]] = None,
                      status: int = 200) -> web.Response:
    """A rendered page with its own strict CSP, never cached (it may show personal data).

    Templates get `request` and `csrf_token` (the session's token, for every form);
    the token is made here rather than in a context-processor middleware, which
    would start a session on every request, chat API included."""
    token = await csrf_token(request)
    request["csrf_token"] = token
    response = aiohttp_jinja2.render_template(template, request,
                                              {"request": request, "csrf_token": token,
                                               **(context or {})}, status=status)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    # Not the gateway's default "no-referrer": under it browsers send `Origin: null`
    # on the page's own form posts and fetches, which the CSRF check refuses as
    # cross-site. "same-origin" still sends nothing to other sites.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
