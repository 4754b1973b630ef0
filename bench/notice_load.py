"""(f) The public notice page under load (issue 5): `make serve`'s server (gunicorn, several
workers) on a fresh SQLite database and, when a server answers on 127.0.0.1:5432, on a fresh
PostgreSQL database of its own (dropped at the end); a 66-unit campaign's notice and a
3,000-organization grading's notice both on notice; each page is fetched by 32 connections
for 30 s, after WARM_SECONDS untimed (every worker has served it: each one's cache is its
own). The grading's notice is read committee by committee (issue 16): its index page and
one committee's page are measured, each against 200 KB, and its full list as PDF is built
once. Prints requests/s, p50 and p99 against the goal (p99 < 200 ms) and the database
queries one page costs (the goal: a fixed number however many units; pinned in tests/notices).

Run alone: .venv/bin/python bench/notice_load.py [--quick] [--only sqlite|postgres]
[--rounds N]   (--quick: 5 s per page; --rounds: every page N times on the same server)
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from http_load import (
    CONNECTIONS,
    Load,
    bench_env,
    free_port,
    migrate,
    postgres_available,
    postgres_drop,
    postgres_url,
    start_gunicorn,
    stop_gunicorn,
)

GOAL_P99_MS = 200.0
GOAL_KB = 200.0  # a page of a 3,000-organization notice (issue 16)
ORGS = 3_000
COMMITTEES = 60
WARM_SECONDS = 3.0  # each page under load, untimed, before its timed run
PG_DATABASE = "pingyi_notice_bench"  # made afresh for the run and dropped after it
SETUP = r"""
import json, sys
from pathlib import Path
import django
django.setup()
from dataclasses import replace
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pingyi.accounts.models import Organization
from pingyi.demo.run import _build_year
from pingyi.grading.services import assessments_import, orgs_import, round_advance, round_create
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.services import notice_publish
from pingyi.rules import grading as rules
from pingyi.accounts.actors import Actor

