"""The demo catalogue loads; search and emergency contacts find what they should."""
from services_catalog.db import open_session
from services_catalog.demo_loader import ensure_catalogue
from services_catalog.presentation import describe, emergency_text
from services_catalog.repository import ServiceRepository
from services_catalog.taxonomy import TOPIC_INTENTS


def test_demo_loads_once_and_covers_every_topic(catalogue):
    with open_session() as session, session.begin():
        assert ensure_catalogue(session) == "catalogue already has services"
    from actions.topics import NO_SERVICE_LIST
    with open_session() as session:
        repository = ServiceRepository(session)
        missing = [t for t in TOPIC_INTENTS if t not in NO_SERVICE_LIST and not repository.search(t)]
    assert not missing


def test_search_prefers_services_speaking_the_users_language(catalogue):
    with open_session() as session:
        cards = ServiceRepository(session).search("language_course_find", language="uk", limit=3)
    assert cards[0].name == "Atelier français avec garde d'enfants (démo)"
    assert "uk" in cards[0].languages


def test_search_by_postcode(catalogue):
    with open_session() as session:
        repository = ServiceRepository(session)
        assert repository.search("cso_services_hygiene", postal_code_prefix="69001")
        assert not repository.search("cso_services_hygiene", postal_code_prefix="75")


def test_emergency_lines_fit_the_crisis(catalogue):
    with open_session() as session:
        repository = ServiceRepository(session)
        self_harm = {line.number for line in repository.emergency_lines("fr", ["crisis_self_harm"])}
        minor = {line.number for line in repository.emergency_lines("fr", ["crisis_unaccompanied_minor"])}
    assert "3114" in self_harm and "15" in self_harm and "3919" not in self_harm
    assert "119" in minor


def test_service_card_text_in_arabic_says_when_description_is_in_another_language(catalogue):
    with open_session() as session:
        card = ServiceRepository(session).search("cso_services_food", limit=1)[0]
    text = describe(card, "ar")
    assert card.name in text and card.phone in text
    assert card.texts["description"]["fr"] in text  # shown, with a note in Arabic


def test_emergency_text_lines(catalogue):
    with open_session() as session:
        lines = ServiceRepository(session).emergency_lines("fr", ["crisis_violence"])
    text = emergency_text(lines, "en")
    assert "17 — Police, if you are in danger now" in text
    assert "114 — Emergency by text message, if you cannot speak (by text message)" in text
