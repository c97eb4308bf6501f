"""A stand-in for Rasa at its HTTP boundary: the REST webhook, status and events.

It answers like Rasa's REST channel would for the replies it is scripted with,
and records what it received, so gateway tests can check what Rasa was sent.
"""
import asyncio
from typing import Callable, Dict, List, Optional

from aiohttp import web

Reply = List[Dict]


class FakeRasa:
    def __init__(self, token: str = "test-token"):
        self.token = token
        self.received: List[Dict] = []
        self.events: List[Dict] = []
        self.script: Callable[[Dict], Reply] = lambda body: [{"text": f"echo:{body['message']}"}]
        self.down = False
        self.delay = 0.0  # seconds before answering: a slow Rasa
        self.trackers: Dict[str, List[Dict]] = {}
        # The action server behind Rasa is down: Rasa records the message but
        # answers 200 with no reply, and the action server's /health fails.
        self.actions_down = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/helpdesk/webhook", self.webhook)
        app.router.add_get("/status", self.status)
        app.router.add_get("/health", self.actions_health)
        app.router.add_post("/conversations/{cid}/tracker/events", self.append_events)
        app.router.add_get("/conversations/{cid}/tracker", self.tracker)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.down:
            return web.json_response({"error": "processing failed"}, status=500)
        body = await request.json()
        self.received.append(body)
        replies = [] if self.actions_down else self.script(body)
        # Like Rasa, record the turn in the tracker before answering.
        events = self.trackers.setdefault(body["sender"], [])
        events.append({"event": "user", "text": body["message"], "message_id": body.get("message_id")})
        for reply in replies:
            events.append({"event": "bot", "text": reply.get("text"),
                           "data": {"buttons": reply.get("buttons"), "custom": reply.get("custom")}})
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.json_response([{"recipient_id": body["sender"], **r} for r in replies])

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({}, status=401)
        if self.down:
            return web.json_response({"error": "down"}, status=500)
        return web.json_response({"events": self.trackers.get(request.match_info["cid"], [])})

    async def actions_health(self, request: web.Request) -> web.Response:
        """The action server's health endpoint (the gateway fixture points ACTIONS_URL here)."""
        if self.actions_down:
            return web.json_response({"status": "down"}, status=503)
        return web.json_response({"status": "ok"})

    async def status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({}, status=401)
        return web.json_response({"model_file": "fake.tar.gz"})

    async def append_events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({}, status=401)
        self.events.append({"conversation": request.match_info["cid"], "events": await request.json()})
        return web.json_response({})

    def last(self) -> Optional[Dict]:
        return self.received[-1] if self.received else None