out, orgs = Path(sys.argv[1]), int(sys.argv[2])
campaign = _build_year(2026, 0, 7, out, "bench")  # the demo's 66 units and paper ballots
p1 = notice_publish(campaign=campaign, actor=Actor.operator("bench"), days=30)
office = Organization.objects.get_or_create(code="bench-dept", defaults={"name": "组织部"})[0]
# No survey indicator: the 群众评价 points are scored like the others (bench data only).
indicators = tuple(replace(i, survey=False) for i in rules.SEVEN_INDICATORS)
scheme = rules.GradingScheme(indicators=indicators)
BENCH = Actor.operator("bench")
grading = round_create(
    organization=office, year=2026, name="2026年分类定级", scheme=scheme, actor=BENCH
)
sectors = list(rules.SECTORS)[:5]
lines = ["code,name,sector,committee"]
lines += [f"O{i:05d},第{i}党支部,{sectors[i % 5]},第{i % %d}党委" for i in range(orgs)]
(out / "orgs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
orgs_import(grading_round=grading, path=out / "orgs.csv", label="orgs.csv", actor=BENCH)
round_advance(grading_round=grading, actor=BENCH)
round_advance(grading_round=grading, actor=BENCH)
codes = [i.code for i in rules.SEVEN_INDICATORS]
maxima = {i.code: int(i.maximum) for i in rules.SEVEN_INDICATORS}
header = ["code", *codes, *(f"{c}_reason" for c in codes)]
rows = [",".join(header)]
for i in range(orgs):
    cut = (i * 7) % 41
    points = {c: maxima[c] for c in codes}
    points["leader"] -= min(cut, 20); points["performance"] -= max(0, cut - 20)
    reasons = ["扣分" if points[c] < maxima[c] else "" for c in codes]
    rows.append(",".join([f"O{i:05d}", *(str(points[c]) for c in codes), *reasons]))
(out / "scores.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
assessments_import(
    grading_round=grading, path=out / "scores.csv", label="scores.csv", actor=BENCH
)
round_advance(grading_round=grading, actor=BENCH)
p2 = notice_publish_grading(grading_round=grading, actor=Actor.operator("bench"), days=30)
import time
pages = {"p1": f"/notice/{p1.code}/", "p2": f"/notice/{p2.code}/", "p2c": f"/notice/{p2.code}/?c=1",
         "pdf": f"/notice/{p2.code}/notice.pdf"}
queries, seconds, sizes = {}, {}, {}
for label, path in pages.items():
    queries[label], seconds[label] = [], []
    for _ in ("rendered", "cached"):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = Client(SERVER_NAME="127.0.0.1").get(path)
        assert response.status_code == 200, (path, response.status_code)
        seconds[label].append(time.perf_counter() - began)
        queries[label].append(len(captured.captured_queries))
        sizes[label] = len(response.content)
json.dump({"pages": pages, "queries": queries, "seconds": seconds, "sizes": sizes},
          open(out / "notices.json", "w"))
""".replace("%d", str(COMMITTEES))


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def run_gets(port: int, path: str, duration: float) -> tuple[Load, int]:
    """GETs ``path`` from CONNECTIONS threads for ``duration`` seconds; the load and the size
    of one page in bytes."""
    load, lock, size = Load(), threading.Lock(), [0]
    stop = time.monotonic() + duration

    def worker() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, length = get(port, path)
            except OSError:
                with lock:
                    load.errors += 1
                continue
            spent = time.perf_counter() - started
            with lock:
                load.latencies.append(spent)
                load.statuses[status] = load.statuses.get(status, 0) + 1
                size[0] = length

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.monotonic() - began
    return load, size[0]


def page_line(label: str, load: Load, size: int, queries: list[int], size_goal: bool) -> str:
    p99 = load.percentile(99)
    kb = size / 1024
    size_note = (
        f" (goal < {GOAL_KB:.0f} KB: {'met' if kb < GOAL_KB else 'MISSED'})" if size_goal else ""
    )
    return (
        f"{label}: {load.rate:,.0f} req/s, p50 {load.percentile(50):.0f} ms, "
        f"p99 {p99:.0f} ms (goal < {GOAL_P99_MS:.0f} ms: "
        f"{'met' if p99 < GOAL_P99_MS else 'MISSED'}); {kb:,.0f} KB a page{size_note}; "
        f"queries a page {queries[0]} rendered, {queries[1]} cached; statuses "
        f"{dict(sorted(load.statuses.items()))}, client errors {load.errors}"
    )


def bench(name: str, url: str, home: Path, duration: float, orgs: int, rounds: int) -> None:
    """The pages on one database (``url``), ``rounds`` times each; each line is led by
    ``name`` (SQLite, PostgreSQL)."""
    env = bench_env(url, home) | {"PINGYI_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    migrate(env)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", SETUP, str(home), str(orgs)], env=env, check=True)
    made = json.loads((home / "notices.json").read_text())
    print(f"   {name}: setup (66-unit campaign and {orgs:,}-organization grading, both "
          f"published) {time.perf_counter() - began:.0f} s")  # fmt: skip
    print(
        f"   {name}: {orgs:,}-org grading, the full list as PDF (公示): built in "
        f"{made['seconds']['pdf'][0]:.1f} s, again {made['seconds']['pdf'][1] * 1000:.0f} ms "
        f"(cached per revision), {made['sizes']['pdf'] / 1024:,.0f} KB; queries "
        f"{made['queries']['pdf'][0]} built, {made['queries']['pdf'][1]} cached"
    )
    port = free_port()
    server = start_gunicorn(env, home, port)
    try:
        for round_ in range(rounds):
            for label, key, size_goal in (
                ("66-unit campaign", "p1", False),
                (f"{orgs:,}-org grading, index of {COMMITTEES} committees", "p2", True),
                (f"{orgs:,}-org grading, one committee (?c=1)", "p2c", True),
            ):
                path = made["pages"][key]
                # untimed: every worker serves the page first (its cache is its own)
                run_gets(port, path, WARM_SECONDS)
                load, size = run_gets(port, path, duration)
                lead = f"{name}, round {round_ + 1}" if rounds > 1 else name
                print(f"   {lead}: {page_line(label, load, size, made['queries'][key], size_goal)}")
    finally:
        stop_gunicorn(server)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5 s per page instead of 30 s")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="measure one database")
    parser.add_argument("--rounds", type=int, default=1, help="measure every page this often")
    args = parser.parse_args(argv)
    duration = 5.0 if args.quick else 30.0
    print(f"-- (f) public notice pages: gunicorn, {CONNECTIONS} connections, {duration:.0f} s each"
          " (SQLite and PostgreSQL)")  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix="pingyi-notice-"))
    try:
        if args.only != "postgres":
            home = root / "sqlite"
            home.mkdir()
            url = f"sqlite:///{home / 'bench.sqlite3'}"
            bench("SQLite", url, home, duration, ORGS, args.rounds)
        if args.only == "sqlite":
            print("   PostgreSQL: not asked for (--only sqlite)")
        elif postgres_available(PG_DATABASE):
            home = root / "postgres"
            home.mkdir()
            try:
                bench("PostgreSQL", postgres_url(PG_DATABASE), home, duration, ORGS, args.rounds)
            finally:
                postgres_drop(PG_DATABASE)
        else:
            print("   PostgreSQL: no server on 127.0.0.1:5432 — not measured")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
