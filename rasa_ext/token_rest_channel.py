"""Rasa's REST input channel behind a shared token, passing message metadata.

The gateway is the only client: it sends the pseudonymous conversation id, the
text and metadata (the user's language). Unlike Rasa's stock channel this one
never logs message text, and refuses requests without the token.
"""
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class TokenRestInput(RestInput):
    """REST channel that requires `Authorization: Bearer <token>`."""

    @classmethod
    def name(cls) -> Text:
        return "helpdesk"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TokenRestInput":
        token = (credentials or {}).get("token") or ""
        if not token:
            raise ValueError("TokenRestInput needs a token (RASA_TOKEN)")
        return cls(token)

    def __init__(self, token: Text) -> None:
        self.token = token

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        supplied = header[7:] if header.startswith("Bearer ") else ""
        return hmac.compare_digest(supplied.encode(), self.token.encode())

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = (request.json or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = Blueprint("helpdesk_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json or {}
            sender_id = body.get("sender")
            text = body.get("message")
            if not isinstance(sender_id, str) or not isinstance(text, str):
                return response.json({"error": "sender and message required"}, status=400)
            # The gateway's own id for the message: it finds out from the
            # tracker whether a message was processed before a timeout.
            message_id = body.get("message_id") if isinstance(body.get("message_id"), str) else None
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id,
                                input_channel=self.name(),
                                message_id=message_id,
                                metadata=self.get_metadata(request))
                )
            except Exception:  # noqa: BLE001 - reported without the text
                logger.exception("message processing failed")
                return response.json({"error": "processing failed"}, status=500)
            return response.json(collector.messages)

        return webhook
