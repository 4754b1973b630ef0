"""The database commands end to end, as an office would run them (a fresh SQLite home).

The commands run in this process on the home's SQLite file (call_pingyi_at): a `pingyi`
process costs some three seconds of a core. One test per command family (campaign, ballots,
results, verify) runs the installed command in a process of its own (``pingyi_process``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import call_pingyi_at, run_pingyi
from tests.database import migrated_home

# One worker runs the whole module: its module-scoped fixture is set up once.
pytestmark = [pytest.mark.own_database, pytest.mark.xdist_group("campaign-cli")]

UNITS = (
    "code,name,category,veto\n"
    "L1,组织部,地方管理部门,\nL2,宣传部,地方管理部门,是\nV1,国税局,垂直管理部门,\n"
)
BALLOTS = (
    "ballot_no,group,L1,L2,V1\n"
    "1,服务对象,满意,基本满意,不满意\n"
    "2,干部和各界代表,满意,满意,\n"
    "3,服务对象,弃权,,\n"
    "4,服务对象,不满意,满意,满意\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_home(tmp_path_factory.mktemp("home"))


def pingyi(home: Path, *args: str | Path) -> tuple[int, str, str]:
    """`pingyi ARGS` on the installation at ``home``, in this process."""
    done = call_pingyi_at(home, *args)
    return done.returncode, done.stdout, done.stderr


def pingyi_process(home: Path, *args: str | Path) -> tuple[int, str, str]:
    """`pingyi ARGS` on the installation at ``home``, the installed command in a process."""
    done = run_pingyi(*args, env={"PINGYI_HOME": str(home), "PINGYI_DATABASE_URL": ""})
    return done.returncode, done.stdout, done.stderr


def open_campaign(home: Path, tmp_path: Path, series: str) -> str:
    """Creates and opens the campaign SERIES-2026 from UNITS; returns its code."""
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    code = f"{series}-2026"
    for args in (
        (
            "campaign",
            "create",
            "--units",
            tmp_path / "units.csv",
            "--year",
            "2026",
            "--code",
            code,
            "--series",
            series,
        ),
        ("campaign", "open", code),
    ):
        assert pingyi(home, *args)[0] == 0
    return code


def ballot_count(home: Path) -> int:
    with sqlite3.connect(home / "pingyi.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM ballots_ballot").fetchone()[0])


def test_results_from_the_database_equal_tally_on_the_same_files(
    home: Path, tmp_path: Path
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    more = "".join(f"{n},干部和各界代表,基本满意,不满意,满意\n" for n in range(5, 13))
    (tmp_path / "ballots.csv").write_text(BALLOTS + more, encoding="utf-8")
    assert (
        pingyi(
            home,
            "campaign",
            "create",
            "--units",
            tmp_path / "units.csv",
            "--year",
            "2026",
            "--code",
            "same-2026",
            "--series",
            "same",
        )[0]
        == 0
    )
    assert pingyi(home, "campaign", "open", "same-2026")[0] == 0
    code, out, _ = pingyi(
        home, "ballots", "import", "--campaign", "same-2026", tmp_path / "ballots.csv"
    )
    assert code == 0 and "imported 12, rejected 0" in out
    assert pingyi(home, "campaign", "close", "same-2026")[0] == 0
    assert (
        pingyi(home, "results", "--campaign", "same-2026", "--json", tmp_path / "db.json")[0] == 0
    )
    assert (
        pingyi(
            home,
            "tally",
            "--units",
            tmp_path / "units.csv",
            "--ballots",
            tmp_path / "ballots.csv",
            "--json",
            tmp_path / "file.json",
        )[0]
        == 0
    )
    stored = json.loads((tmp_path / "db.json").read_text("utf-8"))
    direct = json.loads((tmp_path / "file.json").read_text("utf-8"))
    assert stored == direct


def test_reimporting_a_file_adds_nothing_and_says_so(home: Path, tmp_path: Path) -> None:
    (tmp_path / "ballots.csv").write_text(BALLOTS, encoding="utf-8")
    open_campaign(home, tmp_path, "twice")
    before = ballot_count(home)
    _, first, _ = pingyi(
        home, "ballots", "import", "--campaign", "twice-2026", tmp_path / "ballots.csv"
    )
    middle = ballot_count(home)
    code, second, _ = pingyi(
        home, "ballots", "import", "--campaign", "twice-2026", tmp_path / "ballots.csv"
    )
    assert "imported 4, rejected 0" in first and middle - before == 4
    assert code == 0 and "imported 0, rejected 4" in second and ballot_count(home) == middle
    assert "ballots.csv, row 2: rejected: ballot number '1' was already imported" in second


def test_a_bad_file_changes_nothing_in_the_database(home: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(BALLOTS + "5,服务对象,很好,满意,满意\n", encoding="utf-8")
    open_campaign(home, tmp_path, "bad")
    before = ballot_count(home)
    code, _, err = pingyi_process(
        home, "ballots", "import", "--campaign", "bad-2026", tmp_path / "bad.csv"
    )
    assert code == 1
    assert "bad.csv, row 6, column C (L1): unknown mark '很好'" in err
    assert "Traceback" not in err
    assert ballot_count(home) == before


def test_results_are_refused_while_the_campaign_is_open(home: Path, tmp_path: Path) -> None:
    open_campaign(home, tmp_path, "open")
    code, _, err = pingyi_process(
        home, "results", "--campaign", "open-2026", "--json", tmp_path / "r.json"
    )
    assert code == 1 and "no results while the campaign is open" in err
    assert not (tmp_path / "r.json").exists()


def test_verify_reports_an_intact_chain_then_names_a_tampered_entry(
    home: Path, tmp_path: Path
) -> None:
    open_campaign(home, tmp_path, "audit")
    code, out, _ = pingyi_process(home, "verify")
    assert code == 0 and out.startswith("audit chain intact:")
    with sqlite3.connect(home / "pingyi.sqlite3") as db:
        seq, actor = db.execute("SELECT max(seq), actor FROM audit_auditentry").fetchone()
        db.execute("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = ?", (seq,))
    code, out, _ = pingyi(home, "verify")
    with sqlite3.connect(home / "pingyi.sqlite3") as db:
        db.execute("UPDATE audit_auditentry SET actor = ? WHERE seq = ?", (actor, seq))
    assert (
        code == 1
        and out.splitlines()[0] == f"audit chain BROKEN at entry #{seq}: its content was changed"
    )
    assert pingyi(home, "verify")[0] == 0


def test_verify_names_the_lane_of_a_forged_cast_entry(home: Path, tmp_path: Path) -> None:
    open_campaign(home, tmp_path, "lanes")
    with sqlite3.connect(home / "pingyi.sqlite3") as db:
        db.execute(
            "INSERT INTO audit_laneentry (lane, seq, at, actor, action, object_type, object_id,"
            " data, prev_hash, hash) VALUES (3, 1, '2026-11-22 08:00:00', 'evaluator',"
            " 'ballot.cast', '', '', '{}', ?, ?)",
            ("0" * 64, "f" * 64),
        )
    code, out, _ = pingyi(home, "verify")
    assert code == 1
    assert (
        out.splitlines()[0] == "audit chain BROKEN in lane 3 at entry #1: its content was changed"
    )


def test_an_unknown_campaign_is_a_clear_refusal(home: Path) -> None:
    code, _, err = pingyi_process(home, "campaign", "open", "nope-1999")
    assert code == 1
    assert (
        err.strip() == "pingyi: error: no campaign 'nope-1999'; `pingyi campaign list` shows them"
    )


def test_a_drafts_criteria_come_from_a_scheme_file_and_are_frozen_once_open(
    home: Path, tmp_path: Path
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    create = ("campaign", "create", "--units", tmp_path / "units.csv", "--year", "2026")
    assert pingyi(home, *create, "--code", "crit-2026", "--series", "crit")[0] == 0
    code, out, _ = pingyi(home, "campaign", "criteria", "crit-2026")
    assert code == 0 and out.splitlines()[0].startswith("1. 比依法行政：看执政为民")
    (tmp_path / "scheme.toml").write_text(
        '[[criteria]]\nname = "比服务态度"\ndescription = "看窗口服务热情不热情。"\n',
        encoding="utf-8",
    )
    mine = ("campaign", "criteria", "crit-2026", "--scheme", tmp_path / "scheme.toml")
    code, out, _ = pingyi(home, *mine)
    assert code == 0 and out.strip() == "1. 比服务态度：看窗口服务热情不热情。"
    assert pingyi(home, "campaign", "open", "crit-2026")[0] == 0
    code, _, err = pingyi(home, *mine)
    assert code == 1 and err.strip()
    assert pingyi(home, "campaign", "criteria", "crit-2026")[1].count("比服务态度") == 1
