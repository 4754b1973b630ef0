"""`pingyi worker`: django_tasks_db's worker loop, plus what it does not do by itself.

It does not notice a task whose worker was killed: such a task stays "running" for ever.
So every Pingyi worker, when it starts and then every few seconds from a thread of its own,
looks for jobs whose heartbeat stopped (jobs_recover) and, once an hour, prunes old jobs.
The same thread renews the worker's own sign of life (WorkerBeat), which /readyz reads.
Several workers may run at once (on one machine or several): a job is claimed by one only.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from pingyi.jobs.services import jobs_prune, jobs_recover, worker_beat, worker_gone

logger = logging.getLogger("pingyi.jobs")
PRUNE_EVERY = 3600.0


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(6)}"


def beat(ident: str, started_at: dt.datetime) -> None:
    try:
        worker_beat(worker=ident, started_at=started_at)
    except DatabaseError:
        logger.exception("the worker's sign of life could not be written; trying again later")


def housekeeping() -> None:
    """One round of recovery; errors are logged, never fatal to the worker."""
    try:
        for job in jobs_recover():
            logger.warning("recovered job %s: %s", job.pk, job.status)
    except DatabaseError:
        logger.exception("job recovery failed; trying again later")


def _keep_house(stop: threading.Event, every: float, ident: str, started: dt.datetime) -> None:
    waited = 0.0
    try:
        while not stop.wait(every):
            beat(ident, started)
            housekeeping()
            waited += every
            if waited >= PRUNE_EVERY:
                waited = 0.0
                try:
                    jobs_prune()
                except DatabaseError:
                    logger.exception("pruning old jobs failed")
    finally:
        connection.close()


def work(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> str:
    """Runs jobs until stopped (SIGTERM/SIGINT finish the current job first); with ``batch``,
    until the queue is empty. Returns the worker's id."""
    ident = worker_id()
    logging.getLogger("pingyi.jobs").setLevel(logging.INFO)
    started = timezone.now()
    beat(ident, started)
    housekeeping()
    stop = threading.Event()
    every = max(1.0, settings.PINGYI_JOB_STALE_SECONDS / 4)
    keeper = threading.Thread(target=_keep_house, args=(stop, every, ident, started), daemon=True)
    keeper.start()
    runner = Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=ident,
        excluded_queue_names=[],
    )
    logger.info("worker %s started", ident)
    try:
        if not batch:
            runner.configure_signals()
        runner.run()
    finally:
        stop.set()
        keeper.join(timeout=5)
        try:
            worker_gone(worker=ident)
        except DatabaseError:
            logger.exception("the worker's sign of life could not be removed")
    return ident
