"""Search by shared location or place, distances, "More" pages, filters, the place question."""
from datetime import datetime, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.place_answer import ActionPlaceOrFallback
from actions.service_list import ActionShowMore
from actions.topics import ActionAnswerTopic
from services_catalog.csv_format import ServiceRecord
from services_catalog.db import open_session
from services_catalog.importer import import_records
from services_catalog.places import centre_of
from services_catalog.presentation import clean, describe, format_distance
from services_catalog.repository import SearchRequest, ServiceRepository
from tests.helpers import responses, run

BELLECOUR = (45.7578, 4.8320)


def tracker(intent, text="message", slots=None, entities=None, language="en"):
    return Tracker.from_dict({
        "sender_id": "web-test", "slots": slots or {}, "events": [], "paused": False,
        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                           "entities": entities or [], "metadata": {"language": language}},
    })


def share(latitude, longitude, slots=None, language="en"):
    text = f'/share_location{{"latitude": {latitude}, "longitude": {longitude}}}'
    return tracker("share_location", text, slots=slots, language=language,
                   entities=[{"entity": "latitude", "value": latitude},
                             {"entity": "longitude", "value": longitude}])


def services_text(messages):
    return next(m["services"] for m in messages
                if m.get("response") in ("utter_services_list", "utter_services_list_more"))


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None


def names_in(text):
    return [line[2:].strip("\u2068\u2069") for line in text.split("\n") if line.startswith("• ")]


# --- distances ---------------------------------------------------------------------------

@pytest.mark.parametrize("km,lang,expected", [
    (1.234, "fr", "1,2\u00a0km"), (0.853, "fr", "850\u00a0m"), (12.4, "fr", "12\u00a0km"),
    (1.234, "en", "1.2 km"), (0.853, "en", "850 m"), (0.004, "en", "10 m"), (0.9996, "en", "1 km"),
    (1.234, "ar", "1.2 كم"), (12.4, "ar", "12 كم"),
])
def test_distance_formatted_for_the_locale(km, lang, expected):
    # Babel's own spaces (no-break in French) and Arabic unit names.
    assert format_distance(km, lang).replace("\u202f", "\u00a0") == expected


def test_arabic_metres_use_the_arabic_unit():
    text = format_distance(0.853, "ar")
    assert "850" in text and "m" not in text and "متر" in text


def test_search_by_location_is_nearest_first_with_distances(catalogue):
    with open_session() as session:
        cards = ServiceRepository(session).search("health_vaccination", near=BELLECOUR, limit=10)
    distances = [c.distance_km for c in cards]
    assert len(cards) == 2 and None not in distances
    assert distances == sorted(distances)
    # Centre de vaccination (2 quai des Essais) is about 0.5 km from Bellecour; the PMI 3 km.
    assert cards[0].name == "Centre de vaccination gratuit (démo)" and distances[0] < 1 < distances[1]


def test_services_without_coordinates_come_after_those_with(catalogue):
    with open_session() as session, session.begin():
        import_records(session, [ServiceRecord("Org sans coordonnées", "AAA sans adresse",
                                               ["health_vaccination"], postal_code="69002")])
    with open_session() as session:
        cards = ServiceRepository(session).search("health_vaccination", near=BELLECOUR, limit=10)
    assert [c.name for c in cards][-1] == "AAA sans adresse" and cards[-1].distance_km is None


def test_distance_line_in_french_and_arabic(catalogue):
    with open_session() as session:
        card = ServiceRepository(session).search("health_vaccination", near=BELLECOUR, limit=1)[0]
    assert round(card.distance_km, 2) == 0.57  # geodesic, checked against an independent haversine: 0.574
    assert "570\u202fm" in describe(card, "fr")
    arabic = describe(card, "ar")
    assert "570" in arabic and "متر" in arabic
    assert "About" in describe(card, "en", place_name="Lyon 2e") and "Lyon 2e" in describe(card, "en", place_name="Lyon 2e")


# --- a shared location -------------------------------------------------------------------------

def test_shared_location_answers_the_pending_topic_nearest_first(catalogue):
    messages, events = run(ActionAnswerTopic(), share(45.7540, 4.8270, slots={"pending_topic": "health_vaccination"}))
    # The general answer came with the question; the list says what it is.
    assert responses(messages) == ["utter_services_intro", "utter_services_list"]
    text = services_text(messages)
    assert names_in(text) == ["Centre de vaccination gratuit (démo)", "Suivi de grossesse et des jeunes enfants (démo)"]
    assert "10 m from you" in text
    assert slot(events, "latitude") == 45.754 and slot(events, "place") is None
    assert SlotSet("pending_topic", None) in events


def test_shared_location_without_a_question_asks_what_they_look_for(catalogue):
    messages, events = run(ActionAnswerTopic(), share(45.75, 4.85))
    assert responses(messages) == ["utter_ask_topic"]
    assert slot(events, "longitude") == 4.85


