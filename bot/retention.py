"""Erase conversations on the retention schedule the privacy notice promises.

A conversation untouched for HELPDESK_RETENTION_DAYS days is erased
everywhere it lives (gateway messages and cases, Rasa's tracker), by the same
code as an erasure on request — unless it has an open case, or a case closed
less than HELPDESK_CASE_RETENTION_DAYS ago: then it goes when that period
ends. Runs at start and then every hour.
"""
import asyncio
import logging

from bot.conversation import ConversationService

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 3600


async def purge_expired(conversations: ConversationService, retention_days: int,
                        case_retention_days: int = 0, accounts=None) -> int:
    """Erase every conversation idle for longer than the retention period."""
    expired = await asyncio.to_thread(conversations.store.conversations_idle_since, retention_days,
                                      case_retention_days)
    for conversation_id in expired:
        await conversations.forget(conversation_id)
    if conversations.ledger is not None:
        await asyncio.to_thread(conversations.ledger.prune)
    if accounts is not None:
        await asyncio.to_thread(accounts.purge_old_failures)
    purged = await asyncio.to_thread(conversations.tracker_eraser.purge_old_sessions)
    if purged:
        logger.info("retention: %d tracker events of ended sessions purged", purged)
    if expired:
        logger.info("retention: %d conversations erased", len(expired))
    return len(expired)


async def run_retention(conversations: ConversationService, retention_days: int,
                        case_retention_days: int, accounts=None,
                        interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await purge_expired(conversations, retention_days, case_retention_days, accounts)
        except Exception:  # noqa: BLE001 - try again at the next round
            logger.exception("retention purge failed")
        await asyncio.sleep(interval)
