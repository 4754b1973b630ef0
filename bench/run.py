"""Pingyi benchmarks (`make bench`): figures beside their floors, printed, never asserted.

(a) `pingyi tally` on a 100,000-ballot × 66-unit CSV beside a hand-written polars script;
(b) 1,000,000 stored ballots, in SQLite and (when a server answers) PostgreSQL: storing and
    closing them, the bytes each takes, `campaign_count` (the recount) beside numpy's
    bincount of the same marks in memory, and the stored tally read back, in-process and by
    `pingyi results --json` end to end;
(c) `pingyi ballots import` of 100,000 paper ballots from CSV and from XLSX, with the CSV
    import split into its steps in-process;
(e) `pingyi grade` of 300,000 organizations beside a hand-written polars script, and writing
    their report workbook (bench/grading_bench.py);
(f) the public notice page of a 66-unit campaign and of a 3,000-organization grading (its
    index of committees and one committee's page, each against 200 KB) under 32 connections
    for 30 s, and the grading's full list as PDF (bench/notice_load.py);
(g) the token sheets: PDF + CSV streamed into a ZIP for 10,000 codes, and its memory at
    2,000 and 20,000 (bench/sheets_bench.py);
(h) past one machine: two app servers behind nginx on one PostgreSQL and one Redis against
    one, 64 connections casting ballots for 30 s, and one of the two killed mid-run
    (bench/scaleout.py);
(p) PostgreSQL: campaign_count of a 100,000-ballot campaign alone, and with 10,000,000 other
    ballots in the (partitioned) ballot table (bench/partition_bench.py).

Every measurement runs in a fresh process (bench/tasks.py) so that its peak memory is its own.
Everything happens in a temporary folder (PINGYI_HOME, a fresh SQLite database) that is
deleted at the end (PostgreSQL: a database of its own, dropped at the end). ``--quick`` makes
every size ten times smaller, for a smoke test; ``--only b`` runs one section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from calltree import print_tree
from grading_bench import section_grading, summary_lines
from partition_bench import section_partition
from sheets_bench import section_sheets
from sheets_bench import summary_lines as sheets_lines
from tasks import REPEATS, RESULT_MARK

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
UNITS = 66

GOAL_TALLY_RATIO = 2.0
GOAL_DB_RATIO = 3.0  # campaign_count of 1M stored ballots beside numpy's bincount (issue 16)
GOAL_READ_SECONDS = 0.3  # reading a closed campaign's stored tally
GOAL_STORAGE_RATIO = 2.0  # bytes per stored ballot beside BYTES_BEFORE
# The ballot table and its indexes per ballot before issue 16 (main at e0423f1, 1M ballots of
# (b), closed): SQLite 137.0 MB table + 30.0 MB (campaign, ballot_no) index; PostgreSQL
# 348.6 MB heap (the close's rewrite leaves a dead copy until VACUUM) + 133.6 MB indexes.
BYTES_BEFORE = {"SQLite": 167, "PostgreSQL": 482}
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SECTIONS = ("a", "b", "c", "d", "e", "f", "g", "h", "p")
GOAL_CSV_RATE = 50_000
GOAL_XLSX_RATE = 25_000
GOAL_XLSX_PEAK_MB = 500  # the XLSX import's peak memory (issue 16)


@dataclass(frozen=True)
class Sizes:
    file_ballots: int  # (a) and (c)
    stored_ballots: int  # (b)


@dataclass
class Runner:
    """Starts the measurement processes in the work folder with the bench's environment."""

    root: Path
    env: dict[str, str]
    log: list[str] = field(default_factory=list)

    def task(self, *args: str) -> dict[str, Any]:
        argv = [sys.executable, str(BENCH / "tasks.py"), *args]
        done = subprocess.run(
            argv, cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"bench: {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
        line = next(
            (x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_MARK)), ""
        )
        if not line:
            raise SystemExit(f"bench: {' '.join(args)} reported nothing:\n{done.stdout}")
        figures: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARK))
        return figures

    def cli(self, *argv: str) -> dict[str, Any]:
        """One command in a fresh wrapper: its wall time and peak memory."""
        return self.task("cli", *argv)

    def pingyi(self, *args: str) -> dict[str, Any]:
        return self.cli(str(BIN / "pingyi"), *args)


