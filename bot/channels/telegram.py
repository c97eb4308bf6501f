"""The Telegram channel: python-telegram-bot feeding the conversation service.

Long polling when TELEGRAM_WEBHOOK_URL is unset; otherwise Telegram posts
updates to /telegram/webhook on the gateway's own server (an Application built
without an Updater, fed from the route, as in python-telegram-bot's
customwebhookbot example). Each update goes through the ledger
(telegram_updates.py) so it is processed once; replies are stored by the
conversation service and pushed by the outbox through `TelegramSender`, which
retries 429s and network errors without repeating a part already sent.
Chat ids are used only to reply: never stored (only sealed, by the service)
and never logged.
"""
import asyncio
import contextlib
import datetime as dtm
import hashlib
import hmac
import json
import logging
import warnings
from typing import AsyncIterator, Awaitable, Callable, Dict, List, Optional, Tuple

from aiohttp import web
from telegram import Bot, CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.telegram_render import render, resolve_callback
from bot.channels.telegram_updates import UpdateLedger
from bot.conversation import ConversationService
from bot.keys import CONVERSATION_LIMITER, CONVERSATIONS, LANGUAGES, SETTINGS, STORE, TRANSLATIONS
from bot.locks import ConversationLocks
from bot.outbox import RetryLater, Undeliverable
from bot.pseudonym import pseudonymous_id
from bot.rate_limit import SlidingWindowLimiter
from bot.settings import Settings
from bot.store import GatewayStore, MessageView
from bot.texts import SLOW_DOWN, TOO_LONG
from localization import N_, LanguageSet, Translations

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_UPDATE_BYTES = 256 * 1024
NOT_READY_RETRY_SECONDS = 5.0
MAX_START_BACKOFF_SECONDS = 60.0
PRUNE_INTERVAL_SECONDS = 6 * 3600

# NOTE: a Telegram user sent a photo, a voice message, a sticker… that the assistant cannot read.
NOT_TEXT = N_("I can only read text messages. Please write your question, or use the buttons.")
# NOTE: a Telegram user pressed a button of a conversation that was erased since.
BUTTON_EXPIRED = N_("This button is no longer available. Please write your question again.")

# Telegram commands, as the texts the conversation service understands.
COMMANDS: Dict[str, List[str]] = {
    "start": ["/greet", "/language"],  # greeting and privacy notice, then the language menu
    "help": ["/greet"],
    "language": ["/language"],
    "forget": ["/forget_me"],  # Rasa asks for confirmation with buttons
}

def command_texts(text: str) -> List[str]:
    """The service texts for what a person typed: a command's, or the text itself."""
    first, _, _ = text.partition(" ")
    if first.startswith("/"):
        name = first[1:].split("@", 1)[0].lower()
        if name in COMMANDS:
            return list(COMMANDS[name])
    return [text]


def location_text(latitude: float, longitude: float) -> str:
    # Rounded to about 100 m: enough to find the nearest services, and what
    # Rasa's tracker then keeps for the session says less about where someone sleeps.
    return "/share_location" + json.dumps({"latitude": round(latitude, 3),
                                           "longitude": round(longitude, 3)})


