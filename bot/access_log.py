"""An access log that never records conversation ids or query strings.

aiohttp's default access log writes the full path, which for the chat API
contains the id the widget chose for a person. This one logs the route
pattern ("/api/chat/{conversation_id}/messages"), status and duration only.
"""
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse


class RedactingAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        route = getattr(getattr(request, "match_info", None), "route", None)
        resource = getattr(route, "resource", None)
        path = resource.canonical if resource is not None else "(unmatched)"
        self.logger.info("%s %s %s %.3fs", request.method, path, response.status, time)
