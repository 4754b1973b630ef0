"""R12 at every door: one selector (ballots.selectors.campaign_results) decides what may be
shown of a campaign, and the results page, its downloads, the API, the CLI and the notice all
give the same answer — the same figures for a normal campaign, the same refusal for one with
fewer than k valid ballots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.exports.contract_json import result_to_json
from pingyi.notices.models import Notice
from pingyi.rules.errors import RuleError
from pingyi.voting.services import ballot_submit, token_issue
from tests.ballots.conftest import rows_of
from tests.cast import STAFF, make_campaign

pytestmark = pytest.mark.django_db
REFUSAL = "only 3 valid ballots: fewer than 8, so no figure of this campaign is shown (anonymity)"


def _closed(tmp_path: Path, series: str, paper: int, online: int) -> Campaign:
    campaign = make_campaign(series=series)
    group = campaign.groups.get(code="cadres_and_representatives")
    for code in token_issue(
        campaign=campaign, group=group, count=online, actor=Actor.operator(STAFF)
    ).codes:
        ballot_submit(code=code, marks={"L1": "不满意", "L2": "满意", "V1": "满意"})
    lines = "".join(f"{n},服务对象,满意,基本满意,不满意\n" for n in range(1, paper + 1))
    path = tmp_path / f"{series}.csv"
    path.write_text("ballot_no,group,L1,L2,V1\n" + lines, "utf-8")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign


@pytest.fixture
def staff(db: None) -> Client:
    make_campaign(series="office-seed", open_it=False)  # the office exists
    from pingyi.accounts.models import Organization

    user = User.objects.create_user("alice")
    office = Organization.objects.get(code="office")
    Membership.objects.create(user=user, organization=office, role=Role.STAFF)
    client = Client()
    client.force_login(user)
    return client


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(args))
    except SystemExit as leaving:
        code = int(leaving.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _web_message(staff: Client, url: str) -> tuple[int, list[str]]:
    """The status and the messages the page shows after it (the redirect followed)."""
    response = staff.get(url)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    staff.get("/staff/")  # the messages are read: the next request starts clean
    return response.status_code, shown


def test_a_campaign_under_k_is_refused_alike_at_every_door(
    staff: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    campaign = _closed(tmp_path, "small", paper=2, online=1)
    base = f"/staff/c/{campaign.code}"
    assert _web_message(staff, f"{base}/results") == (302, [REFUSAL])
    for fmt in ("json", "xlsx", "pdf"):
        assert _web_message(staff, f"{base}/results.{fmt}") == (302, [REFUSAL])
    api = staff.get(f"/api/campaigns/{campaign.code}/results")
    assert (api.status_code, api.json()) == (409, {"detail": REFUSAL, "code": "too_few_ballots"})
    code, out, err = _cli(capsys, "results", "--campaign", campaign.code)
    assert (code, out, err.strip().splitlines()[-1]) == (1, "", f"pingyi: error: {REFUSAL}")
    code, out, err = _cli(capsys, "notice", "publish", "--campaign", campaign.code)
    assert (code, err.strip().splitlines()[-1]) == (1, f"pingyi: error: {REFUSAL}")
    assert _web_message(staff, "/staff/notices/")[0] == 200
    response = staff.post(f"/staff/notices/publish/{campaign.code}", follow=True)
    assert REFUSAL in response.content.decode()
    assert not Notice.objects.filter(campaign=campaign).exists()
    with pytest.raises(RuleError):
        from pingyi.ballots.selectors import campaign_results

        campaign_results(campaign)


def test_a_normal_campaign_gives_the_same_figures_at_every_door(
    staff: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    campaign = _closed(tmp_path, "big", paper=12, online=9)
    from pingyi.ballots.selectors import campaign_results

    expected = json.loads(json.dumps(result_to_json(campaign_results(campaign).tally)))
    base = f"/staff/c/{campaign.code}"
    page = staff.get(f"{base}/results")
    assert page.status_code == 200
    assert result_to_json(page.context["result"]) == result_to_json(
        campaign_results(campaign).tally
    )
    assert json.loads(staff.get(f"{base}/results.json").content) == expected
    assert staff.get(f"/api/campaigns/{campaign.code}/results").json() == expected
    code, out, _err = _cli(capsys, "results", "--campaign", campaign.code)
    assert code == 0 and json.loads(out) == expected
    code, _out, _err = _cli(capsys, "notice", "publish", "--campaign", campaign.code)
    assert code == 0
    notice = Notice.objects.get(campaign=campaign)
    on_notice = {e.code: (e.rank, sorted(e.flags)) for e in notice.entries.all()}
    assert on_notice == {u["code"]: (u["rank"], sorted(u["flags"])) for u in expected["units"]}
