"""What happens to one message from a person, whatever channel it came by.

Stored first (so nothing is lost), the language chosen, then routed: to the
caseworker when a case is open (the bot stays silent), otherwise to Rasa, whose
replies may ask the gateway to open a case or to forget the person.
"""
import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from bot.erasure_ledger import ErasureLedger
from bot.events import STAFF_TOPIC, EventHub, conversation_topic
from bot.language import choose_language
from bot.locks import ConversationLocks
from bot.nlg import ResponseRenderer
from bot.outbox import Outbox
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.safety_net import SafetyNet
from bot.sealed import AddressSealer
from bot.stats import UsageStats
from bot.store import CaseView, GatewayStore
from bot.texts import MESSAGE_PASSED_ON, TROUBLE
from bot.tracker_eraser import TrackerEraser
from localization import LanguageSet, Translations

logger = logging.getLogger(__name__)

SET_LANGUAGE = "/set_language"


@dataclass
class ChatResult:
    """What the channel sends back to the person."""

    messages: List[Dict[str, Any]]
    language: str
    case: Optional[CaseView] = None
    forgotten: bool = False
    # Rasa could not be reached: the message stays in the inbox for a replay.
    pending: bool = False
    # Replies to earlier messages that were waiting for Rasa (already stored).
    replayed: List[Dict[str, Any]] = field(default_factory=list)
    positions: List[int] = field(default_factory=list)

    def handoff_json(self) -> Dict[str, Any]:
        if self.case is None:
            return {"state": "bot", "case_id": None, "urgent": False}
        return {"state": self.case.state, "case_id": self.case.id, "urgent": self.case.urgent}

    def as_json(self) -> Dict[str, Any]:
        return {"messages": self.replayed + self.messages, "language": self.language,
                "handoff": self.handoff_json()}


def language_menu(languages: LanguageSet) -> List[Dict[str, str]]:
    """Buttons with each language's own name."""
    return [{"title": lang.name,
             "payload": f'{SET_LANGUAGE}{{"language": "{code}"}}'}
            for code, lang in languages.languages.items()]


def parse_set_language(text: str) -> Optional[str]:
    """The language code in a `/set_language{"language": "ar"}` payload."""
    if not text.startswith(SET_LANGUAGE):
        return None
    try:
        return json.loads(text[len(SET_LANGUAGE):] or "{}").get("language")
    except (ValueError, AttributeError):
        return None


