"""The language of the console's and the portal's own pages, and the form that changes it.

The choice is a plain cookie holding a launch language's code (nothing
personal): it outlives signing out, so a caseworker who reads Arabic best
signs in on an Arabic page the next time too.
"""
from aiohttp import web

from bot.keys import LANGUAGES
from bot.views.errors import request_language

COOKIE = "helpdesk_ui_language"
ONE_YEAR = 365 * 24 * 3600
# Where the form may send the browser back to: only these pages' own paths.
RETURN_PREFIXES = ("/console", "/portal")


def ui_language(request: web.Request) -> str:
    """The chosen language, else the account's first language, else the browser's, else the default."""
    languages = request.app[LANGUAGES]
    chosen = request.cookies.get(COOKIE, "")
    if languages.supports(chosen):
        return chosen
    account = request.get("account")
    for code in (account.languages if account else ()):
        if languages.supports(code):
            return code
    return request_language(request)


def safe_return(target: object, fallback: str) -> str:
    """A path on this site under the console or the portal, never elsewhere (no open redirect)."""
    if isinstance(target, str) and target.startswith(RETURN_PREFIXES) and "//" not in target \
            and "\\" not in target and not any(ord(c) < 32 for c in target):
        return target
    return fallback


async def choose_language(request: web.Request) -> web.StreamResponse:
    """POST /console/language or /portal/language (form: `lang`, `next`): remember the choice."""
    form = await request.post()
    home = "/portal/" if request.path.startswith("/portal") else "/console"
    response = web.HTTPSeeOther(safe_return(form.get("next"), home))
    lang = form.get("lang")
    if isinstance(lang, str) and request.app[LANGUAGES].supports(lang):
        response.set_cookie(COOKIE, lang, max_age=ONE_YEAR, path="/", httponly=True,
                            samesite="Strict", secure=request.secure)
    raise response


def setup_language_choice(app: web.Application) -> None:
    """Both routes sit under the CSRF-protected prefixes (bot/auth.py)."""
    for path in ("/console/language", "/portal/language"):
        if not any(r.canonical == path for r in app.router.resources()):
            app.router.add_post(path, choose_language)
