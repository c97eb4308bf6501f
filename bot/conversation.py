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

from bot.language import choose_language
from bot.locks import ConversationLocks
from bot.nlg import ResponseRenderer
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.safety_net import SafetyNet
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
    positions: List[int] = field(default_factory=list)

    def handoff_json(self) -> Dict[str, Any]:
        if self.case is None:
            return {"state": "bot", "case_id": None, "urgent": False}
        return {"state": self.case.state, "case_id": self.case.id, "urgent": self.case.urgent}

    def as_json(self) -> Dict[str, Any]:
        return {"messages": self.messages, "language": self.language,
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


class ConversationService:
    """The gateway's routing of one message, shared by every channel."""

    def __init__(self, store: GatewayStore, rasa: RasaClient, renderer: ResponseRenderer,
                 translations: Translations, languages: LanguageSet,
                 tracker_eraser: TrackerEraser,
                 emergency_lines: Callable[[str], str],
                 safety_net: Optional[SafetyNet] = None):
        self.store = store
        self.rasa = rasa
        self.renderer = renderer
        self.translations = translations
        self.languages = languages
        self.tracker_eraser = tracker_eraser
        self.emergency_lines = emergency_lines
        self.safety_net = safety_net or SafetyNet([])
        self.locks = ConversationLocks()

    async def _db(self, function, *args, **kwargs):
        return await asyncio.to_thread(function, *args, **kwargs)

    async def handle_user_message(self, conversation_id: str, channel: str, text: str,
                                  hint: Optional[str] = None) -> ChatResult:
        """Process one message from a person; `conversation_id` is pseudonymous."""
        async with self.locks.hold(conversation_id):
            conversation = await self._db(self.store.get_or_create_conversation,
                                          conversation_id, channel)
            position = await self._db(self.store.add_message, conversation_id, "user", text,
                                      status="received")
            language, unsupported = await self._language_for(conversation, text, hint)
            case = await self._db(self.store.open_case_for, conversation_id)
            if case is not None and not text.startswith("/cancel_handoff"):
                # The bot stays silent: the caseworker reads this in the console.
                result = ChatResult([{"text": self.translations.gettext(language, MESSAGE_PASSED_ON)}],
                                    language, case)
            elif unsupported:
                message = self.renderer.render("utter_language_unsupported", language)
                message["buttons"] = language_menu(self.languages)
                result = ChatResult([message], language, case)
            else:
                result = await self._ask_rasa(conversation_id, channel, text, language, case)
            if result.forgotten:
                return result
            for message in result.messages:
                result.positions.append(await self._db(
                    self.store.add_message, conversation_id, "bot", message.get("text", ""),
                    message.get("buttons")))
            await self._db(self.store.mark_done, conversation_id, position)
            return result

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
                        case: Optional[CaseView]) -> ChatResult:
        if case is not None:  # the person cancelled a case opened by mistake
            if case.state == "queued":
                await self._db(self.store.close_case, case.id)
                case = None
                await self._resume(conversation_id)
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
            replies = await self.rasa.send_message(conversation_id, text, metadata)
        except RasaUnavailable as error:
            logger.error("rasa unavailable for a message: %s", error)
            return self._trouble(language, case)
        if not replies:
            # Rasa answers 200 with nothing when an action or the NLG failed:
            # never leave a person without an answer (it may have been a crisis).
            logger.error("rasa gave no reply to a message")
            return self._trouble(language, case)
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

    def _trouble(self, language: str, case: Optional[CaseView]) -> ChatResult:
        trouble = self.translations.gettext(language, TROUBLE)
        return ChatResult([{"text": f"{trouble}\n{self.emergency_lines(language)}"}], language, case)

    async def _resume(self, conversation_id: str) -> None:
        try:
            await self.rasa.append_events(conversation_id, [{"event": "resume"}])
        except RasaUnavailable as error:
            logger.warning("could not resume a conversation in rasa: %s", error)

    async def forget(self, conversation_id: str) -> None:
        """Erase a conversation on request, after any message in progress."""
        async with self.locks.hold(conversation_id):
            await self.erase(conversation_id)

    async def erase(self, conversation_id: str) -> None:
        """Forget a person: gateway messages, cases and Rasa's tracker (lock held)."""
        await self._db(self.store.erase_conversation, conversation_id)
        removed = await self._db(self.tracker_eraser.erase, conversation_id)
        logger.info("conversation erased (%d tracker events)", removed)

    async def messages_after(self, conversation_id: str, after: int):
        return await self._db(self.store.messages_after, conversation_id, after)
