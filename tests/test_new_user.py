"""As a new user would: Telegram users writing in Ukrainian, Arabic, Persian and French,
on the real processes (trained model, action server, gateway) and the Bot API emulator.

Each asks where to find free food, is asked where they are, gives a postcode,
and gets the demo catalogue's places, every text in their own language.
"""
import asyncio
import json
import secrets
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from bot.settings import ROOT, Settings
from localization import translations
from tests.telegram_emulator import EmulatorFront, EmulatorProcess, Person, ensure_installed, free_port

pytestmark = pytest.mark.slow

QUESTIONS = {
    "uk": "де можна отримати безкоштовну їжу для моєї родини?",
    "ar": "أين يمكنني الحصول على طعام مجاني لعائلتي؟",
    "fa": "کجا می‌توانم برای خانواده‌ام غذای رایگان بگیرم؟",
    "fr": "j'ai besoin de nourriture pour ma famille, où trouver un colis alimentaire ?",
}
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
TOKEN = "3001:NEWUSER"


def response_text(name, lang):
    return translations().gettext(lang, DOMAIN["responses"][name][0]["text"])


class ThreadedFront:
    """The emulator's thin front, served from a thread: the gateway is another process."""

    def __init__(self, emulator_url: str):
        self.front = EmulatorFront(emulator_url)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()
        assert self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.front.app())
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self.ready.set()
        self.loop.run_forever()


@pytest.fixture(scope="module")
def telegram_stack(tmp_path_factory):
    from tools.stack import Stack

    ensure_installed()
    emulator = EmulatorProcess()
    emulator.start()
    front = ThreadedFront(emulator.url)
    front.start()
    var_dir = tmp_path_factory.mktemp("var")
    settings = Settings(var_dir=var_dir, port=free_port(),
                        database_url=f"sqlite:///{var_dir / 'helpdesk.db'}",
                        tracker_store_url=f"sqlite:///{var_dir / 'tracker.db'}",
                        secret="new-user-secret", rasa_token=secrets.token_urlsafe(16),
                        telegram_bot_token=TOKEN, telegram_base_url=f"{front.url}/bot")
    stack = Stack(settings, rasa_port=free_port(), actions_port=free_port(), log_dir=var_dir / "logs")
    try:
        stack.start()
        if not stack.wait_healthy(timeout=600):
            pytest.fail("stack not healthy: " + "\n".join(
                p.read_text()[-2000:] for p in (var_dir / "logs").glob("*.log")))
        yield emulator, stack
    finally:
        stack.stop()
        emulator.stop()


def wait_for_text(person, wanted, timeout=60):
    import time

    deadline = time.monotonic() + timeout
    while True:
        received = asyncio.run(person.wait_for(0))
        texts = [m.get("text", "") for m in received]
        if any(wanted in t for t in texts) or time.monotonic() > deadline:
            return texts
        time.sleep(0.5)


@pytest.mark.parametrize("lang", list(QUESTIONS))
def test_a_telegram_user_is_answered_in_their_language(telegram_stack, lang):
    emulator, _ = telegram_stack
    person = Person(emulator.url, TOKEN, 900000 + list(QUESTIONS).index(lang), language_code="en")
    asyncio.run(person.say(QUESTIONS[lang]))
    ask_place = response_text("utter_ask_place", lang)
    texts = wait_for_text(person, ask_place)
    assert response_text("utter_cso_services_food", lang) in texts
    assert ask_place in texts  # Telegram said "en": the message's own language won
    asyncio.run(person.say("69007"))
    texts = wait_for_text(person, "Colis alimentaires et repas (démo)")
    assert any("Colis alimentaires et repas (démo)" in t for t in texts)


def test_the_stack_runs_telegram_by_polling(telegram_stack):
    _, stack = telegram_stack
    with urllib.request.urlopen(f"{stack.gateway_url()}/healthz", timeout=10) as answer:
        assert json.loads(answer.read())["status"] == "ok"


@pytest.mark.parametrize("lang", ["ar", "fr", "uk"])
def test_a_widget_user_on_the_demo_page_is_answered_in_their_language(telegram_stack, lang, tmp_path):
    import os
    import subprocess

    from tests.chromium import BROWSER_DIR, CHROMIUM, ensure_playwright

    ensure_playwright()
    _, stack = telegram_stack
    done = subprocess.run(
        ["node", str(BROWSER_DIR / "new_user.mjs")], capture_output=True, text=True, timeout=180,
        env={**os.environ, "GATEWAY": stack.gateway_url(), "LANG_CODE": lang,
             "QUESTION": QUESTIONS[lang], "EXPECT": response_text("utter_ask_place", lang)[:40],
             "THEN": "69007", "THEN_EXPECT": "(démo)",
             "RTL": "1" if lang == "ar" else "0", "WIDGET_CHROMIUM": CHROMIUM,
             "SHOT": str(Path(os.environ.get("HELPDESK_SCREENSHOTS_DIR") or tmp_path)
                         / f"widget-answer-{lang}.png")})
    assert done.returncode == 0, done.stdout + done.stderr