def replies_after_message(events: List[Dict[str, Any]], message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The bot's replies to the user message with this id, from tracker events;
    None when Rasa never received that message. A message sent again (its
    first turn failed with the action server down) counts from its last copy."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "user" and event.get("message_id") == message_id:
            replies = []
            for later in events[index + 1:]:
                if later.get("event") == "user":
                    break
                if later.get("event") == "bot":
                    data = later.get("data") or {}
                    replies.append({"text": later.get("text"), "buttons": data.get("buttons"),
                                    "custom": data.get("custom")})
            return replies
    return None


class ConversationService:
    """The gateway's routing of one message, shared by every channel."""

    def __init__(self, store: GatewayStore, rasa: RasaClient, renderer: ResponseRenderer,
                 translations: Translations, languages: LanguageSet,
                 tracker_eraser: TrackerEraser,
                 emergency_lines: Callable[[str], str],
                 safety_net: Optional[SafetyNet] = None,
                 hub: Optional[EventHub] = None,
                 sealer: Optional[AddressSealer] = None,
                 stats: Optional[UsageStats] = None,
                 ledger: Optional[ErasureLedger] = None):
        self.store = store
        self.rasa = rasa
        self.renderer = renderer
        self.translations = translations
        self.languages = languages
        self.tracker_eraser = tracker_eraser
        self.emergency_lines = emergency_lines
        self.safety_net = safety_net or SafetyNet([])
        self.hub = hub or EventHub()
        self.locks = ConversationLocks(self.hub.redis)
        self.sealer = sealer or AddressSealer("unset")
        self.outbox = Outbox(store, self.sealer.open, ConversationLocks(self.hub.redis, "outbox"))
        self.stats = stats
        self.ledger = ledger

    async def _db(self, function, *args, **kwargs):
        return await asyncio.to_thread(function, *args, **kwargs)

    async def handle_user_message(self, conversation_id: str, channel: str, text: str,
                                  hint: Optional[str] = None,
                                  address: Optional[str] = None) -> ChatResult:
        """Process one message from a person; `conversation_id` is pseudonymous.

        `address` is where a pushing channel sends replies (a Telegram chat
        id): it is kept only sealed. Replies on such channels are stored as
        `to_send` and pushed by the outbox before this returns.
        """
        result = await self._handle_locked(conversation_id, channel, text, hint, address)
        if self.outbox.pushes(channel):
            await self.outbox.flush(conversation_id)
        return result

    async def _handle_locked(self, conversation_id: str, channel: str, text: str,
                             hint: Optional[str], address: Optional[str]) -> ChatResult:
        async with self.locks.hold(conversation_id):
            # Few round trips to the database: each is a thread hop and a commit.
            conversation, position, case, waiting = await self._db(
                self.store.begin_message, conversation_id, channel, text)
            if address is not None and self.sealer.open(conversation.sealed_address) != address:
                await self._db(self.store.set_sealed_address, conversation_id,
                               self.sealer.seal(address))
            language, unsupported = await self._language_for(conversation, text, hint)
            if case is not None and case.state == "queued" and text.startswith("/cancel_handoff"):
                # The person cancels a case opened by mistake, before anyone took it.
                await self._db(self.store.close_case, case.id)
                await self._resume(conversation_id)
                await self.hub.publish(STAFF_TOPIC, {"type": "case_closed", "case_id": case.id})
                case = None
            if case is not None:
                result = self._passed_on(language, case)
                await self._db(self.store.touch_case, case.id)
                await self.hub.publish(STAFF_TOPIC, {"type": "case_message", "case_id": case.id,
                                                     "position": position})
            elif unsupported:
                message = self.renderer.render("utter_language_unsupported", language)
                message["buttons"] = language_menu(self.languages)
                result = ChatResult([message], language, case)
            else:
                # Earlier messages still waiting for Rasa go first, in order.
                replayed = (await self._replay_pending(conversation_id, channel, language, position)
                            if waiting else [])
                if replayed is None:
                    result = self._trouble(language, case)
                elif replayed and await self._db(self.store.conversation, conversation_id) is None:
                    # A waiting "yes, forget me" erased everything, this message too.
                    return ChatResult([], language, None, forgotten=True, replayed=replayed)
                else:
                    if replayed:
                        case = await self._db(self.store.open_case_for, conversation_id)
                    if case is not None:
                        # A waiting message opened a case: this one is for the caseworker.
                        result = self._passed_on(language, case)
                    else:
                        result = await self._ask_rasa(conversation_id, channel, text, language, None,
                                                      message_id=f"{conversation_id}:{position}")
                    result.replayed = replayed
            if result.forgotten:
                return result
            await self._store_replies(conversation_id, channel, result,
                                      done_position=None if result.pending else position)
            return result

    async def _store_replies(self, conversation_id: str, channel: str, result: ChatResult,
                             sender: str = "bot", done_position: Optional[int] = None) -> None:
        """Store the replies and, in the same transaction, mark the message they
        answer as processed (`done_position`)."""
        status = "to_send" if self.outbox.pushes(channel) else "done"
        positions = await self._db(self.store.finish_message, conversation_id, done_position,
                                   sender, result.messages, status)
        result.positions.extend(positions)
        for position in positions:
            await self.hub.publish(conversation_topic(conversation_id),
                                   {"type": "message", "position": position})

    async def _replay_pending(self, conversation_id: str, channel: str, language: str,
                              before_position: Optional[int] = None) -> Optional[List[Dict[str, Any]]]:
        """Process the conversation's messages that never got Rasa's answer (lock held).

        Each was sent with its own message id: when Rasa's tracker already has
        it (Rasa answered after the gateway gave up waiting), its replies are
        taken from the tracker instead of sending the message twice. Returns
        the replies delivered, or None while Rasa is still unreachable.
        """
        pending = await self._db(self.store.pending_messages, 0.0, conversation_id)
        delivered: List[Dict[str, Any]] = []
        if pending and (before_position is None or pending[0][1] < before_position) \
                and not await self.rasa.actions_up():
            return None  # Rasa would only fail the turn again
        for _, position, text in pending:
            if before_position is not None and position >= before_position:
                break
            message_id = f"{conversation_id}:{position}"
            try:
                events = await self.rasa.tracker_events(conversation_id)
            except RasaUnavailable:
                return None
            case = await self._db(self.store.open_case_for, conversation_id)
            if case is not None:
                # An earlier waiting message opened a case: the rest is the caseworker's.
                await self._db(self.store.mark_done, conversation_id, position)
                continue
            recovered = replies_after_message(events, message_id)
            if recovered:
                result = await self._apply_replies(conversation_id, channel, language, case, recovered)
            else:
                result = await self._ask_rasa(conversation_id, channel, text, language, case,
                                              message_id=message_id)
                if result.pending:
                    return None
            logger.info("a waiting message was processed (%s)",
                        "recovered from the tracker" if recovered else "sent again")
            if result.forgotten:
                return delivered + result.messages
            await self._store_replies(conversation_id, channel, result, done_position=position)
            delivered += result.messages
        return delivered

    async def replay_waiting(self, older_than_seconds: float) -> int:
        """Process every conversation's waiting messages; returns how many conversations."""
        pending = await self._db(self.store.pending_messages, older_than_seconds)
        done = 0
        for conversation_id in dict.fromkeys(cid for cid, _, _ in pending):
            async with self.locks.hold(conversation_id):
                conversation = await self._db(self.store.conversation, conversation_id)
                if conversation is None:
                    continue
                replayed = await self._replay_pending(
                    conversation_id, conversation.channel,
                    conversation.language or self.languages.default)
                if replayed is None:
                    return done  # Rasa still down: try again at the next round
                done += 1
            if self.outbox.pushes(conversation.channel):
                await self.outbox.flush(conversation_id)
        return done

    async def _language_for(self, conversation, text: str, hint: Optional[str]):
        chosen_code = parse_set_language(text)
        if text.strip() == "/language" or text.startswith("/choose_language"):
            chosen_code = None
        if chosen_code and self.languages.supports(chosen_code):
            await self._db(self.store.set_language, conversation.id, chosen_code, True)
            return chosen_code, False
        choice = choose_language(text, conversation.language, conversation.language_chosen,
                                 hint, self.languages)
        if choice.code != conversation.language:
            await self._db(self.store.set_language, conversation.id, choice.code)
        return choice.code, choice.unsupported_detected

    async def _ask_rasa(self, conversation_id: str, channel: str, text: str, language: str,
                        case: Optional[CaseView], message_id: Optional[str] = None) -> ChatResult:
        if text.strip() == "/language":
            text = "/choose_language"
        metadata = {"language": language, "channel": channel}
        net_match = self.safety_net.check(text, language)
        if net_match is not None:
            # The net overrides the model: Rasa gets the crisis intent itself.
            logger.info("safety net matched %s (%s phrases)", net_match.crisis, net_match.language)
            text = f"/{net_match.crisis}"
            metadata["safety_net"] = True
        try:
            replies = await self.rasa.send_message(conversation_id, text, metadata, message_id)
        except RasaUnavailable as error:
            logger.error("rasa unavailable for a message: %s", error)
            return self._trouble(language, case)
        if not replies:
            # Rasa answers 200 with nothing when an action or the NLG failed:
            # never leave a person without an answer (it may have been a crisis).
            result = self._trouble(language, case)
            if await self.rasa.actions_up():
                logger.error("rasa gave no reply to a message")
                result.pending = False  # processed, badly: sending it again would not help
            else:
                # The action server is down: keep the message for the replay.
                logger.error("action server down; a message waits for it")
            return result
        return await self._apply_replies(conversation_id, channel, language, case, replies)

    async def _apply_replies(self, conversation_id: str, channel: str, language: str,
                             case: Optional[CaseView], replies: List[Dict[str, Any]]) -> ChatResult:
        """Turn Rasa's replies into messages, opening a case or forgetting when asked."""
        messages: List[Dict[str, Any]] = []
        forgotten = False
        for reply in replies:
            custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else None
            if custom and "handoff" in custom:
                handoff = custom["handoff"] or {}
                case = await self._db(self.store.open_case, conversation_id, channel, language,
                                      bool(handoff.get("urgent")),
                                      str(handoff.get("reason", "request_human"))[:64])
                logger.info("case %s opened urgent=%s reason=%s", case.id, case.urgent, case.reason)
                if case.newly_opened and self.stats is not None:
                    await self._db(self.stats.count, language,
                                   "case_urgent" if case.urgent else "case_opened", case.reason)
                await self.hub.publish(STAFF_TOPIC, {"type": "case_opened", "case_id": case.id,
                                                     "urgent": case.urgent})
            elif custom and custom.get("forget"):
                forgotten = True
            if reply.get("text") or reply.get("buttons"):
                message: Dict[str, Any] = {"text": reply.get("text") or ""}
                if reply.get("buttons"):
                    message["buttons"] = [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                                          for b in reply["buttons"]]
                messages.append(message)
        if forgotten:
            await self.erase(conversation_id)
            return ChatResult(messages, language, None, forgotten=True)
        return ChatResult(messages, language, case)

    def _passed_on(self, language: str, case: CaseView) -> ChatResult:
        """The bot stays silent: the caseworker reads the message in the console."""
        return ChatResult([{"text": self.translations.gettext(language, MESSAGE_PASSED_ON)}],
                          language, case)

    def _trouble(self, language: str, case: Optional[CaseView]) -> ChatResult:
        trouble = self.translations.gettext(language, TROUBLE)
        return ChatResult([{"text": f"{trouble}\n{self.emergency_lines(language)}"}], language, case,
                          pending=True)

    async def _resume(self, conversation_id: str) -> None:
        try:
            await self.rasa.append_events(conversation_id, [{"event": "resume"}])
        except RasaUnavailable as error:
            logger.warning("could not resume a conversation in rasa: %s", error)

    # -- the caseworker's side ---------------------------------------------------
    async def caseworker_reply(self, case: CaseView, text: str) -> int:
        """Store a caseworker's reply and push it through the person's channel.

        Stored before sending, so a failing channel loses nothing: the outbox
        retries, and the console shows it as undelivered meanwhile."""
        async with self.locks.hold(case.conversation_id):
            result = ChatResult([{"text": text}], case.language, case)
            await self._store_replies(case.conversation_id, case.channel, result, sender="caseworker")
        if self.outbox.pushes(case.channel):
            await self.outbox.flush(case.conversation_id)
        await self.hub.publish(STAFF_TOPIC, {"type": "case_reply", "case_id": case.id})
        return result.positions[0]

    async def close_case(self, case: CaseView, outcome: str) -> None:
        """Close a case and hand the conversation back to the bot."""
        async with self.locks.hold(case.conversation_id):
            await self._db(self.store.close_case, case.id, outcome)
            await self._resume(case.conversation_id)
        await self.hub.publish(STAFF_TOPIC, {"type": "case_closed", "case_id": case.id})

    async def forget(self, conversation_id: str) -> None:
        """Erase a conversation on request, after any message in progress."""
        async with self.locks.hold(conversation_id):
            await self.erase(conversation_id)

    async def erase(self, conversation_id: str) -> None:
        """Forget a person: gateway messages, cases and Rasa's tracker (lock held)."""
        if self.ledger is not None:
            # First: if the erasure below fails half-way, a restore still forgets it.
            await self._db(self.ledger.record, conversation_id)
        await self._db(self.store.erase_conversation, conversation_id)
        removed = await self._db(self.tracker_eraser.erase, conversation_id)
        logger.info("conversation erased (%d tracker events)", removed)

    async def messages_after(self, conversation_id: str, after: int):
        return await self._db(self.store.messages_after, conversation_id, after)
