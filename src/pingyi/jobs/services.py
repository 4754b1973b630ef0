"""Starting, running, ending and recovering jobs (R27). The only writes to Job.

A job is created together with its queue entry in one transaction, so there is never a job
that no worker will see, nor a queue entry without its job. A worker claims a job with a
conditional update (only a waiting job can start), so a job runs once however many workers
see its entry. A job whose worker vanished (kill -9, power cut) is found by its silent
heartbeat and either queued again — when running it again cannot do anything twice — or
failed with a message that says what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from pingyi.accounts.models import Organization
from pingyi.jobs import files
from pingyi.jobs.models import FileState, Job, JobStatus, WorkerBeat

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("pingyi.jobs")
MAX_ATTEMPTS = 3
KEEP_DAYS = 7  # reports and job records; a batch's ZIP waits for its download instead

E_LOST_TOO_OFTEN = gettext_noop(
    "The worker stopped %(n)s times while running this job; it was not started again. Check "
    "the worker's log, then start the job again."
)
E_WITHDRAWN = gettext_noop("The batch was withdrawn: its file was deleted.")


def job_enqueue(
    *,
    kind: str,
    organization: Organization,
    actor: str,
    subject: str,
    params: dict[str, Any],
    campaign: Model | None = None,
    job_id: uuid.UUID | None = None,
) -> Job:
    """Creates the job and its queue entry in one transaction; the worker takes it from there.

    ``params`` holds ids and numbers only (JSON); an upload is saved with files.input_save
    under ``job_id`` beforehand. Messages are written in the caller's current language.
    ``campaign`` is the campaign the job concerns, if any (jobs imports no app's model).
    """
    with transaction.atomic():
        job = Job.objects.create(
            id=job_id or uuid.uuid4(),
            organization=organization,
            kind=kind,
            subject=subject[:300],
            params=params,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=actor,
            campaign_id=campaign.pk if campaign is not None else None,
        )
        _queue(job)
    return job


def _queue(job: Job) -> None:
    from pingyi.jobs.tasks import run_job

    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)


def job_output_fetched(job: Job) -> bool:
    """A one-time download finished: the file is deleted and the job says when. False when
    another download got there first."""
    done = Job.objects.filter(pk=job.pk, file_state=FileState.READY).update(
        file_state=FileState.FETCHED, fetched_at=timezone.now()
    )
    files.folder_remove(job.pk)
    return bool(done)


def job_output_discard(job: Job, *, reason: str = E_WITHDRAWN) -> None:
    """Deletes a job's output (its batch was withdrawn), after the caller's commit."""
    job_id = job.pk

    def discard() -> None:
        with translation.override(job.language):
            note = gettext(reason)
        Job.objects.filter(pk=job_id, file_state=FileState.READY).update(
            file_state=FileState.GONE, outcome={**job.outcome, "note": note}
        )
        files.folder_remove(job_id)

    transaction.on_commit(discard)


def jobs_recover(*, now: dt.datetime | None = None) -> list[Job]:
    """Finds the jobs whose worker vanished and queues them again or fails them with a message;
    returns them. Run by every worker at start and then every few seconds."""
    from pingyi.jobs.handlers import handler_for

    moment = now or timezone.now()
    stale = moment - dt.timedelta(seconds=settings.PINGYI_JOB_STALE_SECONDS)
    found: list[Job] = []
    for job_id in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.status != JobStatus.RUNNING or (job.heartbeat_at and job.heartbeat_at >= stale):
                continue
            _task_lost(job, moment)
            handler = handler_for(job.kind)
            if handler.completed(job):
                job.status, job.progress, job.finished_at = JobStatus.DONE, 100, moment
                job.file_state = FileState.READY
                job.save()
            elif handler.restartable(job) and job.attempts < MAX_ATTEMPTS:
                _requeue(job)
            else:
                with translation.override(job.language):
                    if handler.restartable(job):
                        error = gettext(E_LOST_TOO_OFTEN) % {"n": job.attempts}
                    else:
                        error = handler.interrupted(job)
                job.status, job.finished_at, job.error = JobStatus.FAILED, moment, error
                job.outcome = {**job.outcome, "interrupted": True}
                job.save()
            logger.warning("job %s (%s) lost its worker: now %s", job.pk, job.kind, job.status)
            found.append(job)
    found.extend(_orphans(moment, stale))
    return found


def _requeue(job: Job) -> None:
    job.status, job.worker, job.step, job.progress = JobStatus.QUEUED, "", "", 0
    job.save()
    _queue(job)


def _orphans(moment: dt.datetime, stale: dt.datetime) -> list[Job]:
    """Waiting jobs whose queue entry can no longer start them (its worker died between
    taking the entry and starting the job, or the entry is gone)."""

    found = []
    waiting = Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=stale)
    for job in waiting:
        entry = _entries(job).first()
        if entry is not None and entry.status == "READY":
            continue
        if entry is not None and entry.started_at and entry.started_at >= stale:
            continue
        with transaction.atomic():
            if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).exists():
                _task_lost(job, moment)
                _queue(job)
                found.append(job)
    return found


def _task_lost(job: Job, moment: dt.datetime) -> None:
    """Closes the queue entry that a vanished worker left running."""

    _entries(job).filter(status="RUNNING").update(
        status="FAILED",
        finished_at=moment,
        exception_class_path="pingyi.jobs.WorkerLost",
        traceback="the worker stopped while running this task",
    )


def _entries(job: Job) -> QuerySet[DBTaskResult[Any, Any]]:
    """The job's current queue entry (none for a malformed id)."""
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(pk=uuid.UUID(job.task_id))
    except ValueError:
        return DBTaskResult.objects.none()


def jobs_prune(*, now: dt.datetime | None = None) -> int:
    """Deletes finished jobs older than KEEP_DAYS with their files; returns how many. The jobs
    of token batches stay (the campaign page tells each batch's story from them), and so does a
    batch's ZIP that was never downloaded, until its campaign no longer takes ballots: then its
    codes can no longer vote and the ZIP is deleted, however recent."""
    from pingyi.rules import phases

    limit = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    old = Job.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=limit)
    gone = list(old.filter(batch__isnull=True).values_list("pk", flat=True))
    for job_id in gone:
        files.folder_remove(job_id)
    Job.objects.filter(pk__in=gone).delete()
    useless = Job.objects.filter(file_state=FileState.READY, batch__isnull=False).exclude(
        campaign__status__in=[phases.DRAFT, phases.OPEN]
    )
    for job_id in list(useless.values_list("pk", flat=True)):
        files.folder_remove(job_id)
        Job.objects.filter(pk=job_id).update(file_state=FileState.GONE)
    return len(gone)


def job_enqueue_upload(*, chunks: Iterable[bytes], suffix: str, label: str, **job: Any) -> Job:
    """Saves an upload for an import job, then starts the job (``job`` as for job_enqueue;
    its params get the file's ``label``, the name messages give it). Nothing stays on disk
    when the job could not be started."""
    job_id = uuid.uuid4()
    files.input_save(job_id, iter(chunks), suffix)
    try:
        return job_enqueue(job_id=job_id, **{**job, "params": {**job["params"], "label": label}})
    except BaseException:
        files.folder_remove(job_id)
        raise


def worker_beat(*, worker: str, started_at: dt.datetime) -> None:
    """Renews ``worker``'s sign of life (for /readyz) and forgets workers silent for a day."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker=worker[:100], defaults={"started_at": started_at, "seen_at": now}
    )
    WorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()


def worker_gone(*, worker: str) -> None:
    """A worker stopping cleanly: no more sign of life from it."""
    WorkerBeat.objects.filter(worker=worker[:100]).delete()
