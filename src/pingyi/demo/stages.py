"""The demo's six stages (seed 001 八): the calendar of each year, and for the current year
the public page, service pledges at every step of their way and self-inspection reports, so
that the stage board, the unit pages and the public page show something on `make run`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign, StageKind
from pingyi.rules import stages as rules
from pingyi.stages import selectors
from pingyi.stages.models import Brief
from pingyi.stages.services import (
    brief_save,
    inspection_file,
    inspection_receive,
    pledge_approve,
    pledge_return,
    pledge_save,
)

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
    yield _("%(name)s: public page /c/%(code)s/, %(n)s service pledges published") % {
        "name": campaign.name, "code": campaign.code,
        "n": len(selectors.approved_pledges(campaign)),
    }  # fmt: skip


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
