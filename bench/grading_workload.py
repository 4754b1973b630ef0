"""Deterministic grading data: ORGS and SCORES files of SPEC P2 for the grading benchmark.

A province-sized grading: ``n`` organizations under committees of about a hundred each, in the
seven sectors (rural and organs the most), some general branches with two to five branches
under them, about 3 % newly established and 0.5 % with a violation. SCORES has one column per
indicator of the seven-indicator rubric, in half points, 群众评价 with two decimals (its
maximum × a satisfaction rate); the totals spread from the 50s to the high 90s, so that every
grade occurs. Seeded: the same ``n`` always gives the same files.

    python bench/grading_workload.py FOLDER N   (writes FOLDER/orgs.csv and FOLDER/scores.csv)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20260402
ORGS_PER_COMMITTEE = 100
SECTORS = (  # name, share, the word a name ends with
    ("农村", 0.40, "村党支部"),
    ("社区", 0.10, "社区党支部"),
    ("机关", 0.15, "机关党支部"),
    ("非公有制企业", 0.12, "公司党支部"),
    ("教育卫生事业单位", 0.13, "学校党支部"),
    ("国有企业", 0.05, "集团党委"),
    ("社会组织", 0.05, "协会党支部"),
)
INDICATORS = (  # the seven-indicator rubric: header, maximum
    ("党组织带头人", 20),
    ("工作思路", 10),
    ("工作制度", 15),
    ("活动阵地", 10),
    ("保障机制", 10),
    ("工作业绩", 20),
    ("群众评价", 15),
)
GENERAL_BRANCH_SHARE = 0.03  # of organizations that are general branches with branches below
NEW_SHARE, VIOLATION_SHARE = 0.03, 0.005


def orgs_frame(n: int) -> pl.DataFrame:
    """code, name, sector, committee, parent_code, new, violation (all text, as a user's file)."""
    rng = np.random.default_rng([SEED, 0])
    sector = rng.choice(len(SECTORS), size=n, p=[s[1] for s in SECTORS])
    committee = np.arange(n) // ORGS_PER_COMMITTEE
    codes = [f"O{i + 1:07d}" for i in range(n)]
    parent: list[str | None] = [None] * n
    i = 0
    while i < n:  # a general branch, then its branches (same committee and sector)
        if rng.random() < GENERAL_BRANCH_SHARE:
            below = int(rng.integers(2, 6))
            for j in range(i + 1, min(i + 1 + below, n)):
                if committee[j] == committee[i]:
                    parent[j] = codes[i]
                    sector[j] = sector[i]
            i += below + 1
        else:
            i += 1
    names = [
        f"第{c + 1}镇{i % ORGS_PER_COMMITTEE + 1}号{SECTORS[s][2]}"
        for i, (c, s) in enumerate(zip(committee.tolist(), sector.tolist(), strict=True))
    ]
    flag = rng.random((n, 2))
    return pl.DataFrame(
        {
            "code": codes,
            "name": names,
            "sector": [SECTORS[s][0] for s in sector.tolist()],
            "committee": [f"第{c + 1}镇党委" for c in committee.tolist()],
            "parent_code": parent,
            "new": ["是" if f else None for f in (flag[:, 0] < NEW_SHARE).tolist()],
            "violation": ["是" if f else None for f in (flag[:, 1] < VIOLATION_SHARE).tolist()],
        }
    )


def scores_frame(codes: list[str]) -> pl.DataFrame:
    """code and the seven indicators: each organization a quality, each indicator noise."""
    rng = np.random.default_rng([SEED, 1])
    n = len(codes)
    quality = np.clip(rng.normal(0.82, 0.09, (n, 1)), 0.3, 1.0)
    columns: dict[str, list[str]] = {"code": codes}
    for name, maximum in INDICATORS:
        share = np.clip(quality + rng.normal(0.0, 0.05, (n, 1)), 0.0, 1.0)[:, 0]
        if name == "群众评价":  # maximum × a satisfaction rate, two decimals
            points = np.floor(share * maximum * 100) / 100
            columns[name] = [f"{p:.2f}" for p in points.tolist()]
        else:  # half points
            points = np.floor(share * maximum * 2) / 2
            columns[name] = [f"{p:g}" for p in points.tolist()]
    return pl.DataFrame(columns)


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    """FOLDER/orgs.csv and FOLDER/scores.csv (UTF-8 with a BOM, as Excel saves CSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    orgs = orgs_frame(n)
    orgs_path, scores_path = folder / "orgs.csv", folder / "scores.csv"
    orgs.write_csv(orgs_path, include_bom=True)
    scores_frame(orgs.get_column("code").to_list()).write_csv(scores_path, include_bom=True)
    return orgs_path, scores_path


if __name__ == "__main__":
    write_files(Path(sys.argv[1]), int(sys.argv[2]))
