"""`pingyi registry template|import|stats`, run in-process on the test database."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pingyi.cli import main
from pingyi.registry.models import Project
from tests.registry.conftest import Cast

pytestmark = pytest.mark.django_db

FORM = (
    "项目名称,主办单位,主办单位系统,级别,周期,评选对象,依据类别,依据文件名称及文号,收费\n"
    "优秀党员评选,市委组织部,党委,市级,每年,党员,中央文件,中发〔2000〕1号,否\n"
    "党建示范点评比,市委组织部,党委,市级,每年,党组织,无,,是\n"
)


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def run(*args: str | Path) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_import_a_form_then_a_self_check_table_and_report_the_statistics(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = tmp_path / "form.csv"
    form.write_text(FORM, encoding="utf-8")
    code = cast.cleanup.code
    assert run("registry", "import", "--cleanup", code, "--unit", "zzb", form) == 0
    assert capsys.readouterr().out == "registered 2 projects\n"
    template = tmp_path / "self-check.xlsx"
    assert run("registry", "template", "--cleanup", code, "--kind", "stats", "--unit", "zzb",
               "--out", template) == 0  # fmt: skip
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    assert [sheet["A2"].value, sheet["F2"].value, sheet["F3"].value] == [
        "优秀党员评选",
        "保留",
        "撤销",
    ]
    sheet["B2"], sheet["B3"] = "保留", "撤销"
    book.save(template)
    capsys.readouterr()
    assert run("registry", "import", "--cleanup", code, "--unit", "zzb", "--kind", "stats",
               template) == 0  # fmt: skip
    assert capsys.readouterr().out == "recorded 2 decisions\n"
    out = tmp_path / "stats.json"
    assert run("registry", "stats", "--cleanup", code, "--json", out) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"]["reduction_rate"] == "1/2"
    assert data["total"]["reduction_percent"] == "50.0%"
    assert data["total"]["target_met"] is False
    assert capsys.readouterr().out.splitlines()[-1] == (
        "total: registered 2, kept 1, merged 0, cancelled 1, reduction 50.0%"
    )


def test_a_bad_form_exits_1_with_every_problem_and_writes_nothing(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = tmp_path / "form.csv"
    form.write_text(FORM.replace("市级,每年,党员", "市里,每年,党员"), encoding="utf-8")
    assert run("registry", "import", "--cleanup", cast.cleanup.code, "--unit", "zzb", form) == 1
    assert capsys.readouterr().err == (
        f"pingyi: error: {form}, row 2, column D (级别): '市里' is not allowed; expected one "
        "of: 全国、省级、市级、县级、乡镇级\n"
    )
    assert not Project.objects.exists()


def test_an_unknown_clean_up_or_unit_is_named(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.xlsx"
    assert run("registry", "template", "--cleanup", "nope", "--out", out) == 1
    assert capsys.readouterr().err == "pingyi: error: no clean-up 'nope'\n"
    assert run("registry", "template", "--cleanup", cast.cleanup.code, "--kind", "stats",
               "--unit", "nope", "--out", out) == 1  # fmt: skip
    assert capsys.readouterr().err == "pingyi: error: the clean-up has no registering unit 'nope'\n"
    assert not out.exists()


def test_the_statistics_are_the_same_figures_from_the_cli_and_the_api(
    cast: Cast, tmp_path: Path
) -> None:
    """Issue 11: the CLI gave `"reduction_rate": null` where the API gave "" for a clean-up
    with nothing registered; both now read registry.selectors.stats_figures."""
    from django.test import Client

    out = tmp_path / "stats.json"
    assert run("registry", "stats", "--cleanup", cast.cleanup.code, "--json", out) == 0
    cli = json.loads(out.read_text(encoding="utf-8"))
    client = Client()
    client.force_login(cast.erin)
    api = client.get(f"/api/registry/cleanups/{cast.cleanup.code}/stats").json()
    assert (api["units"], api["total"]) == (cli["units"], cli["total"])
    assert cli["total"]["reduction_rate"] == ""


# ----------------------------------------------------------------- issue 15 item 7


def test_a_unit_with_a_chinese_code_is_added_and_imports_its_form(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cast.cleanup.code
    assert run("registry", "unit", "--cleanup", code, "--code", "省委-01", "--name", "省委") == 0
    assert capsys.readouterr().out == "added 省委 (省委-01)\n"
    form = tmp_path / "form.csv"
    form.write_text(FORM, encoding="utf-8")
    assert run("registry", "import", "--cleanup", code, "--unit", "省委-01", form) == 0
    assert cast.cleanup.units.get(code="省委-01").projects.count() == 2
    assert run("registry", "unit", "--cleanup", code, "--code", "省委 02", "--name", "x") == 1
    assert "use letters (Chinese too), digits, - or _" in capsys.readouterr().err


def test_the_deadlines_on_a_given_day_and_one_set_by_the_office(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cast.cleanup.code
    assert run("registry", "deadlines", "--cleanup", code, "--today", "2009-03-01") == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "self_check\t2009-02-28\toverdue\tself-check tables filed\t某某镇党委、市委组织部"
    )
    assert lines[1] == "initial_audit\t2009-03-06\tdue\tinitial audit opinion"
    out = tmp_path / "deadlines.json"
    assert run("registry", "deadlines", "--cleanup", code, "--round", "self_check", "--due",
               "2009-03-02", "--today", "2009-03-01", "--json", out) == 0  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8"))[0]["state"] == "due"
    assert capsys.readouterr().out.startswith("self_check\t2009-03-02\tdue\t")


def test_decide_in_bulk_exclude_attach_and_publish_below_the_target_with_a_reason(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cast.cleanup.code
    form = tmp_path / "form.csv"
    form.write_text(FORM + "公务员年度考核,市委组织部,党委,市级,每年,机关干部,中央文件,x,否\n",
                    encoding="utf-8")  # fmt: skip
    run("registry", "import", "--cleanup", code, "--unit", "zzb", form)
    kept, cancelled, staff = cast.cleanup.projects.order_by("id")
    assert run("registry", "exclude", "--cleanup", code, "--project", staff.pk,
               "--reason", "staff_assessment") == 0  # fmt: skip
    pdf = tmp_path / "依据.pdf"
    pdf.write_bytes(b"%PDF-1.4 x")
    assert run("registry", "basis", "--cleanup", code, "--project", kept.pk, "--title", "通知",
               "--number", "中发〔2000〕1号", "--issuer", "中共中央",
               "--file", pdf) == 0  # fmt: skip
    capsys.readouterr()
    # Keeping the one without a basis differs from its suggestion: refused, named, nothing kept.
    assert run("registry", "decide", "--cleanup", code, "--undecided", "--decision", "keep") == 1
    assert capsys.readouterr().err == (
        "pingyi: error: 党建示范点评比: the decision differs from the suggestion (撤销): "
        "record the reason\n"
    )
    assert run("registry", "decide", "--cleanup", code, "--project", kept.pk,
               "--decision", "keep") == 0  # fmt: skip
    assert run("registry", "decide", "--cleanup", code, "--undecided", "--decision", "cancel") == 0
    assert capsys.readouterr().out.splitlines() == ["recorded 1 decisions", "recorded 1 decisions"]
    for name in ("initial_audit", "joint_meeting", "higher_adjustment"):
        assert run("registry", "advance", "--cleanup", code, "--to", name) == 0
        if name != "higher_adjustment":
            assert run("registry", "decide", "--cleanup", code, "--undecided",
                       "--decision", "carry_over") == 0  # fmt: skip
    capsys.readouterr()
    # 1 of 2 in scope cancelled: 50 % against 70 %.
    assert run("registry", "advance", "--cleanup", code, "--to", "published") == 1
    assert capsys.readouterr().err == (
        "pingyi: error: the reduction rate 50.0% is below the target 70.0%: record the reason "
        "to publish\n"
    )
    assert run("registry", "advance", "--cleanup", code, "--to", "published",
               "--reason", "上级同意") == 0  # fmt: skip
    cast.cleanup.refresh_from_db()
    assert (cast.cleanup.round, cast.cleanup.publish_reason) == ("published", "上级同意")
    assert kept.documents.get().original_name == "依据.pdf"
    assert cancelled.decisions.count() == 3
