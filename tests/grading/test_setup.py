"""Creating a round, importing its organizations, the steps and the roles."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from pingyi.audit.models import AuditEntry
from pingyi.grading import services
from pingyi.grading.models import (
    Committee,
    GradingRole,
    GradingRoleKind,
    GradingRound,
    PartyOrg,
    RubricIndicator,
)
from pingyi.grading.selectors import round_scheme
from pingyi.rules import grading as rules
from pingyi.rules.errors import InputError, RuleError
from tests.grading.conftest import DEPT, ORGS, advance_to, make_round, office, op, org

pytestmark = pytest.mark.django_db


def test_a_round_keeps_its_scheme_and_its_rubric_with_sub_items(setup_round: GradingRound) -> None:
    assert round_scheme(setup_round) == rules.GradingScheme()
    rows = RubricIndicator.objects.filter(round=setup_round).order_by("position")
    assert [(r.code, r.maximum, r.survey) for r in rows][::6] == [
        ("leader", 20, False),
        ("mass_evaluation", 15, True),
    ]
    leader = rows[0]
    assert [i.name for i in leader.items.all()] == [
        "政治素质和廉洁自律",
        "带领发展和服务群众的能力",
        "班子团结和履职尽责",
    ]
    assert sum(i.points for i in leader.items.all()) == leader.maximum
    assert AuditEntry.objects.filter(action="grading.round.created").count() == 1


def test_a_sector_may_have_its_own_rubric(db: None, tmp_path: Path) -> None:
    scheme = rules.grading_scheme_from_dict({"sector_rubrics": {"机关": "five-goods"}}, "s")
    grading_round = make_round(tmp_path, scheme=scheme)
    organs = RubricIndicator.objects.filter(round=grading_round, sector="机关")
    assert [r.code for r in organs.order_by("position")] == [
        "leadership",
        "members",
        "mechanism",
        "performance",
        "reputation",
    ]
    assert RubricIndicator.objects.filter(round=grading_round, sector="").count() == 7


def test_one_round_a_year_per_organization(setup_round: GradingRound) -> None:
    with pytest.raises(RuleError) as refused:
        services.round_create(
            organization=office(),
            year=2026,
            name="again",
            scheme=rules.GradingScheme(),
            actor=op(DEPT),
        )
    assert refused.value.message() == "the organization already has a grading round for 2026"


def test_the_import_builds_committees_organizations_and_branches(setup_round: GradingRound) -> None:
    assert list(Committee.objects.filter(round=setup_round).values_list("name", flat=True)) == [
        "甲镇党委",
        "乙街道党工委",
    ]
    branch = org(setup_round, "B1")
    assert branch.parent is not None and branch.parent.code == "G1"
    assert (org(setup_round, "N1").new, org(setup_round, "X1").violation) == (True, True)
    entry = AuditEntry.objects.get(action="grading.orgs.imported")
    assert entry.data == {"file": "orgs.csv", "orgs": 8, "committees": 2, "replaced": 0}


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (
            "Z1,太空站支部,太空,甲镇党委,,,\n",
            "orgs.csv, row 10, column C (sector): sector '太空' is unknown; expected one of: "
            "农村, 社区, 机关, 非公有制企业, 教育卫生事业单位, 国有企业, 社会组织",
        ),
        (
            "Z1,某支部,农村,甲镇党委,G9,,\n",
            "orgs.csv, row 10, column E (parent_code): parent 'G9' is not an organization of "
            "the file",
        ),
        (
            "V1,重复支部,农村,甲镇党委,,,\n",
            "orgs.csv, row 10, column A (code): organization code 'V1' repeats row 4",
        ),
    ],
)
def test_a_bad_organizations_file_says_where_and_writes_nothing(
    db: None, tmp_path: Path, bad_row: str, message: str
) -> None:
    grading_round = services.round_create(
        organization=office(), year=2026, name="r", scheme=rules.GradingScheme(), actor=op(DEPT)
    )
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS + bad_row, encoding="utf-8")
    before = AuditEntry.objects.count()
    with pytest.raises(InputError) as refused:
        services.orgs_import(
            grading_round=grading_round, path=path, label="orgs.csv", actor=op(DEPT)
        )
    assert refused.value.messages() == [message]
    assert PartyOrg.objects.count() == Committee.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_a_second_import_replaces_the_first(setup_round: GradingRound, tmp_path: Path) -> None:
    path = tmp_path / "again.csv"
    path.write_text("code,name,sector,committee\nA1,甲支部,社区,丙党委\n", encoding="utf-8")
    services.orgs_import(grading_round=setup_round, path=path, label="again.csv", actor=op(DEPT))
    assert list(PartyOrg.objects.values_list("code", "committee__name")) == [("A1", "丙党委")]
    assert AuditEntry.objects.filter(action="grading.orgs.imported").last().data["replaced"] == 8  # type: ignore[union-attr]


def test_no_import_after_setup(setup_round: GradingRound, tmp_path: Path) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    path = tmp_path / "late.csv"
    path.write_text(ORGS, encoding="utf-8")
    with pytest.raises(RuleError) as refused:
        services.orgs_import(grading_round=setup_round, path=path, label="late.csv", actor=op(DEPT))
    assert refused.value.message() == "not allowed while the round is at the step: self-evaluation"


def test_a_round_without_organizations_stays_in_setup(db: None) -> None:
    grading_round = services.round_create(
        organization=office(), year=2027, name="r", scheme=rules.GradingScheme(), actor=op(DEPT)
    )
    with pytest.raises(RuleError) as refused:
        services.round_advance(grading_round=grading_round, actor=op(DEPT))
    assert refused.value.message() == "import the organizations before the round moves on"


def test_the_steps_follow_in_order_and_are_audited(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.DECISION)
    steps = AuditEntry.objects.filter(action="grading.round.advanced").order_by("seq")
    assert [e.data["to"] for e in steps] == ["self_evaluation", "assessment", "decision"]
    with pytest.raises(RuleError) as refused:
        services.round_advance(grading_round=setup_round, actor=op(DEPT))
    assert refused.value.message() == (
        "the round can close only when every committee's filing is approved; not yet: "
        "甲镇党委, 乙街道党工委"
    )


def test_roles_name_their_committee_or_organization(setup_round: GradingRound) -> None:
    User.objects.create_user("carol")
    committee = Committee.objects.get(round=setup_round, name="甲镇党委")
    with pytest.raises(RuleError) as refused:
        services.role_assign(
            grading_round=setup_round,
            username="carol",
            kind=GradingRoleKind.COMMITTEE,
            org=org(setup_round, "V1"),
            actor=op(DEPT),
        )
    assert refused.value.message() == (
        "a committee role names a committee; other roles an organization"
    )
    with pytest.raises(RuleError) as refused:
        services.role_assign(
            grading_round=setup_round,
            username="nobody",
            kind="org",
            org=org(setup_round, "V1"),
            actor=op(DEPT),
        )
    assert refused.value.message() == "no user 'nobody'"
    services.role_assign(
        grading_round=setup_round,
        username="carol",
        kind="committee",
        committee=committee,
        actor=op(DEPT),
    )
    with pytest.raises(RuleError) as refused:
        services.role_assign(
            grading_round=setup_round,
            username="carol",
            kind="committee",
            committee=committee,
            actor=op(DEPT),
        )
    assert refused.value.message() == "carol already has this role"


def test_the_database_refuses_a_role_without_its_target(setup_round: GradingRound) -> None:
    carol = User.objects.create_user("carol")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradingRole.objects.create(round=setup_round, user=carol, kind=GradingRoleKind.ASSESSOR)
