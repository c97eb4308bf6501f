"""Channel addresses sealed at rest: a Telegram chat id is needed to reply,
but must never sit readable in the database.

The key is derived from HELPDESK_SECRET; a sealed address is erased with its
conversation. Fernet (from `cryptography`, already a Rasa dependency) gives
authenticated encryption, so a tampered value fails to open instead of
sending a caseworker's reply to the wrong person.
"""
import base64
import hashlib
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken


class AddressSealer:
    def __init__(self, secret: str):
        key = hashlib.sha256(f"address-sealing:{secret}".encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, address: str) -> str:
        return self._fernet.encrypt(address.encode()).decode()

    def open(self, sealed: Optional[str]) -> Optional[str]:
        if not sealed:
            return None
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None
