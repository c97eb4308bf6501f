"""The ledger of Telegram update ids: each update is processed once.

A row is written before an update's messages go to the conversation service
(status `received`, with the conversation's last position at that moment) and
marked `processed` after the service returned. A redelivered update (a webhook
retry, a restart before Telegram saw the acknowledgement) whose row is
`processed` is ignored. One still `received` was interrupted: its messages that
reached the gateway's inbox (user messages after the recorded position) are
the inbox's to replay, so only the ones that never arrived are handed over
again. Rows hold Telegram's update counter and a pseudonymous conversation id
only while in progress; never a chat id or a text.
"""
from datetime import datetime, timedelta, timezone
from typing import Optional, Tuple

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base, sessionmaker

from bot.store import Conversation, StoredMessage
from migrations import ensure_schema

Base = declarative_base()

# Telegram keeps an unconfirmed update for 24 hours: older rows can go.
KEEP_ROWS = timedelta(days=2)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TelegramUpdate(Base):
    __tablename__ = "telegram_updates"
    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    status = Column(String(16), nullable=False)  # received | processed
    # Only while received: which conversation, and its last position before.
    conversation_id = Column(String(64))
    after_position = Column(Integer)
    received_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class UpdateLedger:
    """Reads and writes of the ledger, each in its own short transaction."""

    def __init__(self, engine: Engine):
        ensure_schema(engine)
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    def receive(self, update_id: int, conversation_id: Optional[str]) -> Tuple[str, int]:
        """Record an update as received (unless known); returns (status, how
        many of its messages the gateway already stored)."""
        try:
            with self._sessions() as session, session.begin():
                row = session.get(TelegramUpdate, update_id)
                if row is None:
                    last = session.execute(select(Conversation.last_position)
                                           .where(Conversation.id == conversation_id)).scalar()
                    session.add(TelegramUpdate(update_id=update_id, status="received",
                                               conversation_id=conversation_id,
                                               after_position=last or 0))
                    return "received", 0
                if row.status != "received":
                    return row.status, 0
                stored = session.execute(
                    select(func.count()).select_from(StoredMessage)
                    .where(StoredMessage.conversation_id == row.conversation_id,
                           StoredMessage.sender == "user",
                           StoredMessage.position > row.after_position)).scalar()
                return "received", int(stored or 0)
        except IntegrityError:
            # Another gateway instance recorded it at the same moment: read its row.
            return self.receive(update_id, conversation_id)

    def processed(self, update_id: int) -> None:
        with self._sessions() as session, session.begin():
            session.execute(update(TelegramUpdate).where(TelegramUpdate.update_id == update_id)
                            .values(status="processed", conversation_id=None, after_position=None))

    def status(self, update_id: int) -> Optional[str]:
        with self._sessions() as session:
            return session.execute(select(TelegramUpdate.status)
                                   .where(TelegramUpdate.update_id == update_id)).scalar()

    def prune(self, older_than: timedelta = KEEP_ROWS) -> int:
        with self._sessions() as session, session.begin():
            result = session.execute(delete(TelegramUpdate)
                                     .where(TelegramUpdate.received_at < utcnow() - older_than))
            return result.rowcount or 0
