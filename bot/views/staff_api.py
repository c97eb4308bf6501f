"""The staff JSON API (DESIGN.md): sign in, the case queue, a case, claim, reply, close.

Every case access is written to the audit log (who, what, when; never text).
"""
import asyncio
import json
import logging
from typing import List, Optional, Tuple

from aiohttp import WSMsgType, web

from bot.accounts import Account
from bot.auth import (ACCOUNTS, current_account, end_session, same_origin, session_issued_at,
                      staff_required, start_session, still_signed_in)
from bot.client_address import client_address
from bot.canned_replies import CANNED_REPLIES, OUTCOMES
from bot.case_routing import may_claim, queue_for, reserved_for_speakers, speakers_of
from bot.events import STAFF_TOPIC
from bot.keys import AUDIT, CONVERSATIONS, HUB, LANGUAGES, SETTINGS, STATS, STORE, TRANSLATIONS
from bot.nlg import fill_placeholders
from bot.store import OPEN_CASE_STATES, CaseView

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
RECHECK_SECONDS = 5.0
STATE_FILTERS = {"queued": ("queued",), "with_caseworker": ("with_caseworker",),
                 "open": OPEN_CASE_STATES, "closed": ("closed",)}


async def _db(function, *args):
    return await asyncio.to_thread(function, *args)


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text='{"error": "malformed_json"}', content_type="application/json")
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "malformed_json"}', content_type="application/json")
    return body


async def authenticate_and_start(request: web.Request, email: str, password: str,
                                 kind: str) -> Tuple[Optional[Account], Optional[str], Optional[str]]:
    """Throttle, check the password, start a session: (account, csrf token, error code).

    Shared by the JSON logins and the console's and portal's login forms, so
    every way in is throttled and audited the same."""
    accounts = request.app[ACCOUNTS]
    account, throttled = await _db(accounts.authenticate, email, password,
                                   client_address(request), kind)
    if throttled:
        return None, None, "too_many_attempts"
    if account is None:
        return None, None, "wrong_email_or_password"
    token = await start_session(request, account)
    await _db(request.app[AUDIT].record, account.id, "sign_in", None)
    return account, token, None


async def sign_in(request: web.Request, kind: str) -> web.Response:
    """Shared by the staff and CSO login endpoints: JSON in, a session cookie out."""
    body = await _json_body(request)
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        return web.json_response({"error": "email_and_password_required"}, status=400)
    account, token, error = await authenticate_and_start(request, email, password, kind)
    if error == "too_many_attempts":
        return web.json_response({"error": error}, status=429, headers={"Retry-After": "900"})
    if account is None:
        return web.json_response({"error": error}, status=401)
    return web.json_response({"account": account.as_json(), "csrf_token": token})


async def login(request: web.Request) -> web.Response:
    """POST /api/staff/login {"email", "password"}."""
    return await sign_in(request, "staff")


async def logout(request: web.Request) -> web.Response:
    account = await current_account(request)
    if account is not None:
        await _db(request.app[AUDIT].record, account.id, "sign_out", None)
    await end_session(request)
    return web.json_response({"signed_out": True})


@staff_required()
async def me(request: web.Request) -> web.Response:
    return web.json_response({"account": request["account"].as_json()})


def _case_json(request: web.Request, case: CaseView, spoken, account: Account) -> dict:
    settings = request.app[SETTINGS]
    data = case.as_json()
    data["language_name"] = request.app[LANGUAGES].languages.get(case.language).name \
        if case.language in request.app[LANGUAGES].languages else case.language
    data["speaks_language"] = case.language in account.languages
    data["reserved_for_speakers"] = reserved_for_speakers(case, spoken,
                                                          settings.language_hold_seconds)
    data["claimed_by_me"] = case.claimed_by == account.id
    return data


async def _spoken(request: web.Request):
    return speakers_of(await _db(request.app[ACCOUNTS].list, "staff"))


async def queue_json(request: web.Request, states) -> List[dict]:
    """The signed-in caseworker's queue: urgent first, their languages next, then the oldest."""
    account = request["account"]
    cases = queue_for(account, await _db(request.app[STORE].cases, states))
    spoken = await _spoken(request)
    return [_case_json(request, c, spoken, account) for c in cases]


