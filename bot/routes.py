"""URL map of the gateway."""
from aiohttp import web

from bot.views import chat, health, nlg


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", health.healthz)
    app.router.add_post("/api/chat/{conversation_id}/messages", chat.post_message)
    app.router.add_get("/api/chat/{conversation_id}/messages", chat.get_messages)
    app.router.add_delete("/api/chat/{conversation_id}", chat.delete_conversation)
    app.router.add_post("/nlg", nlg.generate)
