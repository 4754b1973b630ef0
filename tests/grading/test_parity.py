"""One use case, every door (issue 11): who may act in a grading round is decided by
grading.access inside the services, so the page, the command line and the import job refuse
the same person and let the same person through.

Before, the check sat in the views and the services trusted their caller: a viewer calling
the service moved the round on, a committee user filed another committee's grades, and the
department changed a committee's grades. The CLI is the machine's operator (the system actor):
it is admitted, as the department is. The people (tests/cast.py): Alice is the department's
staff, Bob its viewer, Charlie administers another tenant, Dave has no role; in the round,
Carol works for 甲镇党委, Dan for 乙街道党工委, Olga is 二村党支部 (V1) and Ada assesses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import PUBLIC, AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.audit.models import AuditEntry
from pingyi.grading import decisions, services
from pingyi.grading.models import (
    Committee,
    EntryStatus,
    Explanation,
    Filing,
    FollowUp,
    GradeChange,
    GradingRole,
    GradingRound,
    PartyOrg,
    Review,
    SelfEvaluation,
    SurveyEntry,
)
from pingyi.grading.selectors import grading_state
from pingyi.jobs.models import Job, JobKind, JobStatus
from pingyi.jobs.services import job_enqueue_upload
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule_rules
from tests.cast import people
from tests.grading.conftest import (
    DEPT,
    FULL,
    ORGS,
    advance_to,
    decided,
    make_round,
    noticed,
    office,
    op,
    org,
)
from tests.grading.test_decisions import JUSTIFY, TOTALS
from tests.jobs.conftest import finish_jobs

pytestmark = pytest.mark.django_db

NAMES = ("erin", "alice", "bob", "charlie", "dave", "carol", "dan", "olga", "ada")
FIRST, SECOND = "甲镇党委", "乙街道党工委"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


@dataclass
class Cast:
    round: GradingRound
    users: dict[str, User]

    def actor(self, name: str) -> Actor:
        return Actor.of(self.users[name])

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client

    def url(self, rest: str = "") -> str:
        return f"/staff/grading/{self.round.code}/{rest}"

    def committee(self, name: str = FIRST) -> Committee:
        return Committee.objects.select_related("round").get(round=self.round, name=name)

    def org(self, code: str) -> PartyOrg:
        return org(self.round, code)


def _cast(grading_round: GradingRound) -> Cast:
    elsewhere = Organization.objects.create(code="elsewhere", name="另一个组织部")
    users = people(office(), elsewhere, NAMES)
    first = Committee.objects.get(round=grading_round, name=FIRST)
    second = Committee.objects.get(round=grading_round, name=SECOND)
    v1 = org(grading_round, "V1")
    for name, kind, target in (
        ("carol", "committee", {"committee": first}),
        ("dan", "committee", {"committee": second}),
        ("olga", "org", {"org": v1}),
        ("ada", "assessor", {"org": v1}),
    ):
        services.role_assign(
            grading_round=grading_round, username=name, kind=kind, actor=op(DEPT), **target
        )
    return Cast(grading_round, users)


@pytest.fixture
def setup(db: None, tmp_path: Path) -> Cast:
    """The round in its setup step, its organizations imported."""
    return _cast(make_round(tmp_path))


@pytest.fixture
def deciding(db: None, tmp_path: Path) -> Cast:
    """The round at the committees' decision, every organization assessed (TOTALS)."""
    return _cast(decided(tmp_path, TOTALS))


def _tried(run: Callable[[], object]) -> None:
    """A door's answer is read by the test from the state: a refusal writes nothing."""
    with suppress(AccessDenied, SystemExit):
        run()


def _status(cast: Cast, name: str, path: str, data: dict[str, object]) -> int:
    return cast.client(name).post(cast.url(path), data).status_code


# ------------------------------------------------------------ the department runs the round


@pytest.mark.parametrize("door", ["service", "page"])
def test_the_department_moves_the_round_on_and_no_one_else(setup: Cast, door: str) -> None:
    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: services.round_advance(grading_round=setup.round, actor=setup.actor(name))
            )
        else:
            expected = {"alice": 302, "dan": 403, "olga": 403, "bob": 403, "charlie": 404}[name]
            assert _status(setup, name, "advance", {}) == expected

    for name in ("bob", "dan", "olga", "charlie"):
        through(name)
        assert GradingRound.objects.get(pk=setup.round.pk).status == rules.SETUP
    through("alice")
    assert GradingRound.objects.get(pk=setup.round.pk).status == rules.SELF_EVALUATION
    assert AuditEntry.objects.get(action="grading.round.advanced").actor == "alice"


