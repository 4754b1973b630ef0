"""征求意见 and 集中整改 through every door: the public form (/o/), the office's pages, the
unit's page, the API and the CLI — all in Chinese, all on the same services."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import StageKind
from pingyi.cli import main
from pingyi.rules import stages as stage_rules
from pingyi.stages.models import Opinion, OpinionFeedback, RectificationReport
from pingyi.stages.opinion_services import opinion_codes_issue
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.stages.conftest import Cast

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
    assert english_left(text, WORDS) == [], url
    return text


def _collecting_today(cast: Cast) -> None:
    today = timezone.localdate()
    cast.campaign.stages.filter(kind=StageKind.OPINIONS).update(
        starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5)
    )


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_public_form_takes_a_code_once_and_thanks_in_chinese(cast: Cast) -> None:
    _collecting_today(cast)
    code = opinion_codes_issue(campaign=cast.campaign, count=1, actor=Actor.of(cast.alice)).codes[0]
    phone = Client(headers=ZH)
    start = _page(phone, "/o/")
    assert "征求意见表" in start and 'name="code"' in start
    form = phone.post("/o/", {"code": code.lower()}, headers=ZH).content.decode()
    assert english_left(form, WORDS) == []
    assert 'name="op_L1"' in form and "组织部" in form and "地方管理部门" in form
    grouped = "-".join(code[i : i + 4] for i in range(0, 16, 4))
    assert form.count(grouped) == 1 and f'name="code" value="{grouped}"' in form  # POSTed only
    sent = phone.post("/o/send", {"code": code, "op_L1": "窗口排队太久", "op_L2": ""}, headers=ZH)
    assert sent.status_code == 303 and sent["Location"] == "/o/done"
    assert "您的意见已收到" in _page(phone, "/o/done")
    again = phone.post("/o/send", {"code": code, "op_L1": "再来"}, headers=ZH)
    assert again.status_code == 409
    assert "此代码无法使用" in again.content.decode()
    empty = opinion_codes_issue(campaign=cast.campaign, count=1, actor=Actor.of(cast.alice))
    blank = phone.post("/o/send", {"code": empty.codes[0], "op_L1": " "}, headers=ZH)
    assert blank.status_code == 400 and "请至少对一个单位填写意见" in blank.content.decode()


def test_the_office_imports_sorts_folds_and_feeds_back_and_the_unit_answers(
    cast: Cast, tmp_path: Path
) -> None:
    alice, olga = _client(cast.alice), _client(cast.olga)
    base = f"/staff/c/{cast.campaign.code}/opinions"
    unit = f"/staff/c/{cast.campaign.code}/stages/u/L1"
    template = alice.get(f"{base}/template")
    assert template.status_code == 200
    (tmp_path / "t.xlsx").write_bytes(template.content)
    sheet = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == ["表号", "被评单位", "意见类别", "意见和建议"]
    header = ["表号", "被评单位", "意见类别", "意见和建议"]
    rows = [header, ["P1", "组织部", "行政效能", "窗口排队太久"], ["P2", "L1", "", "排队时间长"]]
    paper = _xlsx(tmp_path / "纸质意见.xlsx", rows)
    with paper.open("rb") as stream:
        done = alice.post(f"{base}/import", {"file": stream}, headers=ZH, follow=True)
    assert "已导入意见 2 条" in done.content.decode()
    bad = _xlsx(
        tmp_path / "错表.xlsx", [["表号", "被评单位", "意见和建议"], ["P3", "无此单位", "x"]]
    )
    with bad.open("rb") as stream:
        refused = alice.post(f"{base}/import", {"file": stream}, headers=ZH, follow=True)
    assert "错表.xlsx，第 2 行，B 列（被评单位）" in refused.content.decode()
    page = _page(alice, f"{base}/")
    assert 'id="sum-L1"' in page and "待梳理" in page
    p1, p2 = Opinion.objects.get(form_no="P1"), Opinion.objects.get(form_no="P2")
    alice.post(f"{base}/u/L1/{p1.pk}/sort", {"category": "efficiency", "unit": "L1"})
    alice.post(f"{base}/u/L1/fold", {"into": p1.pk, "fold": [p2.pk], "how": "merged",
                                     "wording": "窗口排队时间过长"})  # fmt: skip
    assert _page(alice, f"{base}/u/L1/").count("已合并") >= 1
    early = alice.post(f"{base}/u/L1/feedback", {"summary": "汇总", "send": "1"}, headers=ZH,
                       follow=True)  # fmt: skip
    assert "请先结束意见征集" in early.content.decode()
    alice.post(f"{base}/close")
    alice.post(f"{base}/u/L1/feedback", {"summary": "共2条，集中在窗口排队", "send": "1"})
    assert OpinionFeedback.objects.get(unit=cast.l1).status == "fed_back"
    mine = _page(olga, f"{unit}/")
    assert "窗口排队时间过长" in mine and "共2条，集中在窗口排队" in mine
    assert "排队时间长" not in mine.replace("窗口排队时间过长", "")  # the merged one's own text
    olga.post(f"{unit}/opinions/{p1.pk}/answer", {"measures": "增设两个窗口"})
    olga.post(f"{unit}/rectification", {"text": "整改报告全文"})
    alice.post(f"{unit}/rectification/receive")
    assert RectificationReport.objects.get(unit=cast.l1).status == stage_rules.RECEIVED
    board = _page(alice, f"/staff/c/{cast.campaign.code}/stages/")
    assert 'data-kind="opinions" data-state="done"' in board
    assert "整改报告已收悉" not in board  # the badge says done; the audit label is elsewhere
    export = alice.get(f"{base}/export")
    (tmp_path / "e.xlsx").write_bytes(export.content)
    book = load_workbook(tmp_path / "e.xlsx")
    assert [c.value for c in book["意见汇总"][2]][:5] == ["L1", "组织部", 2, 1, 1]


def test_a_unit_reads_nothing_before_feedback_through_the_api(cast: Cast) -> None:
    _collecting_today(cast)
    code = opinion_codes_issue(campaign=cast.campaign, count=1, actor=Actor.of(cast.alice)).codes[0]
    body = json.dumps({"token": code, "opinions": {"L1": "意见"}})
    sent = Client().post("/api/opinion-forms", body, content_type="application/json")
    assert (sent.status_code, sent.json()) == (201, {"opinions": 1})
    url = f"/api/campaigns/{cast.campaign.code}/units/L1/opinions"
    assert _client(cast.olga).get(url).status_code == 403
    assert _client(cast.paul).get(url).status_code == 404
    listing = _client(cast.alice).get(f"/api/campaigns/{cast.campaign.code}/opinions").json()
    assert listing["opinions"] == []  # still in the mixing pool
    _client(cast.alice).post(f"/api/campaigns/{cast.campaign.code}/opinions/close")
    listing = _client(cast.alice).get(f"/api/campaigns/{cast.campaign.code}/opinions").json()
    assert [o["text"] for o in listing["opinions"]] == ["意见"]


def test_the_cli_imports_paper_forms_and_exports_the_summaries(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _xlsx(tmp_path / "bad.xlsx", [["表号", "被评单位", "意见和建议"], ["P1", "L1", ""]])
    with pytest.raises(SystemExit) as failed:
        main(["opinions", "import", cast.campaign.code, str(bad)])
    assert failed.value.code != 0
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "C" in err and "意见和建议" in err
    good = _xlsx(tmp_path / "good.xlsx", [["表号", "被评单位", "意见和建议"], ["P1", "L1", "慢"],
                                          ["P2", "V1", "态度差"]])  # fmt: skip
    assert main(["opinions", "import", cast.campaign.code, str(good)]) == 0
    assert main(["opinions", "import", cast.campaign.code, str(good)]) == 0
    out = capsys.readouterr().out
    assert "imported 2 opinions, rejected 0 rows" in out or "导入意见 2 条，拒绝 0 行" in out
    assert Opinion.objects.count() == 2
    target = tmp_path / "summaries.xlsx"
    assert main(["opinions", "export", cast.campaign.code, "--xlsx", str(target), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(u["code"], u["received"]) for u in data["units"]] == [("L1", 1), ("L2", 0), ("V1", 1),
                                                                   ("F1", 0)]  # fmt: skip
    rows = list(load_workbook(target)["意见明细"].iter_rows(values_only=True))
    assert rows[0] == ("单位编码", "类别", "状态", "意见", "反馈措辞", "整改措施", "答复日期")
    assert sorted(r[3] for r in rows[1:]) == ["态度差", "慢"]


def test_the_office_downloads_codes_once_and_each_opens_the_form(cast: Cast) -> None:
    _collecting_today(cast)
    url = f"/staff/c/{cast.campaign.code}/opinions/codes"
    response = _client(cast.alice).post(url, {"count": "3"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "序号,意见表代码" and len(lines) == 4
    code = lines[1].split(",")[1]
    form = Client(headers=ZH).post("/o/", {"code": code}, headers=ZH)
    assert form.status_code == 200 and 'name="op_L1"' in form.content.decode()
    assert _client(cast.bob).post(url, {"count": "3"}).status_code == 403  # a viewer


def test_the_owner_is_told_which_fed_back_opinions_await_measures(cast: Cast) -> None:
    from pingyi.inputs.opinion_files import PaperOpinion, PaperOpinions
    from pingyi.office.todo import todos_for
    from pingyi.stages.opinion_services import (
        feedback_save,
        opinion_answer,
        opinion_sort,
        opinions_close,
        opinions_import,
    )

    alice = Actor.of(cast.alice)
    rows = [PaperOpinion(2, "P1", "L1", "law", "执法不规范"), PaperOpinion(3, "P2", "L1", "", "慢")]
    opinions_import(campaign=cast.campaign, paper=PaperOpinions("p.xlsx", rows), actor=alice)
    for opinion in Opinion.objects.select_related("unit", "campaign"):
        opinion_sort(opinion=opinion, category="law", actor=alice)
    opinions_close(campaign=cast.campaign, actor=alice)
    today = dt.date(2026, 7, 2)

    def texts() -> list[str]:
        return [t.text for t in todos_for(cast.olga, today=today) if "反馈意见" in t.text]

    with translation_zh():
        assert texts() == []
        feedback_save(unit=cast.l1, summary="汇总", send=True, actor=alice)
        assert texts() == ["组织部：2 条反馈意见待答复整改措施"]
        opinion_answer(opinion=Opinion.objects.get(form_no="P1"), measures="规范执法",
                       actor=Actor.of(cast.olga))  # fmt: skip
        assert texts() == ["组织部：1 条反馈意见待答复整改措施"]


def translation_zh() -> Any:
    from django.utils import translation

    return translation.override("zh-hans")
