"""A real multi-worker server (gunicorn) on the test database, for the tests that need one:
concurrency (R1), crashes (R7) and the browser; beside it `pingyi worker` for the background
jobs, as `make serve` runs them. The test must use
``@pytest.mark.django_db(transaction=True)`` so that what it writes is visible to the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import REPO, require_run_database

GUNICORN = Path(sys.executable).with_name("gunicorn")


def database_url() -> str:
    """The URL of the database the test runs on (the test database, not the real one)."""
    require_run_database()
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    def __init__(
        self, home: Path, workers: int, env: dict[str, str], ready: str = "/v/", jobs: bool = True
    ) -> None:
        self.ready = ready  # the page that answers 200 once the server is up
        self.jobs = jobs  # whether `pingyi worker` runs beside it
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.home = home
        self.workers = workers
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None  # `pingyi worker`, as make serve

    def start(self) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
        environment.update(
            # the run's database, unless the test names another (a dead one, say)
            PINGYI_DATABASE_URL=self.env.get("PINGYI_DATABASE_URL") or database_url(),
            PINGYI_HOME=str(self.home),
            PINGYI_SECRET_KEY=str(django_settings.SECRET_KEY),  # codes and seals: one key,
            PINGYI_STATIC_FINDERS="1",
            PINGYI_LANGUAGE="en",
            PINGYI_BIND=f"127.0.0.1:{self.port}",
            PINGYI_WORKERS=str(self.workers),
        )
        environment.update(self.env)  # the test's own, over the defaults above
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                str(REPO / "deploy" / "gunicorn.conf.py"),
                "pingyi.wsgi:application",
            ],
            env=environment,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        if self.jobs:
            self.worker = subprocess.Popen(
                [str(Path(sys.executable).with_name("pingyi")), "worker", "--interval", "0.2"],
                env=environment,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}{self.ready}", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(
            f"the live server did not start: {(self.home / 'server.log').read_text()}"
        )

    def _stop_jobs_worker(self, sig: int) -> None:
        if self.worker is not None:
            os.killpg(self.worker.pid, sig)
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
                self.worker.wait()
            self.worker = None

    def kill(self) -> None:
        """kill -9 of the master and every worker, as a power cut would."""
        self._stop_jobs_worker(signal.SIGKILL)
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        self._stop_jobs_worker(signal.SIGTERM)
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


@contextmanager
def live_server(
    home: Path, *, workers: int = 4, ready: str = "/v/", jobs: bool = True, **env: str
) -> Iterator[LiveServer]:
    server = LiveServer(home, workers, env, ready=ready, jobs=jobs)
    server.start()
    try:
        yield server
    finally:
        server.stop()
