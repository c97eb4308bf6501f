"""The caseworkers' console: server-rendered pages over the staff API's own operations.

Every action works as a plain HTML form post that redirects back (no JS
needed); bot/static/console.js adds the live queue, the urgent alert and
in-place replies through the JSON API. The rules (who may claim, reply,
close; throttled sign-in) live in bot/views/staff_api.py and are only called
from here, never restated. Pages are in the caseworker's language
(bot/views/console_render.py).
"""
import asyncio
from typing import Dict, Optional
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.auth import ACCOUNTS, current_account, end_session, staff_required
from bot.canned_replies import CANNED_REPLIES, OUTCOMES
from bot.nlg import fill_placeholders
from bot.keys import AUDIT, CONVERSATIONS, LANGUAGES, STORE, TRANSLATIONS
from bot.store import OPEN_CASE_STATES
from bot.templating import setup_static, setup_templates
from bot.views import console_texts
from bot.views.console_render import language_name, page_text, render_console
from bot.views.staff_api import (authenticate_and_start, case_details, claim_case, close_case,
                                 queue_json, reply_to_case)
from bot.views.ui_language import safe_return, setup_language_choice, ui_language


async def _db(function, *args):
    return await asyncio.to_thread(function, *args)


def _languages(request: web.Request, ui: str) -> Dict[str, dict]:
    """Each launch language's name for the caseworker, its own name and direction (pages and JS)."""
    return {code: {"label": language_name(code, ui), "name": language.name, "rtl": language.rtl}
            for code, language in request.app[LANGUAGES].languages.items()}


def _safe_next(target: Optional[str]) -> str:
    """Only ever redirect inside the console after signing in (no open redirect)."""
    if isinstance(target, str) and target.startswith("/console/login"):
        return "/console"
    target = safe_return(target, "/console")
    return target if target.startswith("/console") else "/console"


def _back_to_case(case_id: str, status: int, body: dict, done: str) -> web.HTTPSeeOther:
    query = {"done": done} if status < 300 else {"error": str(body.get("error", ""))}
    return web.HTTPSeeOther(f"/console/cases/{quote(case_id, safe='')}?{urlencode(query)}")


def _translated(request: web.Request, table: Dict[str, str], code: Optional[str]) -> Optional[str]:
    msgid = table.get(code or "")
    return page_text(request, msgid) if msgid else None


# -- signing in and out ---------------------------------------------------------------
async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /console/login."""
    account = await current_account(request)
    if account is not None and account.kind == "staff":
        raise web.HTTPSeeOther(_safe_next(request.query.get("next")))
    return await render_console(request, "console/login.html",
                                {"next": _safe_next(request.query.get("next")), "error": None, "email": ""})


async def login(request: web.Request) -> web.StreamResponse:
    """POST /console/login (form): the same throttled, audited sign-in as the JSON API."""
    form = await request.post()
    email, password = form.get("email"), form.get("password")
    next_page = _safe_next(form.get("next"))
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        error, status = "wrong_email_or_password", 400
    else:
        account, _token, error = await authenticate_and_start(request, email, password, "staff")
        if account is not None:
            raise web.HTTPSeeOther(next_page)
        status = 429 if error == "too_many_attempts" else 401
    response = await render_console(request, "console/login.html",
                                    {"next": next_page, "error": _translated(request, console_texts.ERRORS, error),
                                     "email": email if isinstance(email, str) else ""}, status=status)
    if status == 429:
        response.headers["Retry-After"] = "900"
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout."""
    account = await current_account(request)
    if account is not None:
        await _db(request.app[AUDIT].record, account.id, "sign_out", None)
    await end_session(request)
    raise web.HTTPSeeOther("/console/login")


# -- the queue and a case -------------------------------------------------------------
@staff_required()
async def queue(request: web.Request) -> web.StreamResponse:
    """GET /console: open cases, urgent first, then the caseworker's languages, then the oldest."""
    cases = await queue_json(request, OPEN_CASE_STATES)
    languages = _languages(request, ui_language(request))
    return await render_console(request, "console/queue.html", {
        "waiting": [c for c in cases if c["state"] == "queued"],
        "in_progress": [c for c in cases if c["state"] != "queued"],
        "languages": languages,
        "urgent_waiting": any(c["urgent"] for c in cases if c["state"] == "queued"),
    })


