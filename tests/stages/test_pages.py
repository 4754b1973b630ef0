"""The stage pages in Chinese, the public page, the API beside the pages, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import StageKind
from pingyi.cli import main
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.rules import stages as rules
from pingyi.stages import selectors
from pingyi.stages.models import Pledge, SelfInspection
from pingyi.stages.services import brief_save, pledge_approve, pledge_save
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.notices.conftest import closed_campaign, staff_user
from tests.stages.conftest import Cast, dated_campaign
from tests.stages.test_access_matrix import filled

pytestmark = pytest.mark.django_db

WORDS = FIXTURE_WORDS | {"paul", "mike"}


def _client(user: Any) -> Client:
    client = Client(headers=ZH)
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url, headers=ZH)
    assert response.status_code == 200, url
    text = response.content.decode()
    assert english_left(text, WORDS) == []
    return text


def test_the_public_page_shows_the_plan_criteria_units_dates_and_approved_pledges_only(
    cast: Cast,
) -> None:
    url = f"/c/{cast.campaign.code}/"
    assert Client().get(url, headers=ZH).status_code == 404  # not published yet
    filled(cast)
    page = _page(Client(), url)
    assert "全市千人评议机关活动实施方案" in page
    assert "<b>比依法行政</b><div>看执政为民的意识牢不牢</div>" in page
    assert all(name in page for name in ("组织部", "宣传部", "国税局", "人行"))
    assert "2026-02-01 – 2026-02-28" in page and "服务承诺" in page
    assert 'id="pledge-L2"' in page and "一次告知" in page
    assert "限时办结" not in page  # L1's pledges are submitted, not approved
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    brief_save(campaign=cast.campaign, plan="", criteria="", public=False,
               actor=Actor.of(cast.alice))  # fmt: skip
    assert Client().get(url).status_code == 404


def test_a_pledge_goes_from_the_owner_through_the_office_to_the_public(cast: Cast) -> None:
    brief_save(campaign=cast.campaign, plan="方案", criteria="", public=True,
               actor=Actor.of(cast.alice))  # fmt: skip
    olga, alice = _client(cast.olga), _client(cast.alice)
    unit = f"/staff/c/{cast.campaign.code}/stages/u/L1"
    response = olga.post(f"{unit}/pledge", {"text": "初稿", "save": "1"}, headers=ZH, follow=True)
    assert "草稿已保存。" in response.content.decode()
    olga.post(f"{unit}/pledge", {"text": "办事不过夜", "submit": "1"})
    assert Pledge.objects.get(unit=cast.l1).status == rules.SUBMITTED
    page = _page(alice, f"{unit}/")
    assert "提交评议办审核" not in page and "审核通过并公开" in page
    response = alice.post(
        f"{unit}/pledge/return", {"comment": "请写明时限"}, headers=ZH, follow=True
    )
    assert "服务承诺已连同您的意见退回单位。" in response.content.decode()
    page = _page(olga, f"{unit}/")
    assert "请写明时限" in page and "已退回修改" in page
    olga.post(f"{unit}/pledge", {"text": "办事不过夜，24小时内答复", "submit": "1"})
    response = alice.post(f"{unit}/pledge/approve", headers=ZH, follow=True)
    assert "服务承诺已审核通过并公开。" in response.content.decode()
    assert "办事不过夜，24小时内答复" in _page(Client(), f"/c/{cast.campaign.code}/")
    refused = olga.post(f"{unit}/pledge", {"text": "再改", "submit": "1"}, headers=ZH, follow=True)
    assert "服务承诺已审核通过并公开，不能再修改" in refused.content.decode()


def test_the_owner_files_the_report_with_a_file_and_the_office_receives_it(
    cast: Cast, tmp_path: Path
) -> None:
    unit = f"/staff/c/{cast.campaign.code}/stages/u/L1"
    olga, alice = _client(cast.olga), _client(cast.alice)
    upload = tmp_path / "自查报告.pdf"
    upload.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with upload.open("rb") as stream:
        olga.post(f"{unit}/self-inspection", {"text": "自查发现三个问题", "file": stream})
    report = SelfInspection.objects.get(unit=cast.l1)
    assert (report.status, report.file_name) == (rules.FILED, "自查报告.pdf")
    download = _client(cast.mike).get(f"{unit}/file/self-inspection")
    assert download.status_code == 200 and download.content == b"%PDF-1.4\n%%EOF\n"
    response = alice.post(f"{unit}/self-inspection/receive", headers=ZH, follow=True)
    assert "报告已签收。" in response.content.decode()
    assert SelfInspection.objects.get(unit=cast.l1).status == rules.RECEIVED
    page = _page(olga, f"{unit}/")
    assert 'id="report-form"' not in page and "评议办已签收" in page


def _page_states(html: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for row in re.findall(r'<tr id="row-([^"]+)">(.*?)</tr>', html, re.S):
        code, cells = row
        found[code] = dict(re.findall(r'data-kind="([^"]+)" data-state="([^"]+)"', cells))
    return found


def test_the_board_page_and_the_api_say_the_same(cast: Cast) -> None:
    filled(cast)
    alice = _client(cast.alice)
    page = _page(alice, f"/staff/c/{cast.campaign.code}/stages/")
    api = alice.get(f"/api/campaigns/{cast.campaign.code}/stage-board").json()
    assert api["today"] == timezone.localdate().isoformat()
    from_api = {u["code"]: {k: c["state"] for k, c in u["cells"].items()} for u in api["units"]}
    assert _page_states(page) == from_api
    assert from_api["L2"]["pledges"] == rules.DONE
    fixed = alice.get(f"/api/campaigns/{cast.campaign.code}/stage-board?today=2026-02-10").json()
    assert {u["code"]: u["cells"]["pledges"]["state"] for u in fixed["units"]} == {
        "L1": "due", "L2": "done", "V1": "due", "F1": "due",
    }  # fmt: skip
    assert fixed["units"][0]["cells"]["pledges"]["status"] == "submitted"
    assert [s["phase"] for s in fixed["stages"]][:3] == ["over", "under_way", "not_started"]
    assert (
        _client(cast.olga).get(f"/api/campaigns/{cast.campaign.code}/stage-board").status_code
        == 404
    )
    assert (
        alice.get(f"/api/campaigns/{cast.campaign.code}/stage-board?today=2026-02-30").status_code
        == 400
    )


def test_the_api_files_and_decides_as_the_pages_do(cast: Cast) -> None:
    base = f"/api/campaigns/{cast.campaign.code}/units/L1"
    olga, alice = _client(cast.olga), _client(cast.alice)
    body = json.dumps({"text": "一次告知", "submit": True})
    assert alice.put(f"{base}/pledge", body, content_type="application/json").status_code == 403
    saved = olga.put(f"{base}/pledge", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["status"] == "submitted"
    assert olga.post(f"{base}/pledge/approve").status_code == 403
    again = olga.put(f"{base}/pledge", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["detail"] == "服务承诺正待评议办审核"
    assert alice.post(f"{base}/pledge/approve").json()["status"] == "approved"
    brief_save(campaign=cast.campaign, plan="方案", criteria="比工作实绩：看成效", public=True,
               actor=Actor.of(cast.alice))  # fmt: skip
    public = Client().get(f"/api/public/campaigns/{cast.campaign.code}").json()
    assert public["criteria"] == [{"name": "比工作实绩", "description": "看成效"}]
    assert [(u["code"], u["pledge"]) for u in public["units"]][:2] == [
        ("L1", "一次告知"),
        ("L2", None),
    ]
    assert Client().get(f"/api/public/campaigns/{cast.other.code}").status_code == 404
    report = olga.put(f"{base}/self-inspection", json.dumps({"text": "自查"}),
                      content_type="application/json")  # fmt: skip
    assert report.status_code == 200 and report.json()["status"] == "filed"
    assert alice.post(f"{base}/self-inspection/receive").json()["status"] == "received"
    outsider = _client(cast.charlie).put(f"{base}/pledge", body, content_type="application/json")
    assert outsider.status_code == 404


def test_the_results_page_shows_each_units_published_pledges(db: None, tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    alice = staff_user("alice", campaign.series.organization)
    unit = campaign.units.get(code="L7")
    pledge = pledge_save(
        unit=unit, text="限时办结，超时问责", actor=Actor.operator("demo"), submit=True
    )
    pledge_approve(pledge=pledge, actor=Actor.of(alice))
    page = _page(_client(alice), f"/staff/c/{campaign.code}/results")
    assert "查看承诺" in page and "限时办结，超时问责" in page


def test_the_office_scripts_the_board_and_approvals(cast: Cast, capsys: Any) -> None:
    filled(cast)
    assert main(["stages", "board", cast.campaign.code, "--today", "2026-03-05", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    board = selectors.stage_board(cast.campaign, today=dt.date(2026, 3, 5))
    assert printed == json.loads(json.dumps(selectors.board_to_json(board)))
    assert main(["stages", "approve", cast.campaign.code, "--all"]) == 0
    assert "L1" in capsys.readouterr().out
    assert Pledge.objects.get(unit=cast.l1).status == rules.APPROVED
    assert main(["stages", "receive", cast.campaign.code, "L1", "--today", "2026-03-06"]) == 0
    assert SelfInspection.objects.get(unit=cast.l1).received_on == dt.date(2026, 3, 6)
    assert main(["stages", "owner", cast.campaign.code, "V1", "dave"]) == 0
    assert UnitAccess.objects.filter(user=cast.dave, unit_code="V1", role=UnitRole.OWNER).exists()


def test_the_todo_lists_name_the_stage_work(cast: Cast) -> None:
    pledge_save(unit=cast.l2, text="一次告知", actor=Actor.of(cast.paul), submit=True)
    olga = _page(_client(cast.olga), "/staff/")
    assert "组织部：服务承诺待起草并提交" in olga
    assert "组织部：自查自纠报告待报送" in olga  # the stage started on 2026-03-01
    alice = _page(_client(cast.alice), "/staff/")
    assert "1 份阶段材料待评议办处理" in alice
    units = _page(_client(cast.olga), "/staff/units/")
    assert "组织部" in units and "宣传部" not in units


def test_a_stage_without_dates_is_shown_as_such(db: None) -> None:
    campaign = dated_campaign(
        stages={StageKind.PLEDGES.value: (dt.date(2026, 2, 1), dt.date(2026, 2, 28))}
    )
    board = selectors.stage_board(campaign, today=dt.date(2026, 3, 1))
    cells = {c.kind: c.state for c in board.rows[0].cells}
    assert cells["pledges"] == rules.OVERDUE and cells["self_inspection"] == rules.UNPLANNED


def test_the_public_notice_links_the_units_published_pledges(db: None, tmp_path: Path) -> None:
    from pingyi.notices.services import notice_publish

    campaign = closed_campaign(tmp_path)
    notice = notice_publish(campaign=campaign, actor=Actor.operator("alice"))
    url = f"/notice/{notice.code}/"
    assert 'id="notice-pledges"' not in _page(Client(headers=ZH), url)
    demo = Actor.operator("demo")
    for code in ("L1", "L7"):
        pledge = pledge_save(
            unit=campaign.units.get(code=code), text="承诺", actor=demo, submit=True
        )
        pledge_approve(pledge=pledge, actor=demo)
    assert 'id="notice-pledges"' not in _page(Client(headers=ZH), url)  # page not public yet
    brief_save(campaign=campaign, plan="方案", criteria="", public=True, actor=demo)
    page = _page(Client(headers=ZH), url)
    assert f'<a href="/c/{campaign.code}/#pledges">本年度 2 个单位公开的服务承诺</a>' in page
