"""R15: a ballot deleted, inserted or altered in the database, open or closed, or a paper ballot
removed after its import, is named by `pingyi verify` (exit 1) and shown on the collection
dashboard and the public notice. The adversary writes with plain SQL and has no key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.ballots.models import Ballot
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.notices.services import notice_publish
from pingyi.voting.services import ballot_submit, token_issue
from pingyi.voting.verify import ballots_verify
from tests.ballots.conftest import rows_of
from tests.cast import STAFF, make_campaign
from tests.notices.conftest import AS_STAFF

pytestmark = pytest.mark.django_db
ONLINE = 20  # more than 2k: most of them have left the mixing pool for the ballot table
MARKS = {"L1": "满意", "L2": "不满意", "V1": "基本满意"}
TABLE = Ballot._meta.db_table


@pytest.fixture
def cast(tmp_path: Path) -> Campaign:
    campaign = make_campaign()
    group = campaign.groups.get(code="service_recipients")
    for code in token_issue(
        campaign=campaign, group=group, count=ONLINE, actor=Actor.operator(STAFF)
    ).codes:
        ballot_submit(code=code, marks=MARKS)
    paper = tmp_path / "paper.csv"
    paper.write_text(
        "ballot_no,L1,L2\n" + "".join(f"P{n},满意,满意\n" for n in range(1, 11)), "utf-8"
    )
    ballots_import(campaign=campaign, rows=rows_of(campaign, paper), actor=Actor.operator(STAFF))
    return campaign


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def problems(campaign: Campaign) -> list[str]:
    [found] = [r for r in ballots_verify() if r.campaign.pk == campaign.pk]
    return [p.template % p.params for p in found.problems]


def one_online_ballot() -> tuple[int, str]:
    row = Ballot.objects.filter(ballot_no__isnull=True).values_list("id", "marks").first()
    assert row is not None
    return row


def delete_online(campaign: Campaign) -> None:
    sql(f"DELETE FROM {TABLE} WHERE id = %s", one_online_ballot()[0])  # noqa: S608


def insert_forged(campaign: Campaign) -> None:
    """A copy of a real ballot's columns under a new id: counts and marks look real."""
    ballot_id, _marks = one_online_ballot()
    sql(
        f"INSERT INTO {TABLE} (id, campaign_id, group_id, ballot_no, marks, valid, source,"  # noqa: S608
        f" cast_on, mac) SELECT id + 1, campaign_id, group_id, ballot_no, marks, valid, source,"
        f" cast_on, mac FROM {TABLE} WHERE id = %s",
        ballot_id,
    )


def alter_marks(campaign: Campaign) -> None:
    ballot_id, marks = one_online_ballot()
    sql(f"UPDATE {TABLE} SET marks = %s WHERE id = %s", "2" * len(marks), ballot_id)  # noqa: S608


def remove_paper(campaign: Campaign) -> None:
    sql(f"DELETE FROM {TABLE} WHERE ballot_no = 'P3'")  # noqa: S608


TAMPERING: dict[str, tuple[Callable[[Campaign], None], str]] = {
    "deleted": (delete_online, f"{ONLINE - 1} online ballots are stored, but {ONLINE} codes"),
    "inserted": (insert_forged, "1 ballot rows fail their MAC"),
    "altered": (alter_marks, "1 ballot rows fail their MAC"),
    "paper removed": (remove_paper, "9 paper ballots are stored, but the imports recorded 10"),
}


def test_untouched_ballots_reconcile_open_and_closed(cast: Campaign) -> None:
    assert problems(cast) == []
    campaign_close(campaign=cast, actor=Actor.operator(STAFF))
    assert problems(cast) == []


@pytest.mark.parametrize("how", TAMPERING)
def test_verify_names_the_tampering_while_open(cast: Campaign, how: str) -> None:
    tamper, expected = TAMPERING[how]
    tamper(cast)
    assert any(p.startswith(expected) for p in problems(cast)), problems(cast)


@pytest.mark.parametrize("how", TAMPERING)
def test_verify_names_the_tampering_after_close_and_the_seal_breaks(
    cast: Campaign, how: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_close(campaign=cast, actor=Actor.operator(STAFF))
    tamper, expected = TAMPERING[how]
    tamper(cast)
    found = problems(cast)
    assert any(p.startswith(expected) for p in found), found
    assert any(p.startswith("the ballot set differs from the one sealed at close") for p in found)
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    assert cli.main(["verify"]) == 1  # the command, as an operator runs it
    out = capsys.readouterr().out
    assert f"ballots of {cast.code} do NOT reconcile: {expected}" in out


def test_a_tally_changed_in_the_seal_is_named(cast: Campaign) -> None:
    campaign_close(campaign=cast, actor=Actor.operator(STAFF))
    seal = cast.seal
    seal.tally["counted"][0][0] += 5
    seal.save()
    assert "the stored tally differs from a recount of the ballots" in problems(cast)


def _staff(campaign: Campaign) -> Client:
    user = User.objects.create_user("alice")
    Membership.objects.create(user=user, organization=campaign.series.organization, role=Role.STAFF)
    client = Client()
    client.force_login(user)
    return client


def test_the_collection_dashboard_shows_the_mismatch(cast: Campaign) -> None:
    staff = _staff(cast)
    assert 'id="reconcile-warning"' not in staff.get(f"/staff/c/{cast.code}/").content.decode()
    delete_online(cast)
    page = staff.get(f"/staff/c/{cast.code}/").content.decode()
    assert 'id="reconcile-warning"' in page
    assert f"{ONLINE - 1} online ballots are stored, but {ONLINE} codes were used" in page


def test_the_notice_computes_its_reconciliation_live(cast: Campaign) -> None:
    campaign_close(campaign=cast, actor=Actor.operator(STAFF))
    notice = notice_publish(campaign=cast, actor=AS_STAFF)
    html = Client().get(f"/notice/{notice.code}/").content.decode()
    assert f"The counts reconcile: {ONLINE} online + 10 paper = {ONLINE + 10} ballots" in html
    assert cast.seal.digest in html
    remove_paper(cast)
    cache.clear()  # the counts are cached for half a minute
    html = Client().get(f"/notice/{notice.code}/").content.decode()
    assert "The counts do not reconcile" in html
    assert f"the notice counted {ONLINE + 10} ballots, but {ONLINE + 9} are stored now" in html
    assert "9 paper ballots are stored, but the imports recorded 10" in html
