"""(h) Past one machine (issue 13): app servers behind nginx on one PostgreSQL and one Redis.

Two app servers — each `make serve`'s gunicorn (deploy/gunicorn.conf.py, its own home, the
same secret key) — behind a private nginx with Pingyi's site (deploy/nginx/, its upstream
block listing both), on one PostgreSQL database of the bench's own and one private Redis (a
free port; never the machine's shared one on 6379). 64 connections cast ballots over HTTP
(POST /api/ballots, each with a code of its own; bench/http_load.py's load generator) for
30 s in three runs:

1. nginx with one app server in its upstream (the baseline);
2. nginx with both;
3. nginx with both, and one of them killed (SIGKILL to its gunicorn master and workers)
   halfway through.

Reported: requests per second of two servers against one, with the CPU the run used (the
whole machine from /proc/stat, and each part: app servers, PostgreSQL's backends of this
database, nginx, Redis, the load generator) — what bounds the figure; after the kill, the
requests that failed and when, and whether the survivor answered every request after them;
and after each run, every acknowledged receipt checked against the database (receipts,
ballots in the table and the mixing pool, token uses): no acknowledged ballot lost, none
stored twice.

nginx passes a request to the next server only when the first could not take it (connection
refused, or failed before the request was sent: `proxy_next_upstream error timeout` without
`non_idempotent`). A ballot that reached the killed server is never sent again — it may have
been stored before the server died — so its client sees 502 (and, casting again, would be
told the code is used when it was stored).

Run alone: .venv/bin/python bench/scaleout.py [--quick]   (--quick: 5 s per run)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from http_load import (
    PG_ADMIN,
    REPO,
    Load,
    ballot_bodies,
    bench_env,
    free_port,
    postgres_available,
    run_load,
    start_gunicorn,
    stop_gunicorn,
    stored_receipts,
)

CONNECTIONS = 64
GOAL_RATIO = 1.6
DATABASE = "pingyi_scaleout"
URL = PG_ADMIN.rsplit("/", 1)[0] + f"/{DATABASE}"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
REDIS = shutil.which("redis-server")
TICKS = os.sysconf("SC_CLK_TCK")
WARM_CODES = 2_000  # per server, before the runs
# Requests cut off by the kill end within this long of it; later ones must all succeed.
KILL_WINDOW = 1.0


def say(text: str = "") -> None:
    print(text, flush=True)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- Redis, nginx


@contextmanager
def own_redis() -> Iterator[tuple[str, int]]:
    """A redis-server of the bench's own on a free port (as tests/redis_server.py): its URL
    and process id."""
    if not REDIS:
        raise SystemExit("bench: redis-server is not installed (scripts/system-deps redis)")
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_port(port)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.kill()
        process.wait()


def wait_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def site_config(folder: Path, port: int, upstreams: Sequence[int], static: Path) -> Path:
    """deploy/nginx/ as an operator would edit it (as tests/reliability/test_nginx.py does):
    listen, one `server` line per app server in the upstream block, static folder, logs."""
    proxy = (REPO / "deploy" / "nginx" / "pingyi_proxy.conf").read_text()
    (folder / "pingyi_proxy.conf").write_text(proxy)
    site = (REPO / "deploy" / "nginx" / "pingyi.conf").read_text()
    server = re.compile(r"^(\s*)server 127\.0\.0\.1:8000( [^;]*)?;$", re.MULTILINE)
    found = server.search(site)
    if not found:
        raise SystemExit("bench: deploy/nginx/pingyi.conf has no `server 127.0.0.1:8000` line")
    indent, options = found.group(1), found.group(2) or ""
    lines = "\n".join(f"{indent}server 127.0.0.1:{p}{options};" for p in upstreams)
    site = site[: found.start()] + lines + site[found.end() :]
    for default, here in (
        ("listen 80;", f"listen 127.0.0.1:{port} backlog=1024;"),
        ("/srv/pingyi/var/static/", f"{static}/"),
        ("/etc/nginx/pingyi_proxy.conf", str(folder / "pingyi_proxy.conf")),
        ("/var/log/nginx/pingyi.", f"{folder}/pingyi."),
    ):
        if default not in site:
            raise SystemExit(f"bench: deploy/nginx/pingyi.conf has no {default!r}")
        site = site.replace(default, here)
    (folder / "pingyi.conf").write_text(site)
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
{temp}
  access_log off;
  include {folder}/pingyi.conf;
}}
"""
    )
    return main


