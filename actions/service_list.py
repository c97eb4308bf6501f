"""Show services a page (three) at a time, with a "More" button while more exist."""
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import region, user_language
from services_catalog.db import open_session
from services_catalog.demo_loader import region_timezone
from services_catalog.opening_hours import local_now
from services_catalog.presentation import describe_all
from services_catalog.repository import SearchPage, SearchRequest, ServiceRepository

PAGE_SIZE = 3
LAST_SEARCH = "last_search"  # the search as run, with its offset: "More" repeats it further on


def show_page(dispatcher: CollectingDispatcher, request: SearchRequest, lang: str,
              place_name: Optional[str] = None, place: Optional[str] = None,
              intro: bool = False) -> List[Dict[str, Any]]:
    """Run `request` and show its page; the events remember it for "More".

    `place_name`: the named place whose centre distances are measured from;
    `place`: the postcode the person gave, named when the area had to widen;
    `intro`: a first page says "Here are places near you:" before the list."""
    with open_session() as session:
        page = ServiceRepository(session).page(request, PAGE_SIZE)
        if not page.cards and not request.offset and (request.free_only or request.open_at):
            # Nothing free, or nothing open now: every service, each card saying
            # whether it is free and when it opens, rather than no help at all.
            page = ServiceRepository(session).page(replace(request, free_only=False, open_at=None),
                                                   PAGE_SIZE)
    if not page.cards:
        response = "utter_no_more_services" if request.offset else "utter_no_services_found"
        dispatcher.utter_message(response=response)
        return [SlotSet(LAST_SEARCH, None)] if not request.offset else []
    if page.widened and place and len(place) == 5:  # a postcode, not a town's prefix
        dispatcher.utter_message(response="utter_services_further_away", place=place)
    elif intro and not request.offset:
        dispatcher.utter_message(response="utter_services_intro")
    _utter(dispatcher, page, lang, place_name)
    return [SlotSet(LAST_SEARCH, {**page.request.to_slot(), "place_name": place_name})]


def _utter(dispatcher: CollectingDispatcher, page: SearchPage, lang: str, place_name: Optional[str]) -> None:
    timezone = region_timezone(region())
    text = describe_all(page.cards, lang, local_now(timezone), timezone, place_name)
    dispatcher.utter_message(response="utter_services_list_more" if page.has_more else "utter_services_list",
                             services=text)


class ActionShowMore(Action):
    """The next three services of the last search ("More" button, `/show_more`)."""

    def name(self) -> Text:
        return "action_show_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        last = tracker.get_slot(LAST_SEARCH)
        request = SearchRequest.from_slot(last)
        if request is None:  # nothing searched yet in this conversation (or it expired)
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        # The stored request keeps its own language: the order, and so the
        # pages, stay the same even if the person switched language since.
        following = replace(request, offset=request.offset + PAGE_SIZE)
        return show_page(dispatcher, following, user_language(tracker), last.get("place_name"))
