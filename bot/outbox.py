"""Pushing stored replies out through channels that need it (Telegram).

Replies are stored first with status `to_send`; the outbox sends each
conversation's messages in order and marks them `done` only once the channel
took them, so a crash, a 429 or a network error loses nothing: the message is
retried with back-off (a channel's own `retry_after` wins). A channel that
refuses for good (the person blocked the bot) marks it `undeliverable`, which
the console shows. The web widget is not here: it reads its messages.
"""
import asyncio
import logging
from typing import Awaitable, Callable, Dict, Optional

from bot.locks import ConversationLocks
from bot.store import GatewayStore, MessageView

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
RETRY_INTERVAL_SECONDS = 2.0


class RetryLater(Exception):
    """The channel could not take the message now; try again after `seconds`."""

    def __init__(self, seconds: Optional[float] = None):
        super().__init__(seconds)
        self.seconds = seconds


class Undeliverable(Exception):
    """The channel will never take this message (blocked bot, unknown chat)."""


# A sender pushes one message to one conversation's channel address (unsealed).
Sender = Callable[[str, MessageView], Awaitable[None]]


def backoff_seconds(attempts: int) -> float:
    return min(MAX_BACKOFF_SECONDS, 2.0 ** min(attempts, 9))


class Outbox:
    def __init__(self, store: GatewayStore, open_address: Callable[[Optional[str]], Optional[str]],
                 locks: Optional[ConversationLocks] = None):
        self.store = store
        self.open_address = open_address
        self.senders: Dict[str, Sender] = {}
        # Shared across gateways when Redis is there: one sender per conversation at a time.
        self._locks = locks or ConversationLocks(namespace="outbox")

    def register(self, channel: str, sender: Sender) -> None:
        self.senders[channel] = sender

    def pushes(self, channel: str) -> bool:
        """Whether replies on this channel must be pushed (stored as `to_send`)."""
        return channel in self.senders

    async def flush(self, conversation_id: Optional[str] = None, due_only: bool = False) -> int:
        """Send what waits (for one conversation, or all); returns how many were sent."""
        waiting = await asyncio.to_thread(self.store.undelivered, conversation_id, due_only)
        by_conversation: Dict[str, list] = {}
        for cid, channel, message, attempts in waiting:
            by_conversation.setdefault(cid, []).append((channel, message, attempts))
        sent = 0
        for cid, messages in by_conversation.items():
            async with self._locks.hold(cid):
                sent += await self._send_in_order(cid, messages)
        return sent

    async def _send_in_order(self, conversation_id: str, messages: list) -> int:
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        address = self.open_address(conversation.sealed_address) if conversation else None
        sent = 0
        for channel, message, attempts in messages:
            # Re-read: another flush may have sent it while this one waited for the lock.
            current = await asyncio.to_thread(self.store.undelivered, conversation_id, False)
            if not any(m.position == message.position for _, _, m, _ in current):
                continue
            sender = self.senders.get(channel)
            if sender is None or address is None:
                logger.warning("no way to push a message on channel %s", channel)
                await self._mark(conversation_id, message.position, "undeliverable")
                continue
            try:
                await sender(address, message)
            except Undeliverable as error:
                logger.warning("a message is undeliverable on %s: %s", channel, type(error).__name__)
                await self._mark(conversation_id, message.position, "undeliverable")
                continue
            except RetryLater as later:
                delay = later.seconds if later.seconds is not None else backoff_seconds(attempts)
                await self._mark(conversation_id, message.position, "to_send", delay)
                return sent  # keep the order: nothing after it goes first
            except Exception as error:  # noqa: BLE001 - any failure is retried, never lost
                logger.warning("push on %s failed (%s); will retry", channel, type(error).__name__)
                await self._mark(conversation_id, message.position, "to_send",
                                 backoff_seconds(attempts))
                return sent
            await self._mark(conversation_id, message.position, "done")
            sent += 1
        return sent

    async def _mark(self, conversation_id: str, position: int, status: str,
                    retry_in: Optional[float] = None) -> None:
        await asyncio.to_thread(self.store.mark_delivery, conversation_id, position, status, retry_in)

    async def run(self, interval: float = RETRY_INTERVAL_SECONDS) -> None:
        """Retry what is due, for ever (a background task)."""
        while True:
            await asyncio.sleep(interval)
            try:
                if self.senders:
                    await self.flush(due_only=True)
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                logger.exception("outbox round failed")
