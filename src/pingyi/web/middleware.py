"""Two middlewares around every request: its id in the logs, and outages answered politely.

RequestIdMiddleware: every request gets an id — nginx's X-Request-ID when the request came
through a trusted proxy (PINGYI_TRUSTED_PROXIES), else a new random one — kept in
pingyi.logs.request_id for every log line of the request and sent back as X-Request-ID.

OutageMiddleware: when the database or the shared cache cannot be reached, people get a
Chinese "暂时无法服务" page and programs under /api/ a JSON answer, both 503 with
Retry-After, never a traceback or Django's "Server Error (500)". The page is rendered from a
template alone — no context processor, no session, no user: nothing that needs a database.
Errors raised outside a view (a middleware saving the session) come through ``handler500``
(pingyi.urls), which answers the same way.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error

from pingyi.logs import request_id
from pingyi.web.cache import CACHE_OUTAGES
from pingyi.web.ratelimit import from_trusted_proxy

logger = logging.getLogger("pingyi.outage")

OUTAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, *CACHE_OUTAGES)
RETRY_AFTER = "30"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = str(request.META.get("HTTP_X_REQUEST_ID", ""))
        ident = (
            given if given and _GIVEN_ID.match(given) and from_trusted_proxy(request) else ""
        ) or secrets.token_hex(16)
        token = request_id.set(ident)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = ident
        return response


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for an unreachable database or cache: JSON under /api/, a page otherwise."""
    logger.error("service unavailable: %s (%s)", type(exc).__name__, request.path)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": _("The service is temporarily unavailable; please try again later."),
                "code": "unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("pingyi/unavailable.html"), status=503)
    response["Retry-After"] = RETRY_AFTER
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, OUTAGE_ERRORS):
            return outage_response(request, exc)
        return None


def handler500(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: an outage raised outside a view is still a 503, not a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OUTAGE_ERRORS):
        return outage_response(request, exc)
    return server_error(request)
