"""The letter to a vertically managed unit's superior (seed 001, 七.8): after the appraisal
the city informs the unit's superior department of its result; for a unit last two years
running it recommends that the head be transferred. Written in Chinese, as an office letter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from pingyi.exports.pdf import escape, register_cjk_font, styles, write_story
from pingyi.exports.results_workbook import CONSECUTIVE_LAST_VERTICAL, FLAG_LABELS
from pingyi.rectification.history import Year


def letter_lines(year: Year, *, office: str, today: dt.date) -> tuple[str, list[str]]:
    """The letter's title and paragraphs."""
    campaign = year.campaign
    title = f"关于{year.name}{campaign.year}年度评议结果的函"
    rate = f"{float(year.rate) * 100:.2f}%" if year.rate is not None else "—"
    mean = f"{float(year.mean):.3f}" if year.mean is not None else "—"
    flags = "、".join(FLAG_LABELS.get(f, f) for f in year.flags) or "无"
    rank = f"第{year.rank}名（共{year.of}个单位）" if year.rank else "未排名"
    lines = [
        f"{year.name}上级主管部门：",
        f"根据{campaign.name}实施方案，现将贵系统所属{year.name}的评议结果函告如下：",
        f"该单位列入{year.category}类评议，满意率{rate}，平均得分{mean}，"
        f"在同类单位中排名{rank}，评议结论：{flags}。",
    ]
    if "consecutive_last" in year.flags:
        lines.append(f"该单位连续两年被评为末位单位。{CONSECUTIVE_LAST_VERTICAL}。")
    elif "last" in year.flags or "rectify" in year.flags:
        lines.append("该单位须对照整改措施开展整改，整改时间为半年，期满接受考核验收。")
    lines += ["特此函告。", office, today.strftime("%Y年%m月%d日")]
    return title, lines


def write_letter(path: Path, year: Year, *, office: str, today: dt.date) -> None:
    font = register_cjk_font()
    style = styles(font)
    title, lines = letter_lines(year, office=office, today=today)

    def story() -> list[Flowable]:
        parts: list[Flowable] = [Paragraph(escape(title), style.title), Spacer(1, 6 * mm)]
        for line in lines:
            parts += [Paragraph(escape(line), style.body), Spacer(1, 3 * mm)]
        return parts

    write_story(path, story, title=title, font=font)