@pytest.mark.parametrize("door", ["service", "page", "job"])
def test_the_department_imports_the_organizations_and_no_one_else(
    setup: Cast, door: str, tmp_path: Path
) -> None:
    """The page hands the file to a job, which runs the service as the person who started it;
    a job started for someone the service refuses fails and imports nothing."""
    again = ORGS + "Z1,新的党支部,农村,甲镇党委,,,\n"
    path = tmp_path / "again.csv"
    path.write_text(again, encoding="utf-8")

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: services.orgs_import(
                    grading_round=setup.round, path=path, label="again.csv",
                    actor=setup.actor(name),
                )
            )  # fmt: skip
        elif door == "page":
            upload = SimpleUploadedFile("again.csv", again.encode())
            answer = setup.client(name).post(setup.url("import"), {"file": upload})
            assert answer.status_code == (302 if name == "alice" else 403)
            finish_jobs()
        else:
            job_enqueue_upload(
                chunks=[again.encode()], suffix=".csv", label="again.csv",
                kind=JobKind.GRADING_IMPORT, organization=setup.round.organization,
                actor=name, subject="again.csv",
                params={"round": setup.round.pk, "round_code": setup.round.code, "what": "orgs"},
            )  # fmt: skip
            finish_jobs()

    for name in ("bob", "carol"):
        through(name)
        assert not PartyOrg.objects.filter(round=setup.round, code="Z1").exists()
    if door == "job":
        assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.FAILED}
        refused = Job.objects.get(created_by="bob")
        assert refused.error.startswith("The job was refused: the role of bob, who started it")
    through("alice")
    assert PartyOrg.objects.filter(round=setup.round, code="Z1").exists()


# ------------------------------------------------------------ the organization's own work


def _self_scores() -> dict[str, Fraction]:
    return {k: Fraction(v) for k, v in FULL.items()} | {"mass_evaluation": Fraction(14)}


@pytest.mark.parametrize("door", ["service", "page"])
def test_an_organization_its_committee_and_the_department_self_evaluate_alike(
    setup: Cast, door: str
) -> None:
    advance_to(setup.round, rules.SELF_EVALUATION)
    v1 = setup.org("V1")

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: services.self_evaluation_submit(
                    org=v1, scores=_self_scores(), claimed_grade="好", achievements="集体经济增收",
                    problems="阵地偏小", actor=setup.actor(name),
                )
            )  # fmt: skip
        else:
            post = {f"score_{k}": str(v) for k, v in _self_scores().items()}
            post |= {"claimed_grade": "好", "achievements": "集体经济增收", "problems": "阵地偏小"}
            expected = {"bob": 403, "ada": 403, "dan": 404, "charlie": 404, "olga": 302}[name]
            assert _status(setup, name, "o/V1/self", post) == expected

    for name in ("bob", "ada", "dan", "charlie"):
        through(name)
        assert not SelfEvaluation.objects.filter(org=v1).exists()
    through("olga")
    assert SelfEvaluation.objects.get(org=v1).submitted_by == "olga"


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_the_department_and_the_committee_enter_a_paper_self_evaluation(
    setup: Cast, who: str
) -> None:
    advance_to(setup.round, rules.SELF_EVALUATION)
    services.self_evaluation_submit(
        org=setup.org("V1"), scores=_self_scores(), claimed_grade="较好", achievements="a",
        problems="p", actor=setup.actor(who),
    )  # fmt: skip
    assert SelfEvaluation.objects.get(org__code="V1").submitted_by == who


# ------------------------------------------------------------ the committee's decision


def _needing_explanation(cast: Cast, committee: str = FIRST) -> PartyOrg:
    state = grading_state(cast.round).committee(cast.committee(committee).pk)
    return next(s.org for s in state.orgs if s.needs_explanation)


