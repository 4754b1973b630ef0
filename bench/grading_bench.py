"""(e) grading (issue 4): `pingyi grade` on 300,000 organizations beside a hand-written polars
script on the same files in the same run, and the report workbook with its 300,000-row 明细表.

Goals: grading within 2× of the polars floor; the workbook in under 30 s with bounded memory
(the writer streams: its peak above the rows already in memory does not grow with the rows).
Called by bench/run.py; every measurement in a fresh process, as the other sections.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks import REPEATS, RESULT_MARK

BENCH = Path(__file__).resolve().parent
GOAL_GRADE_RATIO = 2.0
GOAL_WORKBOOK_SECONDS = 30.0


@dataclass(frozen=True)
class GradingFigures:
    orgs: int
    grade: Any  # run.Timed
    floor: Any  # run.Timed
    workbook: dict[str, Any]

    @property
    def ratio(self) -> float:
        return float(self.grade.best / self.floor.best)

    @property
    def writer_mb(self) -> float:
        """What writing added to the resident memory the graded rows already took."""
        return float(self.workbook["writing_peak_mb"] - self.workbook["rss_before_mb"])


def grading_task(run: Any, *args: str) -> dict[str, Any]:
    """bench/grading_tasks.py in the work folder (as Runner.task runs bench/tasks.py)."""
    argv = [sys.executable, str(BENCH / "grading_tasks.py"), *args]
    done = subprocess.run(
        argv, cwd=run.root, env=run.env, capture_output=True, text=True, check=False
    )
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_MARK)), "")
    if done.returncode != 0 or not line:
        raise SystemExit(f"bench: grading {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
    figures: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARK))
    return figures


def section_grading(
    run: Any, orgs: int, timed: Any, say: Any, seconds: Any, mb: Any
) -> GradingFigures:
    """Measures and prints section (e); ``timed``, ``say``, ``seconds``, ``mb`` are run.py's."""
    say(f"\n-- (e) pingyi grade vs the polars floor: {orgs:,} organizations, seven indicators")
    folder = run.root / "grading"
    made = grading_task(run, "generate", str(folder), str(orgs))
    say(
        f"   orgs.csv {made['orgs_mb']:.1f} MB, scores.csv {made['scores_mb']:.1f} MB, "
        f"written in {seconds(made['seconds'])} (not part of any timing)"
    )
    files = ["--orgs", str(folder / "orgs.csv"), "--scores", str(folder / "scores.csv")]
    ours, floor = [], []
    for n in range(REPEATS):  # interleaved, so that neither has the warmer machine
        ours.append(run.pingyi("grade", *files, "--json", str(folder / f"grade-{n}.json")))
        floor.append(
            run.cli(
                sys.executable,
                str(BENCH / "grading_floor_polars.py"),
                str(folder / "orgs.csv"),
                str(folder / "scores.csv"),
                str(folder / f"floor-{n}.json"),
            )
        )
    for n, (a, b) in enumerate(zip(ours, floor, strict=True), start=1):
        say(
            f"   run {n}: pingyi grade {seconds(a['seconds'])} (cpu {seconds(a['cpu_seconds'])}, "
            f"peak {mb(a['peak_mb'])}) | polars floor {seconds(b['seconds'])} "
            f"(cpu {seconds(b['cpu_seconds'])}, peak {mb(b['peak_mb'])})"
        )
    same = _same_results(folder / "grade-0.json", folder / "floor-0.json")
    say(f"   pingyi said: {ours[0]['stdout']}; polars said: {floor[0]['stdout']}")
    say(f"   the two JSON files agree organization by organization: {'yes' if same else 'NO'}")
    book = grading_task(run, "workbook", str(folder), str(folder / "grading.xlsx"))
    say(
        f"   report workbook ({book['rows']:,}-row 明细表 and the other sheets): "
        f"{seconds(book['seconds'])} (cpu {seconds(book['cpu_seconds'])}), "
        f"{book['xlsx_mb']:.1f} MB; resident "
        f"{mb(book['rss_before_mb'])} with the graded rows, at most "
        f"{mb(book['writing_peak_mb'])} while writing "
        f"({book['writing_peak_mb'] - book['rss_before_mb']:+.0f} MB)"
    )
    return GradingFigures(orgs, timed.of(ours), timed.of(floor), book)


def _same_results(ours: Path, floor: Path) -> bool:
    a, b = json.loads(ours.read_text("utf-8")), json.loads(floor.read_text("utf-8"))
    return bool(a["orgs"] == b["orgs"])


def summary_lines(
    e: GradingFigures, count: Any, seconds: Any, mb: Any, verdict: Any
) -> list[tuple[str, str]]:
    book = e.workbook
    return [
        (
            f"(e) grade {count(e.orgs)} orgs",
            f"pingyi {seconds(e.grade.best)} (peak {mb(e.grade.peak)}) | polars floor "
            f"{seconds(e.floor.best)} (peak {mb(e.floor.peak)}) | ratio {e.ratio:.1f}× "
            f"(goal ≤ {GOAL_GRADE_RATIO:.0f}×: {verdict(e.ratio <= GOAL_GRADE_RATIO)})",
        ),
        (
            f"(e) 明细表 workbook {count(e.orgs)}",
            f"{seconds(book['seconds'])} (goal < {GOAL_WORKBOOK_SECONDS:.0f} s: "
            f"{verdict(book['seconds'] < GOAL_WORKBOOK_SECONDS)}); writing {e.writer_mb:+.0f} MB "
            f"over the rows' {mb(book['rss_before_mb'])} (streaming, constant_memory)",
        ),
    ]
