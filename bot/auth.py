"""Sign-in for staff and CSOs: sessions, expiry, CSRF, and the handler guards.

Sessions are aiohttp-session's encrypted cookies (HttpOnly, SameSite=Strict,
Secure outside loopback). Each request re-reads the account, so a disabled
account or a changed password (a new `session_epoch`) ends its sessions at
once; sessions also end after a spell of inactivity and after a fixed time.
Every state-changing request under the console, the portal and their APIs
carries the session's CSRF token (header `X-CSRF-Token` or form field
`csrf_token`).
"""
import base64
import functools
import hashlib
import hmac
import secrets
import time
from typing import Awaitable, Callable, Optional

from aiohttp import web
from aiohttp_session import get_session, new_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.accounts import Account, AccountStore

ACCOUNTS = web.AppKey("accounts", AccountStore)
COOKIE_NAME = "helpdesk_session"
ACCOUNT_KEY = "account"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
PROTECTED_PREFIXES = ("/console", "/portal", "/api/staff", "/api/cso")
LOGIN_PATHS = ("/api/staff/login", "/api/cso/login", "/console/login", "/portal/login")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
FORM_MAX_BYTES = 256 * 1024
UPLOAD_MAX_BYTES = 6 * 1024 * 1024  # the portal's catalogue files (5 MB) and the form around them

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_storage(secret: str, secure: bool, absolute_seconds: int) -> EncryptedCookieStorage:
    key = hashlib.sha256(f"session-cookies:{secret}".encode()).digest()
    return EncryptedCookieStorage(Fernet(base64.urlsafe_b64encode(key)), cookie_name=COOKIE_NAME,
                                  max_age=absolute_seconds, httponly=True, samesite="Strict",
                                  secure=secure, path="/")


def setup_auth(app: web.Application, secret: str, secure: bool,
               idle_seconds: int, absolute_seconds: int) -> None:
    """Install the session middleware and the CSRF check (before the routes run)."""
    setup_sessions(app, session_storage(secret, secure, absolute_seconds))
    app.middlewares.append(csrf_protect)
    app["auth_idle_seconds"] = idle_seconds
    app["auth_absolute_seconds"] = absolute_seconds


async def start_session(request: web.Request, account: Account) -> str:
    """A fresh session (a new cookie: no fixation) for this account; returns its CSRF token."""
    session = await new_session(request)
    now = int(time.time())
    token = secrets.token_urlsafe(32)
    session.update({"account_id": account.id, "epoch": account.session_epoch,
                    "issued": now, "seen": now, "csrf": token})
    return token


async def end_session(request: web.Request) -> None:
    """Sign out: this cookie, and any copy of it (the account's sessions end everywhere)."""
    account = await current_account(request)
    if account is not None:
        request.app[ACCOUNTS].end_sessions(account.id)
    session = await get_session(request)
    session.invalidate()


async def session_issued_at(request: web.Request) -> int:
    return (await get_session(request)).get("issued", 0)


def still_signed_in(app: web.Application, account: Account, issued: int) -> bool:
    """For long-lived connections: the account is active, not signed out, not too old."""
    fresh = app[ACCOUNTS].get(account.id)
    return bool(fresh and fresh.active and fresh.session_epoch == account.session_epoch
                and time.time() - issued <= app["auth_absolute_seconds"])


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token (made on first use, also for the login form)."""
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def current_account(request: web.Request) -> Optional[Account]:
    """The signed-in account, or None (expired, disabled, signed out)."""
    if ACCOUNT_KEY in request:
        return request[ACCOUNT_KEY]
    session = await get_session(request)
    account_id = session.get("account_id")
    if account_id is None:
        return None
    now = int(time.time())
    app = request.app
    if now - session.get("issued", 0) > app["auth_absolute_seconds"] or \
            now - session.get("seen", 0) > app["auth_idle_seconds"]:
        session.invalidate()
        return None
    account = app[ACCOUNTS].get(account_id)
    if account is None or not account.active or account.session_epoch != session.get("epoch"):
        session.invalidate()
        return None
    if now - session.get("seen", 0) > 60:  # refresh at most once a minute (a new cookie)
        session["seen"] = now
    request[ACCOUNT_KEY] = account
    return account


def _refuse(request: web.Request, login_path: str) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        return web.json_response({"error": "unauthorised"}, status=401)
    raise web.HTTPSeeOther(f"{login_path}?next={request.path_qs}" if request.method == "GET"
                           else login_path)


def staff_required(role: Optional[str] = None) -> Callable[[Handler], Handler]:
    """Guard a handler: a signed-in staff account (of this role, when given)."""
    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            account = await current_account(request)
            if account is None or account.kind != "staff":
                return _refuse(request, "/console/login")
            if role is not None and account.role != role:
                return web.json_response({"error": "forbidden"}, status=403)
            return await handler(request)
        return guarded
    return decorator


def cso_required(handler: Handler) -> Handler:
    """Guard a handler: a signed-in CSO account (its organisation in the account)."""
    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        account = await current_account(request)
        if account is None or account.kind != "cso":
            return _refuse(request, "/portal/login")
        return await handler(request)
    return guarded


def same_origin(request: web.Request) -> bool:
    """Whether the browser says the request comes from our own pages.

    Browsers send `Sec-Fetch-Site`; a page under `Referrer-Policy: no-referrer`
    sends `Origin: null`, so "null" alone proves nothing either way (the CSRF
    token remains the real check)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    return origin.split("://", 1)[-1] == request.host


@web.middleware
async def csrf_protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse state-changing requests without the session's token (or from another site)."""
    if request.method in UNSAFE_METHODS and request.path.startswith(PROTECTED_PREFIXES):
        # The application accepts big bodies for Rasa's NLG calls; nobody here needs them
        # before signing in, and only the portal's file upload needs more than a form.
        limit = UPLOAD_MAX_BYTES if request.content_type == "multipart/form-data" else FORM_MAX_BYTES
        if (request.content_length or 0) > limit:
            return web.json_response({"error": "too_large"}, status=413)
        if not same_origin(request):
            return web.json_response({"error": "cross_origin"}, status=403)
        is_json = request.content_type == "application/json"
        if request.path in LOGIN_PATHS and is_json:
            # A cross-site form cannot send JSON without a CORS preflight, which is refused.
            return await handler(request)
        session = await get_session(request)
        expected = session.get("csrf")
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.content_type in ("application/x-www-form-urlencoded",
                                                      "multipart/form-data"):
            # Reading the form here is safe: aiohttp caches it for the handler.
            given = (await request.post()).get(CSRF_FIELD)
        if not expected or not isinstance(given, str) or \
                not hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogateescape")):
            return web.json_response({"error": "csrf"}, status=403)
    return await handler(request)