@staff_required()
async def list_cases(request: web.Request) -> web.Response:
    """GET /api/staff/cases?state=queued|with_caseworker|open|closed (default open)."""
    states = STATE_FILTERS.get(request.query.get("state", "open"))
    if states is None:
        return web.json_response({"error": "unknown_state"}, status=400)
    return web.json_response({"cases": await queue_json(request, states)})


async def _case_or_404(request: web.Request) -> CaseView:
    case = await _db(request.app[STORE].case, request.match_info["case_id"])
    if case is None:
        raise web.HTTPNotFound(text='{"error": "no_such_case"}', content_type="application/json")
    return case


def canned_for(request: web.Request, language: str) -> list:
    """Canned replies with the English the caseworker reads and the text the person gets."""
    translations = request.app[TRANSLATIONS]
    emergency = request.app[CONVERSATIONS].emergency_lines(language)
    return [{"key": key,
             "english": fill_placeholders(msgid, {"emergency": emergency}),
             "text": fill_placeholders(translations.gettext(language, msgid), {"emergency": emergency})}
            for key, msgid in CANNED_REPLIES.items()]


async def case_details(request: web.Request, case: CaseView) -> dict:
    """The case, its transcript, canned replies and outcomes (the view is audited)."""
    account = request["account"]
    messages = await request.app[CONVERSATIONS].messages_after(case.conversation_id, 0)
    await _db(request.app[AUDIT].record, account.id, "view_case", case.id)
    transcript = [{**m.as_json(), "status": m.status,
                   "at": m.created_at.isoformat() + "Z" if m.created_at else None}
                  for m in messages]
    return {
        "case": _case_json(request, case, await _spoken(request), account),
        "transcript": transcript,
        "canned_replies": canned_for(request, case.language),
        "outcomes": list(OUTCOMES),
    }


@staff_required()
async def get_case(request: web.Request) -> web.Response:
    """GET /api/staff/cases/{case_id}: the case, its transcript and canned replies."""
    case = await _case_or_404(request)
    return web.json_response(await case_details(request, case))


# The operations below answer (HTTP status, JSON body) so that the JSON API and
# the console's plain HTML forms apply exactly the same rules.
Outcome = Tuple[int, dict]


async def claim_case(request: web.Request, case: CaseView) -> Outcome:
    """Take a queued case, unless it is held for speakers of its language."""
    account = request["account"]
    if not may_claim(account, case, await _spoken(request), request.app[SETTINGS].language_hold_seconds):
        return 409, {"error": "reserved_for_speakers_of_the_language"}
    claimed = await _db(request.app[STORE].claim_case, case.id, account.id)
    if claimed is None:
        return 409, {"error": "already_taken_or_closed"}
    await _db(request.app[AUDIT].record, account.id, "claim", case.id)
    await request.app[HUB].publish(STAFF_TOPIC, {"type": "case_claimed", "case_id": case.id})
    return 200, {"case": _case_json(request, claimed, set(), account)}


@staff_required()
async def claim(request: web.Request) -> web.Response:
    """POST /api/staff/cases/{case_id}/claim: take a queued case."""
    status, body = await claim_case(request, await _case_or_404(request))
    return web.json_response(body, status=status)


def _yours(case: CaseView, account: Account) -> Optional[Outcome]:
    """An error when this caseworker may not act on the case."""
    if case.state == "closed":
        return 409, {"error": "case_closed"}
    if case.state != "with_caseworker" or (case.claimed_by != account.id and not account.is_admin):
        return 409, {"error": "claim_the_case_first"}
    return None


async def reply_to_case(request: web.Request, case: CaseView, text=None, canned=None) -> Outcome:
    """Send a reply (free text, or a canned reply's key) through the person's own channel."""
    account = request["account"]
    refusal = _yours(case, account)
    if refusal is not None:
        return refusal
    if isinstance(canned, str):
        text = {c["key"]: c["text"] for c in canned_for(request, case.language)}.get(canned)
        if text is None:
            return 400, {"error": "unknown_canned_reply"}
    if not isinstance(text, str) or not text.strip():
        return 400, {"error": "empty_text"}
    if len(text) > MAX_REPLY_CHARS:
        return 413, {"error": "too_long"}
    position = await request.app[CONVERSATIONS].caseworker_reply(case, text.strip())
    await _db(request.app[AUDIT].record, account.id, "reply", case.id)
    delivered = [m for m in await request.app[CONVERSATIONS].messages_after(case.conversation_id,
                                                                             position - 1)
                 if m.position == position]
    status = delivered[0].status if delivered else "done"
    return 201, {"position": position, "delivered": status == "done", "status": status}


