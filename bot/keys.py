"""Typed keys for what the gateway application holds."""
from aiohttp import ClientSession, web

from bot.audit import AuditLog
from bot.conversation import ConversationService
from bot.events import EventHub
from bot.nlg import ResponseRenderer
from bot.rate_limit import SlidingWindowLimiter
from bot.settings import Settings
from bot.stats import UsageStats
from bot.store import GatewayStore
from localization import LanguageSet, Translations

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", GatewayStore)
HTTP = web.AppKey("http", ClientSession)
TRANSLATIONS = web.AppKey("translations", Translations)
LANGUAGES = web.AppKey("languages", LanguageSet)
RENDERER = web.AppKey("renderer", ResponseRenderer)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
CONVERSATION_LIMITER = web.AppKey("conversation_limiter", SlidingWindowLimiter)
ADDRESS_LIMITER = web.AppKey("address_limiter", SlidingWindowLimiter)
HUB = web.AppKey("hub", EventHub)
AUDIT = web.AppKey("audit", AuditLog)
STATS = web.AppKey("stats", UsageStats)
