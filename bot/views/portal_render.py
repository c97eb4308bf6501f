"""Server-rendered pages of the portal and the review queue: templates, texts, page headers."""
from datetime import date
from types import ModuleType
from typing import Optional, Sequence

from aiohttp import web
from babel.dates import format_date, get_day_names

from bot.auth import current_account
from bot.keys import LANGUAGES, TRANSLATIONS
from bot.templating import TEMPLATES, render_page
from bot.views import portal_texts
from bot.views.service_form import weekdays
from bot.views.ui_language import ui_language

STYLESHEET = TEMPLATES / "portal" / "portal.css"
FIELD_LABELS = {
    "service_name": "SERVICE_NAME", "name": "SERVICE_NAME", "topics": "TOPICS",
    "source_language": "ORIGINAL_TEXT", "address": "ADDRESS", "postal_code": "POSTAL_CODE",
    "city": "CITY", "district": "DISTRICT", "latitude": "LATITUDE", "longitude": "LONGITUDE",
    "phone": "PHONE", "email": "EMAIL", "url": "WEBSITE", "languages": "LANGUAGES_SPOKEN",
    "free": "FREE", "no_documents": "NO_DOCUMENTS", "minimum_age": "MINIMUM_AGE",
    "maximum_age": "MAXIMUM_AGE", "schedule": "SCHEDULE", "status": "STATUS",
    "assured_date": "CHECKED",
}


class UnknownText(LookupError):
    """A template names a text that none of its text modules defines."""


class Texts:
    """A page's texts in one language, by constant name: `t.SIGN_IN`, `t("UPLOADED", count=3)`.

    The names come from text modules (the portal's by default), the first that
    defines a name wins."""

    def __init__(self, request: web.Request, lang: str, sources: Sequence[ModuleType] = (portal_texts,)):
        self._gettext = request.app[TRANSLATIONS].gettext
        self._languages = request.app[LANGUAGES].languages
        self._sources = tuple(sources)
        self.lang = lang

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or not name.isupper():
            raise AttributeError(name)
        for source in self._sources:
            if hasattr(source, name):
                return self._gettext(self.lang, getattr(source, name))
        # Not AttributeError: Jinja would render that as an empty string.
        raise UnknownText(name)

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)

    def translate(self, msgid: str, **values) -> str:
        """A message id (from a table of texts, not a constant) in the page's language."""
        text = self._gettext(self.lang, msgid)
        for key, value in values.items():
            text = text.replace("{" + key + "}", str(value))
        return text

    def __call__(self, name: str, **values) -> str:
        text = getattr(self, name)
        for key, value in values.items():
            text = text.replace("{" + key + "}", str(value))
        return text

    def topic(self, code: str) -> str:
        msgid = portal_texts.TOPIC_LABELS.get(code)
        return self._gettext(self.lang, msgid) if msgid else code

    def language(self, code: str) -> str:
        return self._languages[code].name if code in self._languages else code

    def field(self, name: str) -> str:
        """A diff's field name as a label: "description_ar" → "Description in each language: العربية"."""
        if name.startswith("description_"):
            return f"{self.DESCRIPTIONS}: {self.language(name[len('description_'):])}"
        constant = FIELD_LABELS.get(name)
        return getattr(self, constant) if constant else name

    def value(self, name: str, value: Optional[str]) -> str:
        """A diff's value as people read it (topic and language names, yes/no, open/closed)."""
        if value is None:
            return self.EMPTY_VALUE
        if name == "topics":
            return ", ".join(self.topic(code) for code in value.split(";"))
        if name == "languages" or name == "source_language":
            return ", ".join(self.language(code) for code in value.split(";"))
        if name in ("free", "no_documents"):
            return self.YES if value == "yes" else self.NO
        if name == "status":
            return self.STATUS_ACTIVE if value == "active" else self.STATUS_INACTIVE
        return value

    def date(self, value: Optional[date]) -> str:
        return format_date(value, "medium", locale=self.lang) if value else self.NEVER_CHECKED

    def day(self, code: str) -> str:
        return get_day_names("abbreviated", locale=self.lang)[weekdays().index(code)]


async def render(request: web.Request, template: str, context: dict, status: int = 200,
                 lang: Optional[str] = None) -> web.Response:
    """A page through the shared renderer (CSP, no-store, CSRF token) with the portal's texts."""
    account = await current_account(request)
    lang = lang or ui_language(request)
    page = dict(context, t=Texts(request, lang), lang=lang, account=account,
                ui_languages=[(code, language.name) for code, language in request.app[LANGUAGES].languages.items()],
                rtl=request.app[LANGUAGES].languages[lang].rtl if lang in request.app[LANGUAGES].languages
                else False)
    return await render_page(template, request, page, status=status)


async def stylesheet(request: web.Request) -> web.Response:
    """GET /portal/portal.css: the pages' only stylesheet (mobile first)."""
    return web.Response(text=STYLESHEET.read_text(encoding="utf-8"), content_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})
