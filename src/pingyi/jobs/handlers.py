"""What each kind of job does, and what happens when its worker vanishes mid-way.

The apps own their handlers (`voting/jobs.py`, `ballots/jobs.py`, `campaigns/jobs.py`,
`grading/jobs.py`) and register them here from their AppConfig.ready(): jobs imports none of
them (issue 11). Every handler calls the same services and writers as the CLI; the job only
moves them out of the request. A handler is *restartable* when running it again cannot do
anything twice: imports write in one transaction (a lost worker rolled it back), reports only
write a file. A batch of codes is restartable only until its codes are stored: they exist
once, in the worker's memory, until the ZIP is on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_noop

from pingyi.accounts.actors import Actor
from pingyi.jobs import files
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress

STEP_READING = gettext_noop("Reading the file")
STEP_WRITING = gettext_noop("Storing what the file holds")
STEP_COUNTING = gettext_noop("Counting the ballots")
STEP_BUILDING = gettext_noop("Writing the report")

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


def _no_notes(job: Job) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Handler:
    run: Callable[[Job, Progress], Output]
    restartable: Callable[[Job], bool] = _always
    completed: Callable[[Job], bool] = _never  # its output is on disk (lost just after)
    on_error: Callable[[Job], str | None] = _nothing  # cleans up; a sentence to add
    interrupted: Callable[[Job], str] = lambda job: gettext(E_LOST)  # why it cannot run again
    page: Callable[[Job], dict[str, Any]] = _no_notes  # what the job's page adds (its context)


HANDLERS: dict[str, Handler] = {}


def handlers_register(handlers: Mapping[str, Handler]) -> None:
    """An app's handlers, by job kind (from its AppConfig.ready())."""
    for kind, handler in handlers.items():
        if kind not in JobKind.values:
            raise ValueError(f"no job kind {kind!r}")
        HANDLERS[kind] = handler


def handler_for(kind: str) -> Handler:
    return HANDLERS[kind]


def starter(job: Job) -> Actor:
    """The person who started the job (``created_by``), as the services ask about them: a
    job acts for its starter, whose role is read again when it runs, so that a role taken
    away (or an account deactivated) in the meantime refuses the job; a job started at the
    command line (``cli:<login>``: a user name holds no colon) acts for the machine's
    operator."""
    model = get_user_model()
    user = model.objects.filter(**{model.USERNAME_FIELD: job.created_by, "is_active": True}).first()
    if user is not None:
        return Actor.of(user)
    if job.created_by.startswith("cli:"):
        return Actor.operator(job.created_by)
    return Actor(name=job.created_by)


def upload(job: Job) -> Path:
    """The file an import job reads."""
    path = files.input_path(job.pk)
    if path is None:  # a restarted import whose upload was already removed
        raise FileNotFoundError(f"the upload of job {job.pk} is gone")
    return path


def upload_kept(job: Job) -> bool:
    """An import can run again while its upload is still there."""
    return files.input_path(job.pk) is not None