@staff_required()
async def reply(request: web.Request) -> web.Response:
    """POST /api/staff/cases/{case_id}/messages {"text"} or {"canned": key}."""
    case = await _case_or_404(request)
    refusal = _yours(case, request["account"])
    if refusal is not None:
        return web.json_response(refusal[1], status=refusal[0])
    body = await _json_body(request)
    status, answer = await reply_to_case(request, case, body.get("text"), body.get("canned"))
    return web.json_response(answer, status=status)


async def close_case(request: web.Request, case: CaseView, outcome: str) -> Outcome:
    """Close with an outcome and hand the conversation back to the bot."""
    account = request["account"]
    if case.state == "closed":
        return 409, {"error": "case_closed"}
    if case.state == "with_caseworker" and case.claimed_by != account.id and not account.is_admin:
        return 409, {"error": "claim_the_case_first"}
    if outcome not in OUTCOMES:
        return 400, {"error": "unknown_outcome", "outcomes": list(OUTCOMES)}
    await request.app[CONVERSATIONS].close_case(case, outcome)
    await _db(request.app[AUDIT].record, account.id, "close", case.id)
    return 200, {"closed": True, "outcome": outcome}


@staff_required()
async def close(request: web.Request) -> web.Response:
    """POST /api/staff/cases/{case_id}/close {"outcome"?}: hand the conversation back to the bot."""
    case = await _case_or_404(request)
    body = await _json_body(request) if request.can_read_body else {}
    status, answer = await close_case(request, case, body.get("outcome", "other"))
    return web.json_response(answer, status=status)


@staff_required(role="admin")
async def audit_log(request: web.Request) -> web.Response:
    """GET /api/staff/audit: the latest audit entries (admins only)."""
    return web.json_response({"entries": await _db(request.app[AUDIT].entries, 500)})


@staff_required()
async def stats(request: web.Request) -> web.Response:
    """GET /api/staff/stats?days=30: aggregate counts per day, language and topic."""
    try:
        days = max(1, min(366, int(request.query.get("days", "30"))))
    except ValueError:
        return web.json_response({"error": "bad_days"}, status=400)
    return web.json_response({"days": days, **await _db(request.app[STATS].summary, days)})


@staff_required()
async def live(request: web.Request) -> web.StreamResponse:
    """GET /api/staff/ws: queue events as they happen (ids only; the console re-reads).

    The sign-in is checked again every few seconds: a disabled or signed-out
    account, or a session past its lifetime, stops hearing at once."""
    if not same_origin(request):
        return web.json_response({"error": "cross_origin"}, status=403)
    account = request["account"]
    issued = await session_issued_at(request)
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    async with request.app[HUB].subscribe(STAFF_TOPIC) as queue:
        reader = asyncio.create_task(socket.receive())
        getter = None
        try:
            while not socket.closed:
                if not await _db(still_signed_in, request.app, account, issued):
                    await socket.close(code=4401, message=b"signed out")
                    break
                getter = getter or asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({getter, reader}, timeout=RECHECK_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    continue
                if reader in done:
                    message = reader.result()
                    if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED,
                                        WSMsgType.ERROR):
                        break
                    reader = asyncio.create_task(socket.receive())
                    continue
                event, getter = getter.result(), None
                if not await _db(still_signed_in, request.app, account, issued):
                    continue  # the check at the top of the loop closes the socket
                await socket.send_str(json.dumps(event))
        finally:
            reader.cancel()
            if getter is not None:
                getter.cancel()
    return socket


def setup_staff_api(app: web.Application) -> None:
    app.router.add_post("/api/staff/login", login)
    app.router.add_post("/api/staff/logout", logout)
    app.router.add_get("/api/staff/me", me)
    app.router.add_get("/api/staff/cases", list_cases)
    app.router.add_get("/api/staff/cases/{case_id}", get_case)
    app.router.add_post("/api/staff/cases/{case_id}/claim", claim)
    app.router.add_post("/api/staff/cases/{case_id}/messages", reply)
    app.router.add_post("/api/staff/cases/{case_id}/close", close)
    app.router.add_get("/api/staff/audit", audit_log)
    app.router.add_get("/api/staff/stats", stats)
    app.router.add_get("/api/staff/ws", live)
