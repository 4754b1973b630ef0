"""The year-end appraisal through its doors — the page, the API, the CLI — and where its
records show: the campaign page, the results page and workbook, the published notice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pingyi.accounts.actors import Actor
from pingyi.ballots.models import PaperBatch
from pingyi.ballots.selectors import AreaCount, campaign_results, paper_by_area
from pingyi.ballots.services import ballots_import_file
from pingyi.ballots.yearend_selectors import campaign_yearend
from pingyi.campaigns.models import Campaign, Supervision
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.campaigns.yearend_services import (
    Supervisor,
    area_add,
    kinds_add_seed,
    supervision_record,
)
from pingyi.cli import main
from pingyi.exports.results_workbook import write_results_workbook
from pingyi.notices.exports import preamble
from pingyi.notices.selectors import notice_public_page
from pingyi.notices.services import notice_publish
from tests.cast import STAFF, make_campaign
from tests.chinese import ZH
from tests.jobs.conftest import finish_jobs
from tests.notices.conftest import AS_STAFF, closed_campaign
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

SUPERVISION = {
    "supervisor_name": ["王明", "李华", ""],
    "supervisor_unit": ["市评议办", "市公证处", ""],
    "notary_office": "市公证处",
    "notary_reference": "（2026）宜证字第118号",
    "supervised_on": "2026-12-20",
}


def _paper(name: str, lines: list[str]) -> SimpleUploadedFile:
    text = "\n".join(["ballot_no,group,L1,L2,V1,F1", *lines])
    return SimpleUploadedFile(name, text.encode())


def _rows(start: int, count: int, group: str) -> list[str]:
    return [f"{n},{group},满意,基本满意,满意,不满意" for n in range(start, start + count)]


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_the_office_sets_areas_and_imports_a_batch_per_area_through_the_page(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    assert (
        alice.post(f"/staff/c/{code}/yearend/areas", {"code": "east", "name": "东片区"}).status_code
        == 302
    )
    page = alice.get(f"/staff/c/{code}/", headers=ZH).content.decode()
    assert 'name="area"' in page and "东片区" in page  # the upload form asks for the area
    response = alice.post(
        f"/staff/c/{code}/paper", {"file": _paper("p.csv", _rows(1, 4, "服务对象")), "area": "east"}
    )
    assert response.status_code == 302
    missing = alice.post(
        f"/staff/c/{code}/paper", {"file": _paper("q.csv", _rows(9, 2, "服务对象"))}
    )
    assert missing.status_code == 400  # no area: refused before any job
    finish_jobs()
    assert paper_by_area(cast.campaign) == [AreaCount("东片区", 1, 4, 0)]
    yearend = alice.get(f"/staff/c/{code}/yearend", headers=ZH).content.decode()
    assert "片区" in yearend and "东片区" in yearend


def test_the_supervision_is_recorded_on_the_page_and_shown_on_the_campaign_page(
    cast: Cast,
) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    assert alice.post(f"/staff/c/{code}/yearend/supervision", SUPERVISION).status_code == 302
    record = Supervision.objects.get(campaign=cast.campaign)
    assert record.supervisors == [
        {"name": "王明", "unit": "市评议办"},
        {"name": "李华", "unit": "市公证处"},
    ]
    page = alice.get(f"/staff/c/{code}/", headers=ZH).content.decode()
    assert "（2026）宜证字第118号" in page and "王明（市评议办）" in page
    # the year-end page's form starts from the record (a browser flow's read, here so that it
    # runs on PostgreSQL too)
    form = alice.get(f"/staff/c/{code}/yearend").content.decode()
    assert 'value="（2026）宜证字第118号"' in form and 'value="2026-12-20"' in form
    assert 'value="市公证处"' in form
    bob = client_for(cast.bob)  # a viewer reads it, never writes it
    assert bob.post(f"/staff/c/{code}/yearend/supervision", SUPERVISION).status_code == 403


def test_a_refused_supervision_keeps_what_was_typed_and_says_why(cast: Cast) -> None:
    """A supervisor without a unit, then a missing certificate number: the page comes back
    (400) with every entry kept and the reason, and nothing is recorded."""
    alice = client_for(cast.alice)
    url = f"/staff/c/{cast.campaign.code}/yearend/supervision"
    no_unit = {
        **SUPERVISION,
        "supervisor_name": ["周平", "赵敏"],
        "supervisor_unit": ["市纪委监委", ""],
    }
    for body in (no_unit, {**SUPERVISION, "notary_reference": ""}):
        answer = alice.post(url, body, headers=ZH)
        page = answer.content.decode()
        assert answer.status_code == 400
        assert 'class="error"' in page or "messages" in page
        for kept in (*body["supervisor_name"], body["notary_office"], body["supervised_on"]):
            assert kept in page, kept
    assert "并写明其工作单位" in alice.post(url, no_unit, headers=ZH).content.decode()
    assert not Supervision.objects.filter(campaign=cast.campaign).exists()


def test_the_kinds_of_the_plan_are_added_from_the_page_of_a_draft(cast: Cast) -> None:
    draft = make_campaign(year=2030, open_it=False)
    alice = client_for(cast.alice)
    alice.post(f"/staff/c/{draft.code}/yearend/kinds", {"seed": "1"})
    page = alice.get(f"/staff/c/{draft.code}/yearend", headers=ZH).content.decode()
    for name in ("企业负责人代表", "基层干部代表", "党政领导", "各界代表"):
        assert name in page
    assert draft.groups.filter(parent__isnull=False).count() == 4


def _closed_with_kinds(tmp_path: Path) -> Campaign:
    campaign = make_campaign(year=2031, open_it=False)
    kinds_add_seed(campaign=campaign, actor=Actor.operator(STAFF))
    area_add(campaign=campaign, code="east", name="东片区", actor=Actor.operator(STAFF))
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    lines = _rows(1, 12, "企业负责人代表") + _rows(13, 3, "党政领导") + _rows(16, 10, "各界代表")
    path = tmp_path / "b.csv"
    path.write_text("\n".join(["ballot_no,group,L1,L2,V1,F1", *lines]), encoding="utf-8")
    ballots_import_file(
        campaign=campaign, path=path, label="b.csv", actor=Actor.operator(STAFF), area="east"
    )
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    campaign.refresh_from_db()
    return campaign


def test_results_page_workbook_api_and_cli_show_the_same_kinds_and_hide_the_small_one(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """12 企业负责人代表, 3 党政领导, 10 各界代表: the three leaders are moved to their
    group at close and 各界代表 with them (two among thirteen); 基层干部代表 had nobody."""
    campaign = _closed_with_kinds(tmp_path)
    found = campaign_results(campaign)
    ballots = {f.kind: f.ballots for f in found.kinds}
    assert ballots == {
        "企业负责人代表": 12,
        "基层干部代表": None,
        "党政领导": None,
        "各界代表": None,
    }
    alice = client_for(cast.alice)
    html = alice.get(f"/staff/c/{campaign.code}/results", headers=ZH).content.decode()
    assert 'id="kind-results"' in html and 'id="area-counts"' in html
    assert html.count("匿名") >= 3  # the three hidden kinds say why
    api = alice.get(f"/api/campaigns/{campaign.code}/yearend").json()
    assert {k["kind"]: k["ballots"] for k in api["kinds"]} == ballots
    assert api["areas"] == [{"area": "东片区", "batches": 1, "imported": 25, "invalid": 0}]
    assert run("yearend", "report", campaign.code) == 0
    printed = capsys.readouterr().out
    assert "企业负责人代表\t12\t" in printed and "\t3\t" not in printed and "\t10\t" not in printed
    book = tmp_path / "r.xlsx"
    yearend = campaign_yearend(campaign, found.kinds)
    write_results_workbook(book, found.tally, yearend=yearend)
    sheet = openpyxl.load_workbook(book)["年终评议"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "东片区" in cells and 25 in cells and 12 in cells
    assert 3 not in cells and 10 not in cells


def test_the_api_records_the_supervision_and_refuses_kinds_once_open(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    body = {
        "supervisors": ["王明=市评议办"],
        "notary_office": "市公证处",
        "notary_reference": "118",
        "supervised_on": "2026-12-20",
    }
    done = alice.put(
        f"/api/campaigns/{code}/supervision", json.dumps(body), content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["notary_reference"] == "118"
    kinds = alice.post(
        f"/api/campaigns/{code}/kinds",
        json.dumps({"group": "服务对象", "code": "ent", "name": "企业负责人代表"}),
        content_type="application/json",
    )
    assert kinds.status_code == 409
    assert not cast.campaign.groups.filter(parent__isnull=False).exists()


def test_the_api_imports_a_batch_of_an_area_as_a_job(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    alice.post(
        f"/api/campaigns/{code}/areas",
        json.dumps({"code": "w", "name": "西片区"}),
        content_type="application/json",
    )
    upload = _paper("api.csv", _rows(1, 3, "服务对象"))
    answer = alice.post(f"/api/campaigns/{code}/paper", {"file": upload, "area": "w"})
    assert answer.status_code == 202, answer.content
    unknown = alice.post(
        f"/api/campaigns/{code}/paper",
        {"file": _paper("x.csv", _rows(5, 1, "服务对象")), "area": "n"},
    )
    assert unknown.status_code == 409
    finish_jobs()
    assert PaperBatch.objects.get(campaign=cast.campaign).area.name == "西片区"


def test_the_cli_sets_areas_kinds_and_the_supervision(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = make_campaign(year=2032, open_it=False)
    assert run("yearend", "kinds", draft.code, "--seed") == 0
    assert run("yearend", "areas", draft.code, "--add", "east", "东片区") == 0
    assert "东片区" in capsys.readouterr().out
    assert draft.groups.filter(parent__isnull=False).count() == 4
    code = cast.campaign.code
    args = (
        "--supervisor",
        "王明=市评议办",
        "--office",
        "市公证处",
        "--reference",
        "118",
        "--date",
        "2026-12-20",
    )
    assert run("yearend", "supervision", code, *args) == 0
    assert Supervision.objects.get(campaign=cast.campaign).notary_office == "市公证处"
    assert run("yearend", "supervision", draft.code, *args) != 0  # a draft: refused


def test_the_published_notice_states_the_supervision(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    supervision_record(
        campaign=campaign,
        supervisors=[Supervisor("王明", "市评议办")],
        notary_office="市公证处",
        notary_reference="（2026）宜证字第118号",
        supervised_on=dt.date(2026, 12, 20),
        actor=Actor.operator(STAFF),
    )
    notice = notice_publish(campaign=campaign, days=7, actor=AS_STAFF)
    page = Client().get(f"/notice/{notice.code}/", headers=ZH).content.decode()
    assert "（2026）宜证字第118号" in page and "王明（市评议办）" in page
    lines = preamble(notice_public_page(notice, "head"))
    assert any("公证书编号：（2026）宜证字第118号" in line for line in lines)
