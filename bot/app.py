"""Build the gateway application; resources live in cleanup contexts."""
import asyncio
import contextlib
import logging
from typing import AsyncIterator, Optional

import aiohttp
from aiohttp import web

from bot.accounts import AccountStore
from bot.audit import AuditLog
from bot.auth import ACCOUNTS, setup_auth
from bot.channels.telegram import setup_telegram, telegram_context
from bot.conversation import ConversationService
from bot.erasure_ledger import ErasureLedger
from bot.events import EventHub
from bot.language_model import language_model
from bot.keys import (ADDRESS_LIMITER, AUDIT, STATS, CONVERSATION_LIMITER, CONVERSATIONS, HTTP, HUB, LANGUAGES,
                      RENDERER, SETTINGS, STORE, TRANSLATIONS)
from bot.cors import widget_cors
from bot.middlewares import json_errors, security_headers
from bot.nlg import ResponseRenderer, load_domain_responses
from bot.rasa_client import RasaClient
from bot.rate_limit import SlidingWindowLimiter
from bot.inbox import run_inbox_replay
from bot.retention import run_retention
from bot.routes import setup_routes
from bot.safety_net import safety_net
from bot.sealed import AddressSealer
from bot.settings import Settings
from bot.stats import UsageStats
from bot.store import GatewayStore, make_engine
from bot.tracker_eraser import TrackerEraser
from localization import load_languages, translations
from services_catalog.db import open_session
from services_catalog.presentation import emergency_text
from services_catalog.repository import ServiceRepository

logger = logging.getLogger(__name__)
NLG_MAX_BODY_BYTES = 32 * 1024 * 1024


def emergency_lines_text(region: str):
    """A function giving the region's 'trouble' emergency numbers in a language."""
    def lines(language: str) -> str:
        try:
            with open_session() as session:
                found = ServiceRepository(session).emergency_lines(region, ["trouble"])
        except Exception:  # noqa: BLE001 - the catalogue may be what is down
            logger.exception("emergency numbers unavailable from the catalogue")
            found = []
        return emergency_text(found, language) or "112"

    return lines


async def _storage(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = await asyncio.to_thread(make_engine, settings.database_url)
    app[STORE] = GatewayStore(engine)
    app[ACCOUNTS] = await asyncio.to_thread(AccountStore, engine, settings.secret)
    app[AUDIT] = await asyncio.to_thread(AuditLog, engine)
    app[STATS] = await asyncio.to_thread(UsageStats, engine)
    yield
    engine.dispose()


async def _event_hub(app: web.Application) -> AsyncIterator[None]:
    """Live events (console queue, widget replies); through Redis when REDIS_URL is set."""
    hub = EventHub(app[SETTINGS].redis_url)
    await hub.start()
    app[HUB] = hub
    yield
    await hub.stop()


async def _services(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    # Fit the in-domain language model now rather than on the first message.
    await asyncio.to_thread(language_model, tuple(app[LANGUAGES].codes))
    session = aiohttp.ClientSession()
    app[HTTP] = session
    tracker_engine = make_engine(settings.tracker_store_url)
    app[CONVERSATIONS] = ConversationService(
        store=app[STORE],
        rasa=RasaClient(session, settings.rasa_urls, settings.rasa_token, settings.rasa_timeout_seconds,
                        actions_url=settings.actions_url),
        renderer=app[RENDERER], translations=app[TRANSLATIONS], languages=app[LANGUAGES],
        tracker_eraser=TrackerEraser(tracker_engine),
        emergency_lines=emergency_lines_text(settings.region),
        safety_net=await asyncio.to_thread(safety_net),
        hub=app[HUB], sealer=AddressSealer(settings.secret), stats=app[STATS],
        ledger=ErasureLedger(settings.ledger_path, settings.ledger_days),
    )
    yield
    await session.close()
    tracker_engine.dispose()


async def _background_jobs(app: web.Application) -> AsyncIterator[None]:
    """The retention purge, the replay of messages that waited for Rasa, and
    the retry of replies a channel did not take yet."""
    tasks = [asyncio.create_task(run_retention(app[CONVERSATIONS], app[SETTINGS].retention_days,
                                               app[SETTINGS].case_retention_days, app[ACCOUNTS])),
             asyncio.create_task(run_inbox_replay(app[CONVERSATIONS])),
             asyncio.create_task(app[CONVERSATIONS].outbox.run())]
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def init_app(settings: Optional[Settings] = None) -> web.Application:
    settings = settings or Settings.from_env()
    # Rasa's NLG requests carry the whole tracker, so the application accepts
    # large bodies; the chat API enforces its own, small, limit.
    app = web.Application(middlewares=[security_headers, widget_cors, json_errors],
                          client_max_size=NLG_MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[TRANSLATIONS] = translations()
    app[LANGUAGES] = load_languages()
    app[RENDERER] = ResponseRenderer(load_domain_responses(), app[TRANSLATIONS],
                                     defaults={"retention_days": settings.retention_days})
    app[CONVERSATION_LIMITER] = SlidingWindowLimiter(settings.rate_per_conversation_per_minute)
    app[ADDRESS_LIMITER] = SlidingWindowLimiter(settings.rate_per_address_per_minute)
    setup_auth(app, secret=settings.secret, secure=settings.cookie_secure,
               idle_seconds=settings.session_idle_minutes * 60,
               absolute_seconds=settings.session_absolute_hours * 3600)
    # Telegram (when a token is set) starts before the inbox replay, so replies
    # to replayed Telegram messages are stored to be pushed.
    app.cleanup_ctx.extend([_storage, _event_hub, _services, telegram_context, _background_jobs])
    setup_routes(app)
    setup_telegram(app)
    return app
