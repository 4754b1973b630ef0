"""The report set of P2 grading (SPEC P2 "Reports"; seed 003, 附件 2–5 and 附件四), as rows.

One small class per report yields its header and rows of plain cells; the writers
(:mod:`pingyi.exports.grading_workbook`, :mod:`pingyi.exports.grading_pdf`) turn them into an
xlsx or a PDF alike. The reports take :class:`ReportOrg` — plain data, no model — so the CLI
(which has only totals: :func:`report_orgs_from_graded`) and the web app (which maps its own
data, with self scores, assessments, surveys and the committee's texts) print the same tables.

Headers are the Chinese forms of the seed's attachments: they are document titles, not UI text.

Numbers as printed: shares are percentages with one decimal, rounded half up from the exact
fraction; survey rates are percentages with two decimals, rounded alike; scores are cut (not
rounded) to two decimals, so that a printed total never reaches a grade threshold the exact
total did not reach (89.996 prints 89.99, not 90.00, and is 较好).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import numpy as np

from pingyi.exports.xlsx import Cell
from pingyi.rules.grade_vote import VoteResult, vote_result
from pingyi.rules.grading import GRADES, POOR, SECTORS, Graded, GradingScheme
from pingyi.rules.grading_columns import committee_columns
from pingyi.rules.grading_schedule import RECTIFICATION_MONTHS
from pingyi.rules.tally import round_fraction

SHARE_PLACES = 1  # shares of a grade, in percent
RATE_PLACES = 2  # survey satisfaction rates, in percent
SCORE_PLACES = 2
SCORE_SCALE = 100  # 10 ** SCORE_PLACES
YES = "是"
TOTAL_ROW = "合计"
SUBTOTAL_ROW = "小计"

OVERRIDE_LABELS: Mapping[str, str] = {
    "violation": "违纪违法",
    "new": "新建党组织",
    "inherited": "随党总支定级",
}
COMMITTEE_CHANGE = "党委研究调整：{reason}"
ENTRY_STATUS: Mapping[str, str] = {
    "pending": "待审批，未采用",
    "approved": "已审批采用",
    "refused": "未获批准，未采用",
}
POOR_REASONS: Mapping[str, str] = {
    "violation": "领导班子成员涉及违法犯罪或充当“保护伞”",
    "score": "得分低于60分",
    "inherited": "随党总支定级",
}


@dataclass(frozen=True)
class ReportOrg:
    """One organization as the reports print it.

    ``survey_rate`` is None when there was no survey or its result is suppressed (fewer than k
    ballots); ``computed`` is the grade from the total alone, ``grade`` the final one;
    ``overrides`` are the rule names of SPEC P2 (``violation``, ``new``, ``inherited``);
    ``change_reason`` is the committee's recorded reason when it changed the grade. Texts the
    CLI does not know are empty.
    """

    code: str
    name: str
    sector: str  # as SPEC writes it (Chinese), e.g. 农村
    committee: str
    parent_code: str | None
    self_score: Fraction | None
    assessment_score: Fraction | None
    survey_rate: Fraction | None
    total: Fraction
    computed: str
    grade: str
    overrides: tuple[str, ...] = ()
    needs_explanation: bool = False
    explanation: str = ""
    change_reason: str = ""
    problems: str = ""
    measures: str = ""
    sponsor_leader: str = ""
    liaison: str = ""
    counted_rate: Fraction | None = None  # the ballot engine's rate, when a rate was entered
    entered_rate: Fraction | None = None  # a rate entered by hand, approved or not
    entry_status: str = ""  # pending, approved, refused
    entry_reason: str = ""
    rectification_months: int | None = None
    rectification_reason: str = ""  # the committee's reason for another period than the default
    # The members' grade vote (等级测评): counts per grade in GRADES order and the abstentions;
    # None when there was none, it is not counted yet (``vote_status`` pending) or it is
    # suppressed (fewer than k ballots).
    vote_status: str = ""  # "", pending, suppressed, counted
    vote_counts: tuple[int, ...] | None = None
    vote_abstain: int = 0
    departure_reason: str = ""  # why the grade differs from the vote's, when it does
    violation_cause: str = ""  # the seed's words for what forced 较差, when recorded
    violation_reason: str = ""  # what was found
    benefits: tuple[str, ...] = ()  # what 好 was granted besides the points (seed's words)
    benefit_points: Fraction | None = None  # 年度综合考评加分

    @property
    def vote(self) -> VoteResult | None:
        if self.vote_counts is None:
            return None
        return vote_result(self.vote_counts, self.vote_abstain)

    @property
    def counted_figure(self) -> Fraction | None:
        """The rate the ballots gave: ``survey_rate`` itself when none was entered by hand."""
        return self.survey_rate if self.entered_rate is None else self.counted_rate


def report_orgs_from_graded(graded: Sequence[Graded]) -> list[ReportOrg]:
    """The rows of ``pingyi grade``: totals and grades, and the default rectification period
    of 一般 and 较差; the other sources stay empty."""
    return [
        ReportOrg(
            code=g.org.code,
            name=g.org.name,
            sector=g.org.sector,
            committee=g.org.committee,
            parent_code=g.org.parent_code,
            self_score=None,
            assessment_score=None,
            survey_rate=None,
            total=g.total,
            computed=g.computed,
            grade=g.grade,
            overrides=tuple(g.overrides),
            needs_explanation=g.needs_explanation,
            rectification_months=RECTIFICATION_MONTHS.get(g.grade),
        )
        for g in graded
    ]


# ------------------------------------------------------------------------------ numbers


def share(count: int, whole: int) -> Fraction | None:
    """``count`` of ``whole`` in percent, one decimal, half up; None when ``whole`` is 0."""
    if whole == 0:
        return None
    return round_fraction(Fraction(100 * count, whole), SHARE_PLACES)


def rate_percent(rate: Fraction | None) -> Fraction | None:
    return None if rate is None else round_fraction(rate * 100, RATE_PLACES)


def shown_score(score: Fraction | None) -> float | None:
    """``score`` cut to two decimals (toward zero): see the module's note on thresholds.

    A float holding exactly the two-decimal number's nearest double, computed in integers
    (this runs for every row of a 300,000-row 明细表)."""
    if score is None:
        return None
    cut: int = abs(score.numerator) * SCORE_SCALE // score.denominator
    return (cut if score.numerator >= 0 else -cut) / SCORE_SCALE


def violation_text(org: ReportOrg) -> str:
    """The recorded cause of a violation and what was found (empty when none recorded)."""
    if not org.violation_cause:
        return ""
    return (
        f"{org.violation_cause}：{org.violation_reason}"
        if org.violation_reason
        else (org.violation_cause)
    )


def override_text(org: ReportOrg) -> str:
    """调整情况: the overrides by name (a violation with its recorded cause), then the
    committee's change with its reason."""
    parts = [
        f"{OVERRIDE_LABELS['violation']}（{violation_text(org)}）"
        if o == "violation" and org.violation_cause
        else OVERRIDE_LABELS.get(o, o)
        for o in org.overrides
    ]
    if org.change_reason:
        parts.append(COMMITTEE_CHANGE.format(reason=org.change_reason))
    return "；".join(parts)


