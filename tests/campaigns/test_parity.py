"""One use case, every door (issue 11): who may run a campaign (P1) is decided by
campaigns.access inside the service, so the page, the API and the command line refuse the same
person and let the same person through.

Before, the office's role was checked by the view and the API, and the services trusted their
caller: a viewer calling campaign_open opened the vote, anyone calling token_issue printed
codes. The CLI is the machine's operator (the system actor): it is admitted, as the office is.
Another organization's office finds nothing at the doors (404) and is refused by the service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pingyi import cli
from pingyi.accounts.actors import PUBLIC, AccessDenied, Actor
from pingyi.accounts.models import Membership, Organization
from pingyi.audit.models import AuditEntry
from pingyi.ballots.services import ballots_import, ballots_import_file
from pingyi.campaigns.models import Campaign, Consequence, Unit
from pingyi.campaigns.services import (
    campaign_close,
    campaign_create,
    campaign_create_from_file,
    campaign_criteria_set,
    campaign_finalize,
    campaign_open,
    campaign_publish,
    campaign_stages_set,
    unit_add,
    unit_remove,
    unit_update,
    unit_vetoes_set,
)
from pingyi.campaigns.yearend_services import (
    Supervisor,
    area_add,
    area_remove,
    kind_add,
    kinds_add_seed,
    supervision_record,
)
from pingyi.jobs.models import Job, JobKind, JobStatus
from pingyi.notices.services import notice_publish
from pingyi.office.consequences import consequence_done, consequences_apply
from pingyi.rectification.services import plans_create_for_notice
from pingyi.rules import phases
from pingyi.rules.scheme import builtin_scheme
from pingyi.voting.batches import batch_issue_start, batch_withdraw
from pingyi.voting.models import BallotToken
from pingyi.voting.services import token_batch_void, token_issue
from tests.ballots.conftest import rows_of
from tests.cast import UNITS, make_campaign, people
from tests.jobs.conftest import finish_jobs
from tests.notices.conftest import closed_campaign

pytestmark = pytest.mark.django_db

DOORS = ["service", "page", "api", "cli"]
UNITS_CSV = "code,name,category,veto\nA1,组织部,地方管理部门,\nB1,国税局,垂直管理部门,\n"
OPERATOR = Actor.operator("cli:test")


@pytest.fixture(autouse=True)
def _english_and_no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    cache.clear()


@dataclass
class Cast:
    draft: Campaign  # the office's draft (units still editable)
    other: Campaign  # another organization's draft
    users: dict[str, User]  # erin admin, alice staff, bob viewer, charlie elsewhere, dave none

    def actor(self, name: str) -> Actor:
        return Actor.of(self.users[name])


@pytest.fixture
def cast(db: None) -> Cast:
    draft = make_campaign(open_it=False)
    elsewhere = Organization.objects.create(code="other-office", name="另一个评议办")
    other = campaign_create(
        organization_code=elsewhere.code, organization_name=elsewhere.name,
        series_code="elsewhere", series_name="千人评议机关", year=2026, name="别处的评议",
        scheme=builtin_scheme(), units=UNITS, actor=OPERATOR,
    )  # fmt: skip
    everyone = ("erin", "alice", "bob", "charlie", "dave")
    return Cast(draft, other, people(draft.series.organization, elsewhere, everyone))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _status(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).status


def _audited(action: str) -> AuditEntry:
    """The latest entry of ``action`` (the fixture's campaigns were created before)."""
    found = AuditEntry.objects.filter(action=action).order_by("-pk").first()
    assert found is not None
    return found


# ----------------------------------------------------------- opening and closing, every door


@pytest.mark.parametrize("door", DOORS)
def test_a_campaign_is_opened_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    code = cast.draft.code

    def through(who: str) -> int | None:
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                campaign_open(campaign=cast.draft, actor=cast.actor(who))
            elif door == "page":
                url = f"/staff/c/{code}/transition"
                return _client(cast.users[who]).post(url, {"to": "open"}).status_code
            elif door == "api":
                return _client(cast.users[who]).post(f"/api/campaigns/{code}/open").status_code
            elif who == "alice":  # the command line has no person to refuse: its operator
                cli.main(["campaign", "open", code])
        return None

    refused = through("bob")
    assert _status(cast.draft) == phases.DRAFT
    admitted = through("alice")
    assert _status(cast.draft) == phases.OPEN
    if door in ("page", "api"):
        assert (refused, admitted) == (403, 302 if door == "page" else 200)
    entry = _audited("campaigns.campaign.opened")
    assert entry.actor.startswith("cli:") if door == "cli" else entry.actor == "alice"


@pytest.mark.parametrize("door", DOORS)
def test_a_campaign_is_closed_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    campaign_open(campaign=cast.draft, actor=OPERATOR)
    code = cast.draft.code

    def through(who: str) -> None:
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                campaign_close(campaign=cast.draft, actor=cast.actor(who))
            elif door == "page":
                answer = _client(cast.users[who]).post(
                    f"/staff/c/{code}/transition", {"to": "close"}
                )
                assert answer.status_code == (302 if who == "erin" else 403)
            elif door == "api":
                answer = _client(cast.users[who]).post(f"/api/campaigns/{code}/close")
                assert answer.status_code == (200 if who == "erin" else 403)
            elif who == "erin":
                cli.main(["campaign", "close", code])

    through("bob")
    assert _status(cast.draft) == phases.OPEN
    through("erin")  # an administrator runs the office's campaigns as its staff do
    assert _status(cast.draft) == phases.CLOSED


@pytest.mark.parametrize("door", ["page", "api"])
def test_another_organizations_campaign_is_not_found_at_the_doors_and_refused_by_the_service(
    cast: Cast, door: str
) -> None:
    charlie = cast.users["charlie"]  # an administrator, of another office
    code = cast.draft.code
    if door == "page":
        answer = _client(charlie).post(f"/staff/c/{code}/transition", {"to": "open"})
    else:
        answer = _client(charlie).post(f"/api/campaigns/{code}/open")
    assert answer.status_code == 404
    with pytest.raises(AccessDenied):
        campaign_open(campaign=cast.draft, actor=cast.actor("charlie"))
    assert _status(cast.draft) == phases.DRAFT
    campaign_open(campaign=cast.other, actor=cast.actor("charlie"))  # at home he runs it
    assert _status(cast.other) == phases.OPEN


# ------------------------------------------------------------------- a draft's units


@pytest.mark.parametrize("door", ["service", "page"])
def test_a_drafts_units_are_edited_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    code = cast.draft.code

    def through(who: str) -> None:
        with suppress(AccessDenied):
            if door == "service":
                unit_add(campaign=cast.draft, code="L9", name="审计局", category="地方管理部门",
                         veto=False, actor=cast.actor(who))  # fmt: skip
                unit_update(campaign=cast.draft, code="L1", name="市委组织部",
                            actor=cast.actor(who))  # fmt: skip
                unit_remove(campaign=cast.draft, code="L2", actor=cast.actor(who))
            else:
                client, local = _client(cast.users[who]), "地方管理部门"
                added = {"code": "L9", "name": "审计局", "category": local}
                edited = {"code": "L1", "name": "市委组织部", "category": local}
                answers = [
                    client.post(f"/staff/c/{code}/units", added),
                    client.post(f"/staff/c/{code}/units/edit", edited),
                    client.post(f"/staff/c/{code}/units/remove", {"code": "L2"}),
                ]
                assert {a.status_code for a in answers} == {302 if who == "alice" else 403}

    def units() -> dict[str, str]:
        return dict(Unit.objects.filter(campaign=cast.draft).values_list("code", "name"))

    before = units()
    through("bob")
    assert units() == before
    through("alice")
    assert units()["L9"] == "审计局" and units()["L1"] == "市委组织部" and "L2" not in units()
    assert _audited("campaigns.unit.added").actor == "alice"


# ------------------------------------------------------------------------ issuing codes


@pytest.mark.parametrize("door", ["service", "page", "api"])
def test_codes_are_issued_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    campaign_open(campaign=cast.draft, actor=OPERATOR)
    group = cast.draft.groups.get(code="service_recipients")
    code = cast.draft.code

    def through(who: str) -> None:
        with suppress(AccessDenied):
            if door == "service":
                token_issue(campaign=cast.draft, group=group, count=3, actor=cast.actor(who))
            elif door == "page":
                answer = _client(cast.users[who]).post(
                    f"/staff/c/{code}/tokens", {"group": group.pk, "count": 3}
                )
                assert answer.status_code == (302 if who == "alice" else 403)
                finish_jobs()  # the job issues them, for its starter
            else:
                answer = _client(cast.users[who]).post(
                    f"/api/campaigns/{code}/tokens",
                    json.dumps({"group": group.code, "count": 3}),
                    content_type="application/json",
                )
                assert answer.status_code == (201 if who == "alice" else 403)

    through("bob")
    assert not BallotToken.objects.exists()
    through("alice")
    assert BallotToken.objects.filter(campaign=cast.draft).count() == 3
    assert cast.draft.token_batches.get().created_by == "alice"


# ---------------------------------------------------------------------- creating a campaign


@pytest.mark.parametrize("door", ["service", "page", "cli"])
def test_a_campaign_is_created_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str, tmp_path: Path
) -> None:
    office = cast.draft.series.organization
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")

    def through(who: str) -> None:
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                campaign_create_from_file(
                    units_file=units, label="units.csv", scheme=builtin_scheme(),
                    actor=cast.actor(who), organization_code=office.code,
                    organization_name=office.name, series_code="new", series_name="千人评议机关",
                    year=2027, name="2027年千人评议",
                )  # fmt: skip
            elif door == "page":
                answer = _client(cast.users[who]).post("/staff/new", {
                    "organization": office.pk, "series_code": "new", "series_name": "千人评议机关",
                    "year": 2027, "name": "2027年千人评议",
                    "units": SimpleUploadedFile("units.csv", UNITS_CSV.encode()),
                })  # fmt: skip
                assert answer.status_code == (302 if who == "alice" else 403)
                finish_jobs()
            elif who == "alice":
                cli.main(["campaign", "create", "--units", str(units), "--year", "2027",
                          "--series", "new", "--org", office.code])  # fmt: skip

    through("bob")
    assert not Campaign.objects.filter(code="new-2027").exists()
    through("alice")
    created = Campaign.objects.get(code="new-2027")
    assert created.series.organization == office
    entry = _audited("campaigns.campaign.created")
    assert entry.actor.startswith("cli:") if door == "cli" else entry.actor == "alice"


