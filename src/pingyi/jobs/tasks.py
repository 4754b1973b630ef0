"""The one queued task: run a Job by its id. `pingyi worker` (django_tasks_db's worker loop)
takes the queue's entries; everything else about the job is in pingyi.jobs."""

from __future__ import annotations

import logging
import os
import socket

from django.tasks import TaskContext, task
from django.utils import translation
from django.utils.translation import gettext

from pingyi.jobs import files
from pingyi.jobs.handlers import Handler, handler_for
from pingyi.jobs.models import Job
from pingyi.jobs.progress import Progress, ticking
from pingyi.jobs.services import E_INTERNAL, job_claim, job_fail, job_succeed
from pingyi.rules.errors import InputError, RuleError

logger = logging.getLogger("pingyi.jobs")


@task(takes_context=True)
def run_job(context: TaskContext[[str], str], job_id: str) -> str:
    worker = context.task_result.worker_ids[-1] if context.task_result.worker_ids else ""
    return job_execute(job_id, worker=worker or f"{socket.gethostname()}:{os.getpid()}")


def job_execute(job_id: str, *, worker: str) -> str:
    """Runs the job if it is waiting; returns its status. A refusal by the rules or by a
    file's content fails the job with that message; any other error fails it with a
    sentence that names the job, and the traceback goes to the log only."""
    job = job_claim(job_id, worker=worker)
    if job is None:
        return "skipped"
    handler = handler_for(job.kind)
    progress = Progress(job.pk)
    output, error, outcome = None, "", {}
    with translation.override(job.language):
        try:
            with ticking(progress):  # stopped before the end is written: no late beat
                output = handler.run(job, progress)
        except InputError as exc:
            error, outcome = "\n".join(exc.messages(gettext)), {"problems": True}
        except RuleError as exc:
            error = exc.message(gettext)
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            extra = _cleanup(handler, job)
            error = " ".join([gettext(E_INTERNAL) % {"job": job.pk}, *extra])
        # Not on the way out of an interrupted worker (SystemExit): the upload stays, so
        # that the import can run again.
        files.input_remove(job.pk)
        if output is not None:
            job_succeed(
                job,
                outcome=output.outcome,
                file_name=output.file_name,
                content_type=output.content_type,
            )
        else:
            job_fail(job, error=error, outcome=outcome)
    job.refresh_from_db(fields=["status"])
    return str(job.status)


def _cleanup(handler: Handler, job: Job) -> list[str]:
    try:
        note = handler.on_error(job)
    except Exception:
        logger.exception("job %s: cleaning up after the failure failed too", job.pk)
        return []
    return [note] if note else []