@pytest.mark.parametrize("door", ["service", "page"])
def test_only_the_committee_changes_its_grades(deciding: Cast, door: str) -> None:
    v2 = deciding.org("V2")
    path = f"k/{deciding.committee().pk}/change"

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: decisions.grade_change(
                    org=v2, grade="较差", reason="群众反映问题较多", actor=deciding.actor(name)
                )
            )
        else:
            post = {"org": "V2", "grade": "较差", "reason": "群众反映问题较多"}
            expected = {"alice": 403, "bob": 403, "dan": 404, "olga": 404, "carol": 302}[name]
            assert _status(deciding, name, path, post) == expected

    for name in ("alice", "bob", "dan", "olga"):
        through(name)
        assert not GradeChange.objects.filter(org=v2).exists()
    through("carol")
    assert GradeChange.objects.get(org=v2).changed_by == "carol"


@pytest.mark.parametrize("door", ["service", "page", "cli"])
def test_only_the_committee_writes_an_explanation(deciding: Cast, door: str) -> None:
    target = _needing_explanation(deciding)
    path = f"k/{deciding.committee().pk}/explain"

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: decisions.explanation_write(
                    org=target, text="情况说明", actor=deciding.actor(name)
                )
            )
        elif door == "page":
            expected = {"alice": 403, "bob": 403, "dan": 404, "carol": 302}[name]
            post = {"org": target.code, "text": "情况说明"}
            assert _status(deciding, name, path, post) == expected
        elif name == "carol":  # the command line has no person to refuse: its operator
            argv = ["--round", deciding.round.code, "--org", target.code, "情况说明"]
            cli.main(["grading", "explain", *argv])

    for name in ("alice", "bob", "dan"):
        through(name)
        assert not Explanation.objects.filter(org=target).exists()
    through("carol")
    written_by = Explanation.objects.get(org=target).written_by
    assert written_by.startswith("cli:") if door == "cli" else written_by == "carol"


@pytest.mark.parametrize("door", ["service", "page", "cli"])
def test_only_the_committee_records_the_follow_up(deciding: Cast, door: str) -> None:
    poor = deciding.org("X1")  # a violation: 较差
    path = f"k/{deciding.committee().pk}/follow-up"
    texts = {"problems": "组织生活不规范", "measures": "限期整改", "sponsor": "李副书记"}

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: decisions.follow_up_set(
                    org=poor, problems=texts["problems"], measures=texts["measures"],
                    sponsor_leader=texts["sponsor"], liaison="张干事", actor=deciding.actor(name),
                )
            )  # fmt: skip
        elif door == "page":
            expected = {"alice": 403, "bob": 403, "dan": 404, "carol": 302}[name]
            post = {"org": "X1", "liaison": "张干事", **texts}
            assert _status(deciding, name, path, post) == expected
        elif name == "carol":
            argv = ["--round", deciding.round.code, "--org", "X1", "--liaison", "张干事"]
            argv += [f"--{k}={v}" for k, v in texts.items()]
            cli.main(["grading", "follow-up", *argv])

    for name in ("alice", "bob", "dan"):
        through(name)
        assert not FollowUp.objects.filter(org=poor).exists()
    through("carol")
    assert FollowUp.objects.get(org=poor).liaison == "张干事"


def _ready_to_file(cast: Cast, committee: str) -> Committee:
    """Its excess justified, its explanations written, the grades' notice final."""
    found = cast.committee(committee)
    state = grading_state(cast.round).committee(found.pk)
    for kind in state.unjustified():
        decisions.quota_justify(committee=found, kind=kind, text=JUSTIFY, actor=op("c"))
    for s in state.orgs:
        if s.needs_explanation and not s.explained:
            decisions.explanation_write(org=s.org, text="情况说明", actor=op("c"))
    noticed(cast.round)
    return found


@pytest.mark.parametrize("door", ["service", "page"])
def test_a_committee_files_its_own_grades_and_no_one_elses(deciding: Cast, door: str) -> None:
    committee = _ready_to_file(deciding, FIRST)

    def through(name: str) -> None:
        if door == "service":
            _tried(lambda: decisions.filing_submit(committee=committee, actor=deciding.actor(name)))
        else:
            expected = {"alice": 403, "bob": 403, "dan": 404, "carol": 302}[name]
            assert _status(deciding, name, f"k/{committee.pk}/file", {}) == expected

    for name in ("alice", "bob", "dan"):
        through(name)
        assert not Filing.objects.filter(committee=committee).exists()
    through("carol")
    assert Filing.objects.get(committee=committee).filed_by == "carol"


