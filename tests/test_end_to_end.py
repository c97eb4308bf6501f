"""The real processes (Rasa, action server, gateway) on a trained model, through the chat API.

Trains the model when no cached one matches data, domain and config
(HELPDESK_MODEL_CACHE), starts every process on free loopback ports with a
fresh var/, and talks to it as a person would, in every launch language.
"""
import json
import secrets
import socket
import urllib.request

import pytest
import yaml

from bot.settings import ROOT, Settings
from localization import load_languages, translations

pytestmark = pytest.mark.slow

FOOD_QUESTIONS = {
    "fr": "j'ai besoin de nourriture pour ma famille, où trouver un colis alimentaire ?",
    "en": "where can I get free food for my family?",
    "ar": "أين يمكنني الحصول على طعام مجاني لعائلتي؟",
    "uk": "де можна отримати безкоштовну їжу для моєї родини?",
    "ru": "где можно получить бесплатную еду для моей семьи?",
    "fa": "کجا می‌توانم برای خانواده‌ام غذای رایگان بگیرم؟",
    "ps": "زه د خپلې کورنۍ لپاره وړیا خواړه چېرته ترلاسه کولی شم؟",
    "es": "donde puedo conseguir comida gratis para mi familia?",
}
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def response_text(name, lang):
    return translations().gettext(lang, DOMAIN["responses"][name][0]["text"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tools.stack import Stack

    var_dir = tmp_path_factory.mktemp("var")
    settings = Settings(var_dir=var_dir, port=free_port(),
                        database_url=f"sqlite:///{var_dir / 'helpdesk.db'}",
                        tracker_store_url=f"sqlite:///{var_dir / 'tracker.db'}",
                        secret="e2e-secret", rasa_token=secrets.token_urlsafe(16))
    running = Stack(settings, rasa_port=free_port(), actions_port=free_port(), log_dir=var_dir / "logs")
    try:
        running.start()
        healthy = running.wait_healthy(timeout=600)
        if not healthy:
            logs = "\n".join(p.read_text()[-3000:] for p in (var_dir / "logs").glob("*.log"))
            pytest.fail(f"stack not healthy:\n{logs}")
        yield running
    finally:
        running.stop()


def post(stack, conversation, text, locale=None):
    body = {"text": text, **({"locale": locale} if locale else {})}
    request = urllib.request.Request(f"{stack.gateway_url()}/api/chat/{conversation}/messages",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_health_is_ok(stack):
    with urllib.request.urlopen(f"{stack.gateway_url()}/healthz", timeout=10) as answer:
        assert json.loads(answer.read()) == {"status": "ok", "rasa": "ok", "actions": "ok", "db": "ok"}


@pytest.mark.parametrize("lang", load_languages().codes)
def test_food_question_answered_in_its_language(stack, lang):
    reply = post(stack, f"food-{lang}", FOOD_QUESTIONS[lang])
    assert reply["language"] == lang
    texts = [m["text"] for m in reply["messages"]]
    assert texts[0] == response_text("utter_cso_services_food", lang)
    assert texts[-1] == response_text("utter_ask_place", lang)  # where? before any list
    reply = post(stack, f"food-{lang}", "69007")  # a postcode alone answers it
    assert reply["language"] == lang
    texts = [m["text"] for m in reply["messages"]]
    assert any("Colis alimentaires et repas (démo)" in t for t in texts)  # from the catalogue


def test_situation_question_then_answer_for_that_situation(stack):
    reply = post(stack, "coverage", "I have no health insurance, how can I see a doctor?")
    question = reply["messages"][0]
    assert question["text"] == response_text("utter_ask_situation", "en")
    payload = next(b["payload"] for b in question["buttons"] if "no_papers" in b["payload"])
    reply = post(stack, "coverage", payload)
    assert reply["messages"][0]["text"] == response_text("utter_health_no_insurance__no_papers", "en")


def test_crisis_opens_an_urgent_case_and_the_bot_goes_quiet(stack):
    reply = post(stack, "crisis", "I want to kill myself tonight")
    assert reply["handoff"]["state"] == "queued" and reply["handoff"]["urgent"] is True
    texts = "\n".join(m["text"] for m in reply["messages"])
    assert response_text("utter_crisis_self_harm", "en") in texts
    assert "3114" in texts
    reply = post(stack, "crisis", "/restart")
    assert reply["handoff"]["state"] == "queued"
    assert reply["messages"][0]["text"] == translations().gettext(
        "en", "Your message was passed to the person from the help desk.")


def test_language_menu_and_explicit_choice(stack):
    reply = post(stack, "menu", "/language")
    assert reply["messages"][0]["text"] == response_text("utter_language_menu", "fr")
    payload = next(b["payload"] for b in reply["messages"][0]["buttons"] if '"uk"' in b["payload"])
    reply = post(stack, "menu", payload)
    assert reply["language"] == "uk"
    assert reply["messages"][0]["text"] == response_text("utter_language_set", "uk")


def test_forget_me_erases_the_conversation(stack):
    post(stack, "forget", "hello, I need a lawyer for free")
    reply = post(stack, "forget", "please delete all my data")
    assert reply["messages"][0]["text"] == response_text("utter_ask_forget_confirm", "en")
    reply = post(stack, "forget", "/affirm")
    assert reply["messages"][0]["text"] == response_text("utter_forgotten", "en")
    with urllib.request.urlopen(f"{stack.gateway_url()}/api/chat/forget/messages?after=0") as answer:
        assert json.loads(answer.read())["messages"] == []


NOTICE = ('Please do not write your name or any document number. Your messages are kept for '
          '{retention_days} days and are never shared with the police or immigration '
          'authorities. Write "forget me" at any time to erase them.')


@pytest.mark.parametrize("lang", load_languages().codes)
def test_the_forget_words_the_privacy_notice_gives_really_work(stack, lang):
    import re

    notice = translations().gettext(lang, NOTICE)
    phrase = re.search(r'[«"](.+?)[»"]', notice).group(1).strip()
    reply = post(stack, f"notice-{lang}", phrase, locale=lang)
    assert reply["messages"][0]["text"] == response_text("utter_ask_forget_confirm", lang), phrase


def wait_for_text(stack, conversation, wanted, seconds=90):
    import time

    deadline = time.monotonic() + seconds
    texts = []
    while time.monotonic() < deadline and wanted not in texts:
        with urllib.request.urlopen(f"{stack.gateway_url()}/api/chat/{conversation}/messages?after=0") as answer:
            texts = [m["text"] for m in json.loads(answer.read())["messages"]]
        time.sleep(1)
    return texts


def test_zy_action_server_killed_then_back_nothing_lost(stack):
    """Fault injection: the action server dies; the person is told, the question is answered later."""
    import time

    post(stack, "fault-actions", "hello")
    stack.kill("actions")
    started = time.monotonic()
    reply = post(stack, "fault-actions", "where can I get free food for my family?")
    assert time.monotonic() - started < 5.5
    assert "112" in reply["messages"][0]["text"]
    stack.start_actions()
    assert stack.wait_healthy(timeout=120)
    texts = wait_for_text(stack, "fault-actions", response_text("utter_cso_services_food", "en"))
    assert texts.count(response_text("utter_cso_services_food", "en")) == 1


def test_zz_rasa_killed_then_back_nothing_lost(stack):
    """Fault injection (runs last): kill Rasa mid-conversation, then bring it back."""
    import time

    post(stack, "fault", "hello")
    stack.kill("rasa")
    started = time.monotonic()
    reply = post(stack, "fault", "where can I get free food for my family?")
    assert time.monotonic() - started < 5.5
    assert reply["messages"][0]["text"].startswith(translations().gettext(
        "en", "Sorry, we are having technical trouble. Please write again in a few minutes. "
              "If you are in danger, call the emergency numbers:"))
    assert "112" in reply["messages"][0]["text"]
    stack.start_rasa()
    assert stack.wait_healthy(timeout=300)
    food = response_text("utter_cso_services_food", "en")
    deadline = time.monotonic() + 60
    texts = []
    while time.monotonic() < deadline and food not in texts:
        with urllib.request.urlopen(f"{stack.gateway_url()}/api/chat/fault/messages?after=0") as answer:
            texts = [m["text"] for m in json.loads(answer.read())["messages"]]
        time.sleep(1)
    assert food in texts  # the waiting message was processed by the inbox replay
    assert texts.count(food) == 1