def entry_text(org: ReportOrg) -> str:
    """录入说明: the reason of the rate entered by hand and where its approval stands."""
    if org.entered_rate is None:
        return ""
    status = ENTRY_STATUS.get(org.entry_status, org.entry_status)
    return f"{org.entry_reason}（{status}）" if status else org.entry_reason


def poor_reason(org: ReportOrg) -> str:
    """Why an organization is 较差: its general branch's grade (a branch's own score or
    violation does not decide it), else a violation, else its score; and the committee's
    change with its reason when it made one."""
    parts = []
    if "inherited" in org.overrides:  # the last override: the general branch's grade decides
        parts.append(POOR_REASONS["inherited"])
    elif "violation" in org.overrides:
        parts.append(violation_text(org) or POOR_REASONS["violation"])
    elif org.computed == POOR:
        parts.append(POOR_REASONS["score"])
    if org.change_reason:
        parts.append(COMMITTEE_CHANGE.format(reason=org.change_reason))
    return "；".join(parts)


VOTE_STATUS: Mapping[str, str] = {"pending": "测评未结束", "suppressed": "票数不足，不公布"}


def vote_counts_text(org: ReportOrg) -> str:
    """等级测评票数: 好/较好/一般/较差/弃权, or why there is no figure."""
    vote = org.vote
    if vote is None:
        return VOTE_STATUS.get(org.vote_status, "")
    return "/".join(str(n) for n in (*vote.counts, vote.abstain))