@dataclass(frozen=True)
class Timed:
    """Repeated runs of one measurement: the best time, the highest peak memory."""

    times: list[float]
    peaks: list[float]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks)

    @classmethod
    def of(cls, runs: Sequence[dict[str, Any]]) -> Timed:
        return cls([r["seconds"] for r in runs], [r["peak_mb"] for r in runs])


def say(text: str = "") -> None:
    print(text, flush=True)


def count(n: int) -> str:
    """100000 → 100k, 1000000 → 1M (for labels)."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def mb(value: float) -> str:
    return f"{value:.0f} MB"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- sections


def inputs(run: Runner, sizes: Sizes) -> None:
    say(f"-- inputs: {sizes.file_ballots:,} ballots × {UNITS} units (seeded; Chinese labels)")
    made = run.task("generate", str(run.root), str(sizes.file_ballots))
    say(f"   ballots.csv  {made['csv_mb']:6.1f} MB, written in {seconds(made['csv_seconds'])}")
    say(
        f"   ballots.xlsx {made['xlsx_mb']:6.1f} MB, written in {seconds(made['xlsx_seconds'])}"
        " (xlsxwriter constant_memory; not part of any timing)"
    )
    run.pingyi("campaign", "list")  # the first run of a command compiles its .pyc files


def section_a(run: Runner, sizes: Sizes) -> dict[str, Any]:
    say(f"\n-- (a) pingyi tally vs the polars floor: {sizes.file_ballots:,} ballots × {UNITS}")
    csv, units = str(run.root / "ballots.csv"), str(run.root / "units.csv")
    ours, floor, startup = [], [], []
    for n in range(REPEATS):  # interleaved, so that neither has the warmer machine
        ours.append(
            run.pingyi("tally", "--units", units, "--ballots", csv, "--json", f"tally-{n}.json")
        )
        floor.append(run.cli(sys.executable, str(BENCH / "floor_polars.py"), csv))
        startup.append(run.pingyi("campaign", "list"))
    say(f"   {'run':<6}{'pingyi tally: wall, cpu, peak':>32}{'polars floor: wall, cpu, peak':>34}")
    for n, (a, b) in enumerate(zip(ours, floor, strict=True), start=1):
        say(
            f"   {n:<6}{seconds(a['seconds']):>12}{seconds(a['cpu_seconds']):>10}"
            f"{mb(a['peak_mb']):>10}{seconds(b['seconds']):>14}{seconds(b['cpu_seconds']):>10}"
            f"{mb(b['peak_mb']):>10}"
        )
    tally, polars, start = Timed.of(ours), Timed.of(floor), Timed.of(startup)
    result = json.loads((run.root / "tally-0.json").read_text("utf-8"))["ballots"]
    say(f"   pingyi said: {ours[0]['stdout']}")
    say(f"   JSON: {result['total']:,} ballots, {result['valid']:,} valid")
    say(f"   polars said: {floor[0]['stdout']}")
    say(
        f"   for scale, a command that only starts (pingyi campaign list): best "
        f"{seconds(start.best)}, peak {mb(start.peak)}"
    )
    return {"tally": tally, "polars": polars, "startup": start}


def _fresh_campaign(run: Runner, code: str) -> None:
    """Creates and opens a campaign through the CLI (not timed)."""
    units = str(run.root / "units.csv")
    create = ["campaign", "create", "--year", "2026", "--org", "bench", "--units", units]
    run.pingyi(*create, "--series", f"bench-{code}", "--code", code)
    run.pingyi("campaign", "open", code)


def section_c(run: Runner, sizes: Sizes) -> dict[str, Any]:
    say(
        f"\n-- (c) pingyi ballots import: {sizes.file_ballots:,} paper ballots, fresh open campaign"
    )
    found: dict[str, Any] = {}
    for kind in ("csv", "xlsx"):
        runs = []
        for n in range(1, REPEATS + 1):
            code = f"IMPORT-{kind.upper()}-{n}"
            _fresh_campaign(run, code)
            runs.append(run.pingyi("ballots", "import", "--campaign", code, f"ballots.{kind}"))
        timed = Timed.of(runs)
        found[kind] = timed
        cpu = min(r["cpu_seconds"] for r in runs)
        say(
            f"   {kind.upper():<5} runs "
            + ", ".join(seconds(t) for t in timed.times)
            + f" (least cpu {seconds(cpu)})"
            + f"; best {seconds(timed.best)} = {sizes.file_ballots / timed.best:,.0f} ballots/s,"
            f" peak {mb(timed.peak)}"
        )
        say(f"         pingyi said: {runs[0]['stdout']}")
    for kind in ("csv", "xlsx"):
        file = str(run.root / f"ballots.{kind}")
        split = run.task("import-breakdown", f"SPLIT-{kind.upper()}", file)
        total, read = split["seconds"], split["read_seconds"]
        say(
            f"   where the time goes, {kind.upper()}, in-process (no startup, no sha256): "
            f"{seconds(total)} = reading {seconds(read)} ({100 * read / total:.0f} %) + storing "
            f"{seconds(total - read)} ({100 * (total - read) / total:.0f} %); peak "
            f"{mb(split['peak_mb'])}"
        )
        print_tree(split["tree"], total, say)
    return found


def postgres_runner(run: Runner) -> tuple[Runner, str] | None:
    """A Runner on a fresh PostgreSQL database of its own, when the server answers
    (PINGYI_BENCH_POSTGRES_URL, the local server by default); None when it does not."""
    try:
        import psycopg
    except ImportError:
        return None
    server = os.environ.get("PINGYI_BENCH_POSTGRES_URL", POSTGRES_URL)
    name = f"pingyi_bench_{os.getpid()}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error:
        return None
    env = dict(run.env, PINGYI_DATABASE_URL=f"{server.rsplit('/', 1)[0]}/{name}")
    env["PINGYI_HOME"] = str(run.root / "home-postgres")
    postgres = Runner(run.root, env)
    migrate(postgres)
    return postgres, name


def postgres_drop(name: str) -> None:
    import psycopg

    server = os.environ.get("PINGYI_BENCH_POSTGRES_URL", POSTGRES_URL)
    with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stored_ballots(run: Runner, sizes: Sizes, database: str, marks: str) -> dict[str, Any]:
    """(b) on one database: the ballots stored and closed, counted, read back."""
    n = sizes.stored_ballots
    say(f"\n-- (b) {n:,} stored ballots × {UNITS} units in {database}")
    stored = run.task("store", "STORED", str(n), marks)
    chunks = stored["chunk_seconds"]
    store_total = sum(chunks)
    plural = "s" * (len(chunks) > 1)
    say(
        f"   stored through ballots_import in {len(chunks)} chunk{plural}: {seconds(store_total)}"
        f" = {n / store_total:,.0f} ballots/s, peak {mb(stored['peak_mb'])} "
        f"(making the ballots took {seconds(stored['generate_seconds'])} more); closing "
        f"(pool drained, rows rewritten, counted, sealed) {seconds(stored['close_seconds'])}"
    )
    say("   chunk times: " + ", ".join(f"{c:.2f}" for c in chunks) + " s")
    db = run.task("db-count", "STORED")
    storage = db["storage"]
    before = BYTES_BEFORE[database]
    per_ballot = storage["per_ballot"]
    say(
        f"   storage: ballot table and its indexes {storage['bytes'] / 2**20:,.0f} MB for "
        f"{storage['ballots']:,} ballots = {per_ballot:,.0f} bytes per ballot (before issue 16 "
        f"{before} B: {per_ballot / before:.2f}×, goal < {GOAL_STORAGE_RATIO:.0f}×)"
    )
    same = "the same as" if db["same_as_stored"] else "NOT the same as"
    say(
        f"   campaign_count (the recount closing stores and verify repeats), fresh process: "
        f"runs {', '.join(seconds(t) for t in db['times'])}; best {seconds(min(db['times']))}, "
        f"peak {mb(db['peak_mb'])}; {db['total_ballots']:,} ballots, {db['valid_ballots']:,} "
        f"valid; {same} the tally stored at close"
    )
    say(f"   where the time goes (one more run, steps timed): {seconds(db['seconds'])}")
    print_tree(db["tree"], db["seconds"], say)
    say(
        "   the stored tally read back and decided (campaign_results, in-process): runs "
        f"{', '.join(seconds(t) for t in db['read_times'])}; best {seconds(min(db['read_times']))}"
    )
    results = [
        run.pingyi("results", "--campaign", "STORED", "--json", f"results-{i}.json")
        for i in range(REPEATS)
    ]
    startup = Timed.of([run.pingyi("campaign", "list") for _ in range(REPEATS)])
    timed = Timed.of(results)
    say(
        f"   pingyi results --json (reads the stored tally): runs "
        f"{', '.join(seconds(t) for t in timed.times)}; best {seconds(timed.best)}, peak "
        f"{mb(timed.peak)}; a command that only starts (pingyi campaign list) "
        f"{seconds(startup.best)}"
    )
    return {
        "store_seconds": store_total,
        "store_peak": stored["peak_mb"],
        "count": Timed(db["times"], [db["peak_mb"]]),
        "read": Timed(db["read_times"], [db["peak_mb"]]),
        "per_ballot": per_ballot,
        "results": timed,
        "startup": startup,
    }


def section_b(run: Runner, sizes: Sizes) -> dict[str, Any]:
    """1M stored ballots in SQLite and, when it answers, PostgreSQL, beside numpy's floor."""
    marks = str(run.root / "stored-marks.int8")
    found: dict[str, Any] = {"SQLite": stored_ballots(run, sizes, "SQLite", marks)}
    floor = run.task("floor-bincount", marks, str(UNITS))
    found["floor"] = Timed(
        [min(min(floor["per_column"]), min(floor["one_bincount"]))], [floor["peak_mb"]]
    )
    postgres = postgres_runner(run)
    if postgres is None:
        say("\n-- (b) PostgreSQL: no server answered; SQLite only")
    else:
        pg_run, name = postgres
        try:
            found["PostgreSQL"] = stored_ballots(
                pg_run, sizes, "PostgreSQL", str(run.root / "stored-marks-pg.int8")
            )
        finally:
            postgres_drop(name)
        again = run.task("floor-bincount", marks, str(UNITS))  # the machine may have changed
        best = min(min(again["per_column"]), min(again["one_bincount"]))
        found["floor"] = Timed([*found["floor"].times, best], found["floor"].peaks)
    say(
        f"\n   numpy floor on the same {floor['ballots']:,} × {UNITS} int8 marks in memory: "
        f"bincount per column best {seconds(min(floor['per_column']))}, one bincount over "
        f"column×5+mark best {seconds(min(floor['one_bincount']))}; peak {mb(floor['peak_mb'])}"
    )
    return found


