"""What every app's staff pages share: the login/403 wrapper, a step's message and redirect,
uploads on disk, downloads."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from pingyi.rules.errors import InputError, RuleError
from pingyi.web.errors import refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

View = Callable[..., HttpResponse]


def guarded(view: View) -> View:
    """Login required; a role that may not act (``PermissionDenied``, ``AccessDenied``) gets
    403. Anything else — an ``OSError`` writing a file among them — is logged and a 500."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return refused(request, _("Your role does not allow this."), status=403)

    return wrapper


def act[T](
    request: HttpRequest,
    run: Callable[[], T],
    done: str | Callable[[T], str],
    to: str | HttpResponse,
) -> HttpResponse:
    """Runs one service (a staff page's POST); its refusal, or ``done``, goes back as a
    message to ``to``: the page's address (or URL name), or the response that leads there.
    ``done`` may be worded from what the service made."""
    try:
        made = run()
        messages.success(request, done(made) if callable(done) else done)
    except RuleError as exc:
        messages.error(request, exc.message(_))
    except InputError as exc:
        for line in exc.messages(_):
            messages.error(request, line)
    return to if isinstance(to, HttpResponse) else redirect(to)


def act_on_form[T](
    request: HttpRequest,
    form: BaseForm,
    run: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    to: str | HttpResponse,
    *,
    invalid: str,
) -> HttpResponse:
    """``act`` for a step posted with a form: ``run`` takes its cleaned data; a form that
    does not validate goes back to ``to`` with ``invalid`` and runs nothing."""
    if not form.is_valid():
        messages.error(request, invalid)
        return to if isinstance(to, HttpResponse) else redirect(to)
    return act(request, lambda: run(form.cleaned_data), done, to)


class NotADay(ValueError):
    """A posted day that is not written YYYY-MM-DD; ``key`` is its field's key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def posted_days(data: Mapping[str, Any], keys: Iterable[str]) -> dict[str, dt.date]:
    """The days posted as ``<key>_due`` (YYYY-MM-DD) by key, for a page of deadlines: a blank
    field is left out (the day shown stays); NotADay for the first one that is not a date."""
    days: dict[str, dt.date] = {}
    for key in keys:
        raw = str(data.get(f"{key}_due", "")).strip()
        if not raw:
            continue
        try:
            days[key] = dt.date.fromisoformat(raw)
        except ValueError:
            raise NotADay(key) from None
    return days


def submitted[T](form: BaseForm, run: Callable[[], T]) -> T | None:
    """What one service made for a form page, or ``None``: its refusal (of the rules, or of
    bad input, line by line) then shows on the form as its errors."""
    try:
        return run()
    except RuleError as exc:
        form.add_error(None, exc.message(_))
    except InputError as exc:
        for line in exc.messages(_):
            form.add_error(None, line)
    return None


def create_page[T](
    request: HttpRequest,
    form: BaseForm,
    run: Callable[[dict[str, Any]], T],
    *,
    done: str,
    to: Callable[[T], str],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page that makes one thing from its form: a valid POST runs ``run`` with the cleaned
    data and goes to what it made (``to``) with ``done``; otherwise, or refused, the form
    again with ``context``."""
    if request.method == "POST" and form.is_valid():
        made = submitted(form, lambda: run(form.cleaned_data))
        if made is not None:
            messages.success(request, done)
            return redirect(to(made))
    return render(request, template, {**(context or {}), "form": form})


@contextmanager
def uploaded(upload: UploadedFile[bytes]) -> Iterator[Path]:
    """An upload as a file on disk with its original suffix, removed afterwards."""
    suffix = Path(upload.name or "upload").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="pingyi-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as stream:
            for chunk in upload.chunks():
                stream.write(chunk)
        yield path


def written(write: Callable[[Path], object], suffix: str) -> bytes:
    """What ``write`` puts in a fresh file, for a download; the file is removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out{suffix}"
        write(path)
        return path.read_bytes()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# What a stored file's download adds: kept from caches, or its type never guessed by the browser.
NO_STORE = {"Cache-Control": "private, no-store"}
NOSNIFF = {"X-Content-Type-Options": "nosniff"}


def stored_download(
    path: Path | None, name: str, content_type: str, headers: dict[str, str]
) -> HttpResponse:
    """A file kept outside the static files (an evidence file: at most 10 MB, read whole) as
    a download under its original ``name``, never rendered inline; 404 when it is not there."""
    if path is None or not path.is_file():
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    for key, value in headers.items():
        response[key] = value
    return response


def confirmation(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    button: str,
    back: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    """The page before a step that cannot be undone: what will happen, then one POST button
    to the same address (with ``fields``) and a way back. The step's view answers the POST."""
    context = {
        "title": title,
        "consequences": consequences,
        "button": button,
        "back": back,
        "fields": fields or {},
    }
    return render(request, "pingyi/staff/confirm.html", context)
