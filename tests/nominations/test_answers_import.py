"""Opinions filed on the notice of nominees are answered by the office, once, and read back by
their filer with the tracking code; the round closes only with every opinion answered. A unit
imports its list from the template (file, row, column letter and field in every error),
through the service, the page and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.cli import main
from pingyi.inputs.nominee_files import read_nominees
from pingyi.nominations import services as s
from pingyi.nominations.models import Nominee, Opinion
from pingyi.nominations.selectors import opinion_by_tracking
from pingyi.nominations.workbook import TEMPLATE_SHEET, write_nominee_template
from pingyi.rules import notice as notice_rules
from pingyi.rules.errors import InputError, RuleError
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.nominations.conftest import SYSTEM, Cast, person
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
WORDS = FIXTURE_WORDS | {"uma", "cora", "victor", "town", "county", "dept"}
HEADER = ["姓名", "工作单位", "职务（岗位）", "职级", "基层一线", "单位领导", "主要事迹"]


def _on_notice(cast: Cast, now: dt.datetime | None = None) -> Nominee:
    s.nominee_add(unit=cast.department, spec=person("孙七"), actor=cast.actor("victor"))
    slate = s.slate_submit(unit=cast.department, actor=cast.actor("victor"))
    s.slate_approve(slate=slate, actor=cast.actor("alice"))
    s.notice_publish(round_=cast.round, actor=cast.actor("alice"), now=now)
    return Nominee.objects.get(slate=slate)  # read again: the round is on notice now


def _filed(cast: Cast, text: str = "该同志不在一线") -> s.FiledOpinion:
    nominee = _on_notice(cast, dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC))
    return s.opinion_file(nominee=nominee, text=text, actor=SYSTEM,
                          now=dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC))  # fmt: skip


def test_the_office_answers_once_and_the_filer_reads_it_by_the_tracking_code(cast: Cast) -> None:
    filed = _filed(cast)
    opinion = filed.opinion
    assert opinion.digest and filed.tracking_code.replace("-", "") not in opinion.digest
    assert opinion_by_tracking(filed.tracking_code) == opinion
    assert opinion_by_tracking(filed.tracking_code.lower().replace("-", " ")) == opinion
    assert opinion_by_tracking("AAAA-BBBB-CCCC") is None and opinion_by_tracking("x") is None
    for who in ("uma", "victor", "bob", "charlie"):  # units, a viewer, another office
        with pytest.raises(AccessDenied):
            s.opinion_answer(opinion=opinion, answer="已核实", actor=cast.actor(who))
    with pytest.raises(RuleError):  # an empty answer
        s.opinion_answer(opinion=opinion, answer="  ", actor=cast.actor("alice"))
    s.opinion_answer(opinion=opinion, answer="经核实，该同志长期在窗口一线工作",
                     actor=cast.actor("alice"))  # fmt: skip
    read = opinion_by_tracking(filed.tracking_code)
    assert read is not None and read.status == notice_rules.ANSWERED
    assert (read.answer, read.answered_by) == ("经核实，该同志长期在窗口一线工作", "alice")
    with pytest.raises(RuleError) as again:  # an answer is final, as an objection's
        s.opinion_answer(opinion=opinion, answer="改口", actor=cast.actor("erin"))
    assert again.value.template == notice_rules.E_OBJECTION_MOVE
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("nominations.opinion.answered") == 1


def test_the_round_closes_only_with_every_opinion_answered_and_then_no_answer_changes(
    cast: Cast,
) -> None:
    filed = _filed(cast)
    after = dt.datetime(2026, 4, 9, 9, tzinfo=dt.UTC)
    with pytest.raises(RuleError) as refused:
        s.round_close(round_=cast.round, actor=cast.actor("alice"), now=after)
    assert refused.value.template == s.E_UNANSWERED
    s.opinion_answer(opinion=filed.opinion, answer="已核实", actor=cast.actor("alice"))
    s.round_close(round_=cast.round, actor=cast.actor("alice"), now=after)
    second = Opinion.objects.create(round=cast.round, nominee=filed.opinion.nominee, text="迟到",
                                    filed_on=dt.date(2026, 4, 7))  # fmt: skip
    with pytest.raises(RuleError) as closed:
        s.opinion_answer(opinion=second, answer="已核实", actor=cast.actor("alice"))
    assert closed.value.template == s.E_OPINION_CLOSED


def test_the_pages_answer_and_read_back_in_chinese(cast: Cast) -> None:
    url = f"/nominations/{cast.round.code}/"
    nominee = _on_notice(cast)
    filing = client_for(None).post(url, {"nominee": nominee.pk, "text": "事迹有出入",
                                         "contact": ""}, headers=ZH)  # fmt: skip
    page = filing.content.decode()
    assert filing.status_code == 201 and "意见已提交" in page
    assert english_left(page, WORDS) == []
    code = page.split('id="tracking">')[1].split("<")[0]
    opinion = Opinion.objects.get()
    office = f"/staff/nominations/{cast.round.code}/"
    page = client_for(cast.alice).get(office, headers=ZH).content.decode()
    assert f'id="answer-form-{opinion.pk}"' in page and english_left(page, WORDS) == []
    assert 'id="answer-form-' not in client_for(cast.bob).get(office, headers=ZH).content.decode()
    landing = client_for(cast.alice).get("/staff/", headers=ZH).content.decode()
    assert "公示期间反映的意见有 1 条待答复" in landing  # the office's to-do
    answer = f"{office}opinions/{opinion.pk}/answer"
    assert client_for(cast.bob).post(answer, {"answer": "x"}, headers=ZH).status_code == 403
    client_for(cast.alice).post(answer, {"answer": "经核实，事迹属实"}, headers=ZH)
    tracked = client_for(None).post("/nominations/track", {"code": code}, headers=ZH)
    page = tracked.content.decode()
    assert "经核实，事迹属实" in page and "已答复" in page and english_left(page, WORDS) == []
    assert tracked["Cache-Control"] == "no-store"
    assert "反映的意见有" not in client_for(cast.alice).get("/staff/", headers=ZH).content.decode()
    wrong = client_for(None).post("/nominations/track", {"code": "AAAA-BBBB-CCCC"}, headers=ZH)
    assert 'id="result"' in wrong.content.decode()


# --------------------------------------------------------------------------- import


def _filled(path: Path, rows: list[list[object]], *, header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = [["张三", "某镇便民服务中心", "窗口工作人员", "一般干部职工", "是", "否", "服务群众"],
        ["李四", "某镇人民政府", "镇长", "科级", "否", "是", ""],
        ["王五", "某镇卫生院", "医生", "一般干部职工", "是", "", ""]]  # fmt: skip


def test_the_template_reads_back_and_a_filled_one_replaces_the_draft_list(
    cast: Cast, tmp_path: Path
) -> None:
    template = tmp_path / "t.xlsx"
    write_nominee_template(template, unit_name="某某镇")
    sheet = openpyxl.load_workbook(template)[TEMPLATE_SHEET]
    assert [c.value for c in sheet[1]] == HEADER
    with pytest.raises(InputError):  # the empty template holds no nominee
        read_nominees(template, "t.xlsx")
    s.nominee_add(unit=cast.town, spec=person("旧名单"), actor=cast.actor("uma"))
    report = s.nominees_import_file(unit=cast.town, path=_filled(tmp_path / "f.xlsx", GOOD),
                                    label="名单.xlsx", actor=cast.actor("uma"))  # fmt: skip
    assert (report.imported, report.replaced) == (3, 1)
    names = list(cast.town.slate.nominees.values_list("name", "rank", "grassroots", "leader"))
    assert names == [("张三", "staff", True, False), ("李四", "section", False, True),
                     ("王五", "staff", True, False)]  # fmt: skip
    entry = AuditEntry.objects.filter(action="nominations.slate.imported").get()
    assert entry.data["nominees"] == 3 and len(entry.data["sha256"]) == 64


def test_a_bad_file_is_refused_whole_naming_file_row_column_and_field(
    cast: Cast, tmp_path: Path
) -> None:
    bad = [["张三", "某镇便民服务中心", "窗口工作人员", "处长级", "是", "否", ""],
           ["", "某镇人民政府", "镇长", "科级", "否", "是", ""],
           ["王五", "某镇卫生院", "院长", "科级", "是", "是", ""],
           ["赵六", "某镇", "医生", "科级", "也许", "否", ""]]  # fmt: skip
    with pytest.raises(InputError) as refused:
        s.nominees_import_file(unit=cast.town, path=_filled(tmp_path / "b.xlsx", bad),
                               label="名单.xlsx", actor=cast.actor("uma"))  # fmt: skip
    places = [(p.where.file, p.where.row, p.where.column, p.where.field)
              for p in refused.value.problems]  # fmt: skip
    assert places == [("名单.xlsx", 2, "D", "职级"), ("名单.xlsx", 3, "A", "姓名"),
                      ("名单.xlsx", 4, "F", "单位领导"),
                      ("名单.xlsx", 5, "E", "基层一线")]  # fmt: skip
    assert cast.town.slate.nominees.count() == 0
    with pytest.raises(InputError) as header:
        read_nominees(_filled(tmp_path / "h.xlsx", [row[:4] for row in GOOD],
                              header=["姓名", "单位", "职务", "职级"]), "h.xlsx")  # fmt: skip
    messages = header.value.messages()
    assert any(p.where.column == "B" for p in header.value.problems), messages
    assert "missing column '工作单位'" in " ".join(messages)  # named as the template heads it


def test_only_the_units_member_imports_and_only_while_the_list_may_change(
    cast: Cast, tmp_path: Path
) -> None:
    path = _filled(tmp_path / "f.xlsx", GOOD)
    for who in ("cora", "alice", "victor"):  # the level above, the office, another unit
        with pytest.raises(AccessDenied):
            s.nominees_import_file(unit=cast.town, path=path, label="f.xlsx",
                                   actor=cast.actor(who))  # fmt: skip
    s.nominees_import_file(unit=cast.town, path=path, label="f.xlsx", actor=cast.actor("uma"))
    s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    with pytest.raises(RuleError):  # submitted: the list stays as it went up
        s.nominees_import_file(unit=cast.town, path=path, label="f.xlsx", actor=cast.actor("uma"))
    assert cast.town.slate.nominees.count() == 3


def test_the_page_downloads_the_template_and_imports_with_the_errors_in_chinese(
    cast: Cast, tmp_path: Path
) -> None:
    url = f"/staff/nominations/{cast.round.code}/u/town/"
    page = client_for(cast.uma).get(url, headers=ZH).content.decode()
    assert 'id="import-form"' in page and english_left(page, WORDS) == []
    download = client_for(cast.uma).get(url + "template.xlsx", headers=ZH)
    assert download.status_code == 200
    assert client_for(cast.cora).get(url + "template.xlsx", headers=ZH).status_code == 403
    bad = _filled(tmp_path / "b.xlsx", [["张三", "某镇", "医生", "处长级", "是", "否", ""]])
    with bad.open("rb") as stream:
        response = client_for(cast.uma).post(url + "import", {"file": stream}, headers=ZH,
                                             follow=True)  # fmt: skip
    page = response.content.decode()
    assert "第 2 行" in page or "第2行" in page, page
    assert "D 列" in page or "D列" in page
    good = _filled(tmp_path / "g.xlsx", GOOD)
    with good.open("rb") as stream:
        response = client_for(cast.uma).post(url + "import", {"file": stream}, headers=ZH,
                                             follow=True)  # fmt: skip
    page = response.content.decode()
    assert "王五" in page and english_left(page, WORDS) == []
    with good.open("rb") as stream:
        assert client_for(cast.cora).post(url + "import", {"file": stream}).status_code == 403


def run(*args: str | Path) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_the_cli_writes_the_template_imports_for_as_and_answers(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.xlsx"
    assert run("nominations", "template", "--round", cast.round.code, "--unit", "town",
               "--out", out) == 0  # fmt: skip
    assert [c.value for c in openpyxl.load_workbook(out)[TEMPLATE_SHEET][1]] == HEADER
    path = _filled(tmp_path / "f.xlsx", GOOD)
    assert run("nominations", "import", "--round", cast.round.code, "--unit", "town",
               "--file", path, "--as", "cora") != 0  # fmt: skip
    assert "cora" in (err := capsys.readouterr().err) and "不具备所需角色" in err, err
    assert run("nominations", "import", "--round", cast.round.code, "--unit", "town",
               "--file", path, "--as", "uma") == 0  # fmt: skip
    assert cast.town.slate.nominees.count() == 3
    filed = _filed(cast)
    capsys.readouterr()
    assert run("nominations", "opinions", "--round", cast.round.code) == 0
    assert "该同志不在一线" in capsys.readouterr().out
    assert run("nominations", "answer", "--round", cast.round.code, "--opinion",
               str(filed.opinion.pk), "--answer", "已核实", "--as", "alice") == 0  # fmt: skip
    filed.opinion.refresh_from_db()
    assert (filed.opinion.answer, filed.opinion.answered_by) == ("已核实", "alice")
