"""Catalogue entries and emergency numbers as short texts in the user's language."""
import re
from datetime import datetime
from typing import Iterable, List, Optional

from babel.dates import format_date, format_time, get_day_names
from babel.units import format_unit

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
DISTANCE_FROM_YOU = N_("{distance} from you")
DISTANCE_FROM_PLACE = N_("About {distance} from the centre of {place}")

# Both channels send plain text (Telegram without a parse mode, the widget
# through textContent), so catalogue text needs no markup escaping; what it
# must not carry is control characters, or bidirectional overrides that could
# make a phone number or address read differently from what it is.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Names and addresses are mostly left-to-right; in an Arabic, Persian or
# Pashto message each one is isolated so that it keeps its own direction.
FSI, PDI = "\u2068", "\u2069"


def _t(lang: str, msgid: str, **values: str) -> str:
    text = translations().gettext(lang, msgid)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def clean(text: str, lang: str) -> str:
    """Catalogue text made safe to show: no control or direction-override
    characters; in right-to-left languages each line isolated (an isolate ends
    with its line anyway)."""
    text = UNSAFE.sub("", text.replace("\r\n", "\n").replace("\t", " "))
    language = load_languages().languages.get(lang)
    if language is None or not language.rtl:
        return text
    return "\n".join(f"{FSI}{line}{PDI}" if line else line for line in text.split("\n"))


def format_distance(km: float, lang: str) -> str:
    """"850 m", "1.2 km", "12 km" with the locale's digits, separators and unit names."""
    if km < 0.995:
        meters = max(10, int(round(km * 100)) * 10)  # to the nearest 10 m
        return format_unit(meters, "length-meter", length="short", format="#,##0", locale=lang)
    if km < 9.95:
        return format_unit(round(km, 1), "length-kilometer", length="short", format="#,##0.#", locale=lang)
    return format_unit(round(km), "length-kilometer", length="short", format="#,##0", locale=lang)


def distance_line(card: ServiceCard, lang: str, place_name: Optional[str] = None) -> Optional[str]:
    """How far: from the person's shared location, or from the centre of the place they named."""
    if card.distance_km is None:
        return None
    distance = format_distance(card.distance_km, lang)
    if place_name:
        return _t(lang, DISTANCE_FROM_PLACE, distance=distance, place=clean(place_name, lang))
    return _t(lang, DISTANCE_FROM_YOU, distance=distance)


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
             timezone: str = "Europe/Paris", place_name: Optional[str] = None) -> str:
    """A few lines about one service; catalogue text is data, never markup.
    `place_name`: distances are from that place's centre, not from the person."""
    lines: List[str] = [f"• {clean(card.name, lang)}"]
    place = ", ".join(p for p in (card.address, " ".join(filter(None, (card.postal_code, card.city)))) if p)
    if place:
        lines.append(clean(place, lang))
    distance = distance_line(card, lang, place_name)
    if distance:
        lines.append(distance)
    if card.phone:
        lines.append(_t(lang, PHONE, phone=clean(card.phone, lang)))
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
        lines.append(clean(descriptions[lang], lang))
    elif descriptions:
        source = descriptions.get(card.source_language) or next(iter(descriptions.values()))
        lines.append(f"{translations().gettext(lang, IN_OTHER_LANGUAGE)} {clean(source, lang)}")
    if card.assured_date:
        lines.append(_t(lang, LAST_CHECKED, date=format_date(card.assured_date, "medium", locale=lang)))
    return "\n".join(lines)


def describe_all(cards: Iterable[ServiceCard], lang: str, now: Optional[datetime] = None,
                 timezone: str = "Europe/Paris", place_name: Optional[str] = None) -> str:
    return "\n\n".join(describe(card, lang, now, timezone, place_name) for card in cards)


def emergency_text(lines: Iterable[EmergencyLine], lang: str) -> str:
    """One line per number: "15 — Medical emergency (SAMU)"."""
    out = []
    for line in lines:
        label = translations().gettext(lang, line.label)
        suffix = f" ({translations().gettext(lang, SMS_ONLY)})" if line.sms else ""
        out.append(f"{line.number} — {label}{suffix}")
    return "\n".join(out)
