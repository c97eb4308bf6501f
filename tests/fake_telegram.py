"""A stand-in for Telegram's Bot API at its HTTP boundary, for the channel's unit tests.

It answers the few methods the gateway calls, records every call, and can be
scripted to fail a call (429 with retry_after, 403, a dropped connection) so
the retry paths run against python-telegram-bot's real error handling.
"""
import itertools
import json
import time
from typing import Dict, List, Optional

from aiohttp import web


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: List[Dict] = []  # {"method", "token", "params"}
        # How the next sendMessage calls go, in order: None succeeds, a dict
        # {"status", "body"} fails; once empty, every call succeeds.
        self.plan: List[Optional[Dict]] = []
        self.url = ""
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.method)
        return app

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def sent(self) -> List[Dict]:
        """sendMessage calls that succeeded, in order."""
        return [c["params"] for c in self.calls if c["method"] == "sendMessage" and c["ok"]]

    def succeed_next(self) -> None:
        self.plan.append(None)

    def fail_next(self, status: int, description: str, retry_after: Optional[int] = None) -> None:
        body: Dict = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self.plan.append({"status": status, "body": body})

    async def method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        call = {"method": name, "token": request.match_info["token"], "params": params, "ok": False}
        self.calls.append(call)
        failure = self.plan.pop(0) if name == "sendMessage" and self.plan else None
        if failure is not None:
            return web.json_response(failure["body"], status=failure["status"])
        call["ok"] = True
        if name == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 4242, "is_bot": True, "first_name": "Help desk", "username": "helpdesk_bot"}})
        if name == "sendMessage":
            markup = params.get("reply_markup")
            result = {"message_id": next(self._ids), "date": int(time.time()),
                      "chat": {"id": int(params["chat_id"]), "type": "private"},
                      "text": params.get("text", "")}
            if markup:
                result["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            return web.json_response({"ok": True, "result": result})
        if name == "getUpdates":
            return web.json_response({"ok": True, "result": []})
        return web.json_response({"ok": True, "result": True})