async def _case(request: web.Request):
    case = await _db(request.app[STORE].case, request.match_info["case_id"])
    if case is None:
        raise web.HTTPNotFound(text=page_text(request, console_texts.NO_SUCH_CASE))
    return case


def _glossed(request: web.Request, canned: list, ui: str) -> list:
    """Each prepared reply with what it says in the caseworker's own language (`gloss`)."""
    emergency = request.app[CONVERSATIONS].emergency_lines(ui)
    gettext = request.app[TRANSLATIONS].gettext
    return [dict(c, gloss=fill_placeholders(gettext(ui, CANNED_REPLIES[c["key"]]), {"emergency": emergency}))
            for c in canned]


@staff_required()
async def case_page(request: web.Request) -> web.StreamResponse:
    """GET /console/cases/{case_id}: the transcript, and what this caseworker may do."""
    case = await _case(request)
    details = await case_details(request, case)
    account = request["account"]
    data = details["case"]
    ui = ui_language(request)
    claimer = await _db(request.app[ACCOUNTS].get, case.claimed_by) if case.claimed_by else None
    language = _languages(request, ui).get(case.language,
                                           {"label": language_name(case.language, ui),
                                            "name": case.language, "rtl": False})
    mine = case.state == "with_caseworker" and (data["claimed_by_me"] or account.is_admin)
    return await render_console(request, "console/case.html", {
        "case": data, "transcript": details["transcript"],
        "canned": _glossed(request, details["canned_replies"], ui), "outcomes": details["outcomes"],
        "language": language, "claimer": claimer.email if claimer else None,
        "may_claim": case.state == "queued", "may_reply": mine,
        "may_close": case.state == "queued" or mine,
        "error": _translated(request, console_texts.ERRORS, request.query.get("error")),
        "done": _translated(request, console_texts.DONE, request.query.get("done")),
    })


@staff_required()
async def claim(request: web.Request) -> web.StreamResponse:
    """POST /console/cases/{case_id}/claim (form)."""
    case = await _case(request)
    status, body = await claim_case(request, case)
    raise _back_to_case(case.id, status, body, "claimed")


@staff_required()
async def reply(request: web.Request) -> web.StreamResponse:
    """POST /console/cases/{case_id}/reply (form: `text`, or `canned` = a prepared reply's key)."""
    case = await _case(request)
    form = await request.post()
    canned = form.get("canned")
    status, body = await reply_to_case(request, case, form.get("text"),
                                       canned if isinstance(canned, str) and canned else None)
    raise _back_to_case(case.id, status, body, "replied")


@staff_required()
async def close(request: web.Request) -> web.StreamResponse:
    """POST /console/cases/{case_id}/close (form: `outcome`)."""
    case = await _case(request)
    form = await request.post()
    outcome = form.get("outcome")
    status, body = await close_case(request, case, outcome if outcome in OUTCOMES else "")
    raise _back_to_case(case.id, status, body, "closed")


# -- admins ---------------------------------------------------------------------------
@staff_required()
async def audit(request: web.Request) -> web.StreamResponse:
    """GET /console/audit: who did what to which case, and when (admins only, read only)."""
    if not request["account"].is_admin:
        return await render_console(request, "console/forbidden.html", {}, status=403)
    entries = await _db(request.app[AUDIT].entries, 500)
    emails = {a.id: a.email for a in await _db(request.app[ACCOUNTS].list, None)}
    return await render_console(request, "console/audit.html", {
        "entries": [{**e, "email": emails.get(e["account_id"])} for e in entries]})


def setup_console(app: web.Application) -> None:
    setup_templates(app)
    setup_static(app)
    setup_language_choice(app)
    app.router.add_get("/console/login", login_form)
    app.router.add_post("/console/login", login)
    app.router.add_post("/console/logout", logout)
    app.router.add_get("/console", queue)
    app.router.add_get("/console/cases/{case_id}", case_page)
    app.router.add_post("/console/cases/{case_id}/claim", claim)
    app.router.add_post("/console/cases/{case_id}/reply", reply)
    app.router.add_post("/console/cases/{case_id}/close", close)
    app.router.add_get("/console/audit", audit)
