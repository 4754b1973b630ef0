"""Issue 11: shapes that let doors drift, kept out by a test."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_database

SRC = Path(__file__).resolve().parents[1] / "src" / "pingyi"
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def test_no_door_signals_a_refusal_with_the_built_in_permission_error() -> None:
    """PermissionError is an OSError: a disk that refuses a write would read as "your role
    does not allow this". Refusals are AccessDenied (Django's PermissionDenied)."""
    raised = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"\b(raise|except)\b.*\bPermissionError\b", line)
    ]
    assert raised == []


# The `*_by` fields that hold what the audit records of a person ("alice", "cli:root", "demo",
# "public"), as opposed to a body's name typed in by the office: notices' Review.approved_by
# (评议领导小组) and a nominee's or an opinion's own words.
FREE_TEXT_BY = {"r.approved_by"}


def test_pages_print_who_did_something_as_words() -> None:
    """A page says 命令行（root） and 公众, never the audit's "cli:root" or "public": every
    `…_by` printed in a template goes through the actor_name filter."""
    printed = re.compile(r"(?:\{\{\s*|with\s+\w+=)([\w.]+_by)\b(\|[\w:\"]+)?")
    bare = [
        f"{path.relative_to(SRC)}: {match.group(1)}"
        for path in SRC.rglob("*.html")
        for match in printed.finditer(path.read_text("utf-8"))
        if match.group(1) not in FREE_TEXT_BY
        and not (match.group(2) or "").startswith("|actor_name")
    ]
    assert bare == []


def test_no_two_packages_import_each_other_even_inside_a_function() -> None:
    """scripts/app_graph.py: no cycle among Pingyi's packages, counting the imports inside
    functions as well as the module-level ones (`make lint`'s layers order the process apps;
    an app that needs a higher one's step registers it, <app>/hooks.py)."""
    spec = importlib.util.spec_from_file_location("app_graph", SCRIPTS / "app_graph.py")
    assert spec is not None and spec.loader is not None
    graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(graph)
    imports = graph.collect()
    assert graph.components(graph.edges(imports, {"module"})) == []
    assert graph.components(graph.edges(imports, {"module", "function"})) == []


def test_a_test_that_hands_the_run_database_to_a_server_must_say_it_reaches_it() -> None:
    """A test with no mark that reaches the run's database would be left out of the
    PostgreSQL run (tests/conftest.py): handing the database on refuses it at once."""
    from tests.live import database_url

    with pytest.raises(RuntimeError, match="mark it django_db"):
        database_url()