def lines_b(sizes: Sizes, b: dict[str, Any]) -> list[tuple[str, str]]:
    s, floor = count(sizes.stored_ballots), b["floor"]
    lines = []
    for database in ("SQLite", "PostgreSQL"):
        if database not in b:
            continue
        found = b[database]
        ratio = found["count"].best / floor.best
        read = found["read"].best
        short = "pg" if database == "PostgreSQL" else "sqlite"
        lines += [
            (
                f"(b) {short} store {s} ballots",
                f"{seconds(found['store_seconds'])} = "
                f"{sizes.stored_ballots / found['store_seconds']:,.0f} ballots/s via "
                f"ballots_import (peak {mb(found['store_peak'])}); "
                f"{found['per_ballot']:,.0f} B/ballot stored "
                f"({found['per_ballot'] / BYTES_BEFORE[database]:.2f}× before, goal < "
                f"{GOAL_STORAGE_RATIO:.0f}×: "
                f"{verdict(found['per_ballot'] < GOAL_STORAGE_RATIO * BYTES_BEFORE[database])})",
            ),
            (
                f"(b) {short} count {s}×{UNITS}",
                f"pingyi {seconds(found['count'].best)} (peak {mb(found['count'].peak)}) | numpy "
                f"floor {seconds(floor.best)} (peak {mb(floor.peak)}) | ratio {ratio:.1f}× "
                f"(goal ≤ {GOAL_DB_RATIO:.0f}×: {verdict(ratio <= GOAL_DB_RATIO)})",
            ),
            (
                f"(b) {short} stored tally read",
                f"{seconds(read)} in-process (goal ≤ {GOAL_READ_SECONDS:.1f} s: "
                f"{verdict(read <= GOAL_READ_SECONDS)}); pingyi results --json "
                f"{seconds(found['results'].best)} end to end (a command that only starts: "
                f"{seconds(found['startup'].best)})",
            ),
        ]
    return lines