def test_remembered_location_serves_the_next_question(catalogue):
    slots = {"latitude": 45.7670, "longitude": 4.8340}
    messages, _ = run(ActionAnswerTopic(), tracker("cso_services_hygiene", slots=slots))
    assert "from you" in services_text(messages)
    assert "utter_ask_place" not in responses(messages)


def test_out_of_range_coordinates_are_not_used(catalogue):
    messages, events = run(ActionAnswerTopic(), share(123.0, 4.85, slots={"pending_topic": "cso_services_food"}))
    assert responses(messages) == ["utter_default"] and slot(events, "latitude") is None


# --- the place question and its memory ----------------------------------------------------------------

def test_topic_without_a_place_answers_then_asks_the_place(catalogue):
    messages, events = run(ActionAnswerTopic(), tracker("cso_services_food", text="I need food"))
    assert responses(messages) == ["utter_cso_services_food", "utter_ask_place"]
    assert events == [SlotSet("pending_topic", "cso_services_food")]


def test_a_place_alone_answers_the_place_question_and_is_remembered(catalogue):
    messages, events = run(ActionPlaceOrFallback(), tracker(
        "nlu_fallback", text="Lyon 7", slots={"pending_topic": "cso_services_food"}))
    assert responses(messages) == ["utter_services_intro", "utter_services_list"]
    text = services_text(messages)
    assert "Colis alimentaires et repas (démo)" in text and "from the centre of Lyon 7e" in text
    assert SlotSet("place", "69007") in events and SlotSet("pending_topic", None) in events
    # Later in the conversation, another topic uses the remembered place without asking.
    messages, _ = run(ActionAnswerTopic(), tracker("cso_services_clothes", slots={"place": "69007"}))
    assert responses(messages) == ["utter_cso_services_clothes", "utter_services_intro", "utter_services_list"]


def test_a_town_classified_out_of_scope_still_answers(catalogue):
    messages, events = run(ActionPlaceOrFallback(), tracker(
        "out_of_scope", text="Villeurbanne", slots={"pending_topic": "health_dentist"}))
    assert "utter_services_list" in responses(messages) and SlotSet("place", "69100") in events


def test_a_place_named_replaces_a_shared_location(catalogue):
    _, events = run(ActionPlaceOrFallback(), tracker(
        "nlu_fallback", text="69003", slots={"latitude": 45.7, "longitude": 4.8, "pending_topic": "cso_services_food"}))
    assert slot(events, "latitude") is None and slot(events, "place") == "69003"


def test_without_a_place_the_fallback_is_the_usual_answer(catalogue):
    assert responses(run(ActionPlaceOrFallback(), tracker("nlu_fallback", text="blah"))[0]) == ["utter_default"]
    assert responses(run(ActionPlaceOrFallback(), tracker("out_of_scope", text="weather?"))[0]) == ["utter_out_of_scope"]


def test_a_new_place_repeats_the_last_search_there(catalogue):
    last = SearchRequest("cso_services_food", postal_code_prefix="69007", language="en").to_slot()
    messages, _ = run(ActionPlaceOrFallback(), tracker("nlu_fallback", text="Vénissieux", slots={"last_search": last}))
    assert "from the centre of Vénissieux" in services_text(messages)


def test_situation_still_asked_before_the_place_is_used(catalogue):
    messages, events = run(ActionAnswerTopic(), share(45.75, 4.85, slots={"pending_topic": "health_no_insurance"}))
    assert responses(messages) == ["utter_ask_situation"] and slot(events, "latitude") == 45.75


def test_postcode_without_a_centre_searches_the_postcode_area(catalogue):
    assert centre_of("69250", "fr") is None and centre_of("69007", "fr")[0] == "Lyon 7e"
    messages, events = run(ActionAnswerTopic(), tracker("cso_services_hygiene", text="douche 69250"))
    assert "utter_services_further_away" in responses(messages)  # nothing in 69250: the département
    text = services_text(messages)
    assert "from you" not in text and "centre of" not in text  # no position known: no distance
    assert slot(events, "last_search")["postal_code_prefix"] == "69"  # "More" continues the wider area


# --- "More" --------------------------------------------------------------------------------

@pytest.fixture
def many_food_services(catalogue):
    with open_session() as session, session.begin():
        import_records(session, [
            ServiceRecord(f"Org {i}", f"Banque alimentaire {i:02d}", ["cso_services_food"],
                          postal_code="69003", latitude=45.76 + i / 1000, longitude=4.86, languages=["fr"])
            for i in range(8)])
    return catalogue


