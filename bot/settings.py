"""Deployment settings from the environment (and a `.env` file when present)."""
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent


def read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines into os.environ without overriding what is set."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def _secret_from_file(path: Path) -> str:
    """A secret generated once and kept under var/ (mode 600)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if not value else value.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass
class Settings:
    """Everything a gateway process needs to know, with embedded defaults."""

    var_dir: Path = ROOT / "var"
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = ""
    tracker_store_url: str = ""
    redis_url: Optional[str] = None
    secret: str = ""
    rasa_urls: List[str] = field(default_factory=lambda: ["http://127.0.0.1:5005"])
    rasa_token: str = ""
    actions_url: str = "http://127.0.0.1:5055"
    rasa_timeout_seconds: float = 5.0
    max_message_chars: int = 2000
    max_body_bytes: int = 16 * 1024
    rate_per_conversation_per_minute: int = 30
    rate_per_address_per_minute: int = 600
    retention_days: int = 30
    case_retention_days: int = 30  # after a case closes
    # Erased conversation ids, replayed after a restore; on other storage than backups.
    ledger_path: Path = ROOT / "var" / "erasure-ledger.txt"
    ledger_days: int = 35
    region: str = "fr"
    telegram_bot_token: Optional[str] = None
    telegram_base_url: Optional[str] = None
    telegram_webhook_url: Optional[str] = None
    telegram_webhook_secret: Optional[str] = None
    # Web pages allowed to embed the widget (CORS and the WebSocket's Origin check).
    widget_origins: List[str] = field(default_factory=list)
    # Console and portal sessions: Secure cookies unless served on loopback for a demo.
    cookie_secure: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # A non-urgent case waits this long for a caseworker who speaks its language.
    language_hold_seconds: int = 120
    # Reverse proxies whose X-Forwarded-For is believed (rate limits, sign-in throttling).
    trusted_proxies: Tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> "Settings":
        read_dotenv(ROOT / ".env")
        var_dir = Path(os.environ.get("HELPDESK_VAR_DIR") or ROOT / "var")
        var_dir.mkdir(parents=True, exist_ok=True)
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'helpdesk.db'}"
        # Beside the gateway's database, not in it: SQLite allows one writer.
        tracker_default = (f"sqlite:///{var_dir / 'tracker.db'}" if database_url.startswith("sqlite")
                           else database_url)
        rasa_urls = [u.strip() for u in os.environ.get("RASA_URLS", "").split(",") if u.strip()]
        return cls(
            var_dir=var_dir,
            host=os.environ.get("HELPDESK_HOST", "127.0.0.1"),
            port=_int("HELPDESK_PORT", 8080),
            database_url=database_url,
            tracker_store_url=os.environ.get("TRACKER_STORE_URL") or tracker_default,
            redis_url=os.environ.get("REDIS_URL") or None,
            secret=os.environ.get("HELPDESK_SECRET") or _secret_from_file(var_dir / "secret"),
            rasa_urls=rasa_urls or [os.environ.get("RASA_URL", "http://127.0.0.1:5005")],
            rasa_token=os.environ.get("RASA_TOKEN") or "",
            actions_url=os.environ.get("ACTIONS_URL", "http://127.0.0.1:5055"),
            # A person gets an answer within this time even when Rasa hangs.
            rasa_timeout_seconds=float(os.environ.get("HELPDESK_RASA_TIMEOUT") or 5.0),
            max_message_chars=_int("HELPDESK_MAX_MESSAGE_CHARS", 2000),
            rate_per_conversation_per_minute=_int("HELPDESK_RATE_PER_CONVERSATION", 30),
            rate_per_address_per_minute=_int("HELPDESK_RATE_PER_ADDRESS", 600),
            retention_days=_int("HELPDESK_RETENTION_DAYS", 30),
            case_retention_days=_int("HELPDESK_CASE_RETENTION_DAYS", 30),
            ledger_path=Path(os.environ.get("HELPDESK_ERASURE_LEDGER") or var_dir / "erasure-ledger.txt"),
            ledger_days=_int("HELPDESK_LEDGER_DAYS", 35),
            region=os.environ.get("HELPDESK_REGION", "fr"),
            telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_base_url=os.environ.get("TELEGRAM_BASE_URL") or None,
            telegram_webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL") or None,
            telegram_webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
            widget_origins=[o.strip().rstrip("/").lower()
                            for o in os.environ.get("HELPDESK_WIDGET_ORIGINS", "").split(",")
                            if o.strip()],
            cookie_secure=_bool("HELPDESK_COOKIE_SECURE",
                                os.environ.get("HELPDESK_HOST", "127.0.0.1") not in LOOPBACK),
            session_idle_minutes=_int("HELPDESK_SESSION_IDLE_MINUTES", 30),
            session_absolute_hours=_int("HELPDESK_SESSION_HOURS", 12),
            language_hold_seconds=_int("HELPDESK_LANGUAGE_HOLD_SECONDS", 120),
            trusted_proxies=tuple(p.strip() for p in os.environ.get("HELPDESK_TRUSTED_PROXIES", "")
                                  .split(",") if p.strip()),
        )
