"""`pingyi notice publish|finalize` and `pingyi digest`, as an office runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_pingyi
from tests.database import migrated_home

pytestmark = pytest.mark.own_database

UNITS = (
    "code,name,category\nL1,组织部,地方管理部门\nL2,宣传部,地方管理部门\nV1,国税局,垂直管理部门\n"
)
BALLOTS = "ballot_no,L1,L2,V1\n" + "".join(f"{i},满意,不满意,基本满意\n" for i in range(1, 9))


def _pingyi(home: Path, *args: str | Path) -> tuple[int, str, str]:
    done = run_pingyi(*args, env={"PINGYI_HOME": str(home), "PINGYI_DATABASE_URL": ""})
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
def test_publish_then_finalize_waits_for_the_period_and_digest_runs(tmp_path: Path) -> None:
    home = migrated_home(tmp_path / "home")
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "ballots.csv").write_text(BALLOTS, encoding="utf-8")
    for args in (
        ("campaign", "create", "--units", tmp_path / "units.csv", "--year", "2026",
         "--code", "q-2026"),
        ("campaign", "open", "q-2026"),
        ("ballots", "import", "--campaign", "q-2026", tmp_path / "ballots.csv"),
        ("campaign", "close", "q-2026"),
    ):  # fmt: skip
        code, _out, err = _pingyi(home, *args)
        assert code == 0, err
    code, out, err = _pingyi(home, "notice", "publish", "--campaign", "q-2026", "--days", "2")
    assert code == 0, err
    assert out.startswith("q-2026 is on public notice until ")
    code, out, err = _pingyi(home, "notice", "finalize", "q-2026")
    assert code == 1 and "the notice period runs until" in err and "cannot become final yet" in err
    assert _pingyi(home, "notice", "finalize", "nope")[2] == "pingyi: error: no notice 'nope'\n"
    code, out, err = _pingyi(home, "digest", "--today", "2026-07-01")
    assert (code, out) == (0, "digest sent to 0 people\n"), err
    code, out, _err = _pingyi(home, "verify")
    assert code == 0 and out.startswith("audit chain intact")
