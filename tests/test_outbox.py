"""Replies pushed through a channel are never lost: stored first, retried in order, shown undelivered."""
from bot.keys import CONVERSATIONS, STORE
from bot.outbox import RetryLater, Undeliverable
from bot.pseudonym import pseudonymous_id


class FlakyChannel:
    """A channel that fails as told, and records what it delivered."""

    def __init__(self):
        self.failures = []  # exceptions to raise, one per attempt, before succeeding
        self.delivered = []

    async def send(self, address, message):
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((address, message.text))


async def test_replies_wait_for_the_channel_and_keep_their_order(gateway, fake_rasa):
    conversations = gateway.app[CONVERSATIONS]
    channel = FlakyChannel()
    conversations.outbox.register("push", channel.send)
    fake_rasa.script = lambda body: [{"text": "first"}, {"text": "second"}]
    cid = pseudonymous_id("test-secret", "push", "chat-42")

    channel.failures = [RetryLater(0)]
    await conversations.handle_user_message(cid, "push", "bonjour", address="42")
    assert channel.delivered == []  # Telegram said 429: nothing sent, nothing skipped
    waiting = gateway.app[STORE].undelivered(cid, due_only=False)
    assert [m.text for _, _, m, _ in waiting] == ["first", "second"]

    channel.failures = [ConnectionError("network down")]
    assert await conversations.outbox.flush(cid) == 0
    assert await conversations.outbox.flush(cid) == 2
    assert channel.delivered == [("42", "first"), ("42", "second")]
    assert await conversations.outbox.flush(cid) == 0  # sent once, never again


async def test_caseworker_reply_to_a_blocked_chat_is_marked_undeliverable(gateway, fake_rasa):
    conversations = gateway.app[CONVERSATIONS]
    channel = FlakyChannel()
    conversations.outbox.register("push", channel.send)
    fake_rasa.script = lambda body: [{"custom": {"handoff": {"urgent": True, "reason": "crisis_violence"}}},
                                     {"text": "a person will answer"}]
    cid = pseudonymous_id("test-secret", "push", "chat-7")
    result = await conversations.handle_user_message(cid, "push", "aidez-moi", address="7")
    case = result.case
    channel.failures = [Undeliverable("bot was blocked by the user")]
    position = await conversations.caseworker_reply(case, "Je suis là.")
    message = [m for m in gateway.app[STORE].messages_after(cid, position - 1) if m.position == position][0]
    assert message.status == "undeliverable"
    # The sealed address is not the raw chat id.
    conversation = gateway.app[STORE].conversation(cid)
    assert conversation.sealed_address and "7" != conversation.sealed_address
    assert conversations.sealer.open(conversation.sealed_address) == "7"