@pytest.mark.parametrize("door", ["service", "page"])
@pytest.mark.parametrize("verdict", ["approved", "returned"])
def test_the_department_reviews_a_filing_and_no_committee_does(
    deciding: Cast, door: str, verdict: str
) -> None:
    committee = _ready_to_file(deciding, SECOND)
    decisions.filing_submit(committee=committee, actor=op("dan"))
    s1 = deciding.org("S1")

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: decisions.review_record(
                    org=s1, verdict=verdict, comment="请核实", actor=deciding.actor(name)
                )
            )
        else:
            expected = {"bob": 403, "dan": 403, "carol": 404, "alice": 302}[name]
            post = {"verdict": verdict, "comment": "请核实"}
            assert _status(deciding, name, "o/S1/review", post) == expected

    for name in ("bob", "dan", "carol"):
        through(name)
        assert not Review.objects.filter(org=s1).exists()
    through("alice")
    assert Review.objects.get(org=s1).verdict == verdict


# ------------------------------------------------------------ the department's entered rates


@pytest.mark.parametrize("door", ["service", "page", "cli"])
def test_another_person_of_the_department_approves_an_entered_rate(
    deciding: Cast, door: str
) -> None:
    v1 = deciding.org("V1")
    services.survey_rate_enter(
        org=v1, rate=Fraction(9, 10), ballots=30, reason="补测", actor=op("dora")
    )

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: services.survey_rate_decide(
                    org=v1, approve=True, actor=deciding.actor(name)
                )
            )
        elif door == "page":
            expected = {"bob": 403, "carol": 403, "olga": 403, "alice": 302}[name]
            assert _status(deciding, name, "o/V1/rate/decide", {"decision": "approve"}) == expected
        elif name == "alice":
            cli.main(["grading", "rate", "approve", "--round", deciding.round.code, "--org", "V1"])

    for name in ("bob", "carol", "olga"):
        through(name)
        assert SurveyEntry.objects.get(org=v1).status == EntryStatus.PENDING
    through("alice")
    assert SurveyEntry.objects.get(org=v1).status == EntryStatus.APPROVED


@pytest.mark.parametrize("door", ["service", "page", "cli"])
def test_the_department_sets_the_schedule_and_no_one_else(setup: Cast, door: str) -> None:
    defaults = schedule_rules.default_schedule(2026)
    first = defaults[0]
    moved = (first.starts, first.ends + dt.timedelta(days=1))

    def through(name: str) -> None:
        if door == "service":
            _tried(
                lambda: services.schedule_set(
                    grading_round=setup.round, changes={first.key: moved}, actor=setup.actor(name)
                )
            )
        elif door == "page":
            post = {f"{m.key}_starts": m.starts.isoformat() for m in defaults}
            post |= {f"{m.key}_ends": m.ends.isoformat() for m in defaults}
            post[f"{first.key}_ends"] = moved[1].isoformat()
            expected = {"bob": 403, "carol": 403, "alice": 302}[name]
            assert _status(setup, name, "schedule", post) == expected
        elif name == "alice":
            argv = ["--round", setup.round.code, "--step", first.key]
            cli.main(["grading", "schedule", *argv, "--from", moved[0].isoformat(),
                      "--until", moved[1].isoformat()])  # fmt: skip

    def set_() -> bool:
        return bool(GradingRound.objects.get(pk=setup.round.pk).schedule.get(first.key))

    for name in ("bob", "carol"):
        through(name)
        assert not set_()
    through("alice")
    assert set_()


# ------------------------------------------------------- the service's own check, called directly


