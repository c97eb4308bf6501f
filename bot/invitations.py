"""One-time invitations for CSO accounts: staff make a link, the CSO sets its own password.

Only a hash of the token is stored; a link works once and for a week. The
account itself is made by AccountStore.create, like `python -m bot cso create`.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.accounts import Account, AccountError, AccountExists, AccountStore, normalise_email
from bot.store import Base, utcnow
from migrations import ensure_schema

VALID_FOR = timedelta(days=7)


class InvitationRow(Base):
    __tablename__ = "cso_invitations"
    id = Column(Integer, primary_key=True, autoincrement=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    email = Column(String(255), nullable=False)
    organization_id = Column(String(36), nullable=False)
    invited_by = Column(Integer, nullable=False)  # staff account id
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime)


@dataclass(frozen=True)
class Invitation:
    email: str
    organization_id: str
    invited_by: int
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStore:
    """Make, read and accept invitations (in the gateway database, beside the accounts)."""

    def __init__(self, engine: Engine, accounts: AccountStore):
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)
        self._accounts = accounts
        ensure_schema(engine)

    def invite(self, email: str, organization_id: str, invited_by: int,
               now: Optional[datetime] = None) -> Tuple[str, Invitation]:
        """A new token (shown once, never stored) for this email and organisation."""
        email = normalise_email(email)
        if "@" not in email or len(email) > 255:
            raise AccountError("an email address is needed")
        if self._accounts.by_email(email) is not None:
            raise AccountExists("an account with this email exists")
        token = secrets.token_urlsafe(32)
        expires = (now or utcnow()) + VALID_FOR
        with self._sessions() as session, session.begin():
            session.add(InvitationRow(token_hash=_hash(token), email=email, organization_id=organization_id,
                                      invited_by=invited_by, expires_at=expires))
        return token, Invitation(email, organization_id, invited_by, expires)

    def find(self, token: str, now: Optional[datetime] = None) -> Optional[Invitation]:
        """The invitation when the token is known, unused and not expired."""
        with self._sessions() as session:
            row = session.execute(select(InvitationRow).where(
                InvitationRow.token_hash == _hash(token))).scalars().first()
        if row is None or row.used_at is not None or row.expires_at < (now or utcnow()):
            return None
        return Invitation(row.email, row.organization_id, row.invited_by, row.expires_at)

    def accept(self, token: str, password: str, now: Optional[datetime] = None) -> Account:
        """Create the CSO account with the person's own password; the link then stops working.

        The account is made first (its unique email stops a second use racing this
        one), then the link is marked used: two separate transactions, because an
        SQLite read transaction cannot turn into a write after another write."""
        invitation = self.find(token, now)
        if invitation is None:
            raise AccountError("this invitation link is no longer valid")
        account = self._accounts.create(invitation.email, password, kind="cso",
                                        organization_id=invitation.organization_id)
        with self._sessions() as session, session.begin():
            row = session.execute(select(InvitationRow).where(
                InvitationRow.token_hash == _hash(token))).scalars().one()
            row.used_at = utcnow()
        return account
