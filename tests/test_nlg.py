"""Rasa's NLG requests are answered in the user's language, with the token only."""
import pytest

from localization import load_languages, translations

GREET = ("Hello! I am the help desk's automatic assistant. I can tell you about your rights, "
         "French classes, childcare, health care and local organisations that help. What do you need?")


def nlg_body(response, language=None, arguments=None, slots=None):
    metadata = {"language": language} if language else {}
    return {"response": response, "arguments": arguments or {}, "channel": {"name": "helpdesk"},
            "tracker": {"sender_id": "x", "slots": slots or {},
                        "latest_message": {"text": "hi", "metadata": metadata}}}


async def test_token_is_required(gateway):
    response = await gateway.post("/nlg", json=nlg_body("utter_greet", "fr"))
    assert response.status == 401


@pytest.mark.parametrize("lang", load_languages().codes)
async def test_greeting_in_each_language(gateway, lang):
    response = await gateway.post(f"/nlg?token={gateway.settings.rasa_token}",
                                  json=nlg_body("utter_greet", lang))
    assert response.status == 200
    body = await response.json()
    assert body["text"] == translations().gettext(lang, GREET)
    assert [b["payload"] for b in body["buttons"]][-1] == "/request_human"
    assert body["buttons"][-1]["title"] == translations().gettext(lang, "Talk to a person")


async def test_placeholders_from_arguments_then_slots(gateway):
    response = await gateway.post(f"/nlg?token={gateway.settings.rasa_token}",
                                  json=nlg_body("utter_emergency_contacts", "en",
                                                arguments={"contacts": "15 — SAMU"}))
    assert (await response.json())["text"] == "Emergency numbers (free):\n15 — SAMU"
    response = await gateway.post(f"/nlg?token={gateway.settings.rasa_token}",
                                  json=nlg_body("utter_privacy_notice", "en"))
    assert "kept for 30 days" in (await response.json())["text"]


async def test_unknown_language_falls_back_to_default(gateway):
    response = await gateway.post(f"/nlg?token={gateway.settings.rasa_token}",
                                  json=nlg_body("utter_goodbye", "de"))
    default = load_languages().default
    assert (await response.json())["text"] == translations().gettext(
        default, "Take care. You can write again at any time.")