def vote_top(org: ReportOrg) -> str:
    """测评等次: the grade with the most votes (tied grades joined by "/")."""
    vote = org.vote
    return vote.top_text if vote is not None else ""


def vote_top_share(org: ReportOrg) -> Fraction | None:
    """The share of the votes the top grade received, in percent (one decimal, half up)."""
    vote = org.vote
    if vote is None or not vote.top:
        return None
    return share(vote.count(vote.top[0]), vote.votes)


# ------------------------------------------------------------------------------ reports


@dataclass(frozen=True)
class Column:
    """A column: its header and what it holds, so every writer shows it alike.

    Kinds: ``index`` (序号), ``int``, ``text``, ``wrap`` (long text that wraps), ``score``,
    ``share`` (percent, one decimal), ``rate`` (percent, two decimals)."""

    header: str
    kind: str
    width: int = 0  # spreadsheet units for ``wrap`` columns; others fit their content


# The members' grade vote, in the 明细表 and the 一览表 of a round that held one (a round
# without any keeps its tables as before: nothing to print there).
VOTE_COLUMNS = (
    Column("测评票数（好/较好/一般/较差/弃权）", "text"),
    Column("测评等次", "text"),
    Column("测评等次得票率（%）", "share"),
)
DEPARTURE_COLUMN = Column("与测评等次不一致理由", "wrap", 16)


def held_votes(orgs: Sequence[ReportOrg]) -> bool:
    return any(o.vote_status or o.departure_reason for o in orgs)


