"""Issue 15 item 7 through the pages (in zh-hans, no English left) and the API: Chinese codes,
deadlines, basis documents, scope, the publication below the target and bulk decisions."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingyi.audit.models import AuditEntry
from pingyi.registry.models import Cleanup, Project, ProjectDecision
from pingyi.registry.services import (
    basis_document_add,
    cleanup_advance,
    decisions_bulk,
    project_exclude,
    projects_import,
)
from pingyi.rules import registry as r
from tests.chinese import FIXTURE_WORDS, ZH, english_left, english_of, workbook_texts
from tests.registry.conftest import OFFICE, Cast, as_, spec
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

JSON = "application/json"


def page_of(cast: Cast, path: str = "", user: object = None) -> str:
    client = client_for(user or cast.alice)  # type: ignore[arg-type]
    response = client.get(f"/staff/registry/{cast.cleanup.code}/{path}", headers=ZH)
    assert response.status_code == 200
    text = response.content.decode()
    assert english_of(response, FIXTURE_WORDS) == [], english_left(text, FIXTURE_WORDS)
    return text


def three(cast: Cast) -> list[Project]:
    specs = [spec(n, target_group=f"对象{n}") for n in ("甲", "乙", "丙")]
    return projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=specs, actor=as_("uma")
    )


def test_a_chinese_code_is_accepted_on_the_pages_and_its_addresses_work(cast: Cast) -> None:
    office = client_for(cast.alice)
    response = office.post(
        "/staff/registry/new",
        {"organization": cast.cleanup.organization.pk, "code": "清理-2010", "name": "2010年清理",
         "started_on": "2010-02-10", "target": "70%"},
        headers=ZH,
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/staff/registry/{quote('清理-2010')}/"
    response = office.post(
        f"/staff/registry/{quote('清理-2010')}/units", {"code": "省委-01", "name": "省委"}
    )
    assert response.status_code == 302
    cleanup = Cleanup.objects.get(code="清理-2010")
    assert list(cleanup.units.values_list("code", flat=True)) == ["省委-01"]
    page = office.get(response["Location"], headers=ZH).content.decode()
    assert "有效" not in page and "省委-01" in page
    assert quote("/staff/registry/清理-2010/u/省委-01/self-check.xlsx") in page
    bad = office.post(
        f"/staff/registry/{quote('清理-2010')}/units",
        {"code": "省委 01", "name": "省委"},
        headers=ZH,
    )
    messages = office.get(bad["Location"], headers=ZH).content.decode()
    assert "代码 &#x27;省委 01&#x27; 无效：可用汉字、字母、数字" in messages


def test_the_clean_up_page_shows_its_deadlines_overdue_in_chinese(cast: Cast) -> None:
    three(cast)
    text = page_of(cast)
    # The 2009 clean-up's deadlines are long past: the self-check is overdue, units named.
    assert 'id="deadline-self_check" class="deadline-overdue"' in text
    assert "报送自查统计表、登记表及文件依据" in text and "2009-02-28" in text
    assert "尚未报送： 某某镇党委、市委组织部" in text
    office = client_for(cast.alice)
    office.post(f"/staff/registry/{cast.cleanup.code}/deadlines", {"published_due": "2009-05-20"})
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.schedule[r.PUBLISHED] == "2009-05-20"
    refused = office.post(f"/staff/registry/{cast.cleanup.code}/deadlines",
                          {"published_due": "2009-02-01"}, headers=ZH)  # fmt: skip
    refusal = office.get(refused["Location"], headers=ZH).content.decode()
    assert "通报并公示保留项目：时限 2009-02-01 早于上一阶段的时限（2009-03-31）" in refusal


def test_the_project_page_attaches_a_document_and_leaves_a_project_out(cast: Cast) -> None:
    project, *_ = three(cast)
    unit = client_for(cast.uma)
    base = f"/staff/registry/{cast.cleanup.code}/p/{project.pk}/"
    text = page_of(cast, f"p/{project.pk}/", cast.uma)
    assert 'id="basis-form"' in text and 'id="exclude-form"' in text
    pdf = SimpleUploadedFile("通知.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    unit.post(base + "basis", {"title": "通知", "number": "中发〔2000〕1号",
                               "issuer": "中共中央", "file": pdf})  # fmt: skip
    document = project.documents.get()
    text = page_of(cast, f"p/{project.pk}/", cast.uma)
    assert "中共中央《通知》（中发〔2000〕1号）" in text
    download = unit.get(base + f"basis/{document.pk}/file")
    assert download.content == b"%PDF-1.4 x"
    assert "attachment" in download["Content-Disposition"]
    unit.post(base + "exclude", {"reason": r.X_BUSINESS_RATING})
    project.refresh_from_db()
    assert project.exclusion == r.X_BUSINESS_RATING
    text = page_of(cast, f"p/{project.pk}/", cast.uma)
    assert "纯业务性质的资质评定、技术考核、等级评定" in text
    assert 'id="decide-form"' not in text  # out of scope: no decision
    assert "不属于清理范围" in page_of(cast)
    unit.post(base + "include")
    project.refresh_from_db()
    assert project.exclusion == ""


def test_the_ticked_projects_are_decided_together_from_the_page(cast: Cast) -> None:
    projects = three(cast)
    text = page_of(cast, user=cast.uma)
    assert 'id="bulk-form"' in text
    unit = client_for(cast.uma)
    url = f"/staff/registry/{cast.cleanup.code}/decide"
    ids = [p.pk for p in projects]
    unit.post(url, {"projects": ids, "decision": r.CANCEL})  # differs: needs the reason
    assert not ProjectDecision.objects.exists()
    response = unit.post(url, {"projects": ids, "decision": r.CANCEL, "reason": "不符合实际需要"})
    assert response.status_code == 302
    assert ProjectDecision.objects.filter(decision=r.CANCEL).count() == 3
    bob = client_for(cast.bob)  # a viewer decides nothing
    assert bob.post(url, {"projects": ids, "decision": r.KEEP}).status_code == 403
    other = client_for(cast.victor)  # another unit's projects are not on its form
    other.post(url, {"projects": ids, "decision": r.KEEP, "reason": "x"})
    assert ProjectDecision.objects.filter(decision=r.KEEP).count() == 0


def test_publishing_below_the_target_warns_and_needs_a_reason_then_prints_it(cast: Cast) -> None:
    projects = three(cast)
    basis_document_add(project=projects[0], title="通知", number="中发〔2000〕1号",
                       issuer="中共中央", actor=as_("uma"))  # fmt: skip
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        decisions_bulk(
            cleanup=cast.cleanup, projects=projects[:1], decision=r.KEEP, actor=as_(OFFICE)
        )
        decisions_bulk(cleanup=cast.cleanup, projects=projects[1:], decision=r.CANCEL,
                       reason="不符合实际需要", actor=as_(OFFICE))  # fmt: skip
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE))
    confirm = page_of(cast, f"advance?to={r.PUBLISHED}")
    assert "压减率 66.7%，低于 70.0% 的目标。" in confirm
    assert 'name="reason"' in confirm
    office = client_for(cast.alice)
    url = f"/staff/registry/{cast.cleanup.code}/advance"
    refused = office.post(url, {"to": r.PUBLISHED}, headers=ZH)
    assert refused.status_code == 400
    assert "须填写仍予公示的理由" in refused.content.decode()
    assert english_of(refused, FIXTURE_WORDS) == []
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.HIGHER_ADJUSTMENT
    office.post(url, {"to": r.PUBLISHED, "reason": "上级同意保留甲项目"})
    cast.cleanup.refresh_from_db()
    assert (cast.cleanup.round, cast.cleanup.publish_reason) == (r.PUBLISHED, "上级同意保留甲项目")
    entry = AuditEntry.objects.filter(action="registry.cleanup.advanced").order_by("-seq").first()
    assert entry is not None and entry.data["reason"] == "上级同意保留甲项目"
    public = client_for(None).get(f"/registry/{cast.cleanup.code}/", headers=ZH)
    kept = public.content.decode()
    assert english_of(public, FIXTURE_WORDS) == []
    assert "压减率 66.7%，低于 70.0% 的目标。公示理由：上级同意保留甲项目" in kept
    assert "中共中央《通知》（中发〔2000〕1号）" in kept
    assert "上级同意保留甲项目" in page_of(cast)
    book = client_for(cast.alice).get(f"/staff/registry/{cast.cleanup.code}/statistics.xlsx")
    texts = workbook_texts(book.content)
    assert "压减率 66.7% 低于目标，公示理由：上级同意保留甲项目" in texts
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["项目清单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    citation = "中共中央《通知》（中发〔2000〕1号）"
    assert rows[0][2:] == ["甲", "市委组织部", "市级", "中央文件", citation,
                           "在范围内", "保留", "保留", None, None]  # fmt: skip
    assert rows[1][9:] == ["撤销", None, "不符合实际需要"]


def test_the_exported_list_names_a_project_out_of_scope(cast: Cast) -> None:
    project, *_ = three(cast)
    project_exclude(project=project, reason=r.X_OTHER, note="系内部工作评比", actor=as_(OFFICE))
    book = client_for(cast.alice).get(f"/staff/registry/{cast.cleanup.code}/statistics.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["项目清单"]
    assert sheet["H2"].value == "不属于清理范围：其他不属于清理范围的情形（系内部工作评比）"
    assert sheet["J2"].value == "—"
    stats = openpyxl.load_workbook(io.BytesIO(book.content))["统计"]
    assert [c.value for c in stats[1]][:3] == ["填报单位", "登记", "不属于清理范围"]


# ----------------------------------------------------------------- the API


def test_the_api_gives_the_deadlines_on_a_given_day_and_decides_in_bulk(cast: Cast) -> None:
    projects = three(cast)
    office = client_for(cast.alice)
    base = f"/api/registry/cleanups/{cast.cleanup.code}"
    lines = office.get(f"{base}/deadlines?today=2009-03-01").json()
    assert lines[0] == {"round": r.SELF_CHECK, "due": "2009-02-28", "state": "overdue",
                        "waiting": ["某某镇党委", "市委组织部"]}  # fmt: skip
    assert lines[1]["state"] == "due"  # 3月6日, within the week
    body = {"projects": [p.pk for p in projects], "decision": "cancel"}
    refused = office.post(f"{base}/decisions", json.dumps(body), content_type=JSON)
    assert refused.status_code == 409
    assert refused.json()["problems"] == [
        f"{name}: the decision differs from the suggestion (保留): record the reason"
        for name in ("甲", "乙", "丙")
    ]
    body["reason"] = "不符合实际需要"
    done = office.post(f"{base}/decisions", json.dumps(body), content_type=JSON)
    assert done.json() == {"recorded": 3}
    shown = office.get(f"{base}/projects").json()
    assert [p["decision"] for p in shown] == ["cancel"] * 3
    out = office.post(f"{base}/projects/{projects[0].pk}/exclusion",
                      json.dumps({"reason": "staff_assessment"}), content_type=JSON)  # fmt: skip
    assert out.json()["exclusion"] == "staff_assessment"
    stats = office.get(f"{base}/stats").json()
    assert (stats["total"]["registered"], stats["total"]["excluded"]) == (2, 1)


def test_the_api_publishes_below_the_target_only_with_a_reason(cast: Cast) -> None:
    projects = three(cast)
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        decisions_bulk(
            cleanup=cast.cleanup, projects=projects[:1], decision=r.KEEP, actor=as_(OFFICE)
        )
        decisions_bulk(cleanup=cast.cleanup, projects=projects[1:], decision=r.CANCEL,
                       reason="不符合实际需要", actor=as_(OFFICE))  # fmt: skip
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE))
    office = client_for(cast.alice)
    url = f"/api/registry/cleanups/{cast.cleanup.code}/advance"
    refused = office.post(url, json.dumps({"to": "published"}), content_type=JSON)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "the reduction rate 66.7% is below the target 70.0%: record the reason to publish"
    )
    done = office.post(url, json.dumps({"to": "published", "reason": "上级同意"}),
                       content_type=JSON)  # fmt: skip
    assert done.json()["publish_reason"] == "上级同意"
    kept = client_for(None).get(f"/api/registry/kept/{cast.cleanup.code}").json()
    assert [k["name"] for k in kept] == ["甲"]


def test_the_project_page_offers_the_recorded_merge_again(cast: Cast) -> None:
    """A project merged in this round: its page's decision form starts from that decision
    and its target (what the browser flow tests/browser/test_registry_disclosure.py read,
    here so that it runs on PostgreSQL too)."""
    kept, merged, _ = three(cast)
    decisions_bulk(cleanup=cast.cleanup, projects=[kept], decision=r.KEEP, actor=as_("uma"))
    decisions_bulk(cleanup=cast.cleanup, projects=[merged], decision=r.MERGE, merge_into=kept,
                   reason="同类合并", actor=as_("uma"))  # fmt: skip
    text = page_of(cast, f"p/{merged.pk}/", cast.uma)
    form = text[text.index('id="decide-form"') :]
    assert f'<option value="{kept.pk}" selected>' in form
    assert f'value="{r.MERGE}" checked' in form or f'<option value="{r.MERGE}" selected>' in form
