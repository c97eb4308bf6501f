"""Property-based fuzzing of the chat API: any input gets a clear answer, never a crash."""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from bot.keys import ADDRESS_LIMITER, CONVERSATION_LIMITER

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10)


def unlimited(gateway):
    gateway.app[CONVERSATION_LIMITER].limit = 10**9
    gateway.app[ADDRESS_LIMITER].limit = 10**9


@FUZZ
@given(text=st.text(max_size=3000), locale=st.none() | st.text(max_size=20))
async def test_any_text_gets_an_answer_and_is_kept_verbatim(gateway, fake_rasa, text, locale):
    unlimited(gateway)
    body = {"text": text} if locale is None else {"text": text, "locale": locale}
    response = await gateway.post("/api/chat/fuzz/messages", json=body)
    assert response.status in (200, 400, 413)
    answer = await response.json()
    if response.status == 200:
        assert answer["language"] and answer["handoff"]["state"] in ("bot", "queued", "with_caseworker")
        listing = await (await gateway.get("/api/chat/fuzz/messages?after=0")).json()
        assert text.strip() in [m["text"] for m in listing["messages"] if m["sender"] == "user"]
    else:
        assert answer["error"] and isinstance(answer["message"], str)


@FUZZ
@given(body=json_values)
async def test_any_json_body_gets_a_clear_answer(gateway, fake_rasa, body):
    unlimited(gateway)
    response = await gateway.post("/api/chat/fuzz2/messages", data=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
    assert response.status in (200, 400, 413)


@FUZZ
@given(raw=st.binary(max_size=2000))
async def test_any_bytes_get_a_clear_answer(gateway, fake_rasa, raw):
    unlimited(gateway)
    response = await gateway.post("/api/chat/fuzz3/messages", data=raw,
                                  headers={"Content-Type": "application/json"})
    assert response.status in (200, 400, 413)
