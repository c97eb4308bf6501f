"""Erase a conversation from Rasa's SQL tracker store, and purge old sessions.

Rasa 3.6's HTTP API cannot delete a tracker (replacing events only appends in
the SQL store), so erasure deletes the rows directly, by pseudonymous id.
Rasa reads only a conversation's latest session (events from its last
`session_started` on), so the events of earlier sessions are dead weight —
and personal data nobody needs: the purge deletes them.
"""
import logging

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

logger = logging.getLogger(__name__)


class TrackerEraser:
    def __init__(self, engine: Engine):
        self.engine = engine

    def erase(self, conversation_id: str) -> int:
        """Delete every event of the conversation; returns how many were removed."""
        try:
            with self.engine.begin() as connection:
                result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"),
                                            {"sender": conversation_id})
                return result.rowcount or 0
        except (OperationalError, ProgrammingError):
            # No events table yet: Rasa has not stored any conversation.
            return 0

    def purge_old_sessions(self) -> int:
        """Delete every event older than its conversation's latest session start."""
        statement = text(
            "DELETE FROM events WHERE timestamp < (SELECT MAX(s.timestamp) FROM events s "
            "WHERE s.sender_id = events.sender_id AND s.type_name = 'session_started')")
        try:
            with self.engine.begin() as connection:
                return connection.execute(statement).rowcount or 0
        except (OperationalError, ProgrammingError):
            return 0