def summary(sizes: Sizes, found: dict[str, Any]) -> None:
    """The figures of the sections that ran (all of them, or the one of --only)."""
    f = count(sizes.file_ballots)
    lines: list[tuple[str, str]] = []
    if "a" in found:
        tally, polars = found["a"]["tally"], found["a"]["polars"]
        ratio_a = tally.best / polars.best
        lines.append(
            (
                f"(a) tally {f}×{UNITS} CSV",
                f"pingyi {seconds(tally.best)} (peak {mb(tally.peak)}) | polars floor "
                f"{seconds(polars.best)} (peak {mb(polars.peak)}) | ratio {ratio_a:.1f}× "
                f"(goal ≤ {GOAL_TALLY_RATIO:.0f}×: {verdict(ratio_a <= GOAL_TALLY_RATIO)})",
            )
        )
    if "b" in found:
        lines += lines_b(sizes, found["b"])
    if "c" in found:
        c = found["c"]
        csv_rate = sizes.file_ballots / c["csv"].best
        xlsx_rate = sizes.file_ballots / c["xlsx"].best
        lines += [
            (
                f"(c) import {f} CSV",
                f"{seconds(c['csv'].best)} = {csv_rate:,.0f} ballots/s (peak "
                f"{mb(c['csv'].peak)}) (goal ≥ {GOAL_CSV_RATE:,}/s: "
                f"{verdict(csv_rate >= GOAL_CSV_RATE)})",
            ),
            (
                f"(c) import {f} XLSX",
                f"{seconds(c['xlsx'].best)} = {xlsx_rate:,.0f} ballots/s (goal ≥ "
                f"{GOAL_XLSX_RATE:,}/s: {verdict(xlsx_rate >= GOAL_XLSX_RATE)}); peak "
                f"{mb(c['xlsx'].peak)} (goal < {GOAL_XLSX_PEAK_MB} MB: "
                f"{verdict(c['xlsx'].peak < GOAL_XLSX_PEAK_MB)})",
            ),
        ]
    if "e" in found:
        lines += summary_lines(found["e"], count, seconds, mb, verdict)
    if "g" in found:
        lines += sheets_lines(found["g"], count, seconds, mb, verdict)
    if "a" in found:
        startup = found["a"]["startup"]
        lines.append(
            (
                "    command startup",
                f"{seconds(startup.best)} (pingyi campaign list; peak {mb(startup.peak)})",
            )
        )
    say(f"\n== Pingyi benchmarks (machine: {os.cpu_count()} cores)")
    if sizes.file_ballots < 100_000:
        say("   (--quick: sizes ten times smaller than the goals are set for; startup dominates)")
    for label, text in lines:
        say(f"{label:<33}{text}")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with_model = Path("/proc/cpuinfo")
    if with_model.exists():
        for line in with_model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, Django {version('django')}, polars {version('polars')}, "
        f"numpy {version('numpy')}"
    )


