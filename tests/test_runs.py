"""Which tests the PostgreSQL run keeps (tests/conftest.py): those that reach its database."""

from __future__ import annotations

import pytest

from tests.conftest import reaches_run_database


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