@contextmanager
def nginx(folder: Path, upstreams: Sequence[int], static: Path) -> Iterator[tuple[int, int]]:
    """A private nginx in front of ``upstreams``; yields its port and process group."""
    if not NGINX:
        raise SystemExit("bench: nginx is not installed (scripts/system-deps nginx)")
    folder.mkdir(parents=True)
    port = free_port()
    config = site_config(folder, port, upstreams, static)
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(config)], capture_output=True, text=True
    )
    if check.returncode != 0:
        raise SystemExit(f"bench: nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("wb"),
        start_new_session=True,
    )
    try:
        wait_port(port)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


# --------------------------------------------------------------------------- CPU


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # guest time is already inside user
    return total - idle, total


@dataclass
class Cpu:
    """CPU time of the run's parts, sampled every half second from /proc so that processes
    that end during the run (a killed server, a worker recycled) keep what they used."""

    # name → ("group", process group id), ("pid", process id) or ("cmd", part of the cmdline)
    parts: dict[str, tuple[str, int | str]]
    first: dict[int, int] = field(default_factory=dict)
    last: dict[int, tuple[str, int]] = field(default_factory=dict)
    machine: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    load: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _began: float = 0.0

    def _part(self, pid: int, stat: list[str]) -> str | None:
        group = int(stat[2])
        for name, (kind, key) in self.parts.items():
            if (kind == "group" and group == key) or (kind == "pid" and pid == key):
                return name
        cmdline: str | None = None
        for name, (kind, key) in self.parts.items():
            if kind == "cmd" and isinstance(key, str):
                if cmdline is None:
                    try:
                        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                    except OSError:
                        return None
                if key in cmdline:
                    return name
        return None

    def _sample(self, start: bool) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                raw = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            stat = raw[raw.rindex(")") + 2 :].split()  # fields from the state on
            ticks = int(stat[11]) + int(stat[12])  # utime + stime
            part = self.last[pid][0] if pid in self.last else self._part(pid, stat)
            if part is None:
                continue
            if start:
                self.first[pid] = ticks
            self.last[pid] = (part, ticks)

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self._sample(start=False)

    def start(self) -> None:
        self._began = time.monotonic()
        self.machine = machine_ticks()
        self._sample(start=True)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample(start=False)
        busy, total = machine_ticks()
        self.machine = (busy - self.machine[0], total - self.machine[1])
        self.seconds = time.monotonic() - self._began
        self.load = os.getloadavg()[0]

    def cores(self) -> dict[str, float]:
        """Cores busy on average during the run, per part and for the machine."""
        used: dict[str, float] = dict.fromkeys(self.parts, 0.0)
        for pid, (part, ticks) in self.last.items():
            used[part] += (ticks - self.first.get(pid, 0)) / TICKS / self.seconds
        return used

    def machine_cores(self) -> float:
        busy, total = self.machine
        return (os.cpu_count() or 1) * busy / total if total else 0.0

    def describe(self) -> str:
        used, cores = self.cores(), os.cpu_count() or 1
        machine = self.machine_cores()
        ours = sum(used.values())
        parts = ", ".join(f"{name} {value:.2f}" for name, value in used.items())
        return (
            f"CPU {machine:.2f} of {cores} cores busy ({100 * machine / cores:.0f} %), "
            f"load average {self.load:.1f}: {parts}, "
            f"other processes {max(0.0, machine - ours):.2f}"
        )


# --------------------------------------------------------------------------- the runs