def without_votes(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    return tuple(c for c in columns if c not in (*VOTE_COLUMNS, DEPARTURE_COLUMN))


class GradingReport(ABC):
    """One table of the report set: a sheet name, a document title, columns and rows."""

    sheet: ClassVar[str]
    title: ClassVar[str]
    columns: tuple[Column, ...]  # the class's; a report may narrow them to its rows
    landscape: ClassVar[bool] = False

    def __init__(self, orgs: Sequence[ReportOrg]) -> None:
        self.orgs = orgs

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    @abstractmethod
    def rows(self) -> Iterator[list[Cell]]:
        """The table's rows, in order, each as long as the header."""


class WithVotes(GradingReport):
    """A table with the members' grade-vote columns: a round that held no vote leaves them out
    (``self.votes`` says which)."""

    def __init__(self, orgs: Sequence[ReportOrg]) -> None:
        super().__init__(orgs)
        self.votes = held_votes(orgs)
        if not self.votes:
            self.columns = without_votes(self.columns)


@dataclass(frozen=True)
class SectorCounts:
    """The organizations of one sector (or of all: 合计) by final grade."""

    sector: str
    orgs: int
    counts: Mapping[str, int]

    def share(self, grade: str) -> Fraction | None:
        return share(self.counts[grade], self.orgs)


def sector_counts(orgs: Sequence[ReportOrg]) -> list[SectorCounts]:
    """Per sector present, in SPEC's order of sectors (others after, as they come)."""
    found: dict[str, dict[str, int]] = {}
    for org in orgs:
        counts = found.setdefault(org.sector, dict.fromkeys(GRADES, 0))
        counts[org.grade] = counts.get(org.grade, 0) + 1
    order = [s for s in SECTORS if s in found] + [s for s in found if s not in SECTORS]
    return [SectorCounts(s, sum(found[s].values()), found[s]) for s in order]


def all_counts(sectors: Sequence[SectorCounts]) -> SectorCounts:
    counts = {g: sum(s.counts.get(g, 0) for s in sectors) for g in GRADES}
    return SectorCounts(TOTAL_ROW, sum(s.orgs for s in sectors), counts)


def _grade_columns() -> tuple[Column, ...]:
    return tuple(
        column
        for grade in GRADES
        for column in (Column(f"{grade}（个）", "int"), Column(f"{grade}占比（%）", "share"))
    )


def _count_cells(counts: SectorCounts) -> list[Cell]:
    cells: list[Cell] = [counts.sector, counts.orgs]
    for grade in GRADES:
        cells += [counts.counts[grade], counts.share(grade)]
    return cells


class SummaryReport(GradingReport):
    """分类定级汇总表: per sector, the number of organizations and each grade's count and
    share; the last row 合计 over all sectors."""

    sheet = "汇总表"
    title = "基层党组织分类定级情况汇总表"
    columns = (Column("领域", "text"), Column("党组织数（个）", "int"), *_grade_columns())

    def rows(self) -> Iterator[list[Cell]]:
        sectors = sector_counts(self.orgs)
        for counts in [*sectors, all_counts(sectors)]:
            cells: list[Cell] = [counts.sector, counts.orgs]
            for grade in GRADES:
                cells += [counts.counts[grade], counts.share(grade)]
            yield cells


class DetailReport(WithVotes):
    """分类定级明细表: every organization with its sources, total, grades and overrides. The
    survey shows as counted by the ballots and, apart, a rate entered by hand with its reason
    and whether it was approved (only then does the total use it)."""

    sheet = "明细表"
    title = "基层党组织分类定级情况明细表"
    landscape = True
    columns: tuple[Column, ...] = (
        Column("序号", "index"),
        Column("党组织编码", "text"),
        Column("党组织名称", "text"),
        Column("领域", "text"),
        Column("所属党(工)委", "text"),
        Column("上级党组织编码", "text"),
        Column("自评得分", "score"),
        Column("组织考核得分", "score"),
        Column("测评满意率（%）", "rate"),
        Column("录入满意率（%）", "rate"),
        Column("录入理由", "wrap", 10),
        Column("总分", "score"),
        Column("按得分等次", "text"),
        *VOTE_COLUMNS,
        Column("评定等次", "text"),
        Column("调整情况", "text"),
        DEPARTURE_COLUMN,
    )

    def rows(self) -> Iterator[list[Cell]]:
        for number, org in enumerate(self.orgs, start=1):
            cells: list[Cell] = [
                number,
                org.code,
                org.name,
                org.sector,
                org.committee,
                org.parent_code,
                shown_score(org.self_score),
                shown_score(org.assessment_score),
                rate_percent(org.counted_figure),
                rate_percent(org.entered_rate),
                entry_text(org),
                shown_score(org.total),
                org.computed,
                vote_counts_text(org),
                vote_top(org),
                vote_top_share(org),
                org.grade,
                override_text(org),
                org.departure_reason,
            ]
            yield cells if self.votes else cells[:13] + cells[16:18]


# Who the organization is, first on every row of the lists (较差名单, 较差状况明细表, 一览表).
IDENTITY = (
    Column("序号", "index"),
    Column("所属党(工)委", "text"),
    Column("党组织名称", "text"),
    Column("领域", "text"),
    Column("总分", "score"),
)


def identity(number: int, org: ReportOrg) -> list[Cell]:
    return [number, org.committee, org.name, org.sector, shown_score(org.total)]


class PoorListReport(GradingReport):
    """较差基层党组织名单: the organizations graded 较差, and why."""

    sheet = "较差名单"
    title = "较差基层党组织名单"
    columns = (
        *IDENTITY,
        Column("定为较差的原因", "wrap", 40),
    )

    def rows(self) -> Iterator[list[Cell]]:
        poor = (o for o in self.orgs if o.grade == POOR)
        for number, org in enumerate(poor, start=1):
            yield [
                *identity(number, org),
                poor_reason(org),
            ]


class PoorDetailReport(GradingReport):
    """较差基层党组织状况明细表: each poor organization's problems, the measures, and the
    sponsor leader and liaison assigned to it (SPEC P4)."""

    sheet = "较差状况明细表"
    title = "较差基层党组织状况明细表"
    landscape = True
    columns = (
        *IDENTITY,
        Column("存在的主要问题", "wrap", 30),
        Column("整改措施", "wrap", 30),
        Column("挂点领导", "text"),
        Column("联络员", "text"),
        Column("整改期限（月）", "int"),
        Column("整改期限调整理由", "wrap", 16),
    )

    def rows(self) -> Iterator[list[Cell]]:
        poor = (o for o in self.orgs if o.grade == POOR)
        for number, org in enumerate(poor, start=1):
            yield [
                *identity(number, org),
                org.problems,
                org.measures,
                org.sponsor_leader,
                org.liaison,
                org.rectification_months,
                org.rectification_reason,
            ]


class OverviewReport(WithVotes):
    """分类定级情况一览表 (附件四): every organization of the round with its grade; 情况说明
    where SPEC requires one (农村, 社区, 非公有制企业 graded 好 or 较差; 机关, 教育卫生事业单位
    graded 一般 or 较差: 需说明 是) or the committee wrote one; the rectification period of
    一般 and 较差, with the committee's reason when it departs from the default."""

    sheet = "一览表"
    title = "基层党组织分类定级情况一览表"
    landscape = True
    columns: tuple[Column, ...] = (
        *IDENTITY,
        Column("评定等次", "text"),
        VOTE_COLUMNS[1],
        DEPARTURE_COLUMN,
        Column("需说明", "text"),
        Column("情况说明", "wrap", 36),
        Column("整改期限（月）", "int"),
        Column("整改期限调整理由", "wrap", 20),
    )

    def rows(self) -> Iterator[list[Cell]]:
        for number, org in enumerate(self.orgs, start=1):
            votes: list[Cell] = [vote_top(org), org.departure_reason] if self.votes else []
            yield [
                *identity(number, org),
                org.grade,
                *votes,
                YES if org.needs_explanation else "",
                org.explanation,
                org.rectification_months,
                org.rectification_reason,
            ]


class CommitteeSummaryReport(GradingReport):
    """各党(工)委分类定级汇总表: each committee's own 汇总表 — its sectors, then its 小计 —
    as each committee files it (seed 003, 附件三); the last row 合计 over all."""

    sheet = "各党(工)委汇总表"
    title = "各基层党(工)委分类定级情况汇总表"
    landscape = True
    columns = (
        Column("所属党(工)委", "text"),
        Column("领域", "text"),
        Column("党组织数（个）", "int"),
        *_grade_columns(),
    )

    def rows(self) -> Iterator[list[Cell]]:
        by_committee: dict[str, list[ReportOrg]] = {}
        for org in self.orgs:
            by_committee.setdefault(org.committee, []).append(org)
        for committee, orgs in by_committee.items():
            sectors = sector_counts(orgs)
            subtotal = all_counts(sectors)
            for counts in [*sectors, SectorCounts(SUBTOTAL_ROW, subtotal.orgs, subtotal.counts)]:
                yield [committee, *_count_cells(counts)]
        yield [TOTAL_ROW, "", *_count_cells(all_counts(sector_counts(self.orgs)))[1:]]


class QuotaReport(GradingReport):
    """各党(工)委定级名额: per committee, the grades counted against the scheme's quotas —
    好 at most its limit (SPEC: the excess is reported, never corrected here), 较差 about
    its target share (是 where the rule finds it far from it)."""

    sheet = "名额"
    title = "各基层党(工)委定级名额情况"
    landscape = True
    columns = (
        Column("所属党(工)委", "text"),
        Column("党组织数（个）", "int"),
        *(Column(f"{g}（个）", "int") for g in GRADES),
        Column("好占比（%）", "share"),
        Column("好名额上限（个）", "int"),
        Column("好超出名额", "text"),
        Column("较差占比（%）", "share"),
        Column("较差目标占比（%）", "share"),
        Column("较差偏离目标", "text"),
    )

    def __init__(self, orgs: Sequence[ReportOrg], scheme: GradingScheme) -> None:
        super().__init__(orgs)
        self.scheme = scheme

    def rows(self) -> Iterator[list[Cell]]:
        # The quota is the rule's (committee_counts, over columns: bounded memory for
        # 300,000 organizations); the report only lays it out.
        committees: dict[str, int] = {}
        sectors: dict[str, int] = {}
        grades = {g: i for i, g in enumerate(GRADES)}
        size = len(self.orgs)
        committee = np.fromiter(
            (committees.setdefault(o.committee, len(committees)) for o in self.orgs),
            np.int64,
            size,
        )
        sector = np.fromiter(
            (sectors.setdefault(SECTORS.get(o.sector, o.sector), len(sectors)) for o in self.orgs),
            np.int64,
            size,
        )
        grade = np.fromiter((grades[o.grade] for o in self.orgs), np.int8, size)
        counts = committee_columns(
            committee, list(committees), grade, sector, list(sectors), self.scheme
        )
        target = round_fraction(self.scheme.poor_target * 100, SHARE_PLACES)
        for c in counts:
            yield [
                c.committee,
                c.orgs,
                *(c.counts[g] for g in GRADES),
                share(c.counts[GRADES[0]], c.orgs),
                math.floor(c.excellent_limit),
                YES if c.excellent_over_quota else "",
                share(c.counts[POOR], c.orgs),
                target,
                YES if c.poor_far else "",
            ]


class BenefitReport(GradingReport):
    """评为“好”的基层党组织激励情况表 (seed 003, 第一篇 四 1): each organization graded 好 with
    what it was granted — 加分 in the annual appraisal, its secretary's 优先推荐, the
    recommendation for the commendation. Printed once any benefit is recorded."""

    sheet = "好等次激励情况"
    title = "评为“好”的基层党组织激励情况表"
    landscape = False
    columns: tuple[Column, ...] = (
        *IDENTITY,
        Column("年度综合考评加分", "score"),
        Column("激励措施", "wrap", 40),
    )

    def rows(self) -> Iterator[list[Cell]]:
        excellent = [o for o in self.orgs if o.grade == GRADES[0]]
        for number, org in enumerate(excellent, start=1):
            yield [
                *identity(number, org),
                shown_score(org.benefit_points),
                "；".join(org.benefits) if org.benefits else "",
            ]


def report_set(
    orgs: Sequence[ReportOrg], scheme: GradingScheme | None = None
) -> list[GradingReport]:
    """The five tables of the seed's attachments, in order, then each committee's 汇总表 and
    the committees' quotas; the benefits of 好 last, once any is recorded."""
    benefits: list[GradingReport] = (
        [BenefitReport(orgs)] if any(o.benefits or o.benefit_points for o in orgs) else []
    )
    return [
        SummaryReport(orgs),
        DetailReport(orgs),
        PoorListReport(orgs),
        PoorDetailReport(orgs),
        OverviewReport(orgs),
        CommitteeSummaryReport(orgs),
        QuotaReport(orgs, scheme or GradingScheme()),
        *benefits,
    ]
