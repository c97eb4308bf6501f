"""Telegram rendering: stored replies to message parts and inline keyboards, and back.

Pure functions, no network. Text is sent without a parse mode, so catalogue
text is never read as markup; it is split under Telegram's 4096-character
limit (counted in UTF-16 code units, as Telegram counts); a button payload
longer than callback_data's 64 bytes goes through a short key that is resolved
against the buttons the conversation was really offered.
"""
import base64
import hashlib
from typing import Iterable, List, Optional, Sequence, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_MESSAGE_UNITS = 4096
MAX_CALLBACK_BYTES = 64
SHORT_KEY_PREFIX = "#k:"
# Telegram refuses an empty text: a message made only of buttons gets this.
BUTTONS_ONLY_TEXT = "👇"

Part = Tuple[str, Optional[InlineKeyboardMarkup]]


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf16_length(text: str) -> int:
    return sum(_units(c) for c in text)


def _fitting_prefix(text: str, limit: int) -> int:
    """The largest number of characters whose UTF-16 length is within `limit`."""
    used = 0
    for index, char in enumerate(text):
        used += _units(char)
        if used > limit:
            return index
    return len(text)


def _cut(text: str, limit: int) -> int:
    """Where to cut: the last paragraph, line or word break in the fitting
    prefix (when it keeps at least half of it), else at the limit itself."""
    end = _fitting_prefix(text, limit)
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, 0, end)
        if at >= end // 2:
            return at + len(separator)
    return end


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> List[str]:
    """Parts of `text` that each fit in one Telegram message, in order.

    Whitespace at the cuts is dropped (Telegram trims it anyway); a text
    with nothing to show gives no part."""
    parts: List[str] = []
    rest = text
    while utf16_length(rest) > limit:
        at = _cut(rest, limit)
        parts.append(rest[:at])
        rest = rest[at:]
    parts.append(rest)
    return [part.strip() for part in parts if part.strip()]


def short_key(payload: str) -> str:
    digest = hashlib.sha256(payload.encode("utf-8")).digest()[:12]
    return SHORT_KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")


def callback_data(payload: str) -> str:
    """The payload itself when Telegram takes it, else a short key for it."""
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES:
        return payload
    return short_key(payload)


def resolve_callback(data: str, offered_payloads: Iterable[str]) -> Optional[str]:
    """The payload a pressed button stands for; None for a short key that no
    button of the conversation has (erased, or made up)."""
    if not data.startswith(SHORT_KEY_PREFIX):
        return data
    for payload in offered_payloads:
        if short_key(payload) == data:
            return payload
    return None


def keyboard(buttons: Optional[Sequence[dict]]) -> Optional[InlineKeyboardMarkup]:
    """One button a row: titles are whole phrases in any script."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(str(b.get("title") or b.get("payload") or "?"),
                              callback_data=callback_data(str(b.get("payload") or "")))]
        for b in buttons
    ])


def render(text: str, buttons: Optional[Sequence[dict]] = None) -> List[Part]:
    """The Telegram messages for one stored reply; the keyboard goes with the last."""
    markup = keyboard(buttons)
    parts = split_text(text or "")
    if not parts:
        parts = [BUTTONS_ONLY_TEXT] if markup else []
    return [(part, markup if index == len(parts) - 1 else None)
            for index, part in enumerate(parts)]
