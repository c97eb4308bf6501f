"""The console in a real browser, in Arabic: tests/browser/console.test.mjs drives Debian's Chromium.

The gateway (with the fake Rasa) listens on a free loopback port; the Node
script signs in through the form, waits for an urgent case to appear live,
claims it, sends a prepared reply and closes the case, checking every text it
reads against the Arabic catalogue. Screenshots go to HELPDESK_SCREENSHOTS_DIR
(`make screenshots`: docs/screenshots/).
"""
import json

import pytest

from bot.canned_replies import CANNED_REPLIES
from bot.views import console_texts, portal_texts
from localization import translations
from tests.helpers import PASSWORD, handoff_script, make_account
from tests.chromium import CHROMIUM, ensure_playwright, run_node_test, screenshots_dir

pytestmark = pytest.mark.slow


def arabic_texts() -> dict:
    ar = lambda msgid: translations().gettext("ar", msgid)  # noqa: E731
    return {"queue": ar(console_texts.QUEUE), "live": ar(console_texts.JS_TEXTS["live"]),
            "sound_off": ar(console_texts.SOUND_OFF), "urgent": ar(console_texts.URGENT),
            "urgent_title": ar(console_texts.JS_TEXTS["urgent_title"]),
            "reason": ar(portal_texts.TOPIC_LABELS["crisis_violence"]),
            "claimed": ar(console_texts.DONE["claimed"]), "sent": ar(console_texts.JS_TEXTS["sent"]),
            "closed": ar(console_texts.DONE["closed"]), "hello_ar": ar(CANNED_REPLIES["hello"]),
            "hello_fr": translations().gettext("fr", CANNED_REPLIES["hello"])}


async def test_console_in_chromium_in_arabic(gateway, fake_rasa, tmp_path):
    ensure_playwright()
    fake_rasa.script = handoff_script(True, "crisis_violence")
    make_account(gateway, "amal@example.org", languages=("ar", "fr"))
    texts = arabic_texts()
    assert texts["queue"] != console_texts.QUEUE  # the catalogue is really Arabic
    shots = screenshots_dir(tmp_path)
    await run_node_test("console.test.mjs", {
        "CONSOLE_URL": str(gateway.make_url("")).rstrip("/"), "CONSOLE_EMAIL": "amal@example.org",
        "CONSOLE_PASSWORD": PASSWORD, "CONSOLE_TEXTS": json.dumps(texts),
        "CONSOLE_SCREENSHOTS": str(shots), "CONSOLE_CHROMIUM": CHROMIUM}, timeout=180)
    assert (shots / "console-case-ar.png").stat().st_size > 0
