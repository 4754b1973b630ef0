"""The office's pages through the test client: setup, veto marks, stages, paper ballots, results."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign, Unit
from pingyi.jobs.models import Job
from pingyi.office.context import SECTIONS
from pingyi.voting.models import BallotToken
from pingyi.voting.services import IssuedBatch, ballot_submit
from tests.cast import make_campaign
from tests.jobs.conftest import finish_jobs, through_job
from tests.stored import ballot_count
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
UNITS = "code,name,category,veto\nA1,组织部,地方管理部门,\nB1,国税局,垂直管理部门,\n"


def test_staff_create_a_campaign_from_a_units_file(cast: Cast) -> None:
    alice = client_for(cast.alice)
    response = alice.post(
        "/staff/new",
        {
            "organization": cast.campaign.series.organization.pk,
            "series_code": "new",
            "series_name": "千人评议机关",
            "year": 2027,
            "name": "2027年千人评议",
            "units": SimpleUploadedFile("units.csv", UNITS.encode()),
        },
    )
    assert response.status_code == 302 and "/staff/jobs/" in response["Location"]
    assert not Campaign.objects.filter(code="new-2027").exists()  # the job reads the file
    finish_jobs()
    created = Campaign.objects.get(code="new-2027")
    job = alice.get(response["Location"]).content.decode()
    assert 'href="/staff/c/new-2027/"' in job
    assert [u.name for u in created.units.all()] == ["组织部", "国税局"]


def test_a_bad_units_file_is_refused_with_its_row_and_nothing_is_created(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        "/staff/new",
        {
            "organization": cast.campaign.series.organization.pk,
            "series_code": "bad",
            "series_name": "x",
            "year": 2027,
            "name": "x",
            "units": SimpleUploadedFile("units.csv", b"code,name,category\nA1,x,nowhere\n"),
        },
    )
    finish_jobs()
    page = client_for(cast.alice).get(response["Location"])
    assert "units.csv, row 2, column C (category)" in page.content.decode()
    assert not Campaign.objects.filter(code="bad-2027").exists()


def test_veto_marks_are_set_in_a_draft(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    client_for(cast.alice).post(f"/staff/c/{draft.code}/veto", {"veto": ["L2"]})
    vetoed = Unit.objects.filter(campaign=draft, veto=True).values_list("code", flat=True)
    assert list(vetoed) == ["L2"]  # F1's mark, not ticked, was taken off


def test_veto_marks_cannot_change_once_open(cast: Cast) -> None:
    client_for(cast.alice).post(f"/staff/c/{cast.campaign.code}/veto", {"veto": ["L2"]})
    assert Unit.objects.get(campaign=cast.campaign, code="L2").veto is False


def test_tokens_come_as_a_zip_of_sheets_and_codes(cast: Cast) -> None:
    group = cast.campaign.groups.first()
    assert group is not None
    alice = client_for(cast.alice)
    alice.post(f"/staff/c/{cast.campaign.code}/tokens", {"group": group.pk, "count": 3})
    finish_jobs()
    job = Job.objects.get()
    response = alice.get(f"/staff/jobs/{job.pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        table = archive.read(next(n for n in names if n.endswith(".csv"))).decode("utf-8-sig")
    assert any(n.endswith(".pdf") for n in names)
    lines = table.strip().splitlines()
    assert lines[0] == "group,code,link" and len(lines) == 4
    assert "http://testserver/v/#" in lines[1]
    assert BallotToken.objects.filter(campaign=cast.campaign).count() == 3


def test_a_paper_file_is_imported_through_the_page(cast: Cast) -> None:
    upload = SimpleUploadedFile("paper.csv", "ballot_no,L1,L2\n1,满意,不满意\n2,,满意\n".encode())
    alice = client_for(cast.alice)
    response = alice.post(f"/staff/c/{cast.campaign.code}/paper", {"file": upload})
    assert response.status_code == 302
    finish_jobs()
    page = alice.get(response["Location"]).content.decode()
    assert "Imported 2, rejected 0." in page
    assert ballot_count(cast.campaign.pk) == 2


def test_a_bad_paper_file_lists_every_problem_and_imports_nothing(cast: Cast) -> None:
    upload = SimpleUploadedFile("paper.csv", "ballot_no,L1,L2\n1,好,不满意\n2,,坏\n".encode())
    alice = client_for(cast.alice)
    response = alice.post(f"/staff/c/{cast.campaign.code}/paper", {"file": upload})
    finish_jobs()
    text = alice.get(response["Location"]).content.decode()
    assert "paper.csv, row 2, column B (L1)" in text and "paper.csv, row 3, column C (L2)" in text
    assert ballot_count() == 0


def test_results_appear_after_close_with_flags_and_charts(cast: Cast) -> None:
    alice = client_for(cast.alice)
    rows = "\n".join(f"{i},满意,不满意,满意" for i in range(1, 11))
    alice.post(
        f"/staff/c/{cast.campaign.code}/paper",
        {"file": SimpleUploadedFile("p.csv", f"ballot_no,L1,L2,V1\n{rows}\n".encode())},
    )
    finish_jobs()
    closed = alice.post(f"/staff/c/{cast.campaign.code}/transition", {"to": "close"}, follow=True)
    assert "is both a winner and a key rectification unit" in closed.content.decode()
    page = alice.get(f"/staff/c/{cast.campaign.code}/results")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "组织部" in html
    assert page.context["result"].valid_ballots == 10
    # Two local units, more winner places: both win, and L2 (0 % satisfied) must rectify too —
    # the seed's rule, kept and explained (issue 12, item 4).
    both = [u.spec.code for u in page.context["result"].winners_to_rectify()]
    assert both == ["L2"] and 'id="winner-and-rectify"' in html
    for fmt, kind in (("xlsx", "spreadsheetml"), ("pdf", "pdf")):
        download = through_job(alice, f"/staff/c/{cast.campaign.code}/results.{fmt}")
        assert download.status_code == 200 and kind in download["Content-Type"]
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(download.content_bytes), read_only=True)
            cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
            assert any("既是优胜单位又是重点整改单位" in c for c in cells)
    data = alice.get(f"/staff/c/{cast.campaign.code}/results.json")
    assert data.status_code == 200 and "json" in data["Content-Type"]


def test_results_of_fewer_than_k_ballots_are_not_shown(cast: Cast) -> None:
    alice = client_for(cast.alice)
    alice.post(
        f"/staff/c/{cast.campaign.code}/paper",
        {"file": SimpleUploadedFile("p.csv", "ballot_no,L1\n1,满意\n".encode())},
    )
    finish_jobs()
    alice.post(f"/staff/c/{cast.campaign.code}/transition", {"to": "close"})
    page = alice.get(f"/staff/c/{cast.campaign.code}/results", follow=True)
    html = page.content.decode()
    assert page.redirect_chain == [(f"/staff/c/{cast.campaign.code}/", 302)]
    assert "only 1 valid ballots: fewer than 8, so no figure of this campaign is shown" in html
    assert "Mean score" not in html and "Satisfaction" not in html
    assert alice.get(f"/staff/c/{cast.campaign.code}/results.json").status_code == 302


def test_a_unit_is_entered_by_hand_in_a_draft_and_refused_once_open(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    alice = client_for(cast.alice)
    alice.post(
        f"/staff/c/{draft.code}/units",
        {"code": "L9", "name": "审计局", "category": "地方管理部门", "veto": "on"},
    )
    unit = Unit.objects.get(campaign=draft, code="L9")
    # The last of its category's block (L1, L2), not the last of all.
    assert (unit.name, unit.category.code, unit.veto, unit.position) == ("审计局", "local", True, 2)
    alice.post(
        f"/staff/c/{cast.campaign.code}/units",
        {"code": "L9", "name": "审计局", "category": "地方管理部门"},
    )
    assert not Unit.objects.filter(campaign=cast.campaign, code="L9").exists()


def _reachable(route: str) -> bool:
    try:
        reverse(route)
    except NoReverseMatch:
        return False
    return True


def test_the_bar_links_every_process_and_marks_the_current_one(cast: Cast) -> None:
    alice = client_for(cast.alice)
    html = alice.get("/staff/").content.decode()
    assert '<a href="/staff/" aria-current="page">Campaigns</a>' in html
    # every section but the people page, which only an administrator sees (test_landing.py),
    # and "my units", which only a unit's people see
    sections = [
        (route, label)
        for route, label in SECTIONS[1:]
        if _reachable(route) and route not in ("people:people-home", "stages:my-units")
    ]
    for route, label in sections:
        assert f'<a href="{reverse(route)}">{label}</a>' in html
    assert reverse("people:people-home") not in html
    for route, label in sections:
        url = reverse(route)
        html = alice.get(url).content.decode()
        assert f'<a href="{url}" aria-current="page">{label}</a>' in html
        assert '<a href="/staff/">Campaigns</a>' in html


def test_a_group_under_k_hides_the_other_group_too(cast: Cast) -> None:
    """Two groups, one under k: the category's result minus the big group's figure would be
    the small group's, so neither group's figure is shown (R12, complementary)."""
    alice = client_for(cast.alice)
    k = cast.campaign.scheme["min_subset_ballots"]
    many = "\n".join(f"{i},服务对象,满意,不满意,满意" for i in range(1, k + 1))
    few = "\n".join(f"{i},干部和各界代表,不满意,满意,满意" for i in range(k + 1, 2 * k))
    alice.post(
        f"/staff/c/{cast.campaign.code}/paper",
        {
            "file": SimpleUploadedFile(
                "p.csv", f"ballot_no,group,L1,L2,V1\n{many}\n{few}\n".encode()
            )
        },
    )
    finish_jobs()
    alice.post(f"/staff/c/{cast.campaign.code}/transition", {"to": "close"})
    html = alice.get(f"/staff/c/{cast.campaign.code}/results").content.decode()
    assert "Satisfaction rate by evaluator group (%)" in html
    for group in ("服务对象", "干部和各界代表"):
        assert f"{group} (not shown: fewer than {k} ballots here" in html
        assert f"{group} · " not in html


def test_the_collection_shows_the_response_rate_and_shares_as_percentages(
    cast: Cast, issued: IssuedBatch
) -> None:
    """Issue 12 (10): the dashboard gave no 回收率 and printed target shares as "3/5"; while
    open it refreshes its figures by itself (a script of Pingyi's own, swapping the box)."""
    ballot_submit(code=issued.codes[0], marks={"L1": "满意", "L2": "弃权"})
    alice = client_for(cast.alice)
    page = alice.get(f"/staff/c/{cast.campaign.code}/", headers={"accept-language": "zh-hans"})
    text = page.content.decode()
    assert '<div class="stat" id="response-rate">回收率（评议码）<b>20.0%</b></div>' in text
    assert "3/5" not in text and '<td class="num">60%</td>' in text
    assert 'data-refresh="15"' in text and "pingyi/collection" in text


def test_opening_asks_first_and_says_what_freezes(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    alice = client_for(cast.alice)
    page = alice.get(f"/staff/c/{draft.code}/").content.decode()
    assert f'href="/staff/c/{draft.code}/transition?to=open"' in page
    assert 'name="to" value="open"' not in page  # no one-click button any more
    confirm = alice.get(f"/staff/c/{draft.code}/transition?to=open").content.decode()
    assert "This step cannot be undone." in confirm
    assert "Its 4 units, their categories, the one-vote veto marks" in confirm
    assert 'name="to" value="open"' in confirm and 'id="confirm"' in confirm
    draft.refresh_from_db()
    assert draft.status == "draft"  # the GET changed nothing
    alice.post(f"/staff/c/{draft.code}/transition", {"to": "open"})
    draft.refresh_from_db()
    assert draft.status == "open"


def test_closing_asks_first_and_says_how_many_codes_are_unused(
    cast: Cast, issued: IssuedBatch
) -> None:
    alice = client_for(cast.alice)
    Client().post("/v/submit", {"code": issued.codes[0], "m_L1": "satisfied"})
    code = cast.campaign.code
    assert (
        f'href="/staff/c/{code}/transition?to=close"'
        in alice.get(f"/staff/c/{code}/").content.decode()
    )
    confirm = alice.get(f"/staff/c/{code}/transition?to=close").content.decode()
    assert "4 of the 5 codes issued are unused: they will no longer work." in confirm
    assert Campaign.objects.get(pk=cast.campaign.pk).status == "open"
    assert alice.get(f"/staff/c/{code}/transition?to=nowhere").status_code == 400


def test_a_paper_file_records_its_digest_whichever_door_imported_it(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: the staff page's import audited `sha256: ""` while the CLI's recorded the
    file's digest; both now go through ballots_import_file and record the same."""
    from pingyi import cli

    content = "ballot_no,L1,L2\n1,满意,不满意\n2,,满意\n".encode()
    alice = client_for(cast.alice)
    alice.post(
        f"/staff/c/{cast.campaign.code}/paper", {"file": SimpleUploadedFile("p.csv", content)}
    )
    finish_jobs()
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    assert cli.main(["ballots", "import", "--campaign", cast.other.code, str(path)]) == 0
    capsys.readouterr()
    digests = list(
        AuditEntry.objects.filter(action="ballots.paper.imported")
        .order_by("seq")
        .values_list("data__sha256", flat=True)
    )
    assert digests == [hashlib.sha256(content).hexdigest()] * 2