@dataclass
class Run:
    load: Load
    cpu: Cpu
    duration: float
    killed_at: float | None = None  # time.monotonic() of the kill
    lost_ok: bool = True  # after it, every receipt acknowledged so far is in the database
    unique: bool = True  # after it, ballots = token uses = receipts

    def per_core(self) -> float:
        """Requests per second for each core Pingyi's processes used (the load generator
        left out): on a machine shared with other work, the figure that compares runs."""
        used = sum(v for k, v in self.cpu.cores().items() if k != "load generator")
        return self.load.rate / used if used else 0.0

    def cpu_per_request(self) -> dict[str, float]:
        """Milliseconds of CPU per answered request, per part of Pingyi's."""
        answered = len(self.load.latencies)
        if not answered:
            return {}
        return {
            name: 1000 * cores * self.cpu.seconds / answered
            for name, cores in self.cpu.cores().items()
        }


def measure(
    port: int,
    bodies: list[bytes],
    duration: float,
    parts: dict[str, tuple[str, int | str]],
    kill: tuple[float, subprocess.Popen[bytes]] | None = None,
) -> Run:
    cpu = Cpu(parts)
    killed: list[float] = []
    timer = None
    if kill:
        after, victim = kill

        def strike() -> None:
            killed.append(time.monotonic())
            os.killpg(victim.pid, signal.SIGKILL)  # the master and its workers, at once

        timer = threading.Timer(after, strike)
    cpu.start()
    if timer:
        timer.start()
    load = run_load(port, "/api/ballots", bodies, duration, connections=CONNECTIONS)
    cpu.stop()
    if timer:
        timer.join()
    return Run(load, cpu, duration, killed[0] if killed else None)


def line(run: Run) -> str:
    load = run.load
    out_of_bodies = " (ran out of codes)" if load.seconds < 0.95 * run.duration else ""
    return (
        f"{load.rate:,.0f} req/s (p50 {load.percentile(50):.0f} ms, p99 "
        f"{load.percentile(99):.0f} ms) over {load.seconds:.1f} s{out_of_bodies}, statuses "
        f"{dict(sorted(load.statuses.items()))}, client errors {load.errors}"
    )


def kill_figures(run: Run) -> dict[str, float | int]:
    """Rates before and after the kill; the failures and how long after the kill the last
    one ended; the requests after the kill window and how many of them succeeded."""
    assert run.killed_at is not None
    kill, load = run.killed_at, run.load
    end = load.began + load.seconds
    before = [s for t, s in load.events if t < kill]
    after = [(t, s) for t, s in load.events if t >= kill]
    failures = [(t, s) for t, s in load.events if s != 201]
    late = [s for t, s in after if t >= kill + KILL_WINDOW]
    return {
        "kill_s": kill - load.began,
        "before_rate": len(before) / (kill - load.began),
        "after_rate": len(after) / (end - kill) if end > kill else 0.0,
        "failures": len(failures),
        "failed_502": sum(1 for _, s in failures if s == 502),
        "failed_conn": sum(1 for _, s in failures if s == 0),
        "failed_before": sum(1 for t, _ in failures if t < kill),
        "last_failure_s": max((t - kill for t, _ in failures), default=0.0),
        "late": len(late),
        "late_ok": sum(1 for s in late if s == 201),
    }


def report(label: str, run: Run, acked: set[str], logs: Sequence[Path]) -> tuple[bool, bool]:
    """Prints the run's figures and checks the database against every receipt acknowledged
    so far: (no acknowledged ballot lost, none stored twice)."""
    say(f"   {label:<31}{line(run)}")
    say(f"   {'':<31}{run.cpu.describe()}; {run.per_core():,.0f} req/s per core Pingyi got")
    lost_ok, unique, counts = check_store(acked)
    say(f"   {'':<31}{counts}")
    if any(status >= 500 and status != 502 for status in run.load.statuses):
        for message, times in server_errors(logs).most_common(3):
            say(f"   {'':<31}server error logged {times} ×: {message[:300]}")
    return lost_ok, unique


def server_errors(logs: Sequence[Path]) -> Counter[str]:
    """The ERROR lines of the app servers' logs (JSON lines, pingyi.logs), by message."""
    found: Counter[str] = Counter()
    for log in logs:
        for raw in log.read_text(errors="replace").splitlines() if log.exists() else []:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("level") in ("ERROR", "CRITICAL"):
                found[str(entry.get("message", "")).splitlines()[0]] += 1
    return found


