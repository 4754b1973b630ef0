"""The demo's six stages (seed 001 八): the calendar of each year, and for the current year
the public page, service pledges at every step of their way and self-inspection reports, so
that the stage board, the unit pages and the public page show something on `make run`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign, StageKind
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.inputs.opinion_files import PaperOpinion, PaperOpinions
from pingyi.rules import stages as rules
from pingyi.stages import selectors
from pingyi.stages.models import Brief, Opinion, OpinionFeedback
from pingyi.stages.opinion_services import (
    feedback_save,
    opinion_answer,
    opinion_codes_issue,
    opinion_send,
    opinion_sort,
    opinions_close,
    opinions_fold,
    opinions_import,
    rectification_report_file,
    rectification_report_receive,
)
from pingyi.stages.services import (
    brief_save,
    inspection_file,
    inspection_receive,
    pledge_approve,
    pledge_return,
    pledge_save,
)
from pingyi.stages.survey_services import rectification_survey_record, rectification_survey_start
from pingyi.voting.services import ballot_submit, token_issue
from pingyi.web.templatetags.pingyi_tags import percent

PLAN = (
    "为进一步推进机关作风建设，经市委、市政府研究决定，今年继续开展“千人评议机关”活动。\n\n"
    "评议活动分六个阶段进行：宣传发动、服务承诺、自查自纠、征求意见、集中整改、年终评议。"
    "评议对象为与我市经济建设、发展环境关系密切的部门和单位，分地方管理部门、垂直管理部门和"
    "金融部门三类进行评议。"
)
PLEDGES = {
    "L01": "一、首问负责，一次告知，不让群众跑第二趟；\n二、承诺件限时办结，超时问责；\n"
    "三、群众投诉24小时内答复。",
    "L02": "一、党员组织关系转接一次办结；\n二、干部工作咨询当日答复。",
    "L44": "一、窗口服务推行预约办理，平均等候不超过15分钟；\n二、审批事项压减三分之一；\n"
    "三、每月公开办件情况，接受群众监督。",
    "V01": "一、土地审批资料一次性告知；\n二、重点项目用地专人跟踪服务。",
}
GENERIC = "一、办事指南公开上墙、上网，一次告知；\n二、承诺件限时办结；\n三、投诉三个工作日内答复。"
# Where the demo leaves units short of done, so that the board shows every state:
RETURNED = ("L03",)  # returned with the office's comment, being redrafted
SUBMITTED = ("V05",)  # submitted, awaiting the office
NO_PLEDGE = ("F09",)  # nothing drafted
REPORT_FILED = ("L01",)  # self-inspection filed, not yet received
NO_REPORT = ("L03", "V05", "F09", "F08")  # no self-inspection report


def stage_dates(year: int) -> dict[str, tuple[dt.date, dt.date]]:
    d = dt.date
    return {
        StageKind.MOBILIZATION.value: (d(year, 1, 5), d(year, 2, 15)),
        StageKind.PLEDGES.value: (d(year, 2, 16), d(year, 3, 31)),
        StageKind.SELF_INSPECTION.value: (d(year, 4, 1), d(year, 5, 31)),
        StageKind.OPINIONS.value: (d(year, 6, 1), d(year, 7, 31)),
        StageKind.RECTIFICATION.value: (d(year, 8, 1), d(year, 10, 31)),
        StageKind.APPRAISAL.value: (d(year, 11, 1), d(year, 12, 20)),
    }


def demo_stage_work(campaign: Campaign, *, actor: str) -> Iterator[str]:
    """Files the current year's stage work once (a second run finds it and says the same)."""
    if not Brief.objects.filter(campaign=campaign).exists():
        _file(campaign, actor)
        _opinions(campaign, actor)
        _survey(campaign, actor)
    yield _("%(name)s: public page /c/%(code)s/, %(n)s service pledges published") % {
        "name": campaign.name, "code": campaign.code,
        "n": len(selectors.approved_pledges(campaign)),
    }  # fmt: skip
    survey = selectors.rectification_survey(campaign)
    if survey is not None:
        rates = "、".join(
            f"{r.unit.name} {percent(r.fraction)}" for r in selectors.survey_rates(survey)
        )
        yield _("%(name)s: the satisfaction survey on the rectification: %(rates)s") % {
            "name": campaign.name, "rates": rates,
        }  # fmt: skip
    yield _("%(name)s: %(n)s opinions gathered, %(f)s units fed back") % {
        "name": campaign.name, "n": Opinion.objects.filter(campaign=campaign).count(),
        "f": OpinionFeedback.objects.filter(unit__campaign=campaign, status="fed_back").count(),
    }  # fmt: skip


OPINIONS = (
    ("efficiency", "办事窗口排队时间长，高峰期等候超过一小时。"),
    ("law", "执法检查有时未出示证件，程序不够规范。"),
    ("mechanism", "部门之间互相推诿，一件事要跑多个科室。"),
    ("results", "承诺的项目进度滞后，群众感受不明显。"),
)