def test_more_pages_through_every_service_once(many_food_services):
    slots = {"latitude": 45.76, "longitude": 4.86}
    messages, events = run(ActionAnswerTopic(), tracker("cso_services_food", slots=slots))
    seen = names_in(services_text(messages))
    assert "utter_services_list_more" in responses(messages) and len(seen) == 3
    while True:
        slots["last_search"] = slot(events, "last_search")
        messages, events = run(ActionShowMore(), tracker("show_more", text="/show_more", slots=slots))
        if responses(messages) == ["utter_no_more_services"]:
            break
        page = names_in(services_text(messages))
        assert 1 <= len(page) <= 3
        seen += page
        if responses(messages) == ["utter_services_list"]:  # the last page has no "More" button
            break
    assert len(seen) == len(set(seen)) == 9  # eight banks and the demo's own
    assert seen[:3] == ["Banque alimentaire 00", "Banque alimentaire 01", "Banque alimentaire 02"]


def test_more_without_a_search_asks_what_they_look_for(catalogue):
    assert responses(run(ActionShowMore(), tracker("show_more", text="/show_more"))[0]) == ["utter_ask_topic"]


def test_more_after_the_last_page_offers_a_person(catalogue):
    last = SearchRequest("health_dentist", postal_code_prefix="69007", offset=0).to_slot()
    messages, _ = run(ActionShowMore(), tracker("show_more", text="/show_more", slots={"last_search": last}))
    assert responses(messages) == ["utter_no_more_services"]


# --- filters -------------------------------------------------------------------------------

def test_child_age_filters_services_by_their_ages(catalogue):
    with open_session() as session:
        repository = ServiceRepository(session)
        baby = [c.name for c in repository.search("childcare_find", child_ages=(0, 2), limit=10)]
        school = [c.name for c in repository.search("childcare_find", child_ages=(7, 17), limit=10)]
    assert "Crèche et halte-garderie (démo)" in baby
    assert school == []  # the crèche takes children to 3, the PMI to 6


def test_child_age_slot_applies_to_childcare_answers(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker(
        "inform_child_age", slots={"child_age": "over_6", "pending_topic": "childcare_find", "place": "69007"}))
    assert responses(messages) == ["utter_childcare_find__over_6", "utter_no_services_found"]
    messages, _ = run(ActionAnswerTopic(), tracker(
        "inform_child_age", slots={"child_age": "under_3", "pending_topic": "childcare_find", "place": "69007"}))
    assert "Crèche et halte-garderie (démo)" in services_text(messages)


def test_free_only_and_free_first(catalogue):
    with open_session() as session:
        repository = ServiceRepository(session)
        free = [c.name for c in repository.search("childcare_find", free_only=True, limit=10)]
        ranked = [c.name for c in repository.search("childcare_find", language="ar", limit=10)]
    assert free == ["Suivi de grossesse et des jeunes enfants (démo)"]
    # Both speak Arabic; the free one comes first although "Crèche" sorts before "Suivi".
    assert ranked == ["Suivi de grossesse et des jeunes enfants (démo)", "Crèche et halte-garderie (démo)"]


def test_users_language_comes_first(catalogue):
    with open_session() as session:
        cards = ServiceRepository(session).search("language_course_find", language="uk", limit=3)
    assert "uk" in cards[0].languages and "uk" not in cards[1].languages


def test_open_now_filter_in_local_time_across_daylight_saving(catalogue):
    with open_session() as session, session.begin():
        import_records(session, [ServiceRecord("Org dimanche", "Permanence du dimanche", ["health_dentist"],
                                               schedules=[("SU", "10:00", "11:00")])])

    def open_at(*utc):
        with open_session() as session:
            return [c.name for c in ServiceRepository(session).search(
                "health_dentist", open_at=datetime(*utc, tzinfo=timezone.utc), timezone="Europe/Paris")]

    # Sunday 2026-03-29, clocks went forward at 02:00: 08:30 UTC is 10:30 in Paris.
    assert open_at(2026, 3, 29, 8, 30) == ["Permanence du dimanche"]
    # The Sunday before, 08:30 UTC was 09:30 in Paris: closed.
    assert open_at(2026, 3, 22, 8, 30) == []
    # Autumn, 2026-10-25, clocks went back: 09:30 UTC is 10:30 in Paris; 08:30 UTC is 09:30.
    assert open_at(2026, 10, 25, 9, 30) == ["Permanence du dimanche"]
    assert open_at(2026, 10, 25, 8, 30) == []


@pytest.mark.parametrize("prefix", ["69007", "6900", "69", "99", "6910", "690"])
def test_postcode_areas_find_exactly_the_services_there(catalogue, prefix):
    """Narrow areas are read through the postcode index, wide ones per service;
    both must find the same services as a plain prefix test."""
    with open_session() as session, session.begin():
        import_records(session, [ServiceRecord("Org 99", "Hors région", ["cso_services_food"], postal_code="99100")])
    with open_session() as session:
        repository = ServiceRepository(session)
        everything = repository.search("cso_services_food", limit=100)
        found = repository.search("cso_services_food", postal_code_prefix=prefix, limit=100)
    assert {c.name for c in found} == {c.name for c in everything if (c.postal_code or "").startswith(prefix)}


