"""Reads of jobs for the office's pages: a job is seen only by its own office (R17)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from pingyi.accounts.selectors import AnyUser, organizations_for
from pingyi.jobs.models import Job


def jobs_for(user: AnyUser) -> QuerySet[Job]:
    """The jobs of the offices where ``user`` has any role, newest first."""
    return Job.objects.filter(organization__in=organizations_for(user)).select_related(
        "organization", "campaign"
    )


def job_get(user: AnyUser, job_id: uuid.UUID) -> Job | None:
    """The job if it belongs to one of ``user``'s offices; another office's is None (404)."""
    return jobs_for(user).filter(pk=job_id).first()
