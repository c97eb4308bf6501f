"""Erase conversations on the retention schedule the privacy notice promises.

A conversation untouched for HELPDESK_RETENTION_DAYS days is erased
everywhere it lives (gateway messages and cases, Rasa's tracker), by the same
code as an erasure on request. Runs at start and then every hour.
"""
import asyncio
import logging

from bot.conversation import ConversationService

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 3600


async def purge_expired(conversations: ConversationService, retention_days: int) -> int:
    """Erase every conversation idle for longer than the retention period."""
    expired = await asyncio.to_thread(conversations.store.conversations_idle_since, retention_days)
    for conversation_id in expired:
        await conversations.forget(conversation_id)
    if expired:
        logger.info("retention: %d conversations erased", len(expired))
    return len(expired)


async def run_retention(conversations: ConversationService, retention_days: int,
                        interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await purge_expired(conversations, retention_days)
        except Exception:  # noqa: BLE001 - try again at the next round
            logger.exception("retention purge failed")
        await asyncio.sleep(interval)
