"""What each kind of job does, and what happens when its worker vanishes mid-way.

Every handler calls the same services and writers as the CLI; the job only moves them out of
the request. A handler is *restartable* when running it again cannot do anything twice:
imports write in one transaction (a lost worker rolled it back), reports only write a file.
A batch of codes is restartable only until its codes are stored: they exist once, in the
worker's memory, until the ZIP is on disk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.jobs import files
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress

STEP_ISSUING = gettext_noop("Issuing the codes")
STEP_DRAWING = gettext_noop("Drawing the QR sheets")
STEP_SAVING = gettext_noop("Saving the ZIP")
STEP_READING = gettext_noop("Reading the file")
STEP_WRITING = gettext_noop("Storing what the file holds")
STEP_COUNTING = gettext_noop("Counting the ballots")
STEP_BUILDING = gettext_noop("Writing the report")

E_SHEETS_FAILED = gettext_noop(
    "The %(n)s codes of this batch were withdrawn, since nobody received them: issue the "
    "batch again."
)
E_SHEETS_LOST = gettext_noop(
    "The worker stopped while drawing the sheets of this batch: its %(n)s codes were never "
    "delivered and cannot be shown again. Withdraw the batch and issue it again."
)
E_LOST = gettext_noop(
    "The worker stopped while running this job and it cannot be run again as it was: "
    "start it again."
)


@dataclass(frozen=True)
class Output:
    outcome: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""  # the download's name; the file is files.output_path(job.id)
    content_type: str = ""


def _always(job: Job) -> bool:
    return True


def _nothing(job: Job) -> str | None:
    return None


def _never(job: Job) -> bool:
    return False


@dataclass(frozen=True)
class Handler:
    run: Callable[[Job, Progress], Output]
    restartable: Callable[[Job], bool] = _always
    completed: Callable[[Job], bool] = _never  # its output is on disk (lost just after)
    on_error: Callable[[Job], str | None] = _nothing  # cleans up; a sentence to add
    interrupted: Callable[[Job], str] = lambda job: gettext(E_LOST)  # why it cannot run again


# ------------------------------------------------------------------------ a batch of codes


def _tokens(job: Job, progress: Progress) -> Output:
    from pingyi.exports.token_sheets import write_token_bundle
    from pingyi.voting.services import token_issue

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    group = EvaluatorGroup.objects.get(pk=job.params["group"], campaign=campaign)
    count = int(job.params["count"])
    progress.set(2, STEP_ISSUING)
    with transaction.atomic():  # the codes and the job's hold on them, together
        issued = token_issue(campaign=campaign, group=group, count=count, actor=job.created_by)
        Job.objects.filter(pk=job.pk).update(batch=issued.batch)
    job.batch = issued.batch
    progress.set(10, STEP_DRAWING)
    started = time.monotonic()
    part, final = files.output_part(job.pk, ".zip")
    with part.open("wb") as stream:  # pages stream into the ZIP: memory stays flat
        write_token_bundle(
            stream,
            campaign=campaign,
            group=group,
            issued=issued,
            base_url=job.params["base_url"],
            progress=lambda done: progress.set(10 + 85 * done // count, STEP_DRAWING),
        )
    drawn = time.monotonic() - started
    progress.set(96, STEP_SAVING)
    files.output_publish(part, final)
    return Output(
        outcome={"codes": count, "batch": issued.batch.pk, "seconds_per_code": drawn / count},
        file_name=f"tokens-{campaign.code}-{group.code}-{issued.batch.pk}.zip",
        content_type="application/zip",
    )


def _tokens_void(job: Job) -> str | None:
    """Drawing failed after the codes were stored: nobody will ever see them, so they are
    withdrawn rather than left usable and counted as issued."""
    from pingyi.voting.services import token_batch_void

    job.refresh_from_db(fields=["batch"])
    if job.batch is None:
        return None
    voided = token_batch_void(batch=job.batch, actor=job.created_by)
    return gettext(E_SHEETS_FAILED) % {"n": voided}


def _tokens_lost(job: Job) -> str:
    return gettext(E_SHEETS_LOST) % {"n": job.params.get("count", "")}


TOKENS = Handler(
    run=_tokens,
    restartable=lambda job: job.batch_id is None,
    completed=lambda job: job.batch_id is not None and files.output_path(job.pk) is not None,
    on_error=_tokens_void,
    interrupted=_tokens_lost,
)


# ------------------------------------------------------------------------------ reports


def _results_report(job: Job, progress: Progress) -> Output:
    from pingyi.ballots.selectors import campaign_results

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    fmt = job.params["format"]
    progress.set(5, STEP_COUNTING)
    found = campaign_results(campaign)  # the one door: refuses under k (R12)
    result = found.tally
    progress.set(30, STEP_BUILDING)
    part, final = files.output_part(job.pk, f".{fmt}")
    if fmt == "xlsx":
        from pingyi.campaigns.yearend_selectors import campaign_yearend
        from pingyi.exports.results_workbook import write_results_workbook

        yearend = campaign_yearend(campaign, found.kinds)
        write_results_workbook(part, result, title=campaign.name, yearend=yearend)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        from pingyi.exports.results_pdf import write_results_pdf

        progress.expect(8, until=95)
        write_results_pdf(part, result, title=campaign.name)
        content_type = "application/pdf"
    files.output_publish(part, final)
    return Output(file_name=f"{campaign.code}.{fmt}", content_type=content_type)


def _grading_report(job: Job, progress: Progress) -> Output:
    from pingyi.exports.grading_pdf import write_grading_pdf
    from pingyi.exports.grading_workbook import write_grading_workbook
    from pingyi.grading.models import GradingRound
    from pingyi.grading.selectors import grading_reports, round_scheme

    grading_round = GradingRound.objects.get(pk=job.params["round"])
    fmt = job.params["format"]
    progress.set(5, STEP_COUNTING)
    committees = job.params.get("committees")  # a committee's own files: its organizations
    rows = grading_reports(grading_round, committees)
    progress.set(30, STEP_BUILDING)
    part, final = files.output_part(job.pk, f".{fmt}")
    scheme, title = round_scheme(grading_round), grading_round.name
    if fmt == "xlsx":
        write_grading_workbook(part, rows, scheme=scheme, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        progress.expect(8, until=95)
        write_grading_pdf(part, rows, scheme=scheme, title=title)
        content_type = "application/pdf"
    files.output_publish(part, final)
    suffix = "-" + "-".join(map(str, committees)) if committees else ""
    return Output(
        file_name=f"{grading_round.code}-grading{suffix}.{fmt}", content_type=content_type
    )


# ------------------------------------------------------------------------------ imports


def _upload(job: Job) -> Any:
    path = files.input_path(job.pk)
    if path is None:  # a restarted import whose upload was already removed
        raise FileNotFoundError(f"the upload of job {job.pk} is gone")
    return path


def _paper_import(job: Job, progress: Progress) -> Output:
    from pingyi.ballots.services import ballots_import_file

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    progress.set(5, STEP_READING)
    report = ballots_import_file(
        campaign=campaign,
        path=_upload(job),
        label=job.params["label"],
        actor=job.created_by,
        area=job.params.get("area", ""),
    )
    rejected = [{"row": r.row, "ballot_no": r.ballot_no} for r in report.rejected]
    return Output(
        outcome={"imported": report.imported, "invalid": report.invalid, "rejected": rejected}
    )


def _campaign_create(job: Job, progress: Progress) -> Output:
    from pingyi.accounts.models import Organization
    from pingyi.campaigns.services import campaign_create_from_file
    from pingyi.rules.scheme import builtin_scheme, scheme_from_toml

    params = job.params
    progress.set(5, STEP_READING)
    scheme = builtin_scheme()
    if params.get("scheme_toml"):
        scheme = scheme_from_toml(params["scheme_toml"], params["scheme_label"])
    organization = Organization.objects.get(pk=job.organization_id)
    campaign = campaign_create_from_file(
        units_file=_upload(job),
        label=params["label"],
        scheme=scheme,
        actor=job.created_by,
        organization_code=organization.code,
        organization_name=organization.name,
        series_code=params["series_code"],
        series_name=params["series_name"],
        year=int(params["year"]),
        name=params["name"],
    )
    Job.objects.filter(pk=job.pk).update(campaign=campaign)
    return Output(outcome={"campaign": campaign.code, "units": campaign.units.count()})


def _grading_import(job: Job, progress: Progress) -> Output:
    from pingyi.grading import services
    from pingyi.grading.models import GradingRound

    service = {"orgs": services.orgs_import, "scores": services.assessments_import}[
        job.params["what"]
    ]
    grading_round = GradingRound.objects.get(pk=job.params["round"])
    progress.set(10, STEP_WRITING)
    count = service(
        grading_round=grading_round,
        path=_upload(job),
        label=job.params["label"],
        actor=job.created_by,
    )
    return Output(outcome={"rows": count, "round": grading_round.code})


def _upload_kept(job: Job) -> bool:
    return files.input_path(job.pk) is not None


HANDLERS: dict[str, Handler] = {
    JobKind.TOKENS: TOKENS,
    JobKind.RESULTS_REPORT: Handler(run=_results_report),
    JobKind.GRADING_REPORT: Handler(run=_grading_report),
    JobKind.PAPER_IMPORT: Handler(run=_paper_import, restartable=_upload_kept),
    JobKind.CAMPAIGN_CREATE: Handler(run=_campaign_create, restartable=_upload_kept),
    JobKind.GRADING_IMPORT: Handler(run=_grading_import, restartable=_upload_kept),
}


def handler_for(kind: str) -> Handler:
    return HANDLERS[kind]