def _refusals(setup: Cast, tmp_path: Path) -> dict[str, Callable[[], object]]:
    """Each use case, called by someone it does not belong to (no door in between). The
    check comes first: the round's step does not matter."""
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS, encoding="utf-8")
    v1, s1, first = setup.org("V1"), setup.org("S1"), setup.committee()
    role = GradingRole.objects.get(user__username="olga")
    a = setup.actor
    scores = _self_scores()
    return {
        "round_create": lambda: services.round_create(
            organization=office(),
            year=2027,
            name="x",
            scheme=rules.GradingScheme(),
            actor=a("charlie"),
        ),
        "orgs_import": lambda: services.orgs_import(
            grading_round=setup.round, path=path, label="orgs.csv", actor=a("bob")
        ),
        "round_advance": lambda: services.round_advance(
            grading_round=setup.round, actor=a("carol")
        ),
        "role_assign": lambda: services.role_assign(
            grading_round=setup.round, username="dave", kind="org", org=v1, actor=a("bob")
        ),
        "role_remove": lambda: services.role_remove(role=role, actor=a("carol")),
        "self_evaluation": lambda: services.self_evaluation_submit(
            org=v1,
            scores=scores,
            claimed_grade="好",
            achievements="a",
            problems="p",
            actor=a("ada"),
        ),
        "assessment": lambda: services.assessment_submit(
            org=v1, scores=scores, reasons={}, actor=a("carol")
        ),
        "talk": lambda: services.talk_note_add(
            org=v1, with_whom="党员", notes="谈话", actor=a("olga")
        ),
        "survey": lambda: services.survey_create(grading_round=setup.round, org=v1, actor=a("bob")),
        "rate_enter": lambda: services.survey_rate_enter(
            org=v1, rate=Fraction(1), ballots=20, reason="r", actor=a("carol")
        ),
        "rate_decide": lambda: services.survey_rate_decide(org=v1, approve=True, actor=a("bob")),
        "schedule": lambda: services.schedule_set(
            grading_round=setup.round, changes={}, actor=a("carol")
        ),
        "schedule_done": lambda: services.schedule_mark_done(
            grading_round=setup.round, key=schedule_rules.MILESTONES[0], actor=a("bob")
        ),
        "assessments_import": lambda: services.assessments_import(
            grading_round=setup.round, path=path, label="scores.csv", actor=a("ada")
        ),
        "grade_change": lambda: decisions.grade_change(
            org=v1, grade="好", reason="r", actor=a("alice")
        ),
        "grade_review": lambda: decisions.grade_change(
            org=v1, grade="好", reason="r", actor=a("carol"), notice_review=True
        ),
        "follow_up": lambda: decisions.follow_up_set(
            org=v1, problems="p", measures="m", sponsor_leader="s", liaison="l", actor=a("alice")
        ),
        "explanation": lambda: decisions.explanation_write(org=s1, text="t", actor=a("carol")),
        "quota": lambda: decisions.quota_justify(
            committee=first, kind="excellent", text="t", actor=a("dan")
        ),
        "filing": lambda: decisions.filing_submit(committee=first, actor=a("dan")),
        "review": lambda: decisions.review_record(
            org=v1, verdict="approved", comment="", actor=a("carol")
        ),
        "public": lambda: services.round_advance(grading_round=setup.round, actor=PUBLIC),
    }


USE_CASES = [
    "round_create", "orgs_import", "round_advance", "role_assign", "role_remove",
    "self_evaluation", "assessment", "talk", "survey", "rate_enter", "rate_decide", "schedule",
    "schedule_done", "assessments_import", "grade_change", "grade_review", "follow_up",
    "explanation", "quota", "filing", "review", "public",
]  # fmt: skip


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_service_refuses_an_actor_it_does_not_belong_to(
    setup: Cast, tmp_path: Path, use_case: str
) -> None:
    refusals = _refusals(setup, tmp_path)
    assert sorted(refusals) == sorted(USE_CASES)
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDenied):
        refusals[use_case]()
    assert AuditEntry.objects.count() == before


def test_another_tenant_is_refused_everything_of_the_round(setup: Cast, tmp_path: Path) -> None:
    charlie = setup.actor("charlie")
    with pytest.raises(AccessDenied):
        services.round_advance(grading_round=setup.round, actor=charlie)
    with pytest.raises(AccessDenied):
        services.schedule_set(grading_round=setup.round, changes={}, actor=charlie)


def test_the_system_actor_may_do_anything(setup: Cast) -> None:
    services.round_advance(grading_round=setup.round, actor=Actor.operator("cli:root"))
    assert AuditEntry.objects.get(action="grading.round.advanced").actor == "cli:root"
