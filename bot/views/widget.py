"""The web widget's files (/widget.js, /widget.css), its texts per language, and a demo page."""
import gzip
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from aiohttp import web

from bot.keys import LANGUAGES, TRANSLATIONS
from bot.widget_texts import widget_strings

STATIC = Path(__file__).resolve().parent.parent / "static"
# Sites embed the unversioned URL: a short lifetime lets a new version reach
# them within minutes, and the ETag makes each revalidation a cheap 304.
ASSET_MAX_AGE = 300
STRINGS_MAX_AGE = 3600


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str


_assets: Dict[str, Tuple[int, Asset]] = {}


def _asset(name: str) -> Asset:
    """A file of bot/static, read again only when it changed on disk."""
    path = STATIC / name
    mtime = path.stat().st_mtime_ns
    cached = _assets.get(name)
    if cached is None or cached[0] != mtime:
        body = path.read_bytes()
        asset = Asset(body, gzip.compress(body, 9, mtime=0), hashlib.sha256(body).hexdigest()[:24])
        _assets[name] = cached = (mtime, asset)
    return cached[1]


def _not_modified(request: web.Request, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in wanted.split(","))


def _cached_response(request: web.Request, body: bytes, content_type: str, etag: str,
                     max_age: int, gzipped: Optional[bytes] = None) -> web.Response:
    """A body with its ETag and caching headers, gzipped when the client takes it."""
    use_gzip = gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    # A strong ETag names one representation: the gzipped one gets its own.
    etag = f'"{etag}-gz"' if use_gzip else f'"{etag}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}",
               # Host pages may require it (COEP); these files are public anyway.
               "Cross-Origin-Resource-Policy": "cross-origin"}
    if gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if _not_modified(request, etag):
        return web.Response(status=304, headers=headers)
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
        body = gzipped
    return web.Response(body=body, headers=headers, content_type=content_type.split(";")[0],
                        charset="utf-8")


async def widget_js(request: web.Request) -> web.Response:
    """GET /widget.js: the one script a site embeds."""
    asset = _asset("widget.js")
    return _cached_response(request, asset.body, "text/javascript", asset.etag, ASSET_MAX_AGE,
                            asset.gzipped)


async def widget_css(request: web.Request) -> web.Response:
    """GET /widget.css: loaded by the script (a host page's CSP blocks injected <style>)."""
    asset = _asset("widget.css")
    return _cached_response(request, asset.body, "text/css", asset.etag, ASSET_MAX_AGE,
                            asset.gzipped)


async def widget_strings_json(request: web.Request) -> web.Response:
    """GET /widget/strings/{lang}.json: the widget's texts and writing direction."""
    languages = request.app[LANGUAGES]
    lang = languages.closest(request.match_info["lang"]) or languages.default
    body = json.dumps({"lang": lang, "dir": "rtl" if languages.languages[lang].rtl else "ltr",
                       "strings": widget_strings(request.app[TRANSLATIONS], lang)},
                      ensure_ascii=False).encode()
    return _cached_response(request, body, "application/json", hashlib.sha256(body).hexdigest()[:24],
                            STRINGS_MAX_AGE)


def demo_policy(request: web.Request) -> str:
    """The strict CSP of a careful host page: the widget must work under it."""
    host = request.host
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src 'self' ws://{host} wss://{host}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


async def demo_page(request: web.Request) -> web.Response:
    """GET /widget-demo?lang=xx: a page embedding the widget, for `make run`."""
    languages = request.app[LANGUAGES]
    lang = languages.closest(request.query.get("lang")) or languages.default
    links = " · ".join(f'<a href="?lang={code}" lang="{code}">{html.escape(language.name)}</a>'
                       for code, language in languages.languages.items())
    page = ((STATIC / "demo.html").read_text(encoding="utf-8")
            .replace("__LANG__", lang)
            .replace("__DIR__", "rtl" if languages.languages[lang].rtl else "ltr")
            .replace("__LANGUAGE_LINKS__", links))
    return web.Response(text=page, content_type="text/html", charset="utf-8",
                        headers={"Content-Security-Policy": demo_policy(request),
                                 "Cache-Control": "no-store"})
