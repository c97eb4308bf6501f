"""Pseudonymous ids: what Rasa and every table see instead of a person's id."""
import hashlib
import hmac


def pseudonymous_id(secret: str, channel: str, raw_id: str) -> str:
    """HMAC-SHA256 of the channel and its id, keyed by HELPDESK_SECRET.

    The same person on the same channel always gets the same id, and nobody
    without the secret can go back from it to a Telegram id or widget id.
    """
    digest = hmac.new(secret.encode(), f"{channel}:{raw_id}".encode(), hashlib.sha256)
    return f"{channel[:2]}-{digest.hexdigest()[:40]}"
