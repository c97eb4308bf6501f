"""JSON error answers with a text in the person's language."""
from typing import Optional

from aiohttp import web

from bot.keys import LANGUAGES, TRANSLATIONS


def request_language(request: web.Request, hint: Optional[str] = None) -> str:
    """The best language for an error: explicit hint, then Accept-Language."""
    languages = request.app[LANGUAGES]
    for tag in [hint] + [part.split(";")[0].strip()
                         for part in request.headers.get("Accept-Language", "").split(",")]:
        code = languages.closest(tag)
        if code:
            return code
    return languages.default


def json_error(request: web.Request, status: int, code: str, msgid: str,
               language: Optional[str] = None) -> web.Response:
    lang = language or request_language(request)
    message = request.app[TRANSLATIONS].gettext(lang, msgid)
    return web.json_response({"error": code, "message": message, "language": lang}, status=status)
