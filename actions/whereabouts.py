"""Where the person is: a location they shared, a place they named, or what the conversation remembers."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.context import latest_intent
from services_catalog.geo import Point, valid_point
from services_catalog.places import centre_of, place_in

SHARE_LOCATION = "share_location"


@dataclass
class Whereabouts:
    """A position to measure from, or only a postcode area to search in."""

    place: Optional[str] = None  # postcode or postcode prefix, as place_in gives it
    near: Optional[Point] = None  # the person's position, or the named place's centre
    place_name: Optional[str] = None  # set when `near` is a place's centre, not the person

    def search_area(self) -> Dict[str, Any]:
        """SearchRequest fields: nearest first when there is a position, else the postcode area."""
        return {"near": self.near} if self.near else {"postal_code_prefix": self.place}


def _entity(tracker: Tracker, name: str) -> Optional[Any]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name:
            return entity.get("value")
    return None


def _from_place(place: str, region: str) -> Whereabouts:
    centre = centre_of(place, region)
    if centre:
        return Whereabouts(place=place, near=centre[1], place_name=centre[0])
    return Whereabouts(place=place)


def locate(tracker: Tracker, region: str) -> Tuple[Optional[Whereabouts], List[Dict[str, Any]]]:
    """Where to search, and the slot events that remember it for the conversation.

    The latest word wins: a location shared now, then a place named now, then
    a location shared earlier, then a place named earlier. Only one of the two
    is kept, so that an older one never overrides a newer one."""
    if latest_intent(tracker) == SHARE_LOCATION:
        latitude, longitude = _entity(tracker, "latitude"), _entity(tracker, "longitude")
        if valid_point(latitude, longitude):
            point = (float(latitude), float(longitude))
            return Whereabouts(near=point), [SlotSet("latitude", point[0]), SlotSet("longitude", point[1]),
                                             SlotSet("place", None)]
    text = (tracker.latest_message or {}).get("text") or ""
    # Button payloads carry numbers (coordinates) that are not postcodes.
    place = None if text.startswith("/") else place_in(text, region)
    if place:
        return _from_place(place, region), [SlotSet("place", place), SlotSet("latitude", None),
                                            SlotSet("longitude", None)]
    latitude, longitude = tracker.get_slot("latitude"), tracker.get_slot("longitude")
    if latitude is not None and valid_point(latitude, longitude):
        return Whereabouts(near=(float(latitude), float(longitude))), []
    remembered = tracker.get_slot("place")
    if remembered:
        return _from_place(remembered, region), []
    return None, []
