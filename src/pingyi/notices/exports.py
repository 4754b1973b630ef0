"""The final result as the official notice (通报, PDF) and as the results workbook (xlsx).

Both show the result as the notice stands — every review applied — in the layout of the
results report (exports.results_pdf / results_workbook), so that the printed notice and the
staff's report say the same thing. Like those reports they are written in Chinese: they are
the office's documents.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from pingyi.ballots.selectors import campaign_tally
from pingyi.exports.pdf import escape, register_cjk_font, write_story
from pingyi.exports.results_pdf import _Report  # one layout for every printed P1 result
from pingyi.exports.results_workbook import FLAG_LABELS, write_results_workbook
from pingyi.notices.models import Notice
from pingyi.notices.selectors import PublicNotice, entry_results
from pingyi.rules.tally import TallyResult

FIELD_WORDS = {"veto": "一票否决", "rank": "名次", "flags": "结论", "grade": "等次"}


def notice_result(notice: Notice) -> TallyResult:
    """The campaign's tally with each unit as the notice now reads (reviews applied)."""
    if notice.campaign is None:  # a grading's notice prints through the grading reports
        raise ValueError("not a campaign's notice")
    result = campaign_tally(notice.campaign)
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
    """The paragraphs that say how the result became final: notice, objections, reviews."""
    notice = page.notice
    opens = timezone.localtime(notice.opens_at).strftime("%Y年%m月%d日")
    ends = timezone.localtime(notice.ends_at).strftime("%Y年%m月%d日%H时%M分")
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
    lines.append(f"审计链头哈希：{page.head}")
    return lines


class _Notice(_Report):
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


def write_notice_pdf(path: Path, page: PublicNotice) -> None:
    font = register_cjk_font()
    title = notice_title(page.notice)
    report = _Notice(page, notice_result(page.notice), title=title, font=font)
    write_story(path, report.story, title=title, font=font)


def write_notice_xlsx(path: Path, notice: Notice) -> None:
    write_results_workbook(path, notice_result(notice), title=notice_title(notice))
