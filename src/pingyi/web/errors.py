"""Pingyi's own error pages (404, 403, 400, 500), and JSON errors under /api/.

The 404, 403 and 400 pages stand in the site's layout, in the UI language. The 500 page does
not: whatever failed (the database, a context processor reading the session) may fail again
while the page renders, so it is a plain template rendered without the request's context.
An error under /api/ answers ``{"detail": …, "code": …}`` as the API's own errors do.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def refused(
    request: HttpRequest, message: str, status: int = 400, heading: str = ""
) -> HttpResponse:
    """A 4xx that says what is wrong: the 400 (or 403) page, or JSON under /api/."""
    if is_api(request):
        code = {400: "bad_request", 403: "forbidden", 404: "not_found"}.get(status, "refused")
        return api_error(message, code, status)
    context = {"message": message, "heading": heading}
    return render(request, f"{status}.html", context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _(
        "There is no page at this address. Check the address, or start again from the home page."
    )
    if is_api(request):
        return api_error(_("not found"), "not_found", 404)
    return render(request, "404.html", {"message": message}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refused(request, _("Your role does not allow this."), status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (an old page, a page from elsewhere): CSRF_FAILURE_VIEW."""
    message = _(
        "The form has expired or was not sent from this site. Reload the page and send it again."
    )
    return refused(request, message, status=403, heading=_("The form has expired"))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refused(request, _("The request could not be read. Go back and try again."))


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on the server. Nothing was changed; try again later.")
    if is_api(request):
        return api_error(message, "server_error", 500)
    return HttpResponse(loader.get_template("500.html").render({"message": message}), status=500)
