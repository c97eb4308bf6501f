"""Rendering the console's pages in the caseworker's language: texts, dates, language names."""
import json
from datetime import datetime, timezone
from typing import Optional

from aiohttp import web
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.lists import format_list

from bot.auth import current_account
from bot.keys import LANGUAGES, TRANSLATIONS
from bot.templating import render_page
from bot.views import console_texts, portal_texts
from bot.views.portal_render import Texts
from bot.views.ui_language import ui_language

# Console texts first; the review pages also show the portal's (field names, topics).
SOURCES = (console_texts, portal_texts)


def language_name(code: str, in_language: str) -> str:
    """A language's name as a reader of `in_language` writes it ("Arabic", "arabe", "арабська")."""
    try:
        return Locale.parse(code).get_display_name(in_language) or code
    except (UnknownLocaleError, ValueError):
        return code


def parse_time(iso: Optional[str]) -> Optional[datetime]:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ConsoleTexts(Texts):
    """The console's texts in the caseworker's language, with its labels for codes."""

    def language(self, code: str) -> str:
        return language_name(code, self.lang)

    def languages(self, codes) -> str:
        """Several language names as a list in the page's language ("arabe et français", "العربية والفرنسية")."""
        return format_list([self.language(code) for code in codes], locale=self.lang)

    def reason(self, reason: str) -> str:
        """Why the case opened: a crisis type or "asked for a person"."""
        msgid = console_texts.REASONS.get(reason) or portal_texts.TOPIC_LABELS.get(reason)
        return self.translate(msgid) if msgid else reason.replace("_", " ")

    def reasons_json(self) -> str:
        """Every reason's label, for console.js to write rows of the live queue."""
        codes = [*console_texts.REASONS, *(c for c in portal_texts.TOPIC_LABELS if c.startswith("crisis_"))]
        return json.dumps({code: self.reason(code) for code in codes}, ensure_ascii=False)

    def outcome(self, code: str) -> str:
        msgid = console_texts.OUTCOME_LABELS.get(code)
        return self.translate(msgid) if msgid else code.replace("_", " ")

    def action(self, code: str) -> str:
        msgid = console_texts.AUDIT_ACTIONS.get(code)
        return self.translate(msgid) if msgid else code.replace("_", " ")

    def table(self, name: str) -> dict:
        """One of console_texts' tables (SENDERS, DELIVERY, ERRORS, JS_TEXTS…) translated."""
        return {key: self.translate(msgid) for key, msgid in getattr(console_texts, name).items()}

    def table_json(self, name: str) -> str:
        return json.dumps(self.table(name), ensure_ascii=False)

    def when(self, iso: Optional[str]) -> str:
        """A readable UTC time for pages without JS (console.js shows the browser's local time)."""
        moment = parse_time(iso)
        if moment is None:
            return ""
        return format_datetime(moment.astimezone(timezone.utc), "medium", tzinfo=timezone.utc,
                               locale=self.lang) + " UTC"

    def day(self, iso: Optional[str]) -> str:
        moment = parse_time(iso)
        return self.date(moment.date()) if moment else ""


def page_text(request: web.Request, msgid: str) -> str:
    """One text in the language of the page being answered (errors, notices, plain 404s)."""
    return request.app[TRANSLATIONS].gettext(ui_language(request), msgid)


async def render_console(request: web.Request, template: str, context: Optional[dict] = None,
                         status: int = 200) -> web.Response:
    """A console page in the caseworker's language and direction (CSP, no-store, CSRF token)."""
    account = await current_account(request)
    lang = ui_language(request)
    languages = request.app[LANGUAGES].languages
    page = {
        "t": ConsoleTexts(request, lang, SOURCES), "lang": lang,
        "rtl": languages[lang].rtl if lang in languages else False, "account": account,
        # The language menu: each launch language in its own name.
        "ui_languages": [(code, language.name) for code, language in languages.items()],
        **(context or {}),
    }
    return await render_page(template, request, page, status=status)
