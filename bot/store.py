"""The gateway's database: conversations, their messages (the inbox) and cases.

SQLAlchemy 1.4 in the 2.0 style, on SQLite by default and PostgreSQL when
DATABASE_URL says so. Conversation ids here are always pseudonymous.
"""
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional, Tuple

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, String, Text, delete,
                        func, insert, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from services_catalog.db import engine_for

Base = declarative_base()

OPEN_CASE_STATES = ("queued", "with_caseworker")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Conversation(Base):
    __tablename__ = "conversations"
    id = Column(String(64), primary_key=True)  # pseudonymous
    channel = Column(String(16), nullable=False)
    language = Column(String(8))
    language_chosen = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    last_position = Column(Integer, nullable=False, default=0)
    # Where to push replies (a Telegram chat id), sealed with bot.sealed; the
    # web widget needs none: it reads its messages.
    sealed_address = Column(Text)


class StoredMessage(Base):
    __tablename__ = "messages"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    position = Column(Integer, nullable=False)
    sender = Column(String(16), nullable=False)  # user | bot | caseworker
    text = Column(Text, nullable=False)
    buttons = Column(Text)  # JSON list of {"title", "payload"}
    # user: received | done; outgoing: done (delivered or read by the widget),
    # to_send (a channel must push it), undeliverable (the channel refused for good)
    status = Column(String(16), nullable=False, default="done", index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime)