def check_store(acked: set[str]) -> tuple[bool, bool, str]:
    """(no acknowledged ballot lost, none stored twice, the counts)."""
    stored, ballot_rows, uses = stored_receipts(URL)
    lost = acked - stored
    unique = ballot_rows == uses == len(stored)
    counts = (
        f"acknowledged {len(acked):,}, stored receipts {len(stored):,}, ballots (table + pool) "
        f"{ballot_rows:,}, token uses {uses:,}; acknowledged but missing {len(lost)}, stored "
        f"without acknowledgement {len(stored - acked)}"
    )
    return not lost, unique, counts


def scaleout(duration: float, per_run: int, root: Path) -> None:
    say(
        f"-- (h) scale-out: app servers (gunicorn, {os.environ.get('PINGYI_WORKERS') or 'default'}"
        f" workers each) behind nginx on one PostgreSQL + one Redis, {CONNECTIONS} connections, "
        f"{duration:.0f} s per run"
    )
    if not postgres_available(DATABASE):
        say("   PostgreSQL: no server on 127.0.0.1:5432 — not measured")
        return
    homes = [root / "app-1", root / "app-2"]
    for home in homes:
        home.mkdir()
    with own_redis() as (redis, redis_pid):
        envs = [
            {
                **bench_env(URL, home),
                "PINGYI_CACHE_URL": redis,
                "PINGYI_TRUSTED_PROXIES": "127.0.0.1",
            }
            for home in homes
        ]
        bodies = ballot_bodies(envs[0], homes[0], URL, 2 * WARM_CODES + 4 * per_run)
        say(f"   {len(bodies):,} codes issued; database {DATABASE}, a private Redis, {NGINX}")
        ports = [free_port(), free_port()]
        servers = [
            start_gunicorn(env, home, port)
            for env, home, port in zip(envs, homes, ports, strict=True)
        ]
        try:
            parts: dict[str, tuple[str, int | str]] = {
                "app server 1": ("group", servers[0].pid),
                "app server 2": ("group", servers[1].pid),
                # its backends' process title names the database
                "PostgreSQL": ("cmd", f" {DATABASE} "),
                "nginx": ("group", 0),
                "Redis": ("pid", redis_pid),
                "load generator": ("pid", os.getpid()),
            }
            static = homes[0] / "static"
            # warm-up, straight to each server: every worker has loaded Pingyi and opened its
            # database connection before anything is timed (not counted)
            warm = bodies[: 2 * WARM_CODES]
            acked: set[str] = set()
            for i, port in enumerate(ports):
                warmed = run_load(port, "/api/ballots", warm[i::2], duration / 10, connections=16)
                acked.update(warmed.receipts)
            runs: list[Run] = []
            slices = iter(range(2 * WARM_CODES, len(bodies), per_run))

            def through(label: str, upstreams: list[int], kill: bool = False) -> Run:
                """One run through a fresh nginx in front of ``upstreams``; reported and
                checked against the database at once."""
                first = next(slices)
                folder = root / f"nginx-{len(runs) + 1}"
                with nginx(folder, upstreams, static) as (port, group):
                    names = [f"app server {ports.index(u) + 1}" for u in upstreams]
                    own = {name: parts[name] for name in names}
                    own |= {k: v for k, v in parts.items() if not k.startswith("app server")}
                    own["nginx"] = ("group", group)
                    victim = (duration / 2, servers[1]) if kill else None
                    run = measure(port, bodies[first : first + per_run], duration, own, victim)
                runs.append(run)
                acked.update(run.load.receipts)
                if run.killed_at is not None:
                    label = f"{label} at {run.killed_at - run.load.began:.1f} s:"
                logs = [home / "server.log" for home in homes]
                run.lost_ok, run.unique = report(label, run, acked, logs)
                return run

            # one, two, one again: the baseline is the mean of the two runs around the
            # two-server run, so that a change in the machine's other load shows
            ones = [through("one app server:", ports[:1])]
            two = through("two app servers:", ports)
            ones.append(through("one app server:", ports[:1]))
            killed = through("two, server 2 killed", ports, kill=True)
        finally:
            for server in servers:
                stop_gunicorn(server)
    summary(ones, two, killed, runs)


