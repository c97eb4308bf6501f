"""One message at a time per conversation, within this gateway process.

Rasa 3.6 can drop messages when one conversation is processed concurrently, so
the gateway never sends Rasa a conversation's next message before the previous
one is answered. Locks are dropped when nobody waits on them.
"""
import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Tuple


class ConversationLocks:
    def __init__(self) -> None:
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users <= 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
