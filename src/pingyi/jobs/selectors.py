"""Reads of jobs for the office's pages: a job is seen only by its own office (R17)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from pingyi.accounts.selectors import AnyUser, organizations_for
from pingyi.jobs.models import Job, JobKind, WorkerBeat


def jobs_for(user: AnyUser) -> QuerySet[Job]:
    """The jobs of the offices where ``user`` has any role, newest first; and the report
    jobs ``user`` started without such a role (a committee's own 汇总表 and 一览表)."""
    mine = (
        Q(kind=JobKind.GRADING_REPORT, created_by=user.get_username())
        if (user.is_authenticated)
        else Q(pk__in=[])
    )
    return Job.objects.filter(Q(organization__in=organizations_for(user)) | mine).select_related(
        "organization", "campaign"
    )


def job_get(user: AnyUser, job_id: uuid.UUID) -> Job | None:
    """The job if it belongs to one of ``user``'s offices; another office's is None (404)."""
    return jobs_for(user).filter(pk=job_id).first()


def worker_alive(*, within: float) -> bool:
    """Whether some `pingyi worker` gave a sign of life in the last ``within`` seconds."""
    since = timezone.now() - dt.timedelta(seconds=within)
    return WorkerBeat.objects.filter(seen_at__gte=since).exists()
