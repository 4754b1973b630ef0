"""Deterministic benchmark data: paper ballots for the 66 real units of seed 001.

The marks follow the demo scenario's model (each unit a standing, each evaluator a leniency,
noise on top), so the mix is what an appraisal looks like: about 74 % 满意, 19 % 基本满意,
3.5 % 不满意, about 3 % 弃权, about 1 % cells left empty, and a few ballots left wholly blank.
Every chunk of ballots comes from its own generator seeded with (SEED, chunk index), so the
same ballots can be made again in another process without storing them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from pingyi.demo.scenario import demo_units
from pingyi.rules.scheme import builtin_scheme

SEED = 20260101
CHUNK = 100_000
BALLOT_NO = "票号"
GROUP = "组别"
GROUPS = ("服务对象", "干部和各界代表")  # 60 / 40
ABSTAIN_SHARE = 0.03
EMPTY_SHARE = 0.01
BLANK_BALLOT_SHARE = 0.0005


@dataclass(frozen=True)
class Chunk:
    start: int  # index of the first ballot of the chunk in the whole set
    ballot_nos: list[str]
    groups: list[str]
    marks: npt.NDArray[np.int8]  # rows × 66 units in demo_units() order; 0..3 or -1 empty


def unit_codes() -> list[str]:
    return [u.code for u in demo_units()]


def mark_labels() -> list[str]:
    return [m.label for m in builtin_scheme().marks]  # 满意, 基本满意, 不满意, 弃权


def ballot_no(index: int) -> str:
    return f"2026-{index + 1:07d}"


def _standing() -> npt.NDArray[np.float64]:
    return np.random.default_rng([SEED, 0]).normal(0.0, 1.0, len(demo_units()))


def chunk(index: int, size: int) -> Chunk:
    """Ballots ``index * CHUNK`` … ``index * CHUNK + size - 1`` (size ≤ CHUNK)."""
    rng = np.random.default_rng([SEED, 1, index])
    width = len(demo_units())
    leniency = rng.normal(0.0, 0.6, (size, 1))
    latent = 2.7 + _standing()[None, :] * 0.55 + leniency + rng.normal(0.0, 0.9, (size, width))
    marks = np.where(latent > 1.9, 0, np.where(latent > 0.6, 1, 2)).astype(np.int8)
    marks[rng.random((size, width)) < ABSTAIN_SHARE] = 3
    marks[rng.random((size, width)) < EMPTY_SHARE] = -1
    marks[rng.random(size) < BLANK_BALLOT_SHARE, :] = -1
    in_first = rng.random(size) < 0.6
    start = index * CHUNK
    return Chunk(
        start=start,
        ballot_nos=[ballot_no(start + i) for i in range(size)],
        groups=[GROUPS[0] if first else GROUPS[1] for first in in_first.tolist()],
        marks=marks,
    )


def chunks(total: int) -> Iterator[Chunk]:
    for index, start in enumerate(range(0, total, CHUNK)):
        yield chunk(index, min(CHUNK, total - start))


def write_units_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["编码", "名称", "类别", "一票否决"])
        for unit in demo_units():
            writer.writerow([unit.code, unit.name, unit.category, "是" if unit.veto else "否"])


def _frame(part: Chunk) -> pl.DataFrame:
    labels = dict(enumerate(mark_labels()))  # -1 (empty) has no label: an empty cell
    columns = [
        pl.Series(code, part.marks[:, j]).replace_strict(
            labels, default=None, return_dtype=pl.String
        )
        for j, code in enumerate(unit_codes())
    ]
    return pl.DataFrame(
        [pl.Series(BALLOT_NO, part.ballot_nos), pl.Series(GROUP, part.groups), *columns]
    )


def write_ballots_csv(path: Path, total: int) -> None:
    """UTF-8 with a BOM, as Excel's "CSV UTF-8" saves it; empty cells are empty."""
    with path.open("wb") as stream:
        for part in chunks(total):
            _frame(part).write_csv(
                stream, include_header=part.start == 0, include_bom=part.start == 0
            )


def write_ballots_xlsx(path: Path, total: int) -> None:
    """One sheet in xlsxwriter's constant_memory mode (inline strings, rows streamed)."""
    import xlsxwriter

    labels = mark_labels()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("选票录入")
    sheet.write_row(0, 0, [BALLOT_NO, GROUP, *unit_codes()])
    row = 1
    for part in chunks(total):
        for no, group, marks in zip(part.ballot_nos, part.groups, part.marks.tolist(), strict=True):
            sheet.write_row(row, 0, [no, group, *(labels[m] if m >= 0 else None for m in marks)])
            row += 1
    workbook.close()
