"""The demo's nominations (seed 002): a clean-up whose kept list is published, and under its
kept commendation project a nomination round where a town's list climbs through its county,
a department's list of leaders is approved only with a recorded reason, and the approved
nominees are on public notice — so that `make run` shows the section, the tables and the
public page.

Each step is recorded for a different named actor of the demo: separation of duties holds
for the demo too (who nominates a list does not recommend or approve it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.exports.outputs import write_atomic
from pingyi.nominations import selectors as sel
from pingyi.nominations import services as s
from pingyi.nominations.models import NominationRound
from pingyi.nominations.workbook import write_nominees
from pingyi.registry import services as registry
from pingyi.registry.models import Cleanup, Project
from pingyi.rules import registry as r

CLEANUP = "demo-qingli-2025"
ROUND = "demo-myd-2026"
KEPT = "人民满意的公务员评选"
PROJECTS = (
    (KEPT, "市委组织部", r.CENTRAL_DOCUMENT, "中办发〔2005〕1号"),
    ("窗口单位文明服务评比", "市政务服务中心", r.LOCAL_DOCUMENT, "本中心通知"),
    ("优秀信息员评比", "市委办公室", r.NO_BASIS, ""),
)
# unit code, name, level above, quota, headcount
UNITS = (
    ("county", "某县人社局", "", 1, None),
    ("town", "城关镇", "county", 2, None),
    ("tax", "市税务局", "", None, 200),
)
# unit, name, workplace, post, rank, grassroots, leader
NOMINEES = (
    ("town", "陈静", "城关镇便民服务中心", "窗口工作人员", "staff", True, False),
    ("town", "刘军", "城关镇东街社区", "社区网格员", "staff", True, False),
    ("tax", "王强", "市税务局", "局长", "county", False, True),
    ("tax", "赵敏", "市税务局第一税务所", "副所长", "section", False, True),
    ("tax", "孙丽", "市税务局办税服务厅", "导税员", "staff", True, False),
)


def _kept_project(office: Organization, actor: Actor) -> Project:
    cleanup = Cleanup.objects.filter(code=CLEANUP).first()
    if cleanup is not None:
        return cleanup.projects.get(name=KEPT)
    cleanup = registry.cleanup_create(
        organization=office, code=CLEANUP, name="2025年清理规范评比达标表彰活动（演示）",
        started_on=dt.date(2025, 2, 15), actor=actor,
    )  # fmt: skip
    unit = registry.unit_add(cleanup=cleanup, code="bgs", name="市委办公室", actor=actor)
    specs = [
        registry.ProjectSpec(
            name=name,
            organizer=organizer,
            organizer_kind=r.PARTY_COMMITTEE,
            level=r.CITY,
            cycle="每年",
            target_group="机关干部",
            basis_kind=basis,
            basis_title=title,
        )
        for name, organizer, basis, title in PROJECTS
    ]
    projects = registry.projects_import(cleanup=cleanup, unit=unit, specs=specs, actor=actor)
    for target in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        for project, decision in zip(projects, (r.KEEP, r.CANCEL, r.CANCEL), strict=True):
            registry.project_decide(project=project, decision=decision, actor=actor,
                                    reason="依据充分" if decision == r.KEEP else "")  # fmt: skip
        registry.cleanup_advance(
            cleanup=cleanup, target=target, actor=actor,
            reason="压减三分之二，余下项目依据中央文件保留",
        )  # fmt: skip
    return projects[0]


def _build(office: Organization, actor: Actor) -> NominationRound:
    round_ = s.round_create(
        organization=office, project=_kept_project(office, actor), code=ROUND,
        name="2026年“人民满意的公务员”推荐评选（演示）", started_on=dt.date(2026, 3, 1),
        quota=5, ratio="1%", actor=actor,
    )  # fmt: skip
    for code, name, parent, quota, headcount in UNITS:
        s.unit_add(round_=round_, code=code, name=name, parent_code=parent, quota=quota,
                   headcount=headcount, actor=actor)  # fmt: skip
    units = {u.code: u for u in round_.units.all()}
    for code, name, workplace, post, rank, grassroots, leader in NOMINEES:
        spec = s.NomineeSpec(name, workplace, post, rank, grassroots, leader, "扎根基层，服务群众")
        s.nominee_add(unit=units[code], spec=spec, actor=Actor.operator(f"demo-{units[code].name}"))
    town = s.slate_submit(unit=units["town"], actor=Actor.operator(f"demo-{units['town'].name}"))
    s.slate_recommend(slate=town, actor=Actor.operator(f"demo-{units['county'].name}"))
    s.slate_approve(slate=town, actor=actor)
    tax = s.slate_submit(unit=units["tax"], actor=Actor.operator(f"demo-{units['tax'].name}"))
    s.slate_approve(
        slate=tax, actor=actor,
        reason="该局领导班子在抗洪抢险中表现突出，经市委同意推荐（超名额一名）",
    )  # fmt: skip
    s.notice_publish(round_=round_, actor=actor)
    return round_


def demo_nominations(*, out: Path, actor: str, office: Organization) -> Iterator[str]:
    """Builds (or finds) the demo round and writes its nominee list into ``out``."""
    acting = Actor.operator(actor)
    round_ = NominationRound.objects.filter(code=ROUND).first() or _build(office, acting)
    rows = sel.slate_rows(round_)
    yield f"== {round_.name} ({round_.code})"
    for row in rows:
        yield "  " + sel.slate_line(row)
    yield "  " + _("public notice /nominations/%(code)s/") % {"code": round_.code}
    path = out / "nominations-2026.xlsx"
    write_atomic(path, lambda tmp: write_nominees(tmp, round_=round_, rows=rows))
