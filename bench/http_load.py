"""(d) Ballots over HTTP: `make serve`'s server (gunicorn, several workers) under 32 connections
for 30 s with distinct tokens, beside a bare Django view that stores one row per request on the
same server in the same run; then the stored ballots are checked against the acknowledged
receipts. On SQLite (synchronous=FULL) and, when it answers, on PostgreSQL.

Also the ballot page's first load: bytes and requests.

Run alone: .venv/bin/python bench/http_load.py [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
CONNECTIONS = 32
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/pingyi_bench"
SETUP = r"""
import json, sys
import django
django.setup()
from pingyi.accounts.actors import Actor
from pingyi.campaigns.services import campaign_create, campaign_open
from pingyi.demo.scenario import demo_units
from pingyi.rules.scheme import builtin_scheme
from pingyi.voting.services import token_issue
units = demo_units()
campaign = campaign_create(organization_code="bench", organization_name="bench", series_code="http",
    series_name="http", year=2026, name="http bench", scheme=builtin_scheme(), units=units,
    code="http-2026", actor=Actor.operator("bench"))
campaign_open(campaign=campaign, actor=Actor.operator("bench"))
group, bench = campaign.groups.first(), Actor.operator("bench")
codes = []
for _ in range(int(sys.argv[1]) // 20000 + 1):
    codes += token_issue(campaign=campaign, group=group, count=20000, actor=bench).codes
json.dump({"codes": codes, "units": [u.code for u in units]}, open(sys.argv[2], "w"))
"""


@dataclass
class Load:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    # (time.monotonic() at the answer, status; 0 for a connection error): for runs that
    # change something midway (bench/scaleout.py kills a server)
    events: list[tuple[float, int]] = field(default_factory=list)
    began: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run_load(
    port: int, path: str, bodies: list[bytes], duration: float, connections: int = CONNECTIONS
) -> Load:
    """``connections`` threads POST the bodies in turn (each body once, a new connection per
    request) for ``duration`` seconds or until the bodies run out."""
    load = Load()
    lock = threading.Lock()
    position = [0]
    stop = time.monotonic() + duration

    def worker() -> None:
        while time.monotonic() < stop:
            with lock:
                if position[0] >= len(bodies):
                    return
                body = bodies[position[0]]
                position[0] += 1
            started = time.perf_counter()
            try:
                status, content = post(port, path, body)
            except (OSError, http.client.HTTPException):
                with lock:
                    load.errors += 1
                    load.events.append((time.monotonic(), 0))
                continue
            spent = time.perf_counter() - started
            with lock:
                load.events.append((time.monotonic(), status))
                load.latencies.append(spent)
                load.statuses[status] = load.statuses.get(status, 0) + 1
                if status == 201 and path == "/api/ballots":
                    load.receipts.append(json.loads(content)["receipt"])

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    load.began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.monotonic() - load.began
    return load


def page_weight(port: int, code: str) -> tuple[int, int]:
    """Bytes and requests of the ballot page's first load, as a phone opening the QR link does."""
    total, requests = 0, 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/v/")
    response = connection.getresponse()
    page = response.read().decode()
    total, requests = total + len(page), requests + 1
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    for asset in ("/static/pingyi/pingyi.css", "/static/pingyi/vote.js"):
        connection.request("GET", asset, headers={"Accept-Encoding": "gzip"})
        total, requests = total + len(connection.getresponse().read()), requests + 1
    body = f"csrfmiddlewaretoken={token}&code={code}"
    connection.request(
        "POST",
        "/v/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}/v/",
        },
    )
    total, requests = total + len(connection.getresponse().read()), requests + 1
    connection.close()
    return total, requests


def stored_receipts(url: str) -> tuple[set[str], int, int]:
    query = (
        "SELECT code FROM voting_receipt",
        # stored ballots: those in the table and those still sealed in the mixing pool
        "SELECT (SELECT count(*) FROM ballots_ballot)"
        " + (SELECT count(*) FROM ballots_pooledballot)",
        "SELECT count(*) FROM voting_tokenuse",
    )
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            codes = {r[0] for r in db.execute(query[0])}
            return codes, db.execute(query[1]).fetchone()[0], db.execute(query[2]).fetchone()[0]
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        codes = {r[0] for r in db.execute(query[0])}
        ballots = db.execute(query[1]).fetchone()
        uses = db.execute(query[2]).fetchone()
        return codes, int(ballots[0]) if ballots else 0, int(uses[0]) if uses else 0


