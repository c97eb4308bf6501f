"""Who opened, claimed, answered or closed which case, and when: never message text.

Rows are only ever added. The database itself refuses to change or delete
them (a trigger made by migrations/versions/0001), so no staff member, admin
included, can rewrite the record.
"""
from datetime import timezone
from typing import List, Optional

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.store import Base, utcnow
from migrations import ensure_schema

ACTIONS = ("sign_in", "sign_out", "view_case", "claim", "reply", "close", "account_created",
           "account_disabled", "review_approved", "review_rejected")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    account_id = Column(Integer, nullable=False, index=True)
    action = Column(String(32), nullable=False)
    target = Column(String(64))  # a case id, account id or change id


class AuditLog:
    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine, future=True)
        ensure_schema(engine)  # the append-only trigger comes with the migrations

    def record(self, account_id: int, action: str, target: Optional[str] = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action}")
        with self._sessions() as session, session.begin():
            session.add(AuditEntry(account_id=account_id, action=action, target=target))

    def entries(self, limit: int = 200, target: Optional[str] = None) -> List[dict]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if target is not None:
            query = query.where(AuditEntry.target == target)
        with self._sessions() as session:
            return [{"at": e.at.replace(tzinfo=timezone.utc).isoformat(), "account_id": e.account_id,
                     "action": e.action, "target": e.target}
                    for e in session.execute(query).scalars()]
