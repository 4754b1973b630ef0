"""(p) One campaign's count on PostgreSQL with years of other campaigns in the ballot table.

The ballot table is partitioned by campaign (ballots.partitions): a campaign's count reads
its own partition and nothing else, so 10,000,000 other ballots should not slow the count of
a 100,000-ballot campaign — goal: within 1.2× of the same count with the campaign alone.

The measured campaign is stored through ballots_import and closed (drained, rewritten,
sealed) like any; its count (campaign_count, the recount closing stores and verify repeats)
is timed best of 3 in a fresh process, once alone and once after the other ballots arrive.
The others are made fast in SQL (INSERT … SELECT generate_series into 100 opened campaigns:
their marks and MACs are irrelevant to this count).

`python bench/run.py --only p [--quick]` runs it alone; the tasks run in their own process
as `python bench/partition_bench.py TASK ARGS…`.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tasks import REPEATS, RESULT_MARK, best_of, campaign_new, django_ready, emit, peak_mb

BENCH = Path(__file__).resolve().parent
GOAL_PARTITION_RATIO = 1.2
OTHER_CAMPAIGNS = 100
UNITS = 66


def ms(value: float) -> str:
    return f"{value * 1000:,.0f} ms"


def partition_task(run: Any, *args: str) -> dict[str, Any]:
    """This file as a task in the work folder (as Runner.task runs bench/tasks.py)."""
    argv = [sys.executable, str(BENCH / "partition_bench.py"), *args]
    done = subprocess.run(
        argv, cwd=run.root, env=run.env, capture_output=True, text=True, check=False
    )
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_MARK)), "")
    if done.returncode != 0 or not line:
        raise SystemExit(f"bench: partition {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
    figures: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARK))
    return figures


def section_partition(
    postgres: Any, ballots: int, others: int, say: Any, seconds: Any
) -> dict[str, float] | None:
    """Measures and prints section (p) on ``postgres`` (run.py's Runner on a database of its
    own, or None when no server answered); ``say`` and ``seconds`` are run.py's."""
    say(
        f"\n-- (p) PostgreSQL: campaign_count of one {ballots:,}-ballot campaign, alone and "
        f"with {others:,} other ballots in the table"
    )
    if postgres is None:
        say("   no PostgreSQL server answered: skipped")
        return None
    marks = str(postgres.root / "partition-marks.int8")
    stored = postgres.task("store", "MEASURED", str(ballots), marks)
    say(
        f"   the campaign stored through ballots_import and closed: "
        f"{seconds(sum(stored['chunk_seconds']) + stored['close_seconds'])}"
    )
    alone = partition_task(postgres, "count", "MEASURED")
    say(
        f"   alone ({alone['table_ballots']:,} ballots in the table): runs "
        f"{', '.join(ms(t) for t in alone['times'])}; best {ms(min(alone['times']))}"
    )
    made = partition_task(postgres, "others", str(OTHER_CAMPAIGNS), str(others))
    say(
        f"   {made['ballots']:,} other ballots in {made['campaigns']} opened campaigns made in "
        f"SQL in {seconds(made['seconds'])} (not timed in the figure)"
    )
    crowded = partition_task(postgres, "count", "MEASURED")
    ratio = min(crowded["times"]) / min(alone["times"])
    say(
        f"   with them ({crowded['table_ballots']:,} ballots in the table, "
        f"{crowded['partitions']} partitions, {crowded['table_mb']:,.0f} MB): runs "
        f"{', '.join(ms(t) for t in crowded['times'])}; best {ms(min(crowded['times']))}"
    )
    say(f"   the count's plan reads: {', '.join(crowded['scanned'])}")
    met = "met" if ratio <= GOAL_PARTITION_RATIO else "NOT met"
    say(
        f"   with / alone: {ratio:.2f}× (goal ≤ {GOAL_PARTITION_RATIO}×: {met}); "
        f"{crowded['total_ballots']:,} ballots counted both times"
        f"{'' if crowded['total_ballots'] == alone['total_ballots'] else ' — DIFFERENT'}"
    )
    return {"alone": min(alone["times"]), "crowded": min(crowded["times"]), "ratio": ratio}


# --------------------------------------------------------------------------- tasks


def task_count(code: str) -> None:
    """campaign_count of ``code``, best of REPEATS; what the table holds; what the plan reads."""
    django_ready()
    from django.db import connection

    from pingyi.ballots.models import Ballot
    from pingyi.ballots.selectors import campaign_count
    from pingyi.campaigns.selectors import campaign_get

    campaign = campaign_get(code=code)
    counts: list[Any] = []
    times = best_of(REPEATS, lambda: counts.append(campaign_count(campaign)))
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE level > 0), coalesce(sum(pg_total_relation_size(relid)),"
            " pg_total_relation_size(%s)) FROM pg_partition_tree(%s)",
            [table, table],
        )
        partitions, size = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        ballots = cursor.fetchone()[0]
        cursor.execute("SELECT relid::text FROM pg_partition_tree(%s)", [table])
        parts = {row[0] for row in cursor.fetchall()} - {table}
        cursor.execute(
            f"EXPLAIN SELECT group_id, valid, source, count(*), string_agg(marks, '')"  # noqa: S608
            f" FROM {table} WHERE campaign_id = %s GROUP BY group_id, valid, source",
            [campaign.pk],
        )
        plan = [row[0] for row in cursor.fetchall()]
    scanned = sorted({w for line in plan for w in line.split()} & parts)
    emit(
        times=times,
        total_ballots=counts[0].total,
        table_ballots=int(ballots),
        partitions=int(partitions),
        table_mb=int(size or 0) / 2**20,
        scanned=scanned,
        peak_mb=peak_mb(),
    )


def task_others(campaigns: str, ballots: str) -> None:
    """``ballots`` ballots over ``campaigns`` opened campaigns, made in SQL: random ids,
    numbered, marks cut from one random text, a dummy MAC."""
    django_ready()
    from django.db import connection

    from pingyi.ballots.models import Ballot

    start = time.perf_counter()
    each = int(ballots) // int(campaigns)
    marks = [(k, "".join(secrets.choice("0123-") for _ in range(UNITS))) for k in range(997)]
    insert = (
        f"INSERT INTO {Ballot._meta.db_table}"  # noqa: S608
        " (id, campaign_id, group_id, ballot_no, marks, valid, source, cast_on, mac)"
        " SELECT (random() * 4611686018427387000)::bigint + 1, %s, NULL, g::text,"
        " m.marks, true, 'paper', current_date, %s"
        " FROM generate_series(1, %s) g JOIN bench_marks m ON m.k = g %% 997"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_marks (k int PRIMARY KEY, marks text)")
        cursor.executemany("INSERT INTO bench_marks VALUES (%s, %s)", marks)
        cursor.execute("ANALYZE bench_marks")
    for n in range(int(campaigns)):
        campaign = campaign_new(f"OTHER-{n}")
        with connection.cursor() as cursor:
            cursor.execute(insert, [campaign.pk, bytes(16), each])
    emit(
        campaigns=int(campaigns),
        ballots=each * int(campaigns),
        seconds=time.perf_counter() - start,
        peak_mb=peak_mb(),
    )


TASKS = {"count": task_count, "others": task_others}

if __name__ == "__main__":
    TASKS[sys.argv[1]](*sys.argv[2:])