def test_a_job_acts_for_its_starter_and_fails_once_their_role_is_gone(cast: Cast) -> None:
    """The job reads the starter's role when it runs: taken away meanwhile, nothing is made
    and the job says why."""
    office = cast.draft.series.organization
    answer = _client(cast.users["alice"]).post("/staff/new", {
        "organization": office.pk, "series_code": "new", "series_name": "千人评议机关",
        "year": 2027, "name": "2027年千人评议",
        "units": SimpleUploadedFile("units.csv", UNITS_CSV.encode()),
    })  # fmt: skip
    assert answer.status_code == 302
    Membership.objects.filter(user=cast.users["alice"], organization=office).delete()
    finish_jobs()
    job = Job.objects.get(kind=JobKind.CAMPAIGN_CREATE)
    assert job.status == JobStatus.FAILED
    assert "alice may not run the campaigns of 评议办" in job.error
    assert not Campaign.objects.filter(code="new-2027").exists()


def test_only_the_system_brings_a_new_office_into_being(cast: Cast) -> None:
    """campaign_create makes the organization it names when it does not exist: the CLI's
    operator may; a person, however highly placed elsewhere, may not."""

    def create(actor: Actor) -> Campaign:
        return campaign_create(
            organization_code="new-office", organization_name="新评议办", series_code="x",
            series_name="x", year=2026, name="x", scheme=builtin_scheme(), units=UNITS,
            actor=actor,
        )  # fmt: skip

    with pytest.raises(AccessDenied):
        create(cast.actor("erin"))
    assert not Organization.objects.filter(code="new-office").exists()
    assert create(OPERATOR).series.organization.code == "new-office"


