"""The office's job pages and the office's public address.

Each view: parse, call one service or selector, render. Another office's job, batch or
settings answer 404 (R17).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from pingyi.accounts.models import Role
from pingyi.accounts.selectors import (
    organizations_for,
    public_address,
    role_in,
)
from pingyi.accounts.services import office_public_url_set
from pingyi.jobs import files
from pingyi.jobs.forms import PublicAddressForm
from pingyi.jobs.handlers import handler_for
from pingyi.jobs.models import FileState, Job, JobKind
from pingyi.jobs.selectors import job_get, jobs_for
from pingyi.jobs.services import job_output_fetched
from pingyi.rules.address import ballot_page
from pingyi.rules.errors import RuleError
from pingyi.web.shared import guarded

logger = logging.getLogger("pingyi.jobs")


def _job(request: HttpRequest, job_id: uuid.UUID) -> Job:
    job = job_get(request.user, job_id)
    if job is None:
        raise Http404
    return job


@guarded
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = jobs_for(request.user)[:100]
    return render(request, "pingyi/jobs/list.html", {"jobs": jobs})


@guarded
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    context: dict[str, Any] = {
        "job": job,
        "mine": job.created_by == request.user.get_username(),
        **handler_for(job.kind).page(job),  # e.g. a lost batch of codes, to withdraw from here
    }
    return render(request, "pingyi/jobs/detail.html", context)


@guarded
def job_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """What the progress bar shows, for the page's script (no reload)."""
    job = _job(request, job_id)
    step = _(job.step) if job.step else ""
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "progress": job.progress,
            "step": step,
            "finished": job.finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required  # not `guarded`: a streamed answer; PermissionDenied is Django's own 403
def job_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    """The job's output, for the person who started it. A batch's ZIP is deleted once it was
    sent whole: the codes then exist only on the sheets and in the SMS list."""
    job = _job(request, job_id)
    if job.created_by != request.user.get_username():
        raise PermissionDenied
    path = files.output_path(job.pk)
    if job.file_state != FileState.READY or path is None:
        return render(request, "pingyi/jobs/detail.html", {"job": job, "gone": True}, status=410)
    once = job.kind == JobKind.TOKENS
    response = StreamingHttpResponse(_stream(job, path, once), content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name)
    response["Content-Length"] = str(path.stat().st_size)
    response["Cache-Control"] = "no-store"
    return response


def _stream(job: Job, path: Any, once: bool) -> Iterator[bytes]:
    """The file in chunks; after the last one was handed to the server, a one-time file is
    deleted. A download broken off half-way never gets there: the file stays for a retry."""
    with path.open("rb") as stream:
        while chunk := stream.read(files.CHUNK):
            yield chunk
    if once:
        job_output_fetched(job)
        logger.info("job %s: the batch's ZIP was downloaded and deleted", job.pk)


@guarded
def office_settings(request: HttpRequest, org: str) -> HttpResponse:
    office = organizations_for(request.user).filter(code=org).first()
    if office is None:
        raise Http404
    if role_in(request.user, office) != Role.ADMIN:
        raise PermissionDenied
    address = public_address(office)
    own = office.office_settings.public_url if hasattr(office, "office_settings") else ""
    form = PublicAddressForm(request.POST or None, initial={"public_url": own})
    if request.method == "POST" and form.is_valid():
        try:
            office_public_url_set(
                organization=office,
                url=form.cleaned_data["public_url"],
                actor=request.user.get_username(),
            )
        except RuleError as exc:
            form.add_error("public_url", exc.message(_))
        else:
            messages.success(request, _("Public address saved."))
            return redirect("jobs:office", org=office.code)
    context = {
        "office": office,
        "form": form,
        "address": address,
        "ballot_page": ballot_page(address.url) if address.url else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "pingyi/jobs/office.html", context, status=status)