MEASURES = "已制定整改措施：增设窗口、明确办结时限，月底前完成。"


def _opinions(campaign: Campaign, actor: str) -> None:
    """征求意见 and 集中整改 at every step: paper forms and online forms come in, the office
    sorts them (one duplicate folded) and feeds back all units but the last two; the first
    three answer and report, the first two are received."""
    who, year = Actor.operator(actor), campaign.year
    units = list(campaign.units.order_by("position")[:8])
    paper = [
        PaperOpinion(n + 2, f"Z{n // 2 + 1:03d}", u.code, "", OPINIONS[n % 4][1])
        for n, u in enumerate(u for u in units[:6] for _twice in (0, 1))
    ]
    opinions_import(campaign=campaign, paper=PaperOpinions("纸质征求意见表.xlsx", paper),
                    actor=who, today=dt.date(year, 7, 5))  # fmt: skip
    issued = opinion_codes_issue(campaign=campaign, count=10, actor=who)
    for n, code in enumerate(issued.codes):
        opinion_send(code=code, entries=[(units[n % 2].code, OPINIONS[n % 4][1])],
                     today=dt.date(year, 6, 20))  # fmt: skip
    opinions_close(campaign=campaign, actor=who, today=dt.date(year, 7, 31))
    for unit in units:
        mine = list(Opinion.objects.filter(unit=unit).select_related("unit", "campaign"))
        for n, opinion in enumerate(mine):
            category = next(c for c, text in OPINIONS if text == opinion.text)
            if n and opinion.text == mine[0].text and mine[0].status != "duplicate":
                opinions_fold(opinions=[opinion], into=mine[0], status="duplicate", actor=who)
            else:
                opinion_sort(opinion=opinion, category=category, actor=who)
    for n, unit in enumerate(units[:-2]):
        count = Opinion.objects.filter(unit=unit).count()
        summary = f"{unit.name}共收到意见{count}条，主要反映窗口服务和办事效率问题。"
        feedback_save(unit=unit, summary=summary, send=True, actor=who, today=dt.date(year, 8, 3))
        if n >= 3:
            continue
        for opinion in Opinion.objects.filter(unit=unit, status__in=("new", "sorted")):
            opinion_answer(opinion=opinion, measures=MEASURES, actor=who,
                           today=dt.date(year, 9, 1))  # fmt: skip
        report = rectification_report_file(
            unit=unit, text=f"{unit.name}对照反馈意见逐条整改，已全部完成。", actor=who,
            today=dt.date(year, 10, 20),
        )  # fmt: skip
        if n < 2:
            rectification_report_receive(report=report, actor=who, today=dt.date(year, 10, 25))


def _survey(campaign: Campaign, actor: str) -> None:
    """The end of 集中整改: the satisfaction survey on the rectification of the three units
    that reported, run as a small campaign on the same engine and recorded on the stage."""
    who, year = Actor.operator(actor), campaign.year
    survey = rectification_survey_start(campaign=campaign, actor=who,
                                        today=dt.date(year, 10, 26)).survey  # fmt: skip
    campaign_open(campaign=survey, actor=who)
    units = [u.code for u in survey.units.order_by("position")]
    for group in survey.groups.order_by("position"):
        issued = token_issue(campaign=survey, group=group, count=12, actor=who)
        for n, code in enumerate(issued.codes):
            marks = {u: MARKS[(n + i) % 7] for i, u in enumerate(units)}
            ballot_submit(code=code, marks=marks, today=dt.date(year, 10, 28))
    campaign_close(campaign=survey, actor=who)
    rectification_survey_record(campaign=campaign, actor=who, today=dt.date(year, 10, 31))


MARKS = ("满意", "满意", "满意", "基本满意", "满意", "基本满意", "不满意")


def _file(campaign: Campaign, actor: str) -> None:
    who = Actor.operator(actor)
    year = campaign.year
    brief_save(campaign=campaign, plan=PLAN, criteria=rules.SEED_CRITERIA, public=True, actor=who)
    for unit in campaign.units.order_by("position"):
        if unit.code not in NO_PLEDGE:
            text = PLEDGES.get(unit.code, f"{unit.name}：{GENERIC}")
            pledge = pledge_save(unit=unit, text=text, actor=who, submit=True)
            if unit.code in RETURNED:
                comment = "请写明具体措施和办结时限。"
                pledge_return(pledge=pledge, comment=comment, actor=who, today=dt.date(year, 3, 25))
            elif unit.code not in SUBMITTED:
                pledge_approve(pledge=pledge, actor=who, today=dt.date(year, 3, 20))
        if unit.code not in NO_REPORT:
            report = inspection_file(
                unit=unit,
                text=f"{unit.name}对照评议内容开展自查，查找问题三项，已逐项制定整改措施。",
                actor=who,
                today=dt.date(year, 5, 10),
            )
            if unit.code not in REPORT_FILED:
                inspection_receive(report=report, actor=who, today=dt.date(year, 5, 20))
