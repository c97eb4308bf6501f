"""The third-party Bot API emulator (npm telegram-test-api) and the thin front before it.

The emulator speaks the Bot API to the bot and a small HTTP API of its own to
the test, which plays the person. It departs from Telegram in ways that
python-telegram-bot rejects, so the gateway reaches it through `EmulatorFront`
(TELEGRAM_BASE_URL points there), which fills in only those: `is_bot` in
getMe, dates in seconds (it gives milliseconds), `chat_instance` in callback
queries, long polling (it answers getUpdates at once), and webhook calls that
carry the secret header (it sends none) — as Telegram would.
"""
import asyncio
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from aiohttp import web

EMULATOR_DIR = Path(__file__).parent / "telegram"
LONG_POLL_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_installed() -> None:
    """Skip without node/npm; install the emulator from package-lock.json once."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed for the Telegram emulator (telegram-test-api)")
    if not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(EMULATOR_DIR)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.fail(f"npm ci --prefix tests/telegram failed:\n{done.stderr[-2000:]}")


class EmulatorProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen(["node", str(EMULATOR_DIR / "emulator.js"), str(self.port)],
                                        cwd=EMULATOR_DIR, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        line = self.process.stdout.readline()  # "listening PORT", or why not
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the Telegram emulator did not start: {line}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _seconds(value: Any) -> Any:
    """Fix the emulator's millisecond dates, wherever they are."""
    if isinstance(value, dict):
        fixed = {k: _seconds(v) for k, v in value.items()}
        if isinstance(fixed.get("date"), int) and fixed["date"] > 10 ** 11:
            fixed["date"] //= 1000
        if "callback_query" in fixed and isinstance(fixed["callback_query"], dict):
            fixed["callback_query"].setdefault("chat_instance", "emulator")
        return fixed
    if isinstance(value, list):
        return [_seconds(v) for v in value]
    return value


class EmulatorFront:
    """The aiohttp proxy between python-telegram-bot and the emulator."""

    def __init__(self, emulator_url: str):
        self.emulator_url = emulator_url
        self.url = ""
        self.webhooks: Dict[str, Dict[str, str]] = {}  # token -> {"url", "secret"}
        self.session: Optional[aiohttp.ClientSession] = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.bot_method)
        app.router.add_post("/relay/{token}", self.relay)
        app.on_cleanup.append(self._close)
        return app

    async def _close(self, _app) -> None:
        if self.session:
            await self.session.close()

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        return self.session

    @staticmethod
    def _params(raw: bytes, content_type: str) -> Dict[str, str]:
        if content_type == "application/json":
            return json.loads(raw or b"{}")
        return dict(parse_qsl(raw.decode("utf-8")))

    async def bot_method(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        raw = await request.read()
        params = self._params(raw, request.content_type)
        if method == "setWebhook":
            self.webhooks[token] = {"url": params["url"], "secret": params.get("secret_token", "")}
            params = {**params, "url": f"{self.url}/relay/{token}"}
            raw, content_type = urlencode(params).encode(), "application/x-www-form-urlencoded"
        else:
            content_type = request.content_type
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), LONG_POLL_SECONDS)
        while True:
            async with self._session().post(f"{self.emulator_url}/bot{token}/{method}", data=raw,
                                            headers={"Content-Type": content_type}) as response:
                status, body = response.status, await response.json(content_type=None)
            if method != "getUpdates" or body.get("result") or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.1)
        if method == "getMe" and isinstance(body.get("result"), dict):
            body["result"] = {"is_bot": True, "can_join_groups": False,
                              "can_read_all_group_messages": False,
                              "supports_inline_queries": False, **body["result"]}
        return web.json_response(_seconds(body), status=status)

    async def relay(self, request: web.Request) -> web.Response:
        """The emulator's webhook call, passed on as Telegram makes it."""
        webhook = self.webhooks[request.match_info["token"]]
        update = _seconds(await request.json())
        async with self._session().post(
                webhook["url"], json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": webhook["secret"]}) as response:
            return web.Response(status=response.status, body=await response.read())


class Person:
    """A Telegram user, through the emulator's own client API."""

    def __init__(self, emulator_url: str, token: str, chat_id: int, language_code: str = "fr"):
        self.emulator_url = emulator_url
        self.token = token
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": "Test",
                     "language_code": language_code}
        self.chat = {"id": chat_id, "type": "private", "first_name": "Test"}
        self.received: List[Dict] = []

    async def _post(self, path: str, body: Dict) -> Dict:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{self.emulator_url}{path}", json=body) as response:
                return await response.json(content_type=None)

    def _message(self, **fields) -> Dict:
        return {"botToken": self.token, "from": self.user, "chat": self.chat,
                "date": int(time.time()), **fields}

    async def say(self, text: str) -> None:
        await self._post("/sendMessage", self._message(text=text))

    async def command(self, text: str) -> None:
        name = text.split(" ")[0]
        await self._post("/sendCommand", self._message(
            text=text, entities=[{"offset": 0, "length": len(name), "type": "bot_command"}]))

    async def share_location(self, latitude: float, longitude: float) -> None:
        await self._post("/sendMessage", self._message(
            location={"latitude": latitude, "longitude": longitude}))

    async def press(self, callback_data: str) -> None:
        message = {"message_id": 1, "date": int(time.time()), "chat": self.chat, "text": "…"}
        await self._post("/sendCallback", {"botToken": self.token, "from": self.user,
                                           "message": message, "data": callback_data})

    async def wait_for(self, count: int, timeout: float = 15.0) -> List[Dict]:
        """The bot's messages to this chat, once at least `count` arrived in all."""
        deadline = time.monotonic() + timeout
        while True:  # always asks once: wait_for(n) with n already there shows any extra
            body = await self._post("/getUpdates", {"token": self.token, "chatId": self.chat_id})
            self.received += [item["message"] for item in body.get("result") or []]
            if len(self.received) >= count:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"got {len(self.received)} of {count} messages from the bot: "
                                     f"{[m.get('text') for m in self.received]}")
            await asyncio.sleep(0.1)
        return self.received