def webhook_secret(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or one derived from HELPDESK_SECRET (Telegram
    allows letters, digits, _ and -), so webhook mode never runs without one."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    return hmac.new(settings.secret.encode(), b"telegram-webhook", hashlib.sha256).hexdigest()


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int or a timedelta, depending on PTB_TIMEDELTA
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def build_application(settings: Settings) -> Application:
    builder = (Application.builder().token(settings.telegram_bot_token or "")
               .concurrent_updates(True)  # chats in parallel; one chat in order (our locks)
               .job_queue(None))  # no scheduled jobs: no scheduler thread
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_webhook_url:
        builder = builder.updater(None)
    return builder.build()


class TelegramSender:
    """The outbox's sender: one stored reply to one chat, in parts."""

    def __init__(self, bot: Callable[[], Optional[Bot]]):
        self._bot = bot
        # Parts already sent of a reply that failed midway, so a retry resumes
        # after them instead of sending them twice. Keyed with the text's hash:
        # positions start again in a conversation erased and begun anew.
        self._progress: Dict[Tuple[str, int, int], int] = {}

    async def __call__(self, address: str, message: MessageView) -> None:
        bot = self._bot()
        if bot is None:
            raise RetryLater(NOT_READY_RETRY_SECONDS)
        parts = render(message.text, message.buttons)
        key = (address, message.position, hash(message.text))
        for index in range(self._progress.get(key, 0), len(parts)):
            text, markup = parts[index]
            try:
                await bot.send_message(chat_id=int(address), text=text, reply_markup=markup,
                                       parse_mode=None)
            except RetryAfter as error:
                self._progress[key] = index
                raise RetryLater(retry_after_seconds(error)) from error
            except (Forbidden, BadRequest) as error:
                # Blocked bot, chat not found: retrying will not help.
                self._progress.pop(key, None)
                logger.warning("telegram refused a message: %s", type(error).__name__)
                raise Undeliverable(type(error).__name__) from error
            except TelegramError:
                self._progress[key] = index
                raise  # network trouble: the outbox retries with back-off
        self._progress.pop(key, None)


class TelegramChannel:
    """One bot: its python-telegram-bot Application and what it does with updates."""

    def __init__(self, settings: Settings, conversations: ConversationService,
                 store: GatewayStore, translations: Translations, languages: LanguageSet,
                 limiter: SlidingWindowLimiter, ledger: UpdateLedger):
        self.settings = settings
        self.conversations = conversations
        self.store = store
        self.translations = translations
        self.languages = languages
        self.limiter = limiter
        self.ledger = ledger
        self.webhook_mode = bool(settings.telegram_webhook_url)
        self.secret = webhook_secret(settings)
        self.application = build_application(settings)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.ready = asyncio.Event()  # taking updates
        self._connected = False  # the bot can send (also while stopping)
        self.sender = TelegramSender(lambda: self.application.bot if self._connected else None)
        self.locks = ConversationLocks()
        self._tasks: List[asyncio.Task] = []

    # -- updates ---------------------------------------------------------------
    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.handle(update)

    async def feed(self, update: Update) -> bool:
        """Process an update through the Application; True once it is settled
        (processed now or before), False when it must be delivered again."""
        await self.application.process_update(update)
        return await asyncio.to_thread(self.ledger.status, update.update_id) == "processed"

    async def handle(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            # Groups and channels are not served: a conversation is one person's.
            await asyncio.to_thread(self.ledger.receive, update.update_id, None)
            await asyncio.to_thread(self.ledger.processed, update.update_id)
            return
        address = str(chat.id)
        conversation_id = pseudonymous_id(self.settings.secret, CHANNEL, address)
        user = update.effective_user
        hint = user.language_code if user else None
        # Taken before any other await, so one chat's updates keep their order.
        async with self.locks.hold(conversation_id):
            try:
                await self._handle_locked(update, conversation_id, address, hint)
            except Exception as error:  # noqa: BLE001 - the update stays "received"
                logger.error("a telegram update failed (%s); it will be taken again if "
                             "delivered again", type(error).__name__)

    async def _handle_locked(self, update: Update, conversation_id: str, address: str,
                             hint: Optional[str]) -> None:
        status, already = await asyncio.to_thread(self.ledger.receive, update.update_id,
                                                  conversation_id)
        if status == "processed":
            logger.info("a telegram update delivered twice was ignored")
            return
        if update.callback_query is not None and already == 0:
            await self._answer(update.callback_query)
        texts, notice = await self._incoming(update, conversation_id)
        if already == 0 and texts and not self.limiter.allow(conversation_id):
            texts, notice = [], SLOW_DOWN
        if already:
            logger.info("an interrupted telegram update resumes (%d of %d messages stored)",
                        already, len(texts))
        for text in texts[already:]:
            result = await self.conversations.handle_user_message(
                conversation_id, CHANNEL, text, hint=hint, address=address)
            if result.forgotten:
                # Everything was erased, these replies too: they are sent, not stored.
                await self._send_unstored(address, result.replayed + result.messages)
        if notice is not None and already == 0:
            await self._notify(address, conversation_id, hint, notice)
        await asyncio.to_thread(self.ledger.processed, update.update_id)

    async def _incoming(self, update: Update, conversation_id: str) -> Tuple[List[str], Optional[str]]:
        """The texts to hand to the conversation service, or a notice to send instead."""
        if update.callback_query is not None:
            payload = resolve_callback(update.callback_query.data or "",
                                       await self._offered_payloads(conversation_id))
            return ([payload], None) if payload else ([], BUTTON_EXPIRED)
        message = update.message
        if message is not None and message.location is not None:
            return [location_text(message.location.latitude, message.location.longitude)], None
        text = (message.text or "").strip() if message is not None else ""
        if not text:
            return [], NOT_TEXT
        if len(text) > self.settings.max_message_chars:
            return [], TOO_LONG
        return command_texts(text), None

    async def _offered_payloads(self, conversation_id: str) -> List[str]:
        messages = await self.conversations.messages_after(conversation_id, 0)
        return [str(b.get("payload", "")) for m in messages if m.sender != "user"
                for b in (m.buttons or [])]

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner; nothing is lost when this fails."""
        try:
            await query.answer()
        except TelegramError as error:
            logger.info("callback query not answered: %s", type(error).__name__)

    async def _notify(self, address: str, conversation_id: str, hint: Optional[str],
                      msgid: str) -> None:
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        language = ((conversation.language if conversation else None)
                    or self.languages.closest(hint) or self.languages.default)
        await self._send_unstored(address, [{"text": self.translations.gettext(language, msgid)}])

    async def _send_unstored(self, address: str, messages: List[dict]) -> None:
        """Send replies that have no stored row (the outbox cannot retry them)."""
        for message in messages:
            for text, markup in render(message.get("text") or "", message.get("buttons")):
                try:
                    await self.application.bot.send_message(chat_id=int(address), text=text,
                                                            reply_markup=markup, parse_mode=None)
                except TelegramError as error:
                    logger.warning("a notice could not be sent: %s", type(error).__name__)

    # -- lifecycle -------------------------------------------------------------
    def begin(self) -> None:
        self._tasks = [asyncio.create_task(self._start()), asyncio.create_task(self._prune())]

    async def _start(self) -> None:
        """Connect to Telegram, retrying while it cannot be reached: the gateway
        (and the web chat) runs meanwhile."""
        app = self.application
        try:
            await _retrying("initialise", app.initialize)
            self._connected = True
            await app.start()
            if self.webhook_mode:
                await _retrying("set the webhook", lambda: app.bot.set_webhook(
                    url=self.settings.telegram_webhook_url, secret_token=self.secret,
                    allowed_updates=ALLOWED_UPDATES))
            else:
                await _retrying("start polling", lambda: app.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES))
        except InvalidToken:
            logger.error("telegram refused TELEGRAM_BOT_TOKEN: the Telegram channel is off")
            return
        self.ready.set()
        logger.info("telegram channel running (%s)", "webhook" if self.webhook_mode else "polling")

    async def _prune(self) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(self.ledger.prune)
                if removed:
                    logger.info("%d old telegram update ids removed", removed)
            except Exception:  # noqa: BLE001 - try again at the next round
                logger.exception("telegram ledger prune failed")
            await asyncio.sleep(PRUNE_INTERVAL_SECONDS)

    async def stop(self) -> None:
        """Stop polling, finish the updates already taken, close the connections.
        The webhook stays set: Telegram keeps updates for the next start."""
        self.ready.clear()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # the updates already taken are processed and answered
        self._connected = False
        await app.shutdown()


TELEGRAM = web.AppKey("telegram", TelegramChannel)


async def _retrying(what: str, action: Callable[[], Awaitable[object]]) -> None:
    delay = 1.0
    while True:
        try:
            await action()
            return
        except InvalidToken:
            raise
        except TelegramError as error:
            logger.warning("telegram: could not %s (%s); retrying in %.0f s",
                           what, type(error).__name__, delay)
        await asyncio.sleep(delay)
        delay = min(MAX_START_BACKOFF_SECONDS, delay * 2)


# -- the gateway's side ------------------------------------------------------------
async def webhook(request: web.Request) -> web.Response:
    """POST /telegram/webhook: an update from Telegram, acknowledged once settled."""
    channel = request.app.get(TELEGRAM)
    if channel is None:
        raise web.HTTPNotFound()
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), channel.secret.encode()):
        logger.warning("telegram webhook call without the right secret refused")
        return web.json_response({"error": "forbidden"}, status=403)
    if not channel.ready.is_set():
        return web.json_response({"error": "starting"}, status=503)
    raw = await request.content.read(MAX_UPDATE_BYTES + 1)
    if len(raw) > MAX_UPDATE_BYTES:
        return web.json_response({"error": "too_large"}, status=413)
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        update = Update.de_json(data, channel.application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return web.json_response({"error": "bad_update"}, status=400)
    # Answered only once the update is stored and processed (unlike queueing
    # it and answering at once): a crash before that makes Telegram send it
    # again, and the ledger makes sure it is not processed twice.
    if await channel.feed(update):
        return web.json_response({"ok": True})
    return web.json_response({"ok": False}, status=500)


def setup_telegram(app: web.Application) -> None:
    """The webhook route, in webhook mode only (DESIGN.md)."""
    settings = app[SETTINGS]
    if settings.telegram_bot_token and settings.telegram_webhook_url:
        app.router.add_post(WEBHOOK_PATH, webhook)


async def telegram_context(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the channel runs while the gateway does, when a token is set."""
    settings = app[SETTINGS]
    if not settings.telegram_bot_token:
        yield
        return
    # httpx logs every request URL at INFO, and the URL holds the bot token;
    # python-telegram-bot logs each call's parameters (chat id, text) at DEBUG.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)
    ledger = await asyncio.to_thread(UpdateLedger, app[STORE].engine)
    channel = TelegramChannel(settings, app[CONVERSATIONS], app[STORE], app[TRANSLATIONS],
                              app[LANGUAGES], app[CONVERSATION_LIMITER], ledger)
    app[TELEGRAM] = channel
    # Registered at once, so replies to messages replayed from the inbox are
    # stored to be pushed even before Telegram is reachable.
    app[CONVERSATIONS].outbox.register(CHANNEL, channel.sender)
    channel.begin()
    yield
    await channel.stop()
