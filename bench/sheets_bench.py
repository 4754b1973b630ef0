"""(g) token sheets (issue 16): `write_token_bundle` — the A4 sheets of QR slips and the CSV for
SMS, streamed into a ZIP file — on 2,000, 10,000 and 20,000 codes, beside per-code encoding
floors measured in the same run.

Goal: at least 1,000 codes a second end to end on 10,000 codes, in memory that does not grow
with the count (the bundle is written as it is drawn). Called by bench/run.py; every
measurement in a fresh process, as the other sections.
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
GOAL_CODES_PER_SECOND = 1_000


@dataclass(frozen=True)
class SheetsFigures:
    headline: int  # the count the goal is measured on
    runs: list[dict[str, Any]]  # bundles of the headline count
    sizes: dict[int, dict[str, Any]]  # one bundle per count, for the memory
    floor: dict[str, Any]

    @property
    def best(self) -> float:
        return float(min(r["seconds"] for r in self.runs))

    @property
    def rate(self) -> float:
        return self.headline / self.best


def sheets_task(run: Any, *args: str) -> dict[str, Any]:
    """bench/sheets_tasks.py in the work folder (as Runner.task runs bench/tasks.py)."""
    argv = [sys.executable, str(BENCH / "sheets_tasks.py"), *args]
    done = subprocess.run(
        argv, cwd=run.root, env=run.env, capture_output=True, text=True, check=False
    )
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_MARK)), "")
    if done.returncode != 0 or not line:
        raise SystemExit(f"bench: sheets {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
    figures: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARK))
    return figures


def section_sheets(
    run: Any, counts: tuple[int, int, int], say: Any, seconds: Any, mb: Any
) -> SheetsFigures:
    """Measures and prints section (g); ``say``, ``seconds``, ``mb`` are run.py's. The middle
    of ``counts`` is the headline."""
    small, headline, large = counts
    say("\n-- (g) token sheets: write_token_bundle (PDF + CSV streamed into a ZIP file)")
    floor = sheets_task(run, "floor", str(small))
    say(
        f"   encoding alone, {floor['payloads']:,} payloads of {floor['payload_bytes']} bytes: "
        f"segno choosing the mask {floor['segno_auto']:,.0f}/s | segno with a fixed layout "
        f"{floor['segno_fixed']:,.0f}/s (the floor) | reportlab's QrCodeWidget (before) "
        f"{floor['reportlab']:,.0f}/s | composed from segno's as the sheets do "
        f"{floor['composed']:,.0f}/s"
    )
    runs = [
        sheets_task(run, "bundle", str(headline), str(run.root / f"sheets-{n}.zip"))
        for n in range(REPEATS)
    ]
    first = runs[0]
    say(
        f"   {headline:,} codes: runs {', '.join(seconds(r['seconds']) for r in runs)} "
        f"(least cpu {seconds(min(r['cpu_seconds'] for r in runs))}); best "
        f"{headline / min(r['seconds'] for r in runs):,.0f} codes/s; ZIP {first['zip_mb']:.1f} MB "
        f"(PDF {first['pdf_mb']:.1f} MB of {first['pages']:,} pages, CSV of "
        f"{first['csv_rows']:,} rows)"
    )
    sizes = {headline: max(runs, key=lambda r: r["writing_peak_mb"])}
    for count in (small, large):
        sizes[count] = sheets_task(run, "bundle", str(count), str(run.root / "sheets-x.zip"))
    how = "kernel peak" if all(f["writing_peak_exact"] for f in sizes.values()) else "sampled"
    say(
        f"   memory, resident before writing → highest while writing ({how}): "
        + " | ".join(
            f"{count:,} codes {mb(f['rss_before_mb'])} → {mb(f['writing_peak_mb'])} "
            f"({f['writing_peak_mb'] - f['rss_before_mb']:+.0f} MB)"
            for count, f in sorted(sizes.items())
        )
    )
    return SheetsFigures(headline, runs, sizes, floor)


def summary_lines(
    g: SheetsFigures, count: Any, seconds: Any, mb: Any, verdict: Any
) -> list[tuple[str, str]]:
    growth = " / ".join(
        f"{f['writing_peak_mb'] - f['rss_before_mb']:+.0f}" for _, f in sorted(g.sizes.items())
    )
    counts = " / ".join(count(n) for n in sorted(g.sizes))
    return [
        (
            f"(g) token sheets {count(g.headline)} codes",
            f"{seconds(g.best)} = {g.rate:,.0f} codes/s end to end (peak "
            f"{mb(max(r['peak_mb'] for r in g.runs))}) | floor: segno fixed layout "
            f"{g.floor['segno_fixed']:,.0f}/s encoding alone | goal ≥ "
            f"{GOAL_CODES_PER_SECOND:,}/s: {verdict(g.rate >= GOAL_CODES_PER_SECOND)}",
        ),
        (
            "(g) token sheets memory",
            f"writing adds {growth} MB at {counts} codes (streamed: flat with the count; "
            "reportlab subsetting the font once is most of it)",
        ),
    ]
