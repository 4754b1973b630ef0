"""公示牌: the printable public board of a grading (seed 003), A4 portrait, in Chinese.

Seed 003 asks each organization to post its 《创先争优活动情况公示牌》 (its main achievements)
and its 《基层党组织分类定级整改提高公示牌》: 整改事项、主要措施、责任人、完成时限、完成情况.
One board per committee (or one for the round, committee after committee) lists every
organization with its grade, its achievements as it declared them, its sponsor leader and
liaison, and its rectification items — from the ledger's plan when there is one, else the
committee's recorded problems and measures.

Plain data in (BoardOrg), a PDF out; the headings are document titles, not UI text. Every
text from a user passes through :func:`pdf.escape` before it reaches a Paragraph (R22).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from pingyi.exports.pdf import escape, headed_table, register_cjk_font, styles, write_story

TITLE = "基层党组织分类定级整改提高公示牌"
ITEM_COLUMNS = ("序号", "整改事项", "主要措施", "责任人", "完成时限", "完成情况")
ITEM_WIDTHS = (10 * mm, 45 * mm, 55 * mm, 24 * mm, 22 * mm, 24 * mm)
NO_ITEMS = "无整改事项。"
NO_ACHIEVEMENTS = "（未申报）"


@dataclass(frozen=True)
class BoardItem:
    number: int
    problem: str
    measures: str
    owner: str
    deadline: dt.date | None
    status: str  # as printed: 未开始, 进行中, 已完成, 已销号


@dataclass(frozen=True)
class BoardOrg:
    code: str
    name: str
    sector: str
    committee: str
    grade: str  # "" while not graded
    achievements: str  # the self-evaluation's main achievements
    sponsor_leader: str
    liaison: str
    items: tuple[BoardItem, ...]


def _org_block(org: BoardOrg, font: str) -> list[Flowable]:
    s = styles(font)
    grade = org.grade or "未定级"
    heading = Paragraph(
        escape(f"{org.code}　{org.name}（{org.sector}）　定级等次：{grade}"), s.heading
    )
    lines: list[Flowable] = [
        heading,
        Paragraph(escape(f"主要业绩：{org.achievements or NO_ACHIEVEMENTS}"), s.body),
    ]
    helpers = [
        f"{label}：{value}"
        for label, value in (("挂点领导", org.sponsor_leader), ("联络员", org.liaison))
        if value
    ]
    if helpers:
        lines.append(Paragraph(escape("　".join(helpers)), s.body))
    if org.items:
        rows = [
            [
                str(i.number),
                Paragraph(escape(i.problem), s.small),
                Paragraph(escape(i.measures), s.small),
                Paragraph(escape(i.owner), s.small),
                i.deadline.isoformat() if i.deadline else "",
                i.status,
            ]
            for i in org.items
        ]
        table = headed_table(
            Paragraph("整改提高事项", s.small), ITEM_COLUMNS, rows,
            widths=ITEM_WIDTHS, font=font, size=9,
        )  # fmt: skip
        lines.append(Spacer(1, 2 * mm))
        lines.append(table)
    else:
        lines.append(Paragraph(NO_ITEMS, s.body))
    return [KeepTogether(lines[:2]), *lines[2:], Spacer(1, 6 * mm)]


def write_board_pdf(path: Path, orgs: Sequence[BoardOrg], *, subtitle: str) -> int:
    """Writes the board of ``orgs`` (in their order, a heading per committee) to ``path``;
    returns the number of pages."""
    font = register_cjk_font()
    s = styles(font)

    def story() -> list[Flowable]:
        flow: list[Flowable] = [
            Paragraph(TITLE, s.title),
            Paragraph(escape(subtitle), s.body),
            Spacer(1, 4 * mm),
        ]
        committee = None
        for org in orgs:
            if org.committee != committee:
                committee = org.committee
                flow.append(Paragraph(escape(committee), s.title))
            flow.extend(_org_block(org, font))
        if not orgs:
            flow.append(Paragraph("（无党组织）", s.body))
        return flow

    return write_story(path, story, title=f"{TITLE}（{subtitle}）", font=font)
