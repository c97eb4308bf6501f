"""Open now, closing time and next opening, across a daylight-saving change."""
from datetime import datetime, time, timezone

from services_catalog.opening_hours import opening_status

PARIS = "Europe/Paris"
EVENINGS = [{"byday": "MO,WE", "opens_at": "18:00", "closes_at": "20:00"},
            {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}]


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_open_now_with_closing_time():
    # Monday 2026-11-23 18:30 in Paris is 17:30 UTC (winter time).
    status = opening_status(EVENINGS, utc(2026, 11, 23, 17, 30), PARIS)
    assert status.open_now and status.closes_at == time(20, 0)


def test_closed_now_opens_later_today_or_another_day():
    status = opening_status(EVENINGS, utc(2026, 11, 23, 9, 0), PARIS)  # Monday 10:00
    assert not status.open_now and status.next_opening == (0, time(18, 0))
    status = opening_status(EVENINGS, utc(2026, 11, 24, 9, 0), PARIS)  # Tuesday
    assert status.next_opening == (2, time(18, 0))
    status = opening_status(EVENINGS, utc(2026, 11, 29, 9, 0), PARIS)  # Sunday
    assert status.next_opening == (0, time(18, 0))


def test_daylight_saving_change_uses_local_time():
    morning = [{"byday": "SU", "opens_at": "10:00", "closes_at": "11:00"}]
    # Sunday 2026-03-29: clocks go forward at 02:00. 08:30 UTC is 10:30 in Paris (summer time)...
    assert opening_status(morning, utc(2026, 3, 29, 8, 30), PARIS).open_now
    # ...while on the Sunday before, 08:30 UTC was 09:30 in Paris (winter time): closed.
    assert not opening_status(morning, utc(2026, 3, 22, 8, 30), PARIS).open_now
    # Autumn: Sunday 2026-10-25, clocks go back; 09:30 UTC is 10:30 in Paris.
    assert opening_status(morning, utc(2026, 10, 25, 9, 30), PARIS).open_now


def test_no_hours_published():
    assert opening_status([], utc(2026, 11, 23, 12, 0), PARIS) is None
