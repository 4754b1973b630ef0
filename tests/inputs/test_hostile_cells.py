"""R21: a cell that cannot be stored (a NUL, or longer than its column) and a file with more
rows than its kind may hold are refused with their place — before the database sees them,
and for an oversized file before it is parsed (issue 12, item 11)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.apps import apps

from pingyi.inputs.p1_files import (
    BALLOT_NO_LENGTH,
    MAX_UNITS,
    UNIT_LENGTHS,
    read_ballots,
    read_units,
)
from tests.inputs.test_p1_files import SCHEME, csv_file, refusal, xlsx_file

HEADER = "code,name,category\n"


def units_of(path: Path) -> object:
    return read_units(path, SCHEME)


def test_a_nul_in_a_units_file_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "units.csv", HEADER + "U1,公安\x00局,地方管理部门\nU2,税务局,垂直管理部门\n"
    )
    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 2, column B (name): the cell holds a NUL character (\\0); remove it"
    ]


def test_an_over_long_unit_name_is_refused_with_its_cell_and_limit(tmp_path: Path) -> None:
    name = "公" * 10_000
    path = csv_file(tmp_path, "units.csv", HEADER + f"U1,{name},地方管理部门\nU2,税务局,金融部门\n")
    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 2, column B (name): the cell is 10000 characters long; "
        "at most 200 characters are allowed"
    ]


def test_every_problem_of_a_units_file_is_listed_at_once(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "units.csv", HEADER + f"{'U' * 61},税务局,地方管理部门\nU2,税务局,不存在\n"
    )
    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 2, column A (code): the cell is 61 characters long; "
        "at most 60 characters are allowed",
        "units.csv, row 3, column C (category): category '不存在' is not in the scheme; "
        "expected one of: 地方管理部门, 垂直管理部门, 金融部门",
    ]


def test_a_nul_or_an_over_long_paper_ballot_number_is_refused_with_its_cell(
    tmp_path: Path,
) -> None:
    text = "ballot_no,U1\nA\x0001,满意\n" + "B" * 10_000 + ",不满意\nC3,满意\n"
    path = csv_file(tmp_path, "ballots.csv", text)
    assert refusal(lambda: read_ballots(path, ["U1"], SCHEME)) == [
        "ballots.csv, row 2, column A (ballot_no): the cell holds a NUL character (\\0); remove it"
    ]
    path = csv_file(tmp_path, "ballots.csv", text.replace("\x00", ""))
    assert refusal(lambda: read_ballots(path, ["U1"], SCHEME)) == [
        "ballots.csv, row 3, column A (ballot_no): the cell is 10000 characters long; "
        "at most 60 characters are allowed"
    ]


def test_the_readers_limits_are_their_columns_in_the_database() -> None:
    unit = apps.get_model("campaigns", "Unit")._meta
    ballot = apps.get_model("ballots", "Ballot")._meta
    assert {
        "code": unit.get_field("code").max_length,
        "name": unit.get_field("name").max_length,
        "category": unit.get_field("category_label").max_length,
    } == UNIT_LENGTHS
    assert ballot.get_field("ballot_no").max_length == BALLOT_NO_LENGTH


def test_a_units_file_of_more_rows_than_a_campaign_can_have_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"U{n},单位{n},地方管理部门\n" for n in range(MAX_UNITS + 1))
    path = csv_file(tmp_path, "units.csv", HEADER + rows)
    assert refusal(lambda: units_of(path)) == [
        "units.csv: the file has more than 2000 data rows; at most 2000 are accepted here"
    ]
    at_limit = csv_file(tmp_path, "ok.csv", HEADER + rows.split("\n", 1)[1])
    assert len(read_units(at_limit, SCHEME)) == MAX_UNITS


def test_an_xlsx_units_file_of_too_many_rows_is_refused_before_it_is_loaded(
    tmp_path: Path,
) -> None:
    rows = [["code", "name", "category"]] + [
        [f"U{n}", f"单位{n}", "地方管理部门"] for n in range(MAX_UNITS + 1)
    ]
    path = xlsx_file(tmp_path, "units.xlsx", rows)
    assert refusal(lambda: units_of(path)) == [
        "units.xlsx: the file has more than 2000 data rows; at most 2000 are accepted here"
    ]


def test_a_line_break_in_a_quoted_cell_does_not_count_as_a_row(tmp_path: Path) -> None:
    rows = "".join(f'U{n},"单位\n{n}",地方管理部门\n' for n in range(MAX_UNITS))
    path = csv_file(tmp_path, "units.csv", HEADER + rows)
    assert len(read_units(path, SCHEME)) == MAX_UNITS


# The child's own high-water mark (VmHWM, kernel's, reset by exec): ru_maxrss would carry the
# forking pytest's peak over, and a long suite's pytest is past 500 MB by then.
MEASURE = textwrap.dedent(
    """
    import re, sys
    from pathlib import Path
    from pingyi.inputs.p1_files import read_units
    from pingyi.rules.errors import InputError
    from pingyi.rules.scheme import builtin_scheme
    def peak():
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024
    scheme = builtin_scheme()
    before = peak()
    try:
        read_units(Path(sys.argv[1]), scheme)
        print("read")
    except InputError as exc:
        print(exc.messages()[0])
    after = peak()
    print(after - before, after)
    """
)


@pytest.mark.slow
def test_a_120_mb_units_file_is_refused_without_the_process_growing_past_300_mb(
    tmp_path: Path,
) -> None:
    path = tmp_path / "units.csv"
    row = "U{n},某某县人民政府办公室{n},地方管理部门\n"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(HEADER)
        n = 0
        while stream.tell() < 120 * 1024 * 1024:
            stream.write("".join(row.format(n=n + k) for k in range(10_000)))
            n += 10_000
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    message, sizes = done.stdout.strip().splitlines()
    grown, peak = (int(x) for x in sizes.split())
    assert message == "units.csv: the file is 120 MiB; the limit is 8 MiB"
    assert peak < 300, done.stdout
    assert grown < 20, done.stdout


def test_an_over_long_party_organization_name_is_refused_with_its_cell(tmp_path: Path) -> None:
    from pingyi.inputs.p2_files import read_orgs

    path = csv_file(
        tmp_path,
        "orgs.csv",
        "code,name,sector,committee\n"
        + f"O1,{'党' * 201},农村,某镇党委\nO2,某村党支部,农村,某镇党委\n",
    )
    assert refusal(lambda: read_orgs(path)) == [
        "orgs.csv, row 2, column B (name): the cell is 201 characters long; "
        "at most 200 characters are allowed"
    ]
