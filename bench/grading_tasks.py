"""Grading measurements in their own process: `python bench/grading_tasks.py TASK ARGS…`.

Like bench/tasks.py, each task prints its figures as one JSON line after ``RESULT_MARK``.

- ``generate FOLDER N``: ORGS and SCORES files of N organizations (bench/grading_workload.py).
- ``workbook FOLDER OUT.xlsx``: grades the files (not timed), then writes the report workbook
  that ``pingyi grade --xlsx`` writes — its 明细表 has a row per organization — timed, with
  the resident memory before writing and the highest while writing.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from pathlib import Path

from tasks import emit, peak_mb


def current_mb() -> float:
    """Resident memory now (Linux /proc), to tell the writer's peak from the rows' size."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


class Sampler:
    """The highest resident memory seen while a block runs (polled every 5 ms): the process's
    lifetime peak (ru_maxrss) is set earlier, by the grading, and would hide the writer's."""

    def __init__(self) -> None:
        self.highest = current_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.005):
            self.highest = max(self.highest, current_mb())

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.highest = max(self.highest, current_mb())


def task_generate(folder: str, n: str) -> None:
    import grading_workload

    start = time.perf_counter()
    orgs, scores = grading_workload.write_files(Path(folder), int(n))
    emit(
        seconds=time.perf_counter() - start,
        orgs_mb=orgs.stat().st_size / 2**20,
        scores_mb=scores.stat().st_size / 2**20,
        peak_mb=peak_mb(),
    )


def task_workbook(folder: str, out: str) -> None:
    from pingyi.exports.grading_files import grade_files
    from pingyi.exports.grading_workbook import write_grading_workbook
    from pingyi.rules.grading import GradingScheme

    root = Path(folder)
    rows = grade_files(root / "orgs.csv", root / "scores.csv", GradingScheme()).report_orgs()
    before = current_mb()
    with Sampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        write_grading_workbook(Path(out), rows, scheme=GradingScheme())
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    emit(
        rows=len(rows),
        seconds=seconds,
        cpu_seconds=cpu,  # less swayed by a busy machine
        rss_before_mb=before,
        writing_peak_mb=sampler.highest,
        peak_mb=peak_mb(),
        xlsx_mb=Path(out).stat().st_size / 2**20,
    )


TASKS = {"generate": task_generate, "workbook": task_workbook}

if __name__ == "__main__":
    TASKS[sys.argv[1]](*sys.argv[2:])
