"""Talk to Rasa over its HTTP API: send a message, post events, check health.

Each conversation always goes to the same Rasa instance (a stable hash of its
id over RASA_URLS): with the gateway's per-conversation lock this keeps Rasa
3.6's lock store from ever seeing one conversation on two instances at once.
"""
import asyncio
import hashlib
import logging
from typing import Any, Dict, List, Optional

import aiohttp

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer properly."""


class RasaClient:
    """A thin async client for the gateway's use of Rasa."""

    def __init__(self, session: aiohttp.ClientSession, urls: List[str], token: str,
                 timeout_seconds: float = 20.0, actions_url: Optional[str] = None):
        self.session = session
        self.actions_url = actions_url.rstrip("/") if actions_url else None
        self.urls = [u.rstrip("/") for u in urls]
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def url_for(self, conversation_id: str) -> str:
        digest = hashlib.sha256(conversation_id.encode()).digest()
        return self.urls[int.from_bytes(digest[:8], "big") % len(self.urls)]

    async def send_message(self, conversation_id: str, text: str, metadata: Dict[str, Any],
                           message_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The bot's replies to one user message, as Rasa's REST channel gives them."""
        url = f"{self.url_for(conversation_id)}/webhooks/helpdesk/webhook"
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        if message_id:
            body["message_id"] = message_id
        try:
            async with self.session.post(
                url, json=body,
                headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout,
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"rasa answered {response.status}")
                replies = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        if not isinstance(replies, list):
            raise RasaUnavailable("rasa answered something that is not a list")
        return replies

    async def tracker_events(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Every event Rasa holds for the conversation."""
        url = f"{self.url_for(conversation_id)}/conversations/{conversation_id}/tracker"
        try:
            async with self.session.get(url, params={"token": self.token, "include_events": "ALL"},
                                        timeout=self.timeout) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"rasa answered {response.status}")
                return (await response.json()).get("events") or []
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """Append events (e.g. `{"event": "resume"}`) to a conversation's tracker."""
        url = f"{self.url_for(conversation_id)}/conversations/{conversation_id}/tracker/events"
        try:
            async with self.session.post(url, json=events, params={"token": self.token},
                                         timeout=self.timeout) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"rasa answered {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def actions_up(self) -> bool:
        """Whether the action server answers (Rasa answers 200 with no reply when it is down)."""
        if self.actions_url is None:
            return True
        try:
            async with self.session.get(f"{self.actions_url}/health",
                                        timeout=aiohttp.ClientTimeout(total=3)) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def healthy(self) -> Optional[str]:
        """None when every Rasa instance has a model loaded, else what is wrong."""
        for base in self.urls:
            try:
                async with self.session.get(f"{base}/status", params={"token": self.token},
                                            timeout=aiohttp.ClientTimeout(total=3)) as response:
                    if response.status != 200:
                        return f"status {response.status}"
                    body = await response.json()
                    if not body.get("model_file"):
                        return "no model loaded"
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                return type(error).__name__
        return None
