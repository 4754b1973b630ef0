"""The worker's side of a job: claim it, run its handler, record how it ended. Runs under
the queued task of pingyi.jobs.tasks; the office's side (enqueue, recover, prune) is in
pingyi.jobs.services."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from pingyi.accounts.actors import AccessDenied
from pingyi.jobs import files
from pingyi.jobs.handlers import Handler, handler_for
from pingyi.jobs.models import FileState, Job, JobStatus
from pingyi.jobs.progress import Progress, ticking
from pingyi.rules.errors import InputError, RuleError

logger = logging.getLogger("pingyi.jobs")

E_REFUSED = gettext_noop(
    "The job was refused: the role of %(who)s, who started it, does not (or no longer) allow "
    "this. Nothing was written."
)
E_INTERNAL = gettext_noop(
    "The job stopped because of an internal error. Nothing was half-written. The details "
    "are in the worker's log under job %(job)s."
)


def job_claim(job_id: str, *, worker: str) -> Job | None:
    """Marks a waiting job as running by ``worker``; None when it is not waiting (another
    worker has it, or it ended)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, worker=worker[:100], started_at=now, heartbeat_at=now
        )
        if not claimed:
            return None
        job = Job.objects.select_for_update().get(pk=job_id)
        job.attempts += 1
        job.save(update_fields=["attempts"])
    return job


def job_succeed(
    job: Job, *, outcome: dict[str, Any], file_name: str = "", content_type: str = ""
) -> None:
    """The job is done; its output, if any, is already complete on disk."""
    has_file = bool(file_name) and files.output_path(job.pk) is not None
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        outcome=outcome,
        file_name=file_name if has_file else "",
        content_type=content_type if has_file else "",
        file_state=FileState.READY if has_file else FileState.NONE,
    )


def job_fail(job: Job, *, error: str, outcome: dict[str, Any] | None = None) -> None:
    """The job failed; ``error`` is a sentence for the office, in the job's language."""
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=error,
        outcome=outcome or {},
        file_state=FileState.NONE,
    )
    files.folder_remove(job.pk)


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
        except AccessDenied as exc:  # the starter's role does not (or no longer) allow it
            logger.warning("job %s (%s) refused to %s", job.pk, job.kind, job.created_by)
            extra = _cleanup(handler, job)
            why = [gettext(E_REFUSED) % {"who": job.created_by}, str(exc), *extra]
            error = " ".join(part for part in why if part)
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
