"""Catalogue entries and emergency numbers as short texts in the user's language."""
from typing import Iterable, List

from datetime import datetime
from typing import Optional

from babel.dates import format_date, format_time, get_day_names

from localization import N_, load_languages, translations
from services_catalog.opening_hours import opening_status
from services_catalog.repository import EmergencyLine, ServiceCard

PHONE = N_("Phone: {phone}")
FREE = N_("Free")
NO_PAPERS = N_("No papers needed")
LANGUAGES_SPOKEN = N_("Languages spoken: {languages}")
LAST_CHECKED = N_("Last checked on {date}")
IN_OTHER_LANGUAGE = N_("(Description available only in another language:)")
SMS_ONLY = N_("by text message")
OPEN_NOW = N_("Open now, closes at {time}")
OPENS_NEXT = N_("Closed now, opens {day} at {time}")
CLOSED = N_("Closed now")


def _t(lang: str, msgid: str, **values: str) -> str:
    text = translations().gettext(lang, msgid)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def language_names(codes: Iterable[str]) -> str:
    known = load_languages().languages
    return ", ".join(known[c].name if c in known else c.upper() for c in codes)


def hours_line(card: ServiceCard, lang: str, now: datetime, timezone: str) -> Optional[str]:
    """"Open now, closes at 18:00" or "Closed now, opens Tuesday at 09:00", in `lang`."""
    status = opening_status(card.schedules, now, timezone)
    if status is None:
        return None
    if status.open_now:
        return _t(lang, OPEN_NOW, time=format_time(status.closes_at, "short", locale=lang))
    if status.next_opening:
        day, opens = status.next_opening
        return _t(lang, OPENS_NEXT, day=get_day_names("wide", locale=lang)[day],
                  time=format_time(opens, "short", locale=lang))
    return translations().gettext(lang, CLOSED)


def describe(card: ServiceCard, lang: str, now: Optional[datetime] = None,
             timezone: str = "Europe/Paris") -> str:
    """A few lines about one service; catalogue text is data, never markup."""
    lines: List[str] = [f"• {card.name}"]
    place = ", ".join(p for p in (card.address, " ".join(filter(None, (card.postal_code, card.city)))) if p)
    if place:
        lines.append(place)
    if card.phone:
        lines.append(_t(lang, PHONE, phone=card.phone))
    if now is not None:
        hours = hours_line(card, lang, now, timezone)
        if hours:
            lines.append(hours)
    flags = [translations().gettext(lang, FREE)] if card.is_free else []
    if card.no_documents_required:
        flags.append(translations().gettext(lang, NO_PAPERS))
    if flags:
        lines.append(" · ".join(flags))
    if card.languages:
        lines.append(_t(lang, LANGUAGES_SPOKEN, languages=language_names(card.languages)))
    descriptions = card.texts.get("description", {})
    if lang in descriptions:
        lines.append(descriptions[lang])
    elif descriptions:
        source = descriptions.get(card.source_language) or next(iter(descriptions.values()))
        lines.append(f"{translations().gettext(lang, IN_OTHER_LANGUAGE)} {source}")
    if card.assured_date:
        lines.append(_t(lang, LAST_CHECKED, date=format_date(card.assured_date, "medium", locale=lang)))
    return "\n".join(lines)


def describe_all(cards: Iterable[ServiceCard], lang: str, now: Optional[datetime] = None,
                 timezone: str = "Europe/Paris") -> str:
    return "\n\n".join(describe(card, lang, now, timezone) for card in cards)


def emergency_text(lines: Iterable[EmergencyLine], lang: str) -> str:
    """One line per number: "15 — Medical emergency (SAMU)"."""
    out = []
    for line in lines:
        label = translations().gettext(lang, line.label)
        suffix = f" ({translations().gettext(lang, SMS_ONLY)})" if line.sms else ""
        out.append(f"{line.number} — {label}{suffix}")
    return "\n".join(out)
