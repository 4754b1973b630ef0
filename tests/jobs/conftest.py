"""Jobs run by a real worker: in this process (django_tasks_db's loop, until the queue is
empty) or as `pingyi worker` in a subprocess on the test database, as `make serve` runs it.

The tests that run a worker use ``django_db(transaction=True)``: the worker's heartbeat
thread and the subprocess need to see what the test wrote.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from pingyi.jobs.models import Job
from tests.conftest import PINGYI
from tests.live import database_url
from tests.web.conftest import Cast, _clear_rate_limits, cast, client_for, issued

__all__ = ["Cast", "_clear_rate_limits", "cast", "client_for", "issued"]

PUBLIC = "http://192.0.2.10:8000"  # an address on the evaluators' network (TEST-NET-1)


@pytest.fixture(autouse=True)
def _forget_ballot_layouts() -> Iterator[None]:
    """ballot_submit keeps each open campaign's layout per process, by id; the test database
    gives a rolled-back campaign's id to the next one, so what these tests cast is forgotten
    after them (else a later test's campaign would meet this one's units)."""
    from pingyi.voting import services

    yield
    services._LAYOUTS.clear()


@pytest.fixture(autouse=True)
def _jobs_home(settings: Any, tmp_path: Path) -> Path:
    """Each test's job files in its own folder, so what it leaves behind is its own."""
    settings.PINGYI_JOBS_DIR = tmp_path / "jobs"
    return tmp_path


def run_worker() -> None:
    """The queue worked until empty, in this process."""
    from pingyi.jobs.worker import work

    work(batch=True, interval=0)


def wait_for(check: Callable[[], bool], timeout: float = 300, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError("gave up waiting")


@dataclass
class Subprocess:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """kill -9, as a power cut or the OOM killer would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def worker_process(home: Path, **env: str) -> Iterator[Subprocess]:
    """`pingyi worker` on the test database, with the test's secret key and job folder."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    environment.update(
        PINGYI_DATABASE_URL=database_url(),
        PINGYI_HOME=str(home),
        PINGYI_SECRET_KEY=settings.SECRET_KEY,
        PINGYI_LANGUAGE="en",
        **env,
    )
    log = home / "worker.out"
    with log.open("ab") as stream:
        process = subprocess.Popen(
            [str(PINGYI), "worker", "--interval", "0.2"],
            env=environment,
            stdout=stream,
            stderr=stream,
        )
    running = Subprocess(process, log)
    try:
        yield running
    finally:
        running.stop()


def fetch(client: Client, job: Job) -> tuple[int, bytes]:
    response = client.get(f"/staff/jobs/{job.pk}/download")
    if response.status_code != 200:
        return response.status_code, response.content
    return 200, b"".join(response.streaming_content)  # type: ignore[attr-defined]


def zip_codes(data: bytes) -> list[dict[str, str]]:
    """The SMS list of a batch's ZIP: group, code, link per row."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def finish_jobs() -> None:
    """Runs the waiting jobs here and now, in the test's own transaction: for the tests of
    what a job produces (the worker itself is tested with transaction=True). The heartbeat
    thread is left out: its own connection could not see the test's uncommitted rows."""
    from contextlib import nullcontext
    from unittest import mock

    from pingyi.jobs.execute import job_execute
    from pingyi.jobs.models import JobStatus

    with mock.patch("pingyi.jobs.execute.ticking", lambda progress: nullcontext()):
        for job_id in Job.objects.filter(status=JobStatus.QUEUED).values_list("pk", flat=True):
            job_execute(str(job_id), worker="test")


def through_job(client: Client, url: str) -> Any:
    """GET ``url`` that starts a job; runs it; returns the answer of its download (or of its
    page when it made no file)."""
    started = client.get(url)
    assert started.status_code == 302 and "/staff/jobs/" in started["Location"], started
    finish_jobs()
    job = Job.objects.order_by("-created_at").first()
    assert job is not None
    if job.file_name:
        response = client.get(f"/staff/jobs/{job.pk}/download")
        response.content_bytes = b"".join(response.streaming_content)
        return response
    return client.get(f"/staff/jobs/{job.pk}/")