def bench_env(url: str, home: Path) -> dict[str, str]:
    """The servers' environment: this database, this home, limits out of the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    env.update(
        PINGYI_HOME=str(home),
        PINGYI_DATABASE_URL=url,
        PINGYI_SECRET_KEY="bench",
        DJANGO_SETTINGS_MODULE="pingyi.settings",
        PINGYI_BENCH="1",
        PINGYI_TOKEN_FAILURES="10000000",
        PINGYI_BALLOT_POSTS="10000000",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """The database's tables and the static files, as `make serve` has them."""
    pingyi = str(BIN / "pingyi")
    subprocess.run([pingyi, "manage", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([pingyi, "manage", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)


def ballot_bodies(env: dict[str, str], home: Path, url: str, tokens: int) -> list[bytes]:
    """Migrates the database, opens a campaign with ``tokens`` codes and returns one ballot
    body (JSON for POST /api/ballots) per code, each code once."""
    migrate(env)
    create = "CREATE TABLE IF NOT EXISTS bench_row ({} payload TEXT NOT NULL)"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute(create.format("id INTEGER PRIMARY KEY,"))
    else:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
            db.execute(create.format("id BIGSERIAL PRIMARY KEY,"))  # type: ignore[arg-type]
    codes_file = home / "codes.json"
    subprocess.run([sys.executable, "-c", SETUP, str(tokens), str(codes_file)], env=env, check=True)
    issued = json.loads(codes_file.read_text())
    marks = ["满意", "基本满意", "满意", "不满意"]
    return [
        json.dumps(
            {
                "token": code,
                "marks": {u: marks[(i + j) % 4] for j, u in enumerate(issued["units"])},
            },
            ensure_ascii=False,
        ).encode()
        for i, code in enumerate(issued["codes"])
    ]


def start_gunicorn(env: dict[str, str], home: Path, port: int) -> subprocess.Popen[bytes]:
    """`make serve`'s server (deploy/gunicorn.conf.py) on ``port``, in a process group of its
    own (its master and workers: ``os.killpg(server.pid, …)``); answering when it returns."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(REPO / "deploy" / "gunicorn.conf.py"),
            "pingyi.wsgi:application",
        ],
        env={**env, "PINGYI_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=(home / "server.log").open("ab"),
        start_new_session=True,
    )
    for _ in range(300):
        try:
            post(port, "/bench/bare", b"{}")
            break
        except OSError:
            time.sleep(0.1)
    return server


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def bench_backend(name: str, url: str, home: Path, duration: float, tokens: int) -> None:
    env = bench_env(url, home)
    bodies = ballot_bodies(env, home, url, tokens)
    last_code = json.loads(bodies[-1])["token"]
    port = free_port()
    server = start_gunicorn(env, home, port)
    try:
        weight, requests = page_weight(port, last_code)
        bare = run_load(port, "/bench/bare", [b'{"x": 1}'] * 10_000_000, duration)
        ballots = run_load(port, "/api/ballots", bodies[:-1], duration)
    finally:
        stop_gunicorn(server)
    stored, ballot_rows, uses = stored_receipts(url)
    report(name, bare, ballots, stored, ballot_rows, uses, weight, requests)


def report(
    name: str,
    bare: Load,
    ballots: Load,
    stored: set[str],
    ballot_rows: int,
    uses: int,
    weight: int,
    requests: int,
) -> None:
    acked = set(ballots.receipts)
    ratio = ballots.rate / bare.rate if bare.rate else 0
    exact = acked == stored and ballot_rows == uses == len(stored)
    p99 = ballots.percentile(99)
    light = weight < 100 * 1024 and requests < 5
    lines = [
        f"bare view {bare.rate:,.0f} req/s (p50 {bare.percentile(50):.0f} ms, "
        f"p99 {bare.percentile(99):.0f} ms)",
        f"ballots   {ballots.rate:,.0f} req/s (p50 {ballots.percentile(50):.0f} ms, "
        f"p99 {p99:.0f} ms), statuses {dict(sorted(ballots.statuses.items()))}, "
        f"client errors {ballots.errors}",
        f"ratio {ratio:.2f} of the bare view (goal >= 0.5: {'met' if ratio >= 0.5 else 'MISSED'});"
        f" p99 goal < 250 ms: {'met' if p99 < 250 else 'MISSED'}",
        f"acknowledged {len(acked):,}, stored receipts {len(stored):,}, ballots {ballot_rows:,},"
        f" token uses {uses:,} -> {'exact' if exact else 'MISMATCH'}",
        f"ballot page first load {weight / 1024:.1f} KB in {requests} requests"
        f" (goal < 100 KB and < 5: {'met' if light else 'MISSED'})",
    ]
    for line in lines:
        print(f"   {name}: {line}")


def postgres_available(database: str = "pingyi_bench") -> bool:
    """Whether PostgreSQL answers on 127.0.0.1:5432; if so, ``database`` is made afresh."""
    try:
        import psycopg

        with psycopg.connect(
            PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=3
        ) as db:
            db.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {database}")
        return True
    except Exception:  # no server here: SQLite only
        return False


def postgres_url(database: str) -> str:
    """The address of ``database`` on the local PostgreSQL server."""
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{database}"


def postgres_drop(database: str) -> None:
    """Drops ``database`` (made by postgres_available), its connections closed by force."""
    import psycopg

    with psycopg.connect(
        PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=3
    ) as db:
        db.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="measure one database")
    args = parser.parse_args(argv)
    duration = 5.0 if args.quick else 30.0
    tokens = 5_000 if args.quick else 40_000
    print(f"-- (d) ballots over HTTP: gunicorn, {CONNECTIONS} connections, {duration:.0f} s each")
    root = Path(tempfile.mkdtemp(prefix="pingyi-http-"))
    try:
        home = root / "sqlite"
        home.mkdir()
        if args.only != "postgres":
            bench_backend("SQLite", f"sqlite:///{home / 'bench.sqlite3'}", home, duration, tokens)
        if args.only == "sqlite":
            print("   PostgreSQL: not asked for (--only sqlite)")
        elif postgres_available():
            home = root / "postgres"
            home.mkdir()
            bench_backend("PostgreSQL", PG_BENCH, home, duration, tokens)
        else:
            print("   PostgreSQL: no server on 127.0.0.1:5432 — not measured")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
