"""The one queued task: run a Job by its id. `pingyi worker` (django_tasks_db's worker loop)
takes the queue's entries; everything else about the job is in pingyi.jobs."""

from __future__ import annotations

import logging
import os
import socket

from django.tasks import TaskContext, task

from pingyi.jobs.execute import job_execute

logger = logging.getLogger("pingyi.jobs")


@task(takes_context=True)
def run_job(context: TaskContext[[str], str], job_id: str) -> str:
    worker = context.task_result.worker_ids[-1] if context.task_result.worker_ids else ""
    return job_execute(job_id, worker=worker or f"{socket.gethostname()}:{os.getpid()}")