def load() -> str:
    """The load average, so that figures taken on a busy machine are read as such."""
    one, five, _ = os.getloadavg()
    busy = one > 0.5 * (os.cpu_count() or 1)
    note = " — the machine is busy: times are inflated, ratios less so" if busy else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){note}"


def migrate(run: Runner) -> None:
    done = subprocess.run(
        [str(BIN / "pingyi"), "manage", "migrate", "-v0"],
        cwd=run.root,
        env=run.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: migrate failed:\n{done.stderr}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="every size ten times smaller")
    parser.add_argument(
        "--only", choices=SECTIONS, help="run this one section (and its summary) only"
    )
    args = parser.parse_args(argv)
    wanted = {args.only} if args.only else set(SECTIONS)
    sizes = Sizes(10_000, 100_000) if args.quick else Sizes(100_000, 1_000_000)
    root = Path(tempfile.mkdtemp(prefix="pingyi-bench-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PINGYI_DATABASE_URL", "PINGYI_TEST_DATABASE_URL")
    }
    env["PINGYI_HOME"] = str(root / "home")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    run = Runner(root, env)
    began = time.perf_counter()
    quick = ["--quick"] if args.quick else []
    try:
        only = f" --only {args.only}" if args.only else ""
        say(f"== Pingyi benchmarks{' (--quick)' if args.quick else ''}{only}: {machine()}")
        say(f"   work folder {root} (deleted at the end); best of {REPEATS} where timed")
        say(f"   {load()}")
        migrate(run)
        found: dict[str, Any] = {}
        if wanted & {"a", "c"}:
            inputs(run, sizes)
        if "a" in wanted:
            found["a"] = section_a(run, sizes)
        if "c" in wanted:
            found["c"] = section_c(run, sizes)
        if "b" in wanted:
            found["b"] = section_b(run, sizes)
        if "e" in wanted:
            orgs = 30_000 if args.quick else 300_000
            found["e"] = section_grading(run, orgs, Timed, say, seconds, mb)
        if "g" in wanted:
            sheet_counts = (200, 1_000, 2_000) if args.quick else (2_000, 10_000, 20_000)
            found["g"] = section_sheets(run, sheet_counts, say, seconds, mb)
        if "p" in wanted:
            others = 1_000_000 if args.quick else 10_000_000
            postgres = postgres_runner(run)
            try:
                section_partition(
                    postgres[0] if postgres else None, sizes.file_ballots, others, say, seconds
                )
            finally:
                if postgres:
                    postgres_drop(postgres[1])
        if found:
            summary(sizes, found)
        say("")
        sys.stdout.flush()
        # (d) ballots over HTTP, in its own process (it starts and stops its own servers)
        if "d" in wanted:
            subprocess.run([sys.executable, str(BENCH / "http_load.py"), *quick], check=False)
        # (f) the public notice pages under load, in its own process (its own server)
        if "f" in wanted:
            subprocess.run([sys.executable, str(BENCH / "notice_load.py"), *quick], check=False)
        # (h) two app servers behind nginx against one, one killed (its own servers)
        if "h" in wanted:
            subprocess.run([sys.executable, str(BENCH / "scaleout.py"), *quick], check=False)
        say(f"   (whole run {seconds(time.perf_counter() - began)}; {load()})")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
