"""One message at a time per conversation, in this gateway and across gateways.

Rasa 3.6 can drop messages when one conversation is processed concurrently, so
the gateway never sends Rasa a conversation's next message before the previous
one is answered. Within a process an asyncio lock does it; with REDIS_URL set,
a Redis lock (redis-py's, atomic SET NX + Lua release) extends it to every
gateway instance, so that the order in which messages are stored is the order
in which Rasa sees them. Local locks are dropped when nobody waits on them.
"""
import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Tuple

logger = logging.getLogger(__name__)

# A holder that died is forgotten after this long (longer than any Rasa turn).
LOCK_TTL_SECONDS = 60
WAIT_SECONDS = 45


class ConversationLocks:
    def __init__(self, redis=None, namespace: str = "conversation") -> None:
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}
        self._redis = redis  # a redis.asyncio client shared by the gateway, or None
        self._namespace = namespace

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                async with self._across_instances(conversation_id):
                    yield
        finally:
            lock, users = self._locks[conversation_id]
            if users <= 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    @asynccontextmanager
    async def _across_instances(self, conversation_id: str) -> AsyncIterator[None]:
        if self._redis is None:
            yield
            return
        shared = self._redis.lock(f"helpdesk:{self._namespace}:{conversation_id}",
                                  timeout=LOCK_TTL_SECONDS, blocking_timeout=WAIT_SECONDS)
        try:
            acquired = await shared.acquire()
        except Exception as error:  # noqa: BLE001 - Redis down: this instance's lock still holds
            logger.warning("redis lock unavailable (%s); serialising in this instance only",
                           type(error).__name__)
            acquired = False
            shared = None
        if shared is not None and not acquired:
            logger.warning("waited %ss for a conversation lock; going on", WAIT_SECONDS)
        try:
            yield
        finally:
            if shared is not None and acquired:
                try:
                    await shared.release()
                except Exception as error:  # noqa: BLE001 - expired meanwhile: nothing to release
                    logger.warning("redis lock release failed (%s)", type(error).__name__)

    def __len__(self) -> int:
        return len(self._locks)
