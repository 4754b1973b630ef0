"""The year-end appraisal of seed 001 (八.6 以片区为单位进行集中评议, 评议活动办公室和市公证处
负责现场监督和公证; 五(二) 评议代表分布): areas of paper batches, kinds of representatives under
the two groups, and the record of the supervision — each rule of the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.ballots.models import Ballot, PaperBatch
from pingyi.ballots.selectors import AreaCount, campaign_results, paper_by_area
from pingyi.ballots.services import (
    E_AREA_NEEDED,
    E_NO_AREA,
    E_NO_AREAS,
    ballots_import_file,
)
from pingyi.campaigns.models import Campaign, EvaluatorGroup, Supervision
from pingyi.campaigns.services import campaign_close
from pingyi.campaigns.yearend_services import (
    E_AREA_CLOSED,
    E_AREA_USED,
    E_KIND_CODES,
    E_KIND_EXISTS,
    E_KIND_GROUP,
    E_SUPERVISION_DRAFT,
    E_SUPERVISORS,
    Supervisor,
    area_add,
    area_remove,
    kind_add,
    kinds_add_seed,
    supervision_record,
)
from pingyi.rules.errors import RuleError
from pingyi.rules.phases import E_FROZEN
from pingyi.voting.services import E_GROUP_HAS_KINDS, token_issue
from pingyi.voting.verify import campaign_reconcile
from tests.cast import STAFF, make_campaign

pytestmark = pytest.mark.django_db

HEADER = "ballot_no,group,L1,L2,V1,F1"
K = 8  # the built-in scheme's min_subset_ballots


def _lines(
    start: int, count: int, group: str, marks: str = "满意,基本满意,满意,不满意"
) -> list[str]:
    return [f"{n},{group},{marks}" for n in range(start, start + count)]


def _file(folder: Path, lines: list[str], name: str = "ballots.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]), encoding="utf-8")
    return path


def _audited(campaign: Campaign, action: str) -> list[dict[str, object]]:
    return [
        e.data
        for e in AuditEntry.objects.filter(action=action, object_id=str(campaign.pk)).order_by(
            "seq"
        )
    ]


def _refused(template: str, run: Callable[[], object]) -> RuleError:
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.template == template
    return caught.value


# ------------------------------------------------------------------------------------ areas


def test_each_batch_records_its_area_and_the_counts_add_up_per_area(tmp_path: Path) -> None:
    campaign = make_campaign()
    area_add(campaign=campaign, code="east", name="东片区", actor=Actor.operator(STAFF))
    area_add(campaign=campaign, code="west", name="西片区", actor=Actor.operator(STAFF))
    blank = "1000,服务对象,弃权,,,"
    ballots_import_file(
        campaign=campaign,
        path=_file(tmp_path, [*_lines(1, 5, "服务对象"), blank], "a.csv"),
        label="a.csv",
        actor=Actor.operator(STAFF),
        area="east",
    )
    ballots_import_file(
        campaign=campaign,
        path=_file(tmp_path, _lines(10, 3, "服务对象"), "b.csv"),
        label="b.csv",
        actor=Actor.operator(STAFF),
        area="东片区",  # by its name as well as its code
    )
    assert paper_by_area(campaign) == [AreaCount("东片区", 2, 9, 1), AreaCount("西片区", 0, 0, 0)]
    batch = PaperBatch.objects.get(file="a.csv")
    assert (batch.area.code, batch.imported, batch.invalid, batch.rejected) == ("east", 6, 1, 0)
    assert [d["area"] for d in _audited(campaign, "ballots.paper.imported")] == ["east", "east"]


def test_once_a_campaign_has_areas_a_batch_must_name_one_of_them(tmp_path: Path) -> None:
    campaign = make_campaign()
    path = _file(tmp_path, _lines(1, 3, "服务对象"))
    ballots_import_file(
        campaign=campaign, path=path, label="x", actor=Actor.operator(STAFF)
    )  # no areas yet
    area_add(campaign=campaign, code="east", name="东片区", actor=Actor.operator(STAFF))
    again = _file(tmp_path, _lines(20, 3, "服务对象"), "c.csv")

    def run(area: str) -> Callable[[], object]:
        return lambda: ballots_import_file(
            campaign=campaign, path=again, label="c", actor=Actor.operator(STAFF), area=area
        )

    assert _refused(E_AREA_NEEDED, run("")).params == {"known": "东片区"}
    assert _refused(E_NO_AREA, run("north")).params == {"area": "north", "known": "东片区"}
    assert Ballot.objects.filter(campaign=campaign).count() == 3
    assert paper_by_area(campaign) == [AreaCount("东片区", 0, 0, 0), AreaCount("", 1, 3, 0)]


def test_a_campaign_without_areas_refuses_a_batch_naming_one(tmp_path: Path) -> None:
    campaign = make_campaign()
    path = _file(tmp_path, _lines(1, 2, "服务对象"))
    _refused(
        E_NO_AREAS,
        lambda: ballots_import_file(
            campaign=campaign, path=path, label="x", actor=Actor.operator(STAFF), area="east"
        ),
    )
    assert not Ballot.objects.filter(campaign=campaign).exists()


def test_an_area_holding_ballots_stays_and_areas_are_set_only_before_the_close(
    tmp_path: Path,
) -> None:
    campaign = make_campaign()
    area_add(campaign=campaign, code="east", name="东片区", actor=Actor.operator(STAFF))
    area_add(campaign=campaign, code="west", name="西片区", actor=Actor.operator(STAFF))
    path = _file(tmp_path, _lines(1, K, "服务对象"))
    ballots_import_file(
        campaign=campaign, path=path, label="x", actor=Actor.operator(STAFF), area="east"
    )
    _refused(
        E_AREA_USED,
        lambda: area_remove(campaign=campaign, code="east", actor=Actor.operator(STAFF)),
    )
    area_remove(campaign=campaign, code="west", actor=Actor.operator(STAFF))
    assert list(campaign.areas.values_list("code", flat=True)) == ["east"]
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    _refused(
        E_AREA_CLOSED,
        lambda: area_add(campaign=campaign, code="n", name="北片区", actor=Actor.operator(STAFF)),
    )
    assert [d["area"] for d in _audited(campaign, "campaigns.area.removed")] == ["west"]


# ------------------------------------------------------------------------------------ kinds


def test_the_four_kinds_of_the_plan_go_under_the_two_groups_once() -> None:
    draft = make_campaign(open_it=False)
    kinds_add_seed(campaign=draft, actor=Actor.operator(STAFF))
    assert kinds_add_seed(campaign=draft, actor=Actor.operator(STAFF)) == []  # again: nothing more
    tree = {
        g.code: [k.name for k in g.kinds.order_by("position")]
        for g in EvaluatorGroup.objects.filter(campaign=draft, parent__isnull=True)
    }
    assert tree == {
        "service_recipients": ["企业负责人代表", "基层干部代表"],
        "cadres_and_representatives": ["党政领导", "各界代表"],
    }
    assert len(_audited(draft, "campaigns.kind.added")) == 4


def test_kinds_are_set_only_in_a_draft_and_only_under_a_group() -> None:
    draft = make_campaign(open_it=False)
    kind_add(
        campaign=draft,
        group="服务对象",
        code="ent",
        name="企业负责人代表",
        actor=Actor.operator(STAFF),
    )
    _refused(
        E_KIND_EXISTS,
        lambda: kind_add(
            campaign=draft, group="服务对象", code="ent", name="又一类", actor=Actor.operator(STAFF)
        ),
    )
    _refused(
        E_KIND_GROUP,
        lambda: kind_add(
            campaign=draft, group="ent", code="sub", name="子类", actor=Actor.operator(STAFF)
        ),
    )
    opened = make_campaign(year=2027)
    _refused(
        E_FROZEN,
        lambda: kind_add(
            campaign=opened,
            group="服务对象",
            code="ent",
            name="企业负责人代表",
            actor=Actor.operator(STAFF),
        ),
    )


def test_a_divided_group_takes_its_codes_per_kind_and_a_group_with_codes_is_not_divided() -> None:
    draft = make_campaign(open_it=False)
    cadres = draft.groups.get(code="cadres_and_representatives")
    token_issue(campaign=draft, group=cadres, count=2, actor=Actor.operator(STAFF))
    _refused(
        E_KIND_CODES,
        lambda: kind_add(
            campaign=draft,
            group=cadres.code,
            code="lead",
            name="党政领导",
            actor=Actor.operator(STAFF),
        ),
    )
    kind = kind_add(
        campaign=draft,
        group="服务对象",
        code="ent",
        name="企业负责人代表",
        actor=Actor.operator(STAFF),
    )
    service = draft.groups.get(code="service_recipients")
    _refused(
        E_GROUP_HAS_KINDS,
        lambda: token_issue(campaign=draft, group=service, count=1, actor=Actor.operator(STAFF)),
    )
    issued = token_issue(campaign=draft, group=kind, count=3, actor=Actor.operator(STAFF))
    assert issued.batch.group == kind


def _divided(tmp_path: Path, counts: dict[str, int]) -> Campaign:
    """A campaign with the plan's kinds, ``counts`` paper ballots per kind (or group) name,
    closed."""
    campaign = make_campaign(open_it=False)
    kinds_add_seed(campaign=campaign, actor=Actor.operator(STAFF))
    from pingyi.campaigns.services import campaign_open

    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    lines: list[str] = []
    marks = {"企业负责人代表": "满意,满意,满意,满意", "党政领导": "不满意,不满意,满意,满意"}
    for name, count in counts.items():
        lines += _lines(len(lines) + 1, count, name, marks.get(name, "基本满意,满意,满意,满意"))
    ballots_import_file(
        campaign=campaign, path=_file(tmp_path, lines), label="all.csv", actor=Actor.operator(STAFF)
    )
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    campaign.refresh_from_db()
    return campaign


def test_results_per_kind_count_toward_their_group_and_hide_a_small_kind(tmp_path: Path) -> None:
    campaign = _divided(
        tmp_path,
        {
            "企业负责人代表": 12,
            "基层干部代表": 10,
            "党政领导": 3,
            "各界代表": 9,
            "干部和各界代表": 6,
        },
    )
    found = campaign_results(campaign)
    shares = {g.name: g.ballots for g in found.tally.groups}
    assert shares == {"服务对象": 22, "干部和各界代表": 18}  # the 60 % / 40 % composition
    figures = {f.kind: f for f in found.kinds}
    enterprises = figures["企业负责人代表"]
    assert (enterprises.ballots, enterprises.rate) == (12, 1)
    assert not figures["基层干部代表"].hidden
    # 党政领导 had 3: moved to its group at close, so it reads as hidden; 各界代表 (9) is shown
    # since the group's other cell (6 + 3 naming no kind) is never shown and holds k.
    assert figures["党政领导"].hidden and figures["党政领导"].ballots is None
    assert figures["各界代表"].ballots == 9


def test_close_moves_a_small_kinds_ballots_to_its_group_and_they_still_verify(
    tmp_path: Path,
) -> None:
    campaign = _divided(tmp_path, {"企业负责人代表": 10, "党政领导": 2})
    leaders = campaign.groups.get(code="party_government_leaders")
    assert not Ballot.objects.filter(group=leaders).exists()
    cadres = campaign.groups.get(code="cadres_and_representatives")
    assert Ballot.objects.filter(group=cadres).count() == 2
    assert campaign_reconcile(campaign, deep=True).problems == []  # MACs and seal hold
    closing = _audited(campaign, "campaigns.campaign.closed")[-1]
    assert closing["kinds_merged"] == ["party_government_leaders"]


# ------------------------------------------------------------------------------ supervision


def test_the_supervision_is_recorded_once_open_and_a_correction_keeps_the_first() -> None:
    draft = make_campaign(open_it=False)
    people = [Supervisor("王明", "市评议办"), Supervisor("李华", "市公证处")]
    day = dt.date(2026, 12, 20)

    def record(office: str, on: Campaign) -> Supervision:
        return supervision_record(
            campaign=on,
            supervisors=people,
            notary_office=office,
            notary_reference="（2026）宜证字第118号",
            supervised_on=day,
            actor=Actor.operator(STAFF),
        )

    _refused(E_SUPERVISION_DRAFT, lambda: record("市公证处", draft))
    campaign = make_campaign(year=2027)
    record("市公证处", campaign)
    saved = record("宜兴市公证处", campaign)
    assert (saved.notary_office, saved.supervised_on) == ("宜兴市公证处", day)
    assert saved.supervisors == [
        {"name": "王明", "unit": "市评议办"},
        {"name": "李华", "unit": "市公证处"},
    ]
    entries = _audited(campaign, "campaigns.supervision.recorded")
    assert len(entries) == 2
    assert entries[1]["before"]["notary_office"] == "市公证处"  # type: ignore[index]


@pytest.mark.parametrize(
    "people",
    [[], [Supervisor("王明", "")], [Supervisor("", "市评议办")]],
    ids=["nobody", "no-unit", "no-name"],
)
def test_each_supervisor_needs_a_name_and_a_unit(people: list[Supervisor]) -> None:
    campaign = make_campaign()
    _refused(
        E_SUPERVISORS,
        lambda: supervision_record(
            campaign=campaign,
            supervisors=people,
            notary_office="市公证处",
            notary_reference="118",
            supervised_on=dt.date(2026, 12, 20),
            actor=Actor.operator(STAFF),
        ),
    )
    assert not Supervision.objects.exists()
