"""URL map of the gateway."""
from aiohttp import web

from bot.views import chat, health, hsds_feed, nlg
from bot.views.cso_api import setup_cso_api
from bot.views.portal import setup_portal
from bot.views.reviews_api import setup_reviews_api
from bot.views.review_pages import setup_review_pages
from bot.views.cso_invitations import setup_cso_invitations
from bot.views import chat_ws, widget
from bot.views.staff_api import setup_staff_api
from bot.views.console import setup_console


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", health.healthz)
    app.router.add_post("/api/chat/{conversation_id}/messages", chat.post_message)
    app.router.add_get("/api/chat/{conversation_id}/messages", chat.get_messages)
    app.router.add_delete("/api/chat/{conversation_id}", chat.delete_conversation)
    app.router.add_get("/api/chat/{conversation_id}/ws", chat_ws.chat_socket)
    chat_ws.setup_chat_sockets(app)  # closes open sockets on shutdown
    app.router.add_get("/widget.js", widget.widget_js)
    app.router.add_get("/widget.css", widget.widget_css)
    app.router.add_get("/widget/strings/{lang}.json", widget.widget_strings_json)
    app.router.add_get("/widget-demo", widget.demo_page)
    app.router.add_post("/nlg", nlg.generate)
    app.router.add_get("/api/hsds/services", hsds_feed.services)
    setup_staff_api(app)
    setup_console(app)
    setup_cso_api(app)
    setup_reviews_api(app)
    setup_portal(app)
    setup_review_pages(app)
    setup_cso_invitations(app)
