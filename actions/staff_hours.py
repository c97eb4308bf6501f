"""When a person from the help desk will answer: now, or at the next staff opening."""
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from babel.dates import format_time, get_day_names

from actions.context import region
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now, opening_status

STAFF_HOURS_FILE = Path(__file__).resolve().parent.parent / "config" / "staff_hours.yml"


def staff_schedules(path: Path = STAFF_HOURS_FILE) -> List[Dict[str, str]]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("schedules") or []


def next_staff_opening(lang: str, now: Optional[datetime] = None) -> Optional[Dict[str, str]]:
    """None while staff are at work; else {"day", "time"} of their return, in `lang`."""
    timezone = region_timezone(region())
    status = opening_status(staff_schedules(), now or local_now(timezone), timezone)
    if status is None or status.open_now or status.next_opening is None:
        return None
    day, opens = status.next_opening
    return {"day": get_day_names("wide", locale=lang)[day],
            "time": format_time(opens, "short", locale=lang)}
