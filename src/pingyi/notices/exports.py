"""The final result as the official notice (通报, PDF) and as the results workbook (xlsx);
while on notice, the full list as the printable notice (公示, PDF).

Both show the result as the notice stands — every review applied — in the layout of the
results report (exports.results_pdf / results_workbook), so that the printed notice and the
staff's report say the same thing. Like those reports they are written in Chinese: they are
the office's documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from pingyi.ballots.selectors import campaign_results
from pingyi.ballots.yearend_selectors import campaign_yearend, supervision_lines_of
from pingyi.exports.pdf import escape, headed_table, register_cjk_font, styles, write_story
from pingyi.exports.results_pdf import ResultsReport  # one layout for every printed P1 result
from pingyi.exports.results_workbook import FLAG_LABELS, write_results_workbook
from pingyi.exports.xlsx import formats, open_workbook, write_row
from pingyi.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus
from pingyi.notices.selectors import PublicNotice, entry_results
from pingyi.rules.tally import TallyResult

FIELD_WORDS = {"veto": "一票否决", "rank": "名次", "flags": "结论", "grade": "等次"}


def notice_result(notice: Notice) -> TallyResult:
    """The campaign's tally with each unit as the notice now reads (reviews applied)."""
    if notice.campaign is None:  # a grading's notice prints through the grading reports
        raise ValueError("not a campaign's notice")
    result = campaign_results(notice.campaign).tally
    result.units = entry_results(list(notice.entries.order_by("position")))
    return result


def _value(value: object) -> str:
    if value is None or value == []:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(FLAG_LABELS.get(str(v), str(v)) for v in value)
    return str(value)


def preamble(page: PublicNotice) -> list[str]:
    """The paragraphs that say how the result became final: notice, objections, reviews.
    While on notice: the period, where objections are taken, the reviews so far."""
    notice = page.notice
    opens = timezone.localtime(notice.opens_at).strftime("%Y年%m月%d日")
    ends = timezone.localtime(notice.ends_at).strftime("%Y年%m月%d日%H时%M分")
    if notice.status != NoticeStatus.FINAL:
        lines = [
            f"现将{notice.title}结果予以公示，公示期自{opens}起{notice.days}天，至{ends}止。"
            "公示期间，对结果有异议的，可通过公示页面提出，组织单位将调查核实并予以答复。",
        ]
        if page.reviews:
            lines.append(f"公示期间已经复核更正{len(page.reviews)}项结果，列表为更正后的结果。")
        lines += supervision_paragraph(notice)
        lines.append(f"审计链头哈希：{page.head}")
        return lines
    lines = [
        f"{notice.title}结果于{opens}起公示{notice.days}天（至{ends}）。"
        f"公示期间共收到异议{page.objections}件，均已调查核实并予以答复。",
    ]
    if page.reviews:
        lines.append(f"经复核，对以下{len(page.reviews)}项结果作了更正：")
        for review in page.reviews:
            changes = "；".join(
                f"{c['name']}{FIELD_WORDS.get(c['field'], c['field'])}由“{_value(c['before'])}”"
                f"改为“{_value(c['after'])}”"
                for c in review.changes
            )
            lines.append(f"（{review.at:%Y-%m-%d}）{changes}。理由：{review.reason}。"
                         f"批准：{review.approved_by}。")  # fmt: skip
    else:
        lines.append("公示期间结果未作更正。")
    lines += supervision_paragraph(notice)
    lines.append(f"审计链头哈希：{page.head}")
    return lines


def supervision_paragraph(notice: Notice) -> list[str]:
    """The on-site supervision and notarization of the vote (seed 001 八.6), when recorded."""
    if notice.campaign_id is None:
        return []
    found = supervision_lines_of(notice.campaign_id)
    return ["；".join(f"{label}：{text}" for label, text in found) + "。"] if found else []


class _Notice(ResultsReport):
    def __init__(self, page: PublicNotice, result: TallyResult, *, title: str, font: str) -> None:
        super().__init__(result, title=title, issued=None, font=font)
        self.page = page

    def story(self) -> list[Flowable]:
        head: list[Flowable] = [Paragraph(escape(self.title), self.style.title)]
        for line in preamble(self.page):
            head += [Paragraph(escape(line), self.style.body), Spacer(1, 1.5 * mm)]
        return [*head, Spacer(1, 3 * mm), *super().story()[1:]]


def notice_title(notice: Notice) -> str:
    return f"关于{notice.title}结果的通报"


GRADING_HEADER = ("单位代码", "基层党组织", "领域", "总分", "等次")


def _grading_row(entry: NoticeEntry) -> list[Any]:
    total = entry.total
    return [entry.code, entry.name, entry.sector, float(total) if total is not None else "",
            entry.grade]  # fmt: skip


def _grading_story(page: PublicNotice, title: str, font: str) -> list[Flowable]:
    """A grading's notice: the preamble, the counts per grade, each committee's table."""
    style = styles(font)
    story: list[Flowable] = [Paragraph(escape(title), style.title)]
    for line in preamble(page):
        story += [Paragraph(escape(line), style.body), Spacer(1, 1.5 * mm)]
    counts = "，".join(f"“{grade}”{n}个" for grade, n in page.counts)
    story.append(
        Paragraph(escape(f"共{len(page.entries)}个基层党组织，其中{counts}。"), style.body)
    )
    for committee in page.committees:
        rows = [_grading_row(e) for e in committee.entries]
        for row in rows:
            row[3] = "" if row[3] == "" else f"{row[3]:.2f}"
        heading = Paragraph(escape(committee.name), style.heading)
        story += [Spacer(1, 3 * mm), headed_table(
            heading, GRADING_HEADER, rows, widths=[28 * mm, 62 * mm, 34 * mm, 20 * mm, 20 * mm],
            font=font,
        )]  # fmt: skip
    return story


def public_title(notice: Notice) -> str:
    """The printed notice's title: 公示 while on notice, 通报 once final."""
    if notice.status == NoticeStatus.FINAL:
        return notice_title(notice)
    return f"关于{notice.title}结果的公示"


def write_notice_pdf(path: Path, page: PublicNotice) -> None:
    font = register_cjk_font()
    title = public_title(page.notice)
    if page.notice.kind == NoticeKind.GRADING:
        write_story(path, lambda: _grading_story(page, title, font), title=title, font=font)
        return
    report = _Notice(page, notice_result(page.notice), title=title, font=font)
    write_story(path, report.story, title=title, font=font)


def _write_grading_xlsx(path: Path, notice: Notice) -> None:
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet("公示结果")
        write_row(sheet, 0, ["基层党(工)委", *GRADING_HEADER, "复核"], fmt.header)
        cells = [fmt.text, fmt.text, fmt.text, fmt.text, fmt.decimal, fmt.text, fmt.text]
        entries = notice.entries.order_by("group_position", "position")
        for row, entry in enumerate(entries, start=1):
            values = [entry.group, *_grading_row(entry), "是" if entry.reviewed else ""]
            write_row(sheet, row, values, cells)


def write_notice_xlsx(path: Path, notice: Notice) -> None:
    if notice.kind == NoticeKind.GRADING:
        _write_grading_xlsx(path, notice)
        return
    yearend = None
    if notice.campaign is not None:  # a P1 notice: its 年终评议 sheet, k rule applied (R12)
        kinds = campaign_results(notice.campaign).kinds
        yearend = campaign_yearend(notice.campaign, kinds)
    write_results_workbook(path, notice_result(notice), title=notice_title(notice), yearend=yearend)
