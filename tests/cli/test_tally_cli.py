"""`pingyi tally` end to end, as SPEC P1 "Files and the headless command" fixes it: the first
run in a subprocess, as the installed command; the others in this process (call_pingyi).

The JSON it writes is a contract that programs outside the project read; bad input must exit
non-zero with a message naming file, row and column, and leave no file behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import call_pingyi, run_pingyi

# One worker runs the whole module: its module-scoped fixture is set up once.
pytestmark = [pytest.mark.own_database, pytest.mark.xdist_group("tally-cli")]

UNITS_HEADER = ["code", "name", "category", "veto"]
# Deliberately not in category order: the JSON keeps this order. V1 is on no ballot.
UNITS_ROWS = [
    ["L6", "六局", "地方管理部门", ""],
    ["F1", "农商行", "金融部门", ""],
    ["L1", "一局", "地方管理部门", ""],
    ["L2", "二局", "地方管理部门", "是"],
    ["L3", "三局", "local", ""],
    ["L4", "四局", "地方", ""],
    ["L5", "五局", "地方管理部门", ""],
    ["L7", "七局", "地方管理部门", ""],
    ["V1", "税务局", "垂直管理部门", ""],
]
BALLOTS_HEADER = ["ballot_no", "group", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "F1"]
BALLOTS_ROWS = [
    ["1", "服务对象", "满意", "满意", "满意", "基本满意", "满意", "不满意", "不满意", "满意"],
    ["2", "服务对象", "满意", "满意", "基本满意", "基本满意", "不满意", "不满意", "不满意", ""],
    [
        "3",
        "干部和各界代表",
        "satisfied",
        "基本满意",
        "满意",
        "不满意",
        "弃权",
        "弃权",
        "不满意",
        "不满意",
    ],
    ["4", "service recipients", "", "", "弃权", "", "", "", "", ""],  # blank: invalid
]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "".join(",".join(row) + "\n" for row in [header, *rows])


def counts(s: int = 0, b: int = 0, d: int = 0, a: int = 0) -> dict[str, int]:
    return {"satisfied": s, "basically_satisfied": b, "dissatisfied": d, "abstain": a}


def unit_json(
    code: str,
    name: str,
    category: str,
    n: int,
    marks: dict[str, int],
    score: float,
    mean: float | None,
    rate: float | None,
    rank: int | None,
    flags: list[str],
) -> dict[str, Any]:
    return {
        "code": code, "name": name, "category": category, "valid_ballots": n, "counts": marks,
        "score": score, "mean_score": mean, "satisfaction_rate": rate, "rank": rank,
        "flags": flags,
    }  # fmt: skip


LOCAL = "地方管理部门"
WIN_RECTIFY = ["winner", "rectify"]
EXPECTED: dict[str, Any] = {
    "ballots": {"total": 4, "valid": 3, "invalid": [{"ballot_no": "4", "reason": "blank"}]},
    "units": [
        unit_json("L6", "六局", LOCAL, 3, counts(d=2, a=1), 0.5, 0.166667, 0.0, 6, WIN_RECTIFY),
        unit_json("F1", "农商行", "金融部门", 3, counts(s=1, d=1, a=1), 2.5, 0.833333, 0.333333,
                  1, WIN_RECTIFY),
        unit_json("L1", "一局", LOCAL, 3, counts(s=3), 6.0, 2.0, 1.0, 1, ["winner"]),
        unit_json("L2", "二局", LOCAL, 3, counts(s=2, b=1), 5.0, 1.666667, 1.0, 2, ["veto"]),
        unit_json("L3", "三局", "local", 3, counts(s=2, b=1), 5.0, 1.666667, 1.0, 2, ["winner"]),
        unit_json("L4", "四局", "地方", 3, counts(b=2, d=1), 2.0, 0.666667, 0.666667, 5,
                  WIN_RECTIFY),
        unit_json("L5", "五局", LOCAL, 3, counts(s=1, d=1, a=1), 2.5, 0.833333, 0.333333, 4,
                  WIN_RECTIFY),
        unit_json("L7", "七局", LOCAL, 3, counts(d=3), 0.0, 0.0, 0.0, 7, ["last"]),
        unit_json("V1", "税务局", "垂直管理部门", 0, counts(), 0.0, None, None, None,
                  ["no_ballots"]),
    ],
    "groups": [
        {"name": "服务对象", "ballots": 2, "share": 0.666667, "target_share": 0.6},
        {"name": "干部和各界代表", "ballots": 1, "share": 0.333333, "target_share": 0.4},
    ],
}  # fmt: skip


UNITS = csv_text(UNITS_HEADER, UNITS_ROWS)
BALLOTS = csv_text(BALLOTS_HEADER, BALLOTS_ROWS)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    inputs: Path  # the working folder, holding the input files
    out: Path  # the folder the outputs go to
    home: Path  # PINGYI_HOME: a headless run must not create it


def tally_run(
    folder: Path,
    *,
    units: str = "units.csv",
    ballots: str = "ballots.csv",
    files: Mapping[str, str | bytes] | None = None,
    args: Sequence[str] = (),
    xlsx: bool = False,
    process: bool = False,
) -> Run:
    """Runs `pingyi tally` in folder/in on units.csv and ballots.csv (or ``files`` over them).

    Outputs go to folder/out/results.json (and results.xlsx with ``xlsx``). With ``process``,
    the installed command in a subprocess; else in this process.
    """
    inputs, out, home = folder / "in", folder / "out", folder / "home"
    inputs.mkdir()
    out.mkdir(exist_ok=True)
    for name, content in {"units.csv": UNITS, "ballots.csv": BALLOTS, **(files or {})}.items():
        if isinstance(content, bytes):
            (inputs / name).write_bytes(content)
        else:
            (inputs / name).write_text(content, encoding="utf-8")
    command = ["tally", "--units", units, "--ballots", ballots, *args]
    command += ["--json", str(out / "results.json")]
    if xlsx:
        command += ["--xlsx", str(out / "results.xlsx")]
    run = run_pingyi if process else call_pingyi
    done = run(*command, cwd=inputs, env={"PINGYI_HOME": str(home)})
    return Run(done.returncode, done.stdout, done.stderr, inputs, out, home)


def written(run: Run) -> dict[str, Any]:
    assert run.returncode == 0, run.stderr
    data = json.loads((run.out / "results.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return tally_run(tmp_path_factory.mktemp("first"), process=True)


@pytest.fixture(scope="module")
def result(first: Run) -> dict[str, Any]:
    return written(first)


# --------------------------------------------------------------------------- a good run


def test_a_run_exits_zero_and_prints_a_one_line_summary(first: Run) -> None:
    assert first.returncode == 0, first.stderr
    assert first.stdout == "4 ballots, 3 valid; winners 6, last 1, rectify 4\n"
    assert first.stderr == ""


def test_the_json_has_exactly_the_contract_keys(result: dict[str, Any]) -> None:
    assert set(result) == {"ballots", "units", "groups"}
    assert set(result["ballots"]) == {"total", "valid", "invalid"}
    assert all(set(b) == {"ballot_no", "reason"} for b in result["ballots"]["invalid"])
    for unit in result["units"]:
        assert set(unit) == {
            "code", "name", "category", "valid_ballots", "counts", "score", "mean_score",
            "satisfaction_rate", "rank", "flags",
        }  # fmt: skip
        assert set(unit["counts"]) == {
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "abstain",
        }
        assert set(unit["flags"]) <= {
            "winner", "last", "rectify", "consecutive_last", "veto", "no_ballots"
        }  # fmt: skip
    assert all(set(g) == {"name", "ballots", "share", "target_share"} for g in result["groups"])


def test_the_json_types_match_the_contract(result: dict[str, Any]) -> None:
    for unit in result["units"]:
        assert type(unit["valid_ballots"]) is int
        assert type(unit["score"]) is float
        assert unit["mean_score"] is None or type(unit["mean_score"]) is float
        assert unit["satisfaction_rate"] is None or type(unit["satisfaction_rate"]) is float
        assert unit["rank"] is None or type(unit["rank"]) is int
        assert all(type(c) is int for c in unit["counts"].values())
    for group in result["groups"]:
        assert type(group["ballots"]) is int
        assert type(group["share"]) is float


def test_units_come_in_the_units_file_order(result: dict[str, Any]) -> None:
    assert [u["code"] for u in result["units"]] == [row[0] for row in UNITS_ROWS]


def test_the_json_holds_the_tally_with_rates_rounded_to_six_decimals(
    result: dict[str, Any],
) -> None:
    assert result == EXPECTED


def test_a_headless_run_writes_nothing_but_its_output(first: Run) -> None:
    assert sorted(os.listdir(first.out)) == ["results.json"]
    assert sorted(os.listdir(first.inputs)) == ["ballots.csv", "units.csv"]
    assert not first.home.exists()


def test_the_previous_campaign_makes_a_repeated_last_consecutive_last(
    first: Run, tmp_path: Path
) -> None:
    previous = (first.out / "results.json").read_text(encoding="utf-8")

    again = tally_run(tmp_path, files={"prev.json": previous}, args=["--previous", "prev.json"])

    flags = {u["code"]: u["flags"] for u in written(again)["units"]}
    expected = {u["code"]: u["flags"] for u in EXPECTED["units"]}
    assert flags == {**expected, "L7": ["last", "consecutive_last"]}


def test_last_in_the_previous_campaign_only_is_not_consecutive_last(tmp_path: Path) -> None:
    previous = json.dumps({"units": [{"code": "L6", "flags": ["last"]}, {"code": "L7"}]})

    again = tally_run(tmp_path, files={"prev.json": previous}, args=["--previous", "prev.json"])

    flags = {u["code"]: u["flags"] for u in written(again)["units"]}
    assert (flags["L6"], flags["L7"]) == (["winner", "rectify"], ["last"])


def test_a_scheme_file_changes_the_rules(tmp_path: Path) -> None:
    scheme = '[winners]\nlocal = 1\n"金融部门" = 0\n'

    run = tally_run(tmp_path, files={"scheme.toml": scheme}, args=["--scheme", "scheme.toml"])

    units = written(run)["units"]
    assert [u["code"] for u in units if "winner" in u["flags"]] == ["L1"]
    assert [u["code"] for u in units if "last" in u["flags"]] == ["F1", "L7"]


def workbook(folder: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """The rows as an .xlsx, digits as numbers and empty cells empty, as a clerk would type."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    path = folder / "book.xlsx"
    book.save(path)
    return path.read_bytes()


