"""Refuses a NUL character anywhere in a request's address, query or form (R23).

No code, name or text of Pingyi's holds a NUL, and PostgreSQL answers one in a query or a row
with an error — a 500 where a person should read what is wrong. So a NUL in the path (a URL
such as /staff/history/1/%00/: a 404, as no page has it), a query parameter or a form field
(a 400) is refused here, saying where, before any view looks the value up or checks a role.
JSON bodies are checked by the API's schemas (pingyi.api_schema); a text that would still
reach a row unchecked is refused by the last check before saving (pingyi.web.stored_text),
turned into a 400 here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from pingyi.rules.text import NUL, TextRefused, holds_nul
from pingyi.web.errors import is_api, refused


def _first_nul(fields: QueryDict, label: Callable[[str], str]) -> TextRefused | None:
    for key, values in fields.lists():
        if any(NUL in value for value in (key, *values) if isinstance(value, str)):
            return holds_nul(label(key))
    return None


def _file_names(request: HttpRequest) -> Iterable[str]:
    for uploads in request.FILES.lists():
        yield from (upload.name or "" for upload in uploads[1])


class HostileInputMiddleware:
    """Last in MIDDLEWARE: the path and query before the view is found, the form after CSRF."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:  # no page has such an address: not found, saying why
            return refused(request, holds_nul(_("the address")).message(_), status=404)
        found = _first_nul(
            request.GET, lambda key: _("the query parameter %(name)s") % {"name": key}
        )
        if found is not None:
            return self._refuse(request, found)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in ("POST", "PUT", "PATCH") or is_api(request):
            return None  # the API reads its body itself, through its schemas
        found = _first_nul(request.POST, lambda key: _("the form field %(name)s") % {"name": key})
        if found is None and any(NUL in name for name in _file_names(request)):
            found = holds_nul(_("the uploaded file's name"))
        return self._refuse(request, found) if found is not None else None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A text the last check before saving refused: the same 400, with its field's name."""
        if isinstance(exception, TextRefused):
            return self._refuse(request, exception)
        return None

    @staticmethod
    def _refuse(request: HttpRequest, refusal: TextRefused) -> HttpResponse:
        return refused(request, refusal.message(_))