def test_a_ballot_is_cast_by_the_public_without_an_account(cast: Cast) -> None:
    """Casting stays the public's: the evaluator's code is all it takes."""
    campaign_open(campaign=cast.draft, actor=OPERATOR)
    group = cast.draft.groups.get(code="service_recipients")
    code = token_issue(campaign=cast.draft, group=group, count=1, actor=OPERATOR).codes[0]
    answer = Client().post(
        "/api/ballots",
        json.dumps({"token": code, "marks": {"L1": "满意"}}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content


# ------------------------------------------------- the service's own check, called directly


def _refusals(cast: Cast, tmp_path: Path) -> dict[str, Callable[[], object]]:
    """Each use case, called by someone it does not belong to (no door in between)."""
    draft, office = cast.draft, cast.draft.series.organization
    bob, charlie, dave = cast.actor("bob"), cast.actor("charlie"), cast.actor("dave")
    live = make_campaign(series="live")
    group = live.groups.get(code="service_recipients")
    batch = token_issue(campaign=live, group=group, count=2, actor=OPERATOR).batch
    kinds_add_seed(campaign=draft, actor=OPERATOR)
    area_add(campaign=live, code="east", name="东片区", actor=OPERATOR)
    closed = closed_campaign(tmp_path, series="closed")
    consequences_apply(campaign=closed, actor=OPERATOR)
    consequence = Consequence.objects.filter(campaign=closed).first()
    assert consequence is not None
    noticed = closed_campaign(tmp_path, series="noticed")
    notice = notice_publish(campaign=noticed, actor=OPERATOR)
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("ballot_no,L1\n1,满意\n", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    today = timezone.localdate()
    return {
        "create": lambda: campaign_create(
            organization_code=office.code,
            organization_name=office.name,
            series_code="n",
            series_name="n",
            year=2030,
            name="n",
            scheme=builtin_scheme(),
            units=UNITS,
            actor=bob,
        ),
        "create_from_file": lambda: campaign_create_from_file(
            units_file=units,
            label="units.csv",
            scheme=builtin_scheme(),
            actor=charlie,
            organization_code=office.code,
            organization_name=office.name,
            series_code="n",
            series_name="n",
            year=2030,
            name="n",
        ),
        "open": lambda: campaign_open(campaign=draft, actor=bob),
        "open_by_the_public": lambda: campaign_open(campaign=draft, actor=PUBLIC),
        "close": lambda: campaign_close(campaign=live, actor=charlie),
        "publish": lambda: campaign_publish(campaign=closed, actor=bob),
        "finalize": lambda: campaign_finalize(campaign=noticed, actor=bob),
        "unit_add": lambda: unit_add(
            campaign=draft, code="L9", name="x", category="地方管理部门", veto=False, actor=dave
        ),
        "unit_update": lambda: unit_update(campaign=draft, code="L1", name="x", actor=bob),
        "unit_remove": lambda: unit_remove(campaign=draft, code="L1", actor=charlie),
        "vetoes": lambda: unit_vetoes_set(campaign=draft, vetoed={"L1"}, actor=bob),
        "stages": lambda: campaign_stages_set(
            campaign=draft, stages={"pledges": (today, today)}, actor=bob
        ),
        "criteria": lambda: campaign_criteria_set(campaign=draft, criteria=[], actor=bob),
        "area_add": lambda: area_add(campaign=live, code="west", name="西片区", actor=bob),
        "area_remove": lambda: area_remove(campaign=live, code="east", actor=charlie),
        "kind_add": lambda: kind_add(
            campaign=draft, group="service_recipients", code="k", name="k", actor=bob
        ),
        "kinds_seed": lambda: kinds_add_seed(campaign=live, actor=bob),
        "supervision": lambda: supervision_record(
            campaign=live,
            supervisors=[Supervisor("张三", "纪委")],
            notary_office="公证处",
            notary_reference="(2026)001",
            supervised_on=today,
            actor=bob,
        ),
        "consequences_apply": lambda: consequences_apply(campaign=closed, actor=bob),
        "consequence_done": lambda: consequence_done(
            consequence=consequence, actor=charlie, confirmed=True
        ),
        "token_issue": lambda: token_issue(campaign=live, group=group, count=1, actor=bob),
        "token_issue_by_the_public": lambda: token_issue(
            campaign=live, group=group, count=1, actor=PUBLIC
        ),
        "batch_start": lambda: batch_issue_start(
            campaign=live, group=group, count=1, base_url="https://x/v/", actor=bob
        ),
        "batch_void": lambda: token_batch_void(batch=batch, actor=bob),
        "batch_withdraw": lambda: batch_withdraw(batch=batch, actor=charlie),
        "ballots_import": lambda: ballots_import(
            campaign=live, rows=rows_of(live, ballots), actor=bob, area="east"
        ),
        "ballots_import_file": lambda: ballots_import_file(
            campaign=live, path=ballots, label="ballots.csv", actor=charlie, area="east"
        ),
        "plans_for_notice": lambda: plans_create_for_notice(
            notice=notice, actor=bob, now=timezone.now()
        ),
    }


USE_CASES = [
    "create", "create_from_file", "open", "open_by_the_public", "close", "publish", "finalize",
    "unit_add", "unit_update", "unit_remove", "vetoes", "stages", "criteria", "area_add",
    "area_remove", "kind_add", "kinds_seed", "supervision", "consequences_apply",
    "consequence_done", "token_issue", "token_issue_by_the_public", "batch_start", "batch_void",
    "batch_withdraw", "ballots_import", "ballots_import_file", "plans_for_notice",
]  # fmt: skip


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_service_refuses_an_actor_it_does_not_belong_to(
    cast: Cast, tmp_path: Path, use_case: str
) -> None:
    refusals = _refusals(cast, tmp_path)
    assert sorted(refusals) == sorted(USE_CASES)
    before = (AuditEntry.objects.count(), Job.objects.count(), Campaign.objects.count())
    with pytest.raises(AccessDenied):
        refusals[use_case]()
    assert (AuditEntry.objects.count(), Job.objects.count(), Campaign.objects.count()) == before
