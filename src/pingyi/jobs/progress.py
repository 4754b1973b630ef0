"""How far a running job got, written where the page reads it, and its worker's sign of life.

The job's own thread reports steps (``set``). Some steps are one opaque call — a writer that
draws 2,000 slips says nothing until it is done — so a step may also say how long it should
take (``expect``): a ticker thread then moves the bar by the time spent, never past the
step's end, and meanwhile beats the job's heartbeat every second or so. A job whose heartbeat
stops was lost with its worker (jobs.services.jobs_recover).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.utils import timezone

from pingyi.jobs.models import Job

logger = logging.getLogger("pingyi.jobs")
BEAT_SECONDS = 1.0


class Progress:
    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self._lock = threading.Lock()
        self._percent = 0
        self._step = ""
        self._expected: tuple[float, float, int, int] | None = None  # t0, seconds, from, to

    @property
    def percent(self) -> int:
        return self._percent

    def set(self, percent: int, step: str | None = None) -> None:
        """Moves to ``percent`` (never backwards) and names the step (a msgid)."""
        with self._lock:
            self._expected = None
            self._percent = max(self._percent, min(100, percent))
            if step is not None:
                self._step = step
            self._write()

    def expect(self, seconds: float, *, until: int) -> None:
        """The current step should take about ``seconds`` and ends at ``until`` percent."""
        with self._lock:
            self._expected = (time.monotonic(), max(seconds, 0.1), self._percent, until)

    def tick(self) -> None:
        with self._lock:
            if self._expected is not None:
                started, seconds, start, end = self._expected
                share = min(1.0, (time.monotonic() - started) / seconds)
                # Never quite the end of the step: only the step's own end says it is done.
                self._percent = max(self._percent, start + int((end - start - 1) * share))
            self._write()

    def _write(self) -> None:
        try:
            Job.objects.filter(pk=self.job_id).update(
                progress=self._percent, step=self._step, heartbeat_at=timezone.now()
            )
        except DatabaseError:  # a busy database: the next beat tries again
            logger.warning("job %s: progress not recorded this time", self.job_id)


@contextmanager
def ticking(progress: Progress) -> Iterator[None]:
    """Beats ``progress`` from a thread of its own while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(BEAT_SECONDS):
                progress.tick()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{progress.job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
