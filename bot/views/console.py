"""The caseworkers' console: server-rendered pages over the staff API's own operations.

Every action works as a plain HTML form post that redirects back (no JS
needed); bot/static/console.js adds the live queue, the urgent alert and
in-place replies through the JSON API. The rules (who may claim, reply,
close; throttled sign-in) live in bot/views/staff_api.py and are only called
from here, never restated.
"""
import asyncio
import json
from datetime import datetime, timezone
from typing import Dict, Optional
from urllib.parse import quote, urlencode

from aiohttp import web
from babel import Locale, UnknownLocaleError

from bot.auth import ACCOUNTS, current_account, end_session, staff_required
from bot.canned_replies import OUTCOMES
from bot.keys import AUDIT, LANGUAGES, STORE
from bot.store import OPEN_CASE_STATES
from bot.templating import render_page, setup_static, setup_templates
from bot.views.staff_api import (authenticate_and_start, case_details, claim_case, close_case,
                                 queue_json, reply_to_case)

# What a staff member reads for each refusal code of the staff API (console UI is English).
ERRORS: Dict[str, str] = {
    "reserved_for_speakers_of_the_language":
        "This case is held for caseworkers who speak the person's language. "
        "It becomes open to everyone after a short wait, or at once if it turns urgent.",
    "already_taken_or_closed": "Someone else has already taken this case, or it was closed.",
    "claim_the_case_first": "Claim the case before replying or closing it.",
    "case_closed": "This case is closed.",
    "unknown_canned_reply": "That prepared reply does not exist.",
    "empty_text": "The reply was empty: nothing was sent.",
    "too_long": "The reply is too long: please split it into shorter messages.",
    "unknown_outcome": "Choose an outcome to close the case.",
    "wrong_email_or_password": "Wrong email or password.",
    "too_many_attempts": "Too many failed attempts. Wait 15 minutes and try again.",
}
DONE: Dict[str, str] = {
    "claimed": "You have taken this case. The person's messages now come to you.",
    "replied": "Your reply was sent through the person's own channel.",
    "closed": "The case is closed. The assistant answers the person again.",
}
OUTCOME_LABELS: Dict[str, str] = {
    "information_given": "Information given",
    "referred_to_service": "Referred to a service",
    "emergency_services_called": "Emergency services called",
    "no_answer_from_person": "No answer from the person",
    "cancelled_by_person": "Cancelled by the person",
    "other": "Other",
}
SENDERS = {"user": "Person", "bot": "Assistant", "caseworker": "Caseworker"}
# A reply the person's channel has not taken yet, or refused for good.
DELIVERY = {"to_send": "Not delivered yet: retrying", "undeliverable": "Could not be delivered"}


async def _db(function, *args):
    return await asyncio.to_thread(function, *args)


def english_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code


def _languages(request: web.Request) -> Dict[str, dict]:
    """Each launch language's English name, own name and direction (for pages and JS)."""
    return {code: {"english": english_name(code), "name": language.name, "rtl": language.rtl}
            for code, language in request.app[LANGUAGES].languages.items()}


def reason_label(reason: str) -> str:
    if reason.startswith("crisis_"):
        return "Crisis: " + reason[len("crisis_"):].replace("_", " ")
    return reason.replace("_", " ")


def _when(iso: Optional[str]) -> str:
    """A readable UTC time for pages without JS (JS shows local times)."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%d %b %Y %H:%M UTC")


def _safe_next(target: Optional[str]) -> str:
    """Only ever redirect inside the console after signing in (no open redirect)."""
    if target and target.startswith("/console") and not target.startswith("/console/login") \
            and "//" not in target and "\\" not in target:
        return target
    return "/console"


def _back_to_case(case_id: str, status: int, body: dict, done: str) -> web.HTTPSeeOther:
    query = {"done": done} if status < 300 else {"error": str(body.get("error", ""))}
    return web.HTTPSeeOther(f"/console/cases/{quote(case_id, safe='')}?{urlencode(query)}")


async def _page(template: str, request: web.Request, context: dict, status: int = 200):
    account = await current_account(request)
    return await render_page(template, request, {"account": account, "when": _when,
                                                 "reason_label": reason_label, **context},
                             status=status)


# -- signing in and out ---------------------------------------------------------------
async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /console/login."""
    account = await current_account(request)
    if account is not None and account.kind == "staff":
        raise web.HTTPSeeOther(_safe_next(request.query.get("next")))
    return await _page("console/login.html", request,
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
    response = await _page("console/login.html", request,
                           {"next": next_page, "error": ERRORS[error],
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
    languages = _languages(request)
    return await _page("console/queue.html", request, {
        "waiting": [c for c in cases if c["state"] == "queued"],
        "in_progress": [c for c in cases if c["state"] != "queued"],
        "languages": languages, "languages_json": json.dumps(languages, ensure_ascii=False),
        "urgent_waiting": any(c["urgent"] for c in cases if c["state"] == "queued"),
    })


async def _case(request: web.Request):
    case = await _db(request.app[STORE].case, request.match_info["case_id"])
    if case is None:
        raise web.HTTPNotFound(text="No such case (it may have been erased at the person's request).")
    return case


@staff_required()
async def case_page(request: web.Request) -> web.StreamResponse:
    """GET /console/cases/{case_id}: the transcript, and what this caseworker may do."""
    case = await _case(request)
    details = await case_details(request, case)
    account = request["account"]
    data = details["case"]
    claimer = await _db(request.app[ACCOUNTS].get, case.claimed_by) if case.claimed_by else None
    language = _languages(request).get(case.language,
                                       {"english": english_name(case.language),
                                        "name": case.language, "rtl": False})
    mine = case.state == "with_caseworker" and (data["claimed_by_me"] or account.is_admin)
    return await _page("console/case.html", request, {
        "case": data, "transcript": details["transcript"], "canned": details["canned_replies"],
        "outcomes": [(o, OUTCOME_LABELS.get(o, o)) for o in details["outcomes"]],
        "language": language, "claimer": claimer.email if claimer else None,
        "may_claim": case.state == "queued", "may_reply": mine,
        "may_close": case.state == "queued" or mine,
        "senders": SENDERS, "delivery": DELIVERY, "senders_json": json.dumps(SENDERS),
        "delivery_json": json.dumps(DELIVERY), "errors_json": json.dumps(ERRORS),
        "error": ERRORS.get(request.query.get("error", "")),
        "done": DONE.get(request.query.get("done", "")),
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
        return await _page("console/forbidden.html", request, {}, status=403)
    entries = await _db(request.app[AUDIT].entries, 500)
    emails = {a.id: a.email for a in await _db(request.app[ACCOUNTS].list, None)}
    return await _page("console/audit.html", request, {
        "entries": [{**e, "email": emails.get(e["account_id"], f"account {e['account_id']}")}
                    for e in entries]})


def setup_console(app: web.Application) -> None:
    setup_templates(app)
    setup_static(app)
    app.router.add_get("/console/login", login_form)
    app.router.add_post("/console/login", login)
    app.router.add_post("/console/logout", logout)
    app.router.add_get("/console", queue)
    app.router.add_get("/console/cases/{case_id}", case_page)
    app.router.add_post("/console/cases/{case_id}/claim", claim)
    app.router.add_post("/console/cases/{case_id}/reply", reply)
    app.router.add_post("/console/cases/{case_id}/close", close)
    app.router.add_get("/console/audit", audit)
