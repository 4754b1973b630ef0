"""The scenario of seed 001: 66 departments in three categories, 1,000 evaluators (600 service
recipients, 400 cadres and representatives), deterministic for a given seed.

The ballots are plausible rather than real: each unit has a standing, each evaluator a
leniency, and the marks follow from both with noise. A few evaluators hand in blank ballots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pingyi.rules.tally import BLANK, UnitSpec

LOCAL = [
    "市委办公室",
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "农办",
    "台办",
    "信访局",
    "总工会",
    "团市委",
    "妇联",
    "科协",
    "工商联",
    "市政府办公室",
    "发改局",
    "经贸局",
    "教育体育局",
    "科技局",
    "监察局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人事局",
    "劳动社保局",
    "建设局",
    "交通局",
    "水利农机局",
    "农林局",
    "外经局",
    "文化局",
    "卫生局",
    "人口和计生局",
    "审计局",
    "环保局",
    "旅游局",
    "统计局",
    "粮食局",
    "物价局",
    "广电局",
    "人防办",
    "法制办",
    "行政服务中心",
    "城管执法局",
    "安监局",
]
VERTICAL = [
    "国土资源局",
    "工商局",
    "国税局",
    "地税局",
    "质监局",
    "食品药品监管局",
    "烟草局",
    "供电局（公司）",
    "电信局（公司）",
    "邮政局",
    "国检局",
    "海关办事处",
]
FINANCIAL = ["人行", "中行", "工行", "农行", "建行", "交行", "农发行", "信用联社", "商业银行"]

CATEGORIES = (
    ("地方管理部门", "L", LOCAL),
    ("垂直管理部门", "V", VERTICAL),
    ("金融部门", "F", FINANCIAL),
)
GROUPS = (("服务对象", 600), ("干部和各界代表", 400))

# Units the demo makes weak in both years, so that consecutive_last shows.
WEAK_BOTH_YEARS = ("L44", "V01")
# A strong unit under one-vote veto: its winner place passes to the next unit.
VETOED = "L43"
BLANK_BALLOTS = 6


def demo_units() -> list[UnitSpec]:
    return [
        UnitSpec(
            code=f"{prefix}{i:02d}",
            name=name,
            category=category,
            category_code={"L": "local", "V": "vertical", "F": "financial"}[prefix],
            veto=f"{prefix}{i:02d}" == VETOED,
        )
        for category, prefix, names in CATEGORIES
        for i, name in enumerate(names, start=1)
    ]


@dataclass(frozen=True)
class DemoBallots:
    ballot_nos: list[str]
    groups: list[str]
    marks: np.ndarray  # rows × units, mark indices 0..3 (满意, 基本满意, 不满意, 弃权) or BLANK


def demo_ballots(units: list[UnitSpec], *, seed: int, year_index: int) -> DemoBallots:
    """Ballots for one year. ``year_index`` 0 is the previous year, 1 the current one."""
    rng = np.random.default_rng([seed, year_index])
    standing = rng.normal(0.0, 1.0, len(units))
    codes = [u.code for u in units]
    for code in WEAK_BOTH_YEARS:
        standing[codes.index(code)] = -3.2
    standing[codes.index(VETOED)] = 2.6
    if year_index == 0:  # the previous year's other last units differ from this year's
        standing[codes.index("F09")] = -3.0
    else:
        standing[codes.index("F05")] = -3.0
    groups = [name for name, size in GROUPS for _ in range(size)]
    n = len(groups)
    leniency = rng.normal(0.0, 0.6, (n, 1))
    latent = 2.9 + standing[None, :] * 0.55 + leniency + rng.normal(0.0, 0.9, (n, len(units)))
    marks = np.where(latent > 1.9, 0, np.where(latent > 0.4, 1, 2)).astype(np.int8)
    abstain = rng.random((n, len(units))) < 0.03
    marks[abstain] = 3
    left_blank = rng.random((n, len(units))) < 0.01
    marks[left_blank] = BLANK
    blank_rows = rng.choice(n, BLANK_BALLOTS, replace=False)
    marks[blank_rows, :] = BLANK
    order = rng.permutation(n)  # paper ballots come back shuffled
    return DemoBallots(
        ballot_nos=[f"{year_index + 2025}-{i:04d}" for i in range(1, n + 1)],
        groups=[groups[i] for i in order],
        marks=marks[order],
    )
