"""The address of the person making a request, also behind a reverse proxy.

Behind an ingress every request comes from the proxy's address, which would
make per-address rate limits and sign-in throttling punish everyone at once.
`X-Forwarded-For` is believed only when the request comes from an address
listed in HELPDESK_TRUSTED_PROXIES; otherwise anyone could claim any address.
"""
from aiohttp import web

from bot.keys import SETTINGS


def client_address(request: web.Request) -> str:
    remote = request.remote or "unknown"
    trusted = request.app[SETTINGS].trusted_proxies
    if remote not in trusted:
        return remote
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    # The right-most address not ours is the client as our own proxy saw it.
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote
