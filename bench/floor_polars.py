"""The floor for `pingyi tally`: a hand-written polars script that counts the marks per unit.

It reads the same ballots CSV (every column as text, as pingyi does), then counts each unit
column's labels (all columns in parallel), and prints their sum so no work is skipped.
No validation, no scoring, no output file: the least a program counting this file must do.

    python bench/floor_polars.py BALLOTS.csv
"""

from __future__ import annotations

import sys

import polars as pl

FIRST_UNIT_COLUMN = 2  # 票号, 组别, then one column per unit


def mark_counts(path: str) -> pl.DataFrame:
    """One row per (unit, mark label) with its count; an empty cell counts as a null label."""
    frame = pl.read_csv(path, infer_schema=False)  # all columns String
    lazy = frame.lazy()
    per_unit = [
        lazy.group_by(unit).len("n").rename({unit: "mark"}).with_columns(unit=pl.lit(unit))
        for unit in frame.columns[FIRST_UNIT_COLUMN:]
    ]
    return pl.concat(pl.collect_all(per_unit))  # the 66 counts run in parallel


def main(argv: list[str]) -> int:
    counts = mark_counts(argv[1])
    print(f"{counts.height} (unit, mark) counts, {counts.get_column('n').sum()} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
