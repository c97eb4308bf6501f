"""Messages that could not reach Rasa are processed as soon as it is back.

Every message is stored before it is processed; one that Rasa did not answer
stays "received". This loop retries those every few seconds, in order per
conversation, and the replies reach the person by the chat API (and their
channel's push when it has one). A message a person sends meanwhile triggers
the same replay first, so order is kept.
"""
import asyncio
import logging

from bot.conversation import ConversationService

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 5.0
# Leave a message this long to its own request before replaying it.
GRACE_SECONDS = 10.0


async def run_inbox_replay(conversations: ConversationService,
                           interval: float = INTERVAL_SECONDS, grace: float = GRACE_SECONDS) -> None:
    while True:
        try:
            replayed = await conversations.replay_waiting(older_than_seconds=grace)
            if replayed:
                logger.info("inbox: waiting messages of %d conversations processed", replayed)
        except Exception:  # noqa: BLE001 - try again at the next round
            logger.exception("inbox replay failed")
        await asyncio.sleep(interval)