class Case(Base):
    __tablename__ = "cases"
    id = Column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    conversation_id = Column(String(64), ForeignKey("conversations.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    language = Column(String(8), nullable=False)
    urgent = Column(Boolean, nullable=False, default=False)
    reason = Column(String(64), nullable=False)  # an intent name, never message text
    state = Column(String(16), nullable=False, default="queued", index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    closed_at = Column(DateTime)
    claimed_by = Column(Integer)  # a staff account id
    claimed_at = Column(DateTime)
    outcome = Column(String(32))  # a fixed vocabulary, never free text about the person
    last_user_message_at = Column(DateTime)


@dataclass
class ConversationState:
    """What a message's processing reads of its conversation."""

    id: str
    language: Optional[str]
    language_chosen: bool
    sealed_address: Optional[str]


@dataclass
class MessageView:
    """A message as the chat API shows it."""

    position: int
    sender: str
    text: str
    buttons: Optional[list]
    status: str = "done"
    created_at: Optional[datetime] = None

    def as_json(self) -> dict:
        data = {"position": self.position, "sender": self.sender, "text": self.text}
        if self.buttons:
            data["buttons"] = self.buttons
        return data


def _message_view(m: "StoredMessage") -> MessageView:
    return MessageView(m.position, m.sender, m.text, json.loads(m.buttons) if m.buttons else None,
                       m.status, m.created_at)


@dataclass
class CaseView:
    id: str
    state: str
    urgent: bool
    reason: str
    language: str
    conversation_id: str = ""
    channel: str = ""
    created_at: Optional[datetime] = None
    claimed_by: Optional[int] = None
    closed_at: Optional[datetime] = None
    outcome: Optional[str] = None
    last_user_message_at: Optional[datetime] = None
    newly_opened: bool = False  # set by open_case when this call created it

    def as_json(self) -> dict:
        def iso(value: Optional[datetime]) -> Optional[str]:
            return value.replace(tzinfo=timezone.utc).isoformat() if value else None
        return {"id": self.id, "state": self.state, "urgent": self.urgent, "reason": self.reason,
                "language": self.language, "channel": self.channel,
                "created_at": iso(self.created_at), "claimed_by": self.claimed_by,
                "closed_at": iso(self.closed_at), "outcome": self.outcome,
                "last_user_message_at": iso(self.last_user_message_at)}


def case_view(case: "Case") -> CaseView:
    return CaseView(case.id, case.state, case.urgent, case.reason, case.language,
                    case.conversation_id, case.channel, case.created_at, case.claimed_by,
                    case.closed_at, case.outcome, case.last_user_message_at)


def make_engine(url: str) -> Engine:
    """The gateway database's engine (same settings as every database here)."""
    return engine_for(url)


class GatewayStore:
    """Every read and write the gateway makes, each in its own short session."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)
        from migrations import ensure_schema  # here: migrations import this module's tables

        ensure_schema(engine)

    def session(self) -> Session:
        return self._sessions()

    # -- conversations -----------------------------------------------------
    def get_or_create_conversation(self, conversation_id: str, channel: str) -> Conversation:
        with self.session() as session, session.begin():
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                conversation = Conversation(id=conversation_id, channel=channel,
                                            language_chosen=False, last_position=0)
                session.add(conversation)
            conversation.last_seen_at = utcnow()
            return conversation

    def set_language(self, conversation_id: str, language: str, chosen: bool = False) -> None:
        values = {"language": language}
        if chosen:
            values["language_chosen"] = True
        with self.session() as session, session.begin():
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(**values))

    # -- messages ----------------------------------------------------------
    def add_message(self, conversation_id: str, sender: str, text: str,
                    buttons: Optional[list] = None, status: str = "done") -> int:
        """Append a message and return its position (1, 2, …) in the conversation."""
        with self.session() as session, session.begin():
            conversation = session.get(Conversation, conversation_id, with_for_update=True)
            conversation.last_position += 1
            position = conversation.last_position
            session.add(StoredMessage(conversation_id=conversation_id, position=position,
                                      sender=sender, text=text, status=status,
                                      buttons=json.dumps(buttons) if buttons else None))
            return position

    def begin_message(self, conversation_id: str, channel: str, text: str
                      ) -> Tuple["ConversationState", int, Optional[CaseView], bool]:
        """One transaction for what every message needs first: the conversation
        (created when new), the message stored as `received`, the open case if
        any, and whether earlier messages still wait for Rasa. Core statements,
        not ORM objects: this runs for every message, and the ORM's unit of work
        costs more than the SQL."""
        now = utcnow()
        with self.engine.begin() as connection:
            row = connection.execute(
                select(Conversation.language, Conversation.language_chosen,
                       Conversation.sealed_address, Conversation.last_position)
                .where(Conversation.id == conversation_id).with_for_update()).first()
            if row is None:
                connection.execute(insert(Conversation).values(
                    id=conversation_id, channel=channel, language_chosen=False, last_position=1,
                    created_at=now, last_seen_at=now))
                state, position = ConversationState(conversation_id, None, False, None), 1
            else:
                position = row.last_position + 1
                connection.execute(update(Conversation).where(Conversation.id == conversation_id)
                                   .values(last_position=position, last_seen_at=now))
                state = ConversationState(conversation_id, row.language, row.language_chosen,
                                          row.sealed_address)
            connection.execute(insert(StoredMessage).values(
                conversation_id=conversation_id, position=position, sender="user", text=text,
                status="received", created_at=now, attempts=0))
            case = connection.execute(
                select(Case).where(Case.conversation_id == conversation_id,
                                   Case.state.in_(OPEN_CASE_STATES))).first()
            waiting = connection.execute(
                select(StoredMessage.id).where(
                    StoredMessage.conversation_id == conversation_id, StoredMessage.sender == "user",
                    StoredMessage.status == "received", StoredMessage.position < position).limit(1)
            ).first() is not None
            return state, position, case_view(case) if case else None, waiting

    def finish_message(self, conversation_id: str, position: Optional[int], sender: str,
                       replies: List[dict], status: str) -> List[int]:
        """One transaction for the replies to a message and marking it processed
        (`position` None: leave it waiting); returns the replies' positions."""
        now = utcnow()
        with self.engine.begin() as connection:
            last = connection.execute(
                select(Conversation.last_position).where(Conversation.id == conversation_id)
                .with_for_update()).scalar_one()
            positions = list(range(last + 1, last + 1 + len(replies)))
            if replies:
                connection.execute(insert(StoredMessage), [
                    {"conversation_id": conversation_id, "position": p, "sender": sender,
                     "text": reply.get("text", ""), "status": status, "created_at": now, "attempts": 0,
                     "buttons": json.dumps(reply["buttons"]) if reply.get("buttons") else None}
                    for p, reply in zip(positions, replies)])
                connection.execute(update(Conversation).where(Conversation.id == conversation_id)
                                   .values(last_position=last + len(replies)))
            if position is not None:
                connection.execute(update(StoredMessage)
                                   .where(StoredMessage.conversation_id == conversation_id,
                                          StoredMessage.position == position)
                                   .values(status="done"))
            return positions

    def mark_done(self, conversation_id: str, position: int) -> None:
        with self.session() as session, session.begin():
            session.execute(update(StoredMessage)
                            .where(StoredMessage.conversation_id == conversation_id,
                                   StoredMessage.position == position)
                            .values(status="done"))

    def pending_messages(self, older_than_seconds: float = 0.0,
                         conversation_id: Optional[str] = None) -> List[Tuple[str, int, str]]:
        """(conversation, position, text) of person's messages not yet processed, oldest first."""
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        query = (select(StoredMessage.conversation_id, StoredMessage.position, StoredMessage.text)
                 .where(StoredMessage.sender == "user", StoredMessage.status == "received",
                        StoredMessage.created_at <= cutoff)
                 .order_by(StoredMessage.conversation_id, StoredMessage.position))
        if conversation_id is not None:
            query = query.where(StoredMessage.conversation_id == conversation_id)
        with self.session() as session:
            return [tuple(row) for row in session.execute(query)]

    def conversation(self, conversation_id: str) -> Optional[Conversation]:
        with self.session() as session:
            return session.get(Conversation, conversation_id)

    def messages_after(self, conversation_id: str, after: int) -> List[MessageView]:
        with self.session() as session:
            rows = session.execute(
                select(StoredMessage)
                .where(StoredMessage.conversation_id == conversation_id,
                       StoredMessage.position > after)
                .order_by(StoredMessage.position)
            ).scalars()
            return [_message_view(m) for m in rows]

    # -- cases -----------------------------------------------------------------
    def open_case(self, conversation_id: str, channel: str, language: str,
                  urgent: bool, reason: str) -> CaseView:
        """Open a case, or raise the urgency of the one already open."""
        with self.session() as session, session.begin():
            case = session.execute(
                select(Case).where(Case.conversation_id == conversation_id,
                                   Case.state.in_(OPEN_CASE_STATES))
            ).scalars().first()
            if case is None:
                case = Case(conversation_id=conversation_id, channel=channel,
                            language=language, urgent=urgent, reason=reason, state="queued")
                session.add(case)
                session.flush()
                view = case_view(case)
                view.newly_opened = True
                return view
            if urgent and not case.urgent:
                case.urgent, case.reason = True, reason
            return case_view(case)

    def open_case_for(self, conversation_id: str) -> Optional[CaseView]:
        with self.session() as session:
            case = session.execute(
                select(Case).where(Case.conversation_id == conversation_id,
                                   Case.state.in_(OPEN_CASE_STATES))
            ).scalars().first()
            return case_view(case) if case else None

    def close_case(self, case_id: str, outcome: str = "cancelled_by_person") -> None:
        with self.session() as session, session.begin():
            session.execute(update(Case).where(Case.id == case_id)
                            .values(state="closed", closed_at=utcnow(), outcome=outcome))

    def case(self, case_id: str) -> Optional[CaseView]:
        with self.session() as session:
            case = session.get(Case, case_id)
            return case_view(case) if case else None

    def cases(self, states: Tuple[str, ...], limit: int = 200) -> List[CaseView]:
        """Cases in these states, urgent first, then oldest first (the queue's order)."""
        with self.session() as session:
            rows = session.execute(
                select(Case).where(Case.state.in_(states))
                .order_by(Case.urgent.desc(), Case.created_at, Case.id).limit(limit)
            ).scalars()
            return [case_view(c) for c in rows]

    def claim_case(self, case_id: str, staff_id: int) -> Optional[CaseView]:
        """Give a queued case to a caseworker; None when someone else has it or it is closed."""
        with self.session() as session, session.begin():
            result = session.execute(
                update(Case).where(Case.id == case_id, Case.state == "queued")
                .values(state="with_caseworker", claimed_by=staff_id, claimed_at=utcnow()))
            case = session.get(Case, case_id)
            if case is None:
                return None
            if result.rowcount == 0 and not (case.state == "with_caseworker"
                                             and case.claimed_by == staff_id):
                return None
            return case_view(case)

    def touch_case(self, case_id: str) -> None:
        """Note that the person wrote again (the console shows who waits for an answer)."""
        with self.session() as session, session.begin():
            session.execute(update(Case).where(Case.id == case_id)
                            .values(last_user_message_at=utcnow()))

    def closed_cases_before(self, days: int) -> List[Tuple[str, str]]:
        """(case id, conversation id) of cases closed more than `days` ago."""
        cutoff = utcnow() - timedelta(days=days)
        with self.session() as session:
            return [tuple(row) for row in session.execute(
                select(Case.id, Case.conversation_id)
                .where(Case.state == "closed", Case.closed_at < cutoff))]

    def delete_case(self, case_id: str) -> None:
        with self.session() as session, session.begin():
            session.execute(delete(Case).where(Case.id == case_id))

    # -- channel addresses and delivery -------------------------------------------
    def set_sealed_address(self, conversation_id: str, sealed: str) -> None:
        with self.session() as session, session.begin():
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(sealed_address=sealed))

    def undelivered(self, conversation_id: Optional[str] = None,
                    due_only: bool = True) -> List[Tuple[str, str, MessageView, int]]:
        """(conversation id, channel, message, attempts) waiting to be pushed, in order."""
        query = (select(StoredMessage, Conversation.channel)
                 .join(Conversation, Conversation.id == StoredMessage.conversation_id)
                 .where(StoredMessage.status == "to_send")
                 .order_by(StoredMessage.conversation_id, StoredMessage.position))
        if conversation_id is not None:
            query = query.where(StoredMessage.conversation_id == conversation_id)
        if due_only:
            now = utcnow()
            query = query.where((StoredMessage.next_attempt_at.is_(None))
                                | (StoredMessage.next_attempt_at <= now))
        with self.session() as session:
            return [(m.conversation_id, channel, _message_view(m), m.attempts)
                    for m, channel in session.execute(query)]

    def mark_delivery(self, conversation_id: str, position: int, status: str,
                      retry_in_seconds: Optional[float] = None) -> None:
        """Record a push: sent (done), failed for now (retry later) or undeliverable."""
        values: dict = {"status": status}
        if retry_in_seconds is not None:
            values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_in_seconds)
            values["attempts"] = StoredMessage.attempts + 1
        with self.session() as session, session.begin():
            session.execute(update(StoredMessage)
                            .where(StoredMessage.conversation_id == conversation_id,
                                   StoredMessage.position == position)
                            .values(**values))

    # -- erasure and retention --------------------------------------------------
    def erase_conversation(self, conversation_id: str) -> None:
        """Remove the conversation, its messages and its cases."""
        with self.session() as session, session.begin():
            for model in (StoredMessage, Case):
                session.execute(delete(model).where(model.conversation_id == conversation_id))
            session.execute(delete(Conversation).where(Conversation.id == conversation_id))

    def conversations_idle_since(self, days: int, case_days: int = 0) -> List[str]:
        """Conversations idle for `days`, except those whose case is open or was
        closed less than `case_days` ago (a case keeps its transcript its own time)."""
        cutoff = utcnow() - timedelta(days=days)
        case_cutoff = utcnow() - timedelta(days=case_days)
        keeps = select(Case.id).where(
            Case.conversation_id == Conversation.id,
            Case.state.in_(OPEN_CASE_STATES) | (Case.closed_at >= case_cutoff))
        with self.session() as session:
            return list(session.execute(
                select(Conversation.id).where(Conversation.last_seen_at < cutoff, ~keeps.exists())
            ).scalars())

    def ping(self) -> None:
        with self.session() as session:
            session.execute(select(func.count()).select_from(Conversation).limit(1))