def summary(ones: list[Run], two: Run, killed: Run, runs: list[Run]) -> None:
    one_rate = sum(r.load.rate for r in ones) / len(ones)
    ratio = two.load.rate / one_rate if one_rate else 0.0
    cores = os.cpu_count() or 1
    busy = [r.cpu.machine_cores() / cores for r in (*ones, two)]
    cost = two.cpu_per_request()
    client = cost.pop("load generator", 0.0)
    ours = sum(cost.values())
    others = max(0.0, two.cpu.machine_cores() - sum(two.cpu.cores().values()))
    ceiling = 1000 * cores / ours if ours else 0.0
    split = ", ".join(f"{name} {ms:.1f}" for name, ms in cost.items() if ms >= 0.05)
    low, high = f"{min(busy) * 100:.0f}", f"{max(busy) * 100:.0f}"
    bound = (
        f"the {cores} cores were {low if low == high else f'{low}–{high}'} % busy in every run"
        f" (other processes on this shared machine {others:.2f} cores of it in the two-server"
        f" run); one ballot costs {ours:.1f} ms of server CPU ({split}; the load generator "
        f"{client:.1f} more), so {cores} cores carry at most ~{ceiling:,.0f} ballots/s however "
        "many app servers share them"
    )
    if min(busy) >= 0.9:
        bound = "bound by CPU: " + bound
    figures = kill_figures(killed)
    serving = figures["late"] > 0 and figures["late_ok"] == figures["late"]
    lost_ok = all(r.lost_ok for r in runs)
    unique = all(r.unique for r in runs)
    one_rates = " and ".join(f"{r.load.rate:,.0f}" for r in ones)
    one_core = sum(r.per_core() for r in ones) / len(ones)
    per_core = two.per_core() / one_core if one_core else 0.0
    say("")
    say(
        f"{'(h) two app servers vs one':<33}{two.load.rate:,.0f} vs {one_rate:,.0f} req/s "
        f"(one: {one_rates}, before and after) = {ratio:.2f}× (goal ≥ {GOAL_RATIO}× on hardware"
        f" with the cores for it: {verdict(ratio >= GOAL_RATIO)}; {bound}); per core Pingyi "
        f"got, two against one: {per_core:.2f}×"
    )
    say(
        f"{'(h) one server killed mid-run':<33}{figures['before_rate']:,.0f} req/s before, "
        f"{figures['after_rate']:,.0f} after; {figures['failures']} requests failed "
        f"({figures['failed_502']} × 502 from nginx: in flight on the killed server, not "
        f"retried; {figures['failed_conn']} connection errors; {figures['failed_before']} before"
        f" the kill), the last {figures['last_failure_s']:.2f} s after it; from "
        f"{KILL_WINDOW:.0f} s after the kill {figures['late_ok']:,} of {figures['late']:,} "
        f"answered 201 (survivor keeps serving: {verdict(serving)})"
    )
    say(
        f"{'(h) acknowledged ballots':<33}none lost: {verdict(lost_ok)}; none stored twice: "
        f"{verdict(unique)} (after each run every 201 receipt is in the database, and ballots"
        " in table and pool = token uses = receipts)"
    )


def drop_database() -> None:
    """The bench's database is dropped at the end, as the other sections' are."""
    try:
        import psycopg

        with psycopg.connect(
            PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=3
        ) as db:
            db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    except Exception:  # no server here: nothing was made
        return


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="5 s per run instead of 30 s")
    parser.add_argument("--codes", type=int, help="codes per run (25,000; --quick 5,000)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    duration = 5.0 if args.quick else 30.0
    per_run = args.codes or (5_000 if args.quick else 25_000)
    root = Path(tempfile.mkdtemp(prefix="pingyi-scaleout-"))
    try:
        scaleout(duration, per_run, root)
    finally:
        drop_database()
        if args.keep:
            say(f"   work folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
