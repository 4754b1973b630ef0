"""Reads of jobs for the office's pages: a job is seen only by its own office (R17)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.utils import timezone

from pingyi.accounts.selectors import AnyUser, organizations_for
from pingyi.jobs.models import Job, WorkerBeat


def jobs_for(user: AnyUser) -> QuerySet[Job]:
    """The jobs of the offices where ``user`` has any role, newest first."""
    return Job.objects.filter(organization__in=organizations_for(user)).select_related(
        "organization", "campaign"
    )


def job_get(user: AnyUser, job_id: uuid.UUID) -> Job | None:
    """The job if it belongs to one of ``user``'s offices; another office's is None (404)."""
    return jobs_for(user).filter(pk=job_id).first()


def worker_alive(*, within: float) -> bool:
    """Whether some `pingyi worker` gave a sign of life in the last ``within`` seconds."""
    since = timezone.now() - dt.timedelta(seconds=within)
    return WorkerBeat.objects.filter(seen_at__gte=since).exists()