def test_xlsx_inputs_give_the_same_json(tmp_path: Path) -> None:
    files = {
        "units.xlsx": workbook(tmp_path, UNITS_HEADER, UNITS_ROWS),
        "ballots.xlsx": workbook(tmp_path, BALLOTS_HEADER, BALLOTS_ROWS),
    }

    run = tally_run(tmp_path, units="units.xlsx", ballots="ballots.xlsx", files=files)

    assert written(run) == EXPECTED


def test_xlsx_output_is_written_beside_the_json(tmp_path: Path) -> None:
    run = tally_run(tmp_path, xlsx=True)

    assert written(run) == EXPECTED
    assert sorted(os.listdir(run.out)) == ["results.json", "results.xlsx"]
    book = openpyxl.load_workbook(run.out / "results.xlsx", read_only=True)
    assert book.sheetnames != []


# --------------------------------------------------------------------------- bad input


def replace_cell(
    rows: Sequence[Sequence[str]], row: int, column: int, value: str
) -> list[list[str]]:
    """A copy of ``rows`` with one cell changed (row 0 is the first data row)."""
    copy = [list(r) for r in rows]
    copy[row][column] = value
    return copy


BAD_INPUTS: list[tuple[str, dict[str, str | bytes], list[str], str]] = [
    (
        "unknown-mark",
        {"ballots.csv": csv_text(BALLOTS_HEADER, replace_cell(BALLOTS_ROWS, 1, 3, "好"))},
        [],
        "ballots.csv, row 3, column D (L2): unknown mark '好'; "
        "expected 满意, 基本满意, 不满意, 弃权, "
        "satisfied, basically_satisfied, dissatisfied, abstain, or empty for abstain",
    ),
    (
        "duplicate-ballot-no",
        {"ballots.csv": csv_text(BALLOTS_HEADER, replace_cell(BALLOTS_ROWS, 2, 0, "1"))},
        [],
        "ballots.csv, row 4, column A (ballot_no): ballot number '1' repeats row 2",
    ),
    (
        "unit-column-not-in-units",
        {"ballots.csv": BALLOTS.replace(",F1\n", ",F9\n", 1)},
        [],
        "ballots.csv, row 1, column J (F9): 'F9' is not a unit code of the units file "
        "(nor ballot_no or group)",
    ),
    (
        "category-not-in-scheme",
        {"units.csv": csv_text(UNITS_HEADER, replace_cell(UNITS_ROWS, 1, 2, "银行"))},
        [],
        "units.csv, row 3, column C (category): category '银行' is not in the scheme; "
        "expected one of: 地方管理部门, 垂直管理部门, 金融部门",
    ),
    (
        "missing-ballot-no-column",
        {"ballots.csv": BALLOTS.replace("ballot_no,", "number,", 1)},
        [],
        "ballots.csv, row 1, field ballot_no: missing column 'ballot_no'; "
        "the header must start with ballot_no",
    ),
    (
        "missing-category-column",
        {"units.csv": UNITS.replace("category", "catgory", 1)},
        [],
        "units.csv, row 1, column C (catgory): unknown column; expected code, name, category, veto",
    ),
    (
        "unreadable-units",
        {"units.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256))},
        [],
        "units.csv: the text cannot be decoded (tried UTF-8, UTF-8 with BOM, GB18030/GBK); "
        "save the file as CSV UTF-8",
    ),
    (
        "ragged-row",
        {"ballots.csv": BALLOTS.replace("满意\n2,", "满意,满意\n2,", 1)},
        [],
        "ballots.csv, row 2, column K: the row has 11 cells but the header has 10",
    ),
    (
        "veto-not-yes-or-no",
        {"units.csv": csv_text(UNITS_HEADER, replace_cell(UNITS_ROWS, 3, 3, "maybe"))},
        [],
        "units.csv, row 5, column D (veto): 'maybe' is not a yes/no value; "
        "use 1/0, true/false, yes/no or 是/否",
    ),
    (
        "bad-scheme",
        {"scheme.toml": 'rectify_bellow = "85%"\n'},
        ["--scheme", "scheme.toml"],
        "scheme.toml, field rectify_bellow: unknown key; expected one of: ",
    ),
    (
        "previous-not-json",
        {"prev.json": "last year\n"},
        ["--previous", "prev.json"],
        "prev.json: not a results JSON of a previous campaign: ",
    ),
    (
        "missing-scheme-file",
        {},
        ["--scheme", "nowhere.toml"],
        "nowhere.toml: cannot read the scheme file: No such file or directory",
    ),
]


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_exits_non_zero_names_the_place_and_writes_nothing(
    tmp_path: Path, files: dict[str, str | bytes], args: list[str], message: str
) -> None:
    run = tally_run(tmp_path, files=files, args=args, xlsx=True)

    assert run.returncode == 1
    assert f"pingyi: error: {message}" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert os.listdir(run.out) == []  # neither --json nor --xlsx, nor a temporary file
    assert not run.home.exists()


def test_a_missing_units_file_is_named(tmp_path: Path) -> None:
    run = tally_run(tmp_path, units="nowhere.csv")

    assert run.returncode == 1
    assert (
        "pingyi: error: nowhere.csv: cannot read the file: No such file or directory" in run.stderr
    )
    assert "Traceback" not in run.stderr
    assert os.listdir(run.out) == []


def test_bad_input_leaves_an_existing_output_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text("last year's\n", encoding="utf-8")
    bad = csv_text(BALLOTS_HEADER, replace_cell(BALLOTS_ROWS, 0, 2, "good"))

    run = tally_run(tmp_path, files={"ballots.csv": bad})

    assert run.returncode == 1
    assert "ballots.csv, row 2, column C (L1): unknown mark 'good'" in run.stderr
    assert os.listdir(run.out) == ["results.json"]
    assert (run.out / "results.json").read_text(encoding="utf-8") == "last year's\n"
