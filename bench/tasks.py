"""One measurement per process: `python bench/tasks.py TASK ARGS…` (bench/run.py starts them).

Each task prints its figures as one JSON line after ``RESULT_MARK`` on stdout, with the peak
resident memory of the process that did the work: its own (in-process tasks) or, for the
``cli`` wrapper, that of the one command it ran (RUSAGE_CHILDREN of a fresh wrapper).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULT_MARK = "BENCH-RESULT "
REPEATS = 3


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def emit(**figures: Any) -> None:
    print(RESULT_MARK + json.dumps(figures, ensure_ascii=False), flush=True)


def best_of(repeats: int, run: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


# --------------------------------------------------------------------------- Django side


def django_ready() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    import django

    django.setup()


def campaign_new(code: str) -> Any:
    """A fresh open campaign of the 66 demo units under the built-in scheme."""
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.services import campaign_create, campaign_open
    from pingyi.demo.scenario import demo_units
    from pingyi.rules.scheme import builtin_scheme

    campaign = campaign_create(
        organization_code="bench",
        organization_name="基准测试",
        series_code=f"bench-{code}",
        series_name="千人评议机关",
        year=2026,
        name=f"2026年千人评议机关（{code}）",
        scheme=builtin_scheme(),
        units=demo_units(),
        code=code,
        actor=Actor.operator("bench"),
    )
    return campaign_open(campaign=campaign, actor=Actor.operator("bench"))


# --------------------------------------------------------------------------- tasks


def task_cli(argv: list[str]) -> None:
    """Runs one command and reports its wall time and its peak memory (RUSAGE_CHILDREN)."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(f"{' '.join(argv)} exited {done.returncode}\n{done.stderr}{done.stdout}")
        sys.exit(1)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    emit(
        seconds=seconds,
        cpu_seconds=used.ru_utime + used.ru_stime,  # all threads; less swayed by a busy machine
        peak_mb=used.ru_maxrss / 1024,
        stdout=done.stdout.strip(),
    )


def task_generate(folder: str, ballots: str) -> None:
    """The input files of (a) and (c): units.csv, ballots.csv and ballots.xlsx."""
    import workload

    out, total = Path(folder), int(ballots)
    workload.write_units_csv(out / "units.csv")
    start = time.perf_counter()
    workload.write_ballots_csv(out / "ballots.csv", total)
    csv_seconds = time.perf_counter() - start
    start = time.perf_counter()
    workload.write_ballots_xlsx(out / "ballots.xlsx", total)
    emit(
        csv_seconds=csv_seconds,
        xlsx_seconds=time.perf_counter() - start,
        csv_mb=(out / "ballots.csv").stat().st_size / 2**20,
        xlsx_mb=(out / "ballots.xlsx").stat().st_size / 2**20,
        peak_mb=peak_mb(),
    )


def task_import_breakdown(code: str, file: str) -> None:
    """read_ballots and ballots_import in-process, with the time of each Pingyi step."""
    django_ready()
    from calltree import CallTree

    from pingyi.accounts.actors import Actor
    from pingyi.ballots import services
    from pingyi.campaigns.selectors import campaign_scheme, campaign_units
    from pingyi.inputs import p1_files

    campaign = campaign_new(code)
    codes = [u.code for u in campaign_units(campaign)]
    scheme = campaign_scheme(campaign)
    path = Path(file)
    with CallTree().timing() as tree:
        start = time.perf_counter()
        rows = p1_files.read_ballots(path, codes, scheme, str(path))
        read_seconds = time.perf_counter() - start
        report = services.ballots_import(
            campaign=campaign, rows=rows, actor=Actor.operator("bench")
        )
        seconds = time.perf_counter() - start
    emit(
        ballots=report.imported,
        seconds=seconds,
        read_seconds=read_seconds,
        tree=tree.report(),
        peak_mb=peak_mb(),
    )


