"""Which tests the PostgreSQL run keeps (tests/conftest.py): those that reach its database."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, kept_on_postgresql, reaches_run_database


def test_a_test_that_cannot_reach_the_database_is_left_out(request: pytest.FixtureRequest) -> None:
    assert not reaches_run_database(request.node)


@pytest.mark.django_db
def test_a_test_marked_django_db_is_kept(request: pytest.FixtureRequest) -> None:
    assert reaches_run_database(request.node)


def test_a_test_asking_for_the_database_by_fixture_is_kept(
    db: None, request: pytest.FixtureRequest
) -> None:
    assert reaches_run_database(request.node)


@pytest.mark.run_database
def test_a_test_that_reaches_the_server_itself_is_kept(request: pytest.FixtureRequest) -> None:
    assert reaches_run_database(request.node)


@pytest.mark.own_database
@pytest.mark.django_db
def test_a_test_on_an_installation_of_its_own_is_left_out(
    request: pytest.FixtureRequest,
) -> None:
    assert not reaches_run_database(request.node)


class _Item:
    """What the selection reads of a test: its file, marks and fixtures."""

    def __init__(self, path: str) -> None:
        self.path = REPO / path
        self.fixturenames = ("django_db_setup",)

    def get_closest_marker(self, name: str) -> None:
        return None


def test_the_browser_flows_reach_the_database_but_the_postgresql_run_leaves_them_out() -> None:
    """Their database paths are driven by page tests the run keeps (tests/conftest.py, the
    audit of scripts/browser_coverage_audit)."""
    flow, page = _Item("tests/browser/test_people.py"), _Item("tests/accounts/test_people.py")
    assert reaches_run_database(flow) and not kept_on_postgresql(flow)  # type: ignore[arg-type]
    assert kept_on_postgresql(page)  # type: ignore[arg-type]
