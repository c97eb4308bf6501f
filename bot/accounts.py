"""Staff and CSO accounts: argon2id passwords, roles, languages, login throttling.

Accounts live in the gateway database. A disabled account, or one whose
password changed, bumps `session_epoch`, which ends every session it had.
"""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import List, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Boolean, Column, DateTime, Integer, String, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.store import Base, utcnow
from migrations import ensure_schema

KINDS = ("staff", "cso")
STAFF_ROLES = ("caseworker", "admin")
MIN_PASSWORD_LENGTH = 12
# Sign-in is refused after this many failures in the window: for one account from
# one address (an attacker guessing); from one address (one attacker, many
# accounts); for one account from anywhere (a spread-out attack). Keyed so that
# nobody can lock a caseworker out from afar with five wrong passwords.
MAX_FAILURES = {"pair": 5, "address": 20, "email": 50}
FAILURE_WINDOW = timedelta(minutes=15)

# argon2id with the library's current defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A bad account request (weak password, unknown role, duplicate email)."""


class AccountExists(AccountError):
    """An account with this email address exists already."""


class AccountRow(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(255), nullable=False, unique=True)
    kind = Column(String(8), nullable=False)  # staff | cso
    role = Column(String(16), nullable=False)  # caseworker | admin | cso
    languages = Column(String(64), nullable=False, default="")  # comma-separated codes
    organization_id = Column(String(36))  # CSO accounts only
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)


class LoginFailure(Base):
    """A failed sign-in, keyed by a hash of the email or address (never the address itself)."""

    __tablename__ = "login_failures"
    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(String(64), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)


@dataclass(frozen=True)
class Account:
    """A signed-in person of the help desk or of a CSO."""

    id: int
    email: str
    kind: str
    role: str
    languages: Tuple[str, ...]
    organization_id: Optional[str]
    active: bool
    session_epoch: int

    @property
    def is_admin(self) -> bool:
        return self.kind == "staff" and self.role == "admin"

    def as_json(self) -> dict:
        return {"id": self.id, "email": self.email, "kind": self.kind, "role": self.role,
                "languages": list(self.languages), "organization_id": self.organization_id}


def _account(row: AccountRow) -> Account:
    languages = tuple(code for code in (row.languages or "").split(",") if code)
    return Account(row.id, row.email, row.kind, row.role, languages, row.organization_id,
                   row.active, row.session_epoch)


def normalise_email(email: str) -> str:
    return email.strip().lower()




class AccountStore:
    """Create, authenticate and disable accounts."""

    def __init__(self, engine: Engine, secret: str = ""):
        # Failure keys are keyed hashes: a plain hash of an IPv4 address is reversed in minutes.
        self._key_secret = f"login-throttle:{secret}".encode()
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)
        ensure_schema(engine)

    def create(self, email: str, password: str, kind: str = "staff", role: str = "caseworker",
               languages: Optional[List[str]] = None,
               organization_id: Optional[str] = None) -> Account:
        email = normalise_email(email)
        if "@" not in email or len(email) > 255:
            raise AccountError("an email address is needed")
        if kind not in KINDS:
            raise AccountError(f"kind must be one of {', '.join(KINDS)}")
        if kind == "staff" and role not in STAFF_ROLES:
            raise AccountError(f"role must be one of {', '.join(STAFF_ROLES)}")
        if kind == "cso":
            role = "cso"
            if not organization_id:
                raise AccountError("a CSO account belongs to one organisation")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        with self._sessions() as session, session.begin():
            if session.execute(select(AccountRow.id).where(AccountRow.email == email)).first():
                raise AccountExists("an account with this email exists")
            row = AccountRow(email=email, kind=kind, role=role,
                             languages=",".join(languages or []), organization_id=organization_id,
                             password_hash=_hasher.hash(password), active=True, session_epoch=0)
            session.add(row)
            session.flush()
            return _account(row)

    def get(self, account_id: int) -> Optional[Account]:
        with self._sessions() as session:
            row = session.get(AccountRow, account_id)
            return _account(row) if row else None

    def by_email(self, email: str) -> Optional[Account]:
        with self._sessions() as session:
            row = session.execute(select(AccountRow).where(
                AccountRow.email == normalise_email(email))).scalars().first()
            return _account(row) if row else None

    def list(self, kind: Optional[str] = None) -> List[Account]:
        query = select(AccountRow).order_by(AccountRow.email)
        if kind:
            query = query.where(AccountRow.kind == kind)
        with self._sessions() as session:
            return [_account(row) for row in session.execute(query).scalars()]

    def _keys(self, email: str, address: str) -> dict:
        def key(value: str) -> str:
            return hmac.new(self._key_secret, value.encode(), hashlib.sha256).hexdigest()
        email = normalise_email(email)
        return {"pair": key(f"pair:{email}:{address}"), "address": key(f"address:{address}"),
                "email": key(f"email:{email}")}

    def throttled(self, email: str, address: str) -> bool:
        """Too many recent failures (see MAX_FAILURES)."""
        since = utcnow() - FAILURE_WINDOW
        with self._sessions() as session:
            return any(session.execute(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.key == key, LoginFailure.at >= since)).scalar_one() >= MAX_FAILURES[kind]
                for kind, key in self._keys(email, address).items())

    def authenticate(self, email: str, password: str, address: str,
                     kind: str) -> Tuple[Optional[Account], bool]:
        """(the account when the password is right and it is active, whether throttled).

        The failure is written before the password is checked and removed on
        success: concurrent guesses all count, however many are in flight."""
        email = normalise_email(email)
        keys = self._keys(email, address)
        with self._sessions() as session, session.begin():
            if self.throttled(email, address):
                return None, True
            pending = [LoginFailure(key=key) for key in keys.values()]
            session.add_all(pending)
        with self._sessions() as session, session.begin():
            row = session.execute(select(AccountRow).where(
                AccountRow.email == email, AccountRow.kind == kind)).scalars().first()
            try:
                _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
                ok = row is not None and row.active
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok:
                return None, False
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            row.last_login_at = utcnow()
            session.execute(delete(LoginFailure).where(
                LoginFailure.id.in_([failure.id for failure in pending])))
            session.execute(delete(LoginFailure).where(LoginFailure.key == keys["pair"]))
            return _account(row), False

    def set_active(self, account_id: int, active: bool) -> None:
        """Disable (or enable) an account; disabling ends its sessions at once."""
        with self._sessions() as session, session.begin():
            session.execute(update(AccountRow).where(AccountRow.id == account_id).values(
                active=active, session_epoch=AccountRow.session_epoch + 1))

    def set_password(self, account_id: int, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        with self._sessions() as session, session.begin():
            session.execute(update(AccountRow).where(AccountRow.id == account_id).values(
                password_hash=_hasher.hash(password),
                session_epoch=AccountRow.session_epoch + 1))

    def end_sessions(self, account_id: int) -> None:
        """Sign the account out everywhere (a copied cookie stops working too)."""
        with self._sessions() as session, session.begin():
            session.execute(update(AccountRow).where(AccountRow.id == account_id).values(
                session_epoch=AccountRow.session_epoch + 1))

    def end_all_sessions(self) -> None:
        """After a restore: cookies revoked since the backup must not come back to life."""
        with self._sessions() as session, session.begin():
            session.execute(update(AccountRow).values(session_epoch=AccountRow.session_epoch + 1))

    def purge_old_failures(self) -> None:
        with self._sessions() as session, session.begin():
            session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - FAILURE_WINDOW))
