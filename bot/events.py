"""Live events inside the gateway, and between gateways through Redis.

A new message in a conversation (for the widget's WebSocket) and a change in
the case queue (for the console) are published on a topic; every subscriber on
every gateway instance receives it. Without REDIS_URL the hub is in-process;
with it, events travel over Redis pub/sub so that a caseworker on gateway A
reaches a person whose widget is connected to gateway B. Events carry ids and
positions only, never message text: subscribers read the text from the store.
"""
import asyncio
import contextlib
import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional, Set

logger = logging.getLogger(__name__)

STAFF_TOPIC = "staff"
CHANNEL_PREFIX = "helpdesk:"
QUEUE_SIZE = 100


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


class EventHub:
    """Publish/subscribe on named topics; Redis-backed when a URL is given."""

    def __init__(self, redis_url: Optional[str] = None):
        self.redis_url = redis_url
        self._subscribers: Dict[str, Set[asyncio.Queue]] = {}
        self._redis = None
        self._listener: Optional[asyncio.Task] = None

    @property
    def redis(self):
        """The shared redis.asyncio client (None in one-instance mode), also used for locks."""
        return self._redis

    async def start(self) -> None:
        if not self.redis_url:
            return
        import redis.asyncio as aioredis  # only needed when several instances run

        self._redis = aioredis.from_url(self.redis_url)
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.close()

    async def _listen(self, pubsub) -> None:
        while True:
            try:
                message = await pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                await pubsub.close()
                raise
            except Exception:  # noqa: BLE001 - a Redis hiccup must not end live updates
                logger.exception("redis pub/sub failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if message is None:
                continue
            channel = message["channel"].decode() if isinstance(message["channel"], bytes) \
                else message["channel"]
            try:
                event = json.loads(message["data"])
            except ValueError:
                continue
            self._deliver(channel[len(CHANNEL_PREFIX):], event)

    async def publish(self, topic: str, event: Dict[str, Any]) -> None:
        """Send an event to every subscriber of the topic, on every instance."""
        if self._redis is not None:
            try:
                await self._redis.publish(f"{CHANNEL_PREFIX}{topic}", json.dumps(event))
                return
            except Exception:  # noqa: BLE001 - fall back to this instance's subscribers
                logger.exception("redis publish failed; delivering locally only")
        self._deliver(topic, event)

    def _deliver(self, topic: str, event: Dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(topic, ())):
            if queue.full():
                # A stalled subscriber loses its oldest events, not the hub its memory;
                # clients re-read from the store by position anyway.
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue]:
        """A queue receiving the topic's events while the context is open."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.setdefault(topic, set()).add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(topic, set())
            subscribers.discard(queue)
            if not subscribers:
                self._subscribers.pop(topic, None)

    def subscriber_count(self, topic: str) -> int:
        return len(self._subscribers.get(topic, ()))
