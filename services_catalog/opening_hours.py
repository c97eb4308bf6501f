"""Is a service open now, when does it close, when does it open next?

Schedules follow HSDS's weekly form (`byday` MO,TU… with opening and closing
times in the region's local time). "Now" is an aware datetime converted to the
region's time zone, so daylight-saving changes need no special case.
"""
from dataclasses import dataclass
from datetime import datetime, time
from typing import Dict, Iterable, Optional, Tuple
from zoneinfo import ZoneInfo

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class OpeningStatus:
    open_now: bool
    closes_at: Optional[time] = None  # when open now
    next_opening: Optional[Tuple[int, time]] = None  # (weekday 0=Monday, time) when closed


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def opening_status(schedules: Iterable[Dict[str, str]], now: datetime, timezone: str) -> Optional[OpeningStatus]:
    """The status at `now`, or None when the service publishes no hours."""
    local = now.astimezone(ZoneInfo(timezone))
    slots = []  # (weekday, opens, closes)
    for schedule in schedules:
        for day in schedule["byday"].split(","):
            day = day.strip().upper()
            if day in WEEKDAYS:
                slots.append((WEEKDAYS.index(day), _parse(schedule["opens_at"]), _parse(schedule["closes_at"])))
    if not slots:
        return None
    today, clock = local.weekday(), local.time().replace(second=0, microsecond=0)
    for weekday, opens, closes in slots:
        if weekday == today and opens <= clock < closes:
            return OpeningStatus(True, closes_at=closes)
    # The next opening within the coming week, today's later slots included.
    for offset in range(0, 8):
        day = (today + offset) % 7
        candidates = sorted(opens for weekday, opens, _ in slots
                            if weekday == day and (offset > 0 or opens > clock))
        if candidates:
            return OpeningStatus(False, next_opening=(day, candidates[0]))
    return OpeningStatus(False)


def day_and_clock(now: datetime, timezone: str) -> Tuple[str, str]:
    """("MO", "18:30"): the weekday code and wall-clock time at `now` in the
    region's time zone, as schedules store them (so SQL can compare strings)."""
    local = now.astimezone(ZoneInfo(timezone))
    return WEEKDAYS[local.weekday()], local.strftime("%H:%M")


def local_now(timezone: str) -> datetime:
    return datetime.now(ZoneInfo(timezone))

