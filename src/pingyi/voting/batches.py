"""Batches of codes as the office sees them: their story and their withdrawal (R27).

A batch's codes exist once: in the ZIP its job built, until the staff member who issued it
downloads it (then only their keyed digests remain). A batch whose ZIP was never built (the
worker stopped mid-way) or whose sheets are lost is withdrawn here: its unused codes are
voided, so they are refused at the ballot endpoint and no longer counted as issued; codes
already used stay used and their ballots counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q

from pingyi.accounts.actors import Actor
from pingyi.campaigns import access
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.voting.models import TokenBatch
from pingyi.voting.services import (
    E_BATCH_SIZE,
    E_GROUP,
    MAX_BATCH,
    check_codes_allowed,
    token_batch_void,
)

if TYPE_CHECKING:
    from pingyi.jobs.models import Job

E_NOTHING_TO_WITHDRAW = gettext_noop("this batch has no unused code left to withdraw")

# What the campaign page says of a batch.
BUILDING, READY, FETCHED, LOST, FAILED, WITHDRAWN, ISSUED = (
    "building",
    "ready",
    "fetched",
    "lost",
    "failed",
    "withdrawn",
    "issued",
)


@dataclass(frozen=True)
class BatchRow:
    batch: TokenBatch
    group: str
    size: int
    used: int
    withdrawn: int
    created_at: dt.datetime
    created_by: str
    state: str
    job_id: str | None

    @property
    def unused(self) -> int:
        return self.size - self.used - self.withdrawn


def batch_rows(campaign: Campaign) -> list[BatchRow]:
    """The campaign's batches, newest first, with their counts and state (one query)."""
    from pingyi.jobs.models import FileState, JobStatus

    batches = (
        TokenBatch.objects.filter(campaign=campaign)
        .select_related("group", "job")
        .annotate(
            n_used=Count("tokens", filter=Q(tokens__use__isnull=False)),
            n_void=Count("tokens", filter=Q(tokens__void=True)),
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for batch in batches:
        job = getattr(batch, "job", None)
        used, void = batch.n_used, batch.n_void
        if void and void + used >= batch.size:
            state = WITHDRAWN
        elif job is None:
            state = ISSUED  # through the API or the command line: the codes went to the caller
        elif job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            state = BUILDING
        elif job.status == JobStatus.FAILED:
            state = LOST if job.outcome.get("interrupted") else FAILED
        elif job.file_state == FileState.READY:
            state = READY
        else:
            state = FETCHED
        rows.append(
            BatchRow(
                batch=batch,
                group=batch.group.name,
                size=batch.size,
                used=used,
                withdrawn=void,
                created_at=batch.created_at,
                created_by=batch.created_by,
                state=state,
                job_id=str(job.pk) if job is not None else None,
            )
        )
    return rows


def batch_row(campaign: Campaign, batch_id: int) -> BatchRow | None:
    return next((r for r in batch_rows(campaign) if r.batch.pk == batch_id), None)


def batch_withdraw(*, batch: TokenBatch, actor: Actor) -> int:
    """Voids the batch's unused codes and deletes its ZIP if it still waits on disk; returns
    how many codes were voided. Only while the campaign takes ballots (draft or open), and
    only by its office (campaigns.access)."""
    access.check_campaign(actor, batch.campaign)
    from pingyi.jobs.models import Job
    from pingyi.jobs.services import job_output_discard

    phases.check_accepts_tokens(batch.campaign.status)
    with transaction.atomic():
        voided = token_batch_void(batch=batch, actor=actor)
        if voided == 0:
            raise RuleError(E_NOTHING_TO_WITHDRAW)
        job = Job.objects.filter(batch=batch).first()
        if job is not None:
            job_output_discard(job)
    return voided


def batch_issue_start(
    *, campaign: Campaign, group: EvaluatorGroup, count: int, base_url: str, actor: Actor
) -> Job:
    """Starts the job that issues ``count`` codes for ``group`` and draws their sheets
    pointing to ``base_url`` (the ballot page); returns at once. What the rules refuse
    (size, group, phase) is refused here already, before anything is queued; the job checks
    it again when it runs. The job acts for ``actor`` (its starter), asked here first."""
    access.check_campaign(actor, campaign)
    from pingyi.jobs.models import JobKind
    from pingyi.jobs.services import job_enqueue

    if not 1 <= count <= MAX_BATCH:
        raise RuleError(E_BATCH_SIZE, max=MAX_BATCH)
    if group.campaign_id != campaign.pk:
        raise RuleError(E_GROUP)
    phases.check_accepts_tokens(campaign.status)
    check_codes_allowed(group, count, lock=False)
    return job_enqueue(
        kind=JobKind.TOKENS,
        organization=campaign.series.organization,
        actor=actor.name,
        subject=f"{campaign.name} · {group.name} × {count}",
        params={"campaign": campaign.pk, "group": group.pk, "count": count, "base_url": base_url},
        campaign=campaign,
    )