def task_store(code: str, ballots: str, marks_file: str) -> None:
    """(b): a campaign with ``ballots`` stored ballots, closed; the marks go to ``marks_file``."""
    django_ready()
    import workload

    from pingyi.accounts.actors import Actor
    from pingyi.ballots.services import ballots_import
    from pingyi.campaigns.services import campaign_close
    from pingyi.inputs.p1_files import BallotRows

    campaign = campaign_new(code)
    codes = workload.unit_codes()
    chunk_seconds: list[float] = []
    generate_seconds = 0.0
    with Path(marks_file).open("wb") as out:
        for index, start in enumerate(range(0, int(ballots), workload.CHUNK)):
            begun = time.perf_counter()
            part = workload.chunk(index, min(workload.CHUNK, int(ballots) - start))
            groups: list[str | None] = list(part.groups)
            rows = BallotRows(
                ballot_nos=part.ballot_nos,
                groups=groups,
                unit_codes=codes,
                marks=part.marks,
                rows=list(range(2, len(part.ballot_nos) + 2)),
                file=f"bench-chunk-{index}",
                group_column="B",
            )
            generate_seconds += time.perf_counter() - begun
            begun = time.perf_counter()
            ballots_import(campaign=campaign, rows=rows, actor=Actor.operator("bench"))
            chunk_seconds.append(time.perf_counter() - begun)
            out.write(part.marks.tobytes())
    begun = time.perf_counter()
    campaign_close(
        campaign=campaign, actor=Actor.operator("bench")
    )  # drains, rewrites, counts, seals
    close_seconds = time.perf_counter() - begun
    emit(
        chunk_seconds=chunk_seconds,
        generate_seconds=generate_seconds,
        close_seconds=close_seconds,
        peak_mb=peak_mb(),
    )


def ballot_bytes() -> dict[str, float]:
    """The ballot table and its indexes on disk, per stored ballot (every campaign's)."""
    from django.db import connection

    from pingyi.ballots.models import Ballot

    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        ballots = int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            # Partitioned by campaign (ballots.partitions): the table is the sum of its parts.
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(relid)), pg_total_relation_size(%s))"
                " FROM pg_partition_tree(%s)",
                [table, table],
            )
        else:
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN"
                " (SELECT name FROM sqlite_schema WHERE tbl_name = %s)",
                [table],
            )
        size = int(cursor.fetchone()[0])
    return {"ballots": ballots, "bytes": size, "per_ballot": size / max(ballots, 1)}


def task_db_count(code: str) -> None:
    """(b): campaign_count — the recount from the raw ballots that closing stores and verify
    repeats — best of REPEATS, once more with its steps timed; then reading the stored tally
    (campaign_results: the seal's tally, decided) best of REPEATS; and the storage."""
    django_ready()
    from calltree import CallTree

    from pingyi.ballots import selectors
    from pingyi.campaigns.selectors import campaign_get

    campaign = campaign_get(code=code)
    counts: list[Any] = []
    times = best_of(REPEATS, lambda: counts.append(selectors.campaign_count(campaign)))
    clean_peak = peak_mb()
    with CallTree().timing() as tree:
        start = time.perf_counter()
        selectors.campaign_count(campaign)
        seconds = time.perf_counter() - start
    results: list[Any] = []
    read_times = best_of(REPEATS, lambda: results.append(selectors.campaign_results(campaign)))
    stored = selectors.stored_count(campaign)
    emit(
        times=times,
        total_ballots=counts[0].total,
        valid_ballots=results[0].tally.valid_ballots,
        same_as_stored=stored is not None and stored.as_json() == counts[0].as_json(),
        seconds=seconds,
        tree=tree.report(),
        read_times=read_times,
        storage=ballot_bytes(),
        peak_mb=clean_peak,
    )


def task_floor_bincount(marks_file: str, units: str) -> None:
    """(b)'s floor: the marks already in memory, counted per unit by numpy's bincount."""
    import numpy as np

    width = int(units)
    marks = np.fromfile(marks_file, dtype=np.int8).reshape(-1, width)

    def per_column() -> object:
        return [np.bincount(marks[:, j] + 1, minlength=5) for j in range(width)]

    def one_bincount() -> object:
        index = np.arange(width, dtype=np.int64)[None, :] * 5 + (marks + 1)
        return np.bincount(index.ravel(), minlength=width * 5).reshape(width, 5)

    check = np.array(per_column())
    assert (check == one_bincount()).all()
    emit(
        ballots=int(marks.shape[0]),
        per_column=best_of(REPEATS, per_column),
        one_bincount=best_of(REPEATS, one_bincount),
        peak_mb=peak_mb(),
    )


TASKS: dict[str, Callable[..., None]] = {
    "generate": task_generate,
    "import-breakdown": task_import_breakdown,
    "store": task_store,
    "db-count": task_db_count,
    "floor-bincount": task_floor_bincount,
}


def main(argv: list[str]) -> int:
    if argv[1] == "cli":
        task_cli(argv[2:])
    else:
        TASKS[argv[1]](*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
