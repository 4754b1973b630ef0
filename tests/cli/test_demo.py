"""`pingyi demo`, the job `make run` shows: both processes of the seeds, built once."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_campaign_cli import pingyi, pingyi_process
from tests.database import migrated_home

# One worker runs the whole module, and builds the demo once: the fixture is the session's, as
# the module's was set up twice in the parallel, shuffled run (its tests run apart there).
pytestmark = [pytest.mark.own_database, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = migrated_home(tmp_path_factory.mktemp("demo-home"))
    code, out, err = pingyi_process(home, "demo", "--out", home / "demo")
    assert code == 0, err
    return home, out


def test_the_demo_prints_both_years_and_the_grading_round(demo: tuple[Path, str]) -> None:
    _home, out = demo
    assert "== 2025年市千人评议机关活动 (qianren-demo-2025)" in out
    assert "== 2026年市千人评议机关活动 (qianren-demo-2026)" in out
    assert "last two years running: 城管执法局(45)" in out
    assert "== 2026年基层党组织分类定级（演示） (demo-office-grading-2026)" in out
    # the six stages: 2026's public page with the pledges the office approved (demo/stages.py)
    assert "2026年市千人评议机关活动: public page /c/qianren-demo-2026/, 63 service pledges" in out
    # 集中整改's end: the satisfaction survey on the three units that reported (demo/stages.py)
    assert "the satisfaction survey on the rectification: 市委办公室 91.67%、" in out
    # nominations under the demo clean-up's kept project, on notice (demo/nominations.py)
    assert "== 2026年“人民满意的公务员”推荐评选（演示） (demo-myd-2026)" in out
    assert "市税务局: 3 of 2, grassroots 33.3%, approved over its quota、" in out
    assert "public notice /nominations/demo-myd-2026/" in out
    # 2026's results on public notice, one objection answered (demo/notices.py)
    assert "2026年市千人评议机关活动: on public notice until " in out
    assert "at /notice/qianren-demo-2026/" in out
    # disclosure: a matter phase by phase, two phases published (demo/disclosure.py)
    assert "phases 决策前 2026-03-06、执行中 2026-04-14、结果 —" in out
    counts = next(line for line in out.splitlines() if line.strip().startswith("好 "))
    assert sum(int(n) for n in counts.split()[1::2]) == 38  # every organization graded


def test_the_demo_writes_every_report(demo: tuple[Path, str]) -> None:
    home, _out = demo
    folder = home / "demo"
    for name in ("results-2026.json", "results-2026.xlsx", "ballot-form.pdf", "grading-2026.pdf",
                 "nominations-2026.xlsx"):  # fmt: skip
        assert (folder / name).stat().st_size > 0, name
    assert json.loads((folder / "results-2026.json").read_text("utf-8"))["ballots"]["total"] == 1000
    workbook = openpyxl.load_workbook(folder / "grading-2026.xlsx", read_only=True)
    assert workbook.sheetnames[:2] == ["汇总表", "明细表"]


def test_a_second_run_finds_what_it_built(demo: tuple[Path, str]) -> None:
    home, out = demo  # built by the installed command; run again in this process
    code, again, err = pingyi(home, "demo", "--out", home / "demo")
    assert code == 0, err
    assert again == out