def test_search_request_survives_the_slot():
    request = SearchRequest("cso_services_food", near=(45.7, 4.8), language="ar", child_ages=(0, 2), offset=6)
    assert SearchRequest.from_slot(request.to_slot()) == request
    assert SearchRequest.from_slot({"topic": ""}) is None and SearchRequest.from_slot("junk") is None
    assert SearchRequest.from_slot({"topic": "x", "near": [1], "offset": "a"}) is None


# --- catalogue text is data -----------------------------------------------------------------------

def test_catalogue_text_loses_controls_and_direction_overrides():
    assert clean("Café\u202e0110\u0007 ok", "fr") == "Café0110 ok"
    assert clean("line one\nline two", "ar") == "\u2068line one\u2069\n\u2068line two\u2069"
    assert clean("Zero\u200cwidth joiner stays", "fa").count("\u200c") == 1


# --- wishes said in the person's words: free, open now ----------------------------------

@pytest.fixture
def paying_and_free(catalogue):
    with open_session() as session, session.begin():
        import_records(session, [
            ServiceRecord("Org P", "Douches payantes Bellecour", ["cso_services_hygiene"], postal_code="69002",
                          latitude=45.7579, longitude=4.8321, is_free=False, languages=["fr"],
                          schedules=[("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")]),
        ])


def test_free_said_with_the_question_keeps_only_free_services(paying_and_free):
    # Asked in words, with the place shared afterwards.
    messages, events = run(ActionAnswerTopic(), tracker("cso_services_hygiene", text="free shower please"))
    assert slot(events, "search_wishes") == {"free": True, "open_now": False}
    messages, _ = run(ActionAnswerTopic(), share(*BELLECOUR, slots={
        "pending_topic": "cso_services_hygiene", "search_wishes": {"free": True, "open_now": False}}))
    assert "Douches payantes Bellecour" not in services_text(messages)
    messages, _ = run(ActionAnswerTopic(), share(*BELLECOUR, slots={"pending_topic": "cso_services_hygiene"}))
    assert "Douches payantes Bellecour" in services_text(messages)  # nearest, when free was not asked


def test_a_wish_nothing_fits_still_shows_help(catalogue):
    from actions.wishes import wishes_in

    assert wishes_in(["أين أجد طعام مجاني الآن"]).free and wishes_in(["я хочу сейчас поесть"]).open_now
    assert wishes_in(["I need a doctor"]) == wishes_in([])
    # Nothing in the catalogue is for childcare and open at 3 a.m.: the list still comes.
    request = SearchRequest("cso_services_food", near=BELLECOUR, timezone="Europe/Paris",
                            open_at=datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc))
    from actions.service_list import show_page
    dispatcher = CollectingDispatcher()
    show_page(dispatcher, request, "en")
    assert "utter_no_services_found" not in responses(dispatcher.messages)
    assert services_text(dispatcher.messages)


def test_the_same_search_runs_on_postgresql(postgres_url, tmp_path):
    """Issue 3: the same code on SQLite and PostgreSQL: with the demo catalogue in each, every
    search shape (nearest, postcode with widening, free only, open at a given time) gives the
    same services in the same order."""
    from sqlalchemy.orm import sessionmaker

    from services_catalog.db import make_engine
    from services_catalog.demo_loader import ensure_catalogue

    tuesday_evening = datetime(2026, 11, 24, 17, 30, tzinfo=timezone.utc)
    requests = [SearchRequest("cso_services_food", near=BELLECOUR, language="ar"),
                SearchRequest("language_course_find", postal_code_prefix="69007", language="fr",
                              free_only=True),
                SearchRequest("health_find_doctor", postal_code_prefix="69120"),
                SearchRequest("cso_services_food", postal_code_prefix="69", open_at=tuesday_evening,
                              timezone="Europe/Paris")]

    def answers(url):
        engine = make_engine(url)
        try:
            with sessionmaker(engine, future=True)() as session, session.begin():
                ensure_catalogue(session, "fr")
            with sessionmaker(engine, future=True)() as session:
                repository = ServiceRepository(session)
                return [[(c.name, round(c.distance_km, 2) if c.distance_km is not None else None)
                         for c in repository.page(r, 3).cards] for r in requests]
        finally:
            engine.dispose()

    on_postgres = answers(postgres_url)
    assert all(on_postgres[:3]) and on_postgres[0][0][1] is not None
    assert on_postgres == answers(f"sqlite:///{tmp_path / 'same.db'}")
