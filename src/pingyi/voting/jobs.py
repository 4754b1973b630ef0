"""The job that issues a batch of codes and draws its QR sheets (registered with jobs in
VotingConfig.ready())."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.jobs import files
from pingyi.jobs.handlers import Handler, Output, starter
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress

STEP_ISSUING = gettext_noop("Issuing the codes")
STEP_DRAWING = gettext_noop("Drawing the QR sheets")
STEP_SAVING = gettext_noop("Saving the ZIP")

E_SHEETS_FAILED = gettext_noop(
    "The %(n)s codes of this batch were withdrawn, since nobody received them: issue the "
    "batch again."
)
E_SHEETS_LOST = gettext_noop(
    "The worker stopped while drawing the sheets of this batch: its %(n)s codes were never "
    "delivered and cannot be shown again. Withdraw the batch and issue it again."
)


def _tokens(job: Job, progress: Progress) -> Output:
    from pingyi.exports.token_sheets import write_token_bundle
    from pingyi.voting.services import token_issue

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    group = EvaluatorGroup.objects.get(pk=job.params["group"], campaign=campaign)
    count = int(job.params["count"])
    progress.set(2, STEP_ISSUING)
    with transaction.atomic():  # the codes and the job's hold on them, together
        issued = token_issue(campaign=campaign, group=group, count=count, actor=starter(job))
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
    voided = token_batch_void(batch=job.batch, actor=starter(job))
    return gettext(E_SHEETS_FAILED) % {"n": voided}


def _tokens_lost(job: Job) -> str:
    return gettext(E_SHEETS_LOST) % {"n": job.params.get("count", "")}


def _tokens_page(job: Job) -> dict[str, Any]:
    """A batch lost while its sheets were drawn: its job's page offers to withdraw it."""
    from pingyi.voting.batches import LOST, batch_row

    row = None
    if job.batch is not None and job.campaign is not None:
        row = batch_row(job.campaign, job.batch.pk)
    return {"lost_batch": row is not None and row.state == LOST}


TOKENS = Handler(
    run=_tokens,
    restartable=lambda job: job.batch_id is None,
    completed=lambda job: job.batch_id is not None and files.output_path(job.pk) is not None,
    on_error=_tokens_void,
    interrupted=_tokens_lost,
    page=_tokens_page,
)


HANDLERS: dict[str, Handler] = {JobKind.TOKENS: TOKENS}
