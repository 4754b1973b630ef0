"""Query counts of the registry's lists, pinned (issue 11): 2 rows or 20 (clean-ups,
projects with their basis documents, kept projects of a published clean-up) cost Erin, the
joint-meeting office's administrator, or the public, the same queries."""

from __future__ import annotations

import pytest
from django.test import Client

from pingyi.evidence import Upload
from pingyi.registry.models import Cleanup
from pingyi.registry.services import (
    basis_document_add,
    cleanup_advance,
    cleanup_create,
    project_decide,
    projects_import,
    unit_add,
)
from pingyi.rules import registry as r
from tests.queries import assert_pinned
from tests.registry.conftest import OFFICE, START, Cast, as_, spec
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def register(cast: Cast, count: int, cleanup: Cleanup | None = None) -> None:
    """``count`` more projects of the department, each with a basis document."""
    cleanup = cleanup or cast.cleanup
    start = cleanup.projects.count()
    unit = cleanup.units.first() if cleanup != cast.cleanup else cast.department
    assert unit is not None
    specs = [spec(f"项目{start + n}", target_group=f"对象{start + n}") for n in range(count)]
    for project in projects_import(cleanup=cleanup, unit=unit, specs=specs, actor=as_(OFFICE)):
        pdf = Upload("依据.pdf", b"%PDF-1.4 basis")
        basis_document_add(
            project=project, title="通知", issuer="中共中央", upload=pdf, actor=as_(OFFICE)
        )


def published(cast: Cast, code: str, projects: int) -> Cleanup:
    """A clean-up of the office that kept ``projects`` projects and is published."""
    cleanup = cleanup_create(
        organization=cast.cleanup.organization, code=code, name=f"{code}清理", started_on=START,
        actor=as_(OFFICE),
    )  # fmt: skip
    unit_add(cleanup=cleanup, code="u", name="某单位", actor=as_(OFFICE))
    register(cast, projects, cleanup)
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        for project in cleanup.projects.all():
            project_decide(project=project, decision=r.KEEP, actor=as_(OFFICE))
        cleanup_advance(cleanup=cleanup, target=name, actor=as_(OFFICE), reason="均有依据")
    return cleanup


@pytest.mark.parametrize(
    ("url", "pinned"), [("/staff/registry/", 7), ("/api/registry/cleanups", 3)], ids=["page", "api"]
)
def test_the_office_list_of_clean_ups(cast: Cast, url: str, pinned: int) -> None:
    def grow() -> None:
        for n in range(18):
            cleanup_create(organization=cast.cleanup.organization, code=f"qingli-{n}",
                           name=f"第{n}次清理", started_on=START, actor=as_(OFFICE))  # fmt: skip

    assert_pinned(client_for(cast.erin), url, grow, pinned)


@pytest.mark.parametrize(
    ("url", "pinned", "grows"),
    [("/staff/registry/{code}/", 25, True), ("/api/registry/cleanups/{code}/projects", 9, True),
     ("/api/registry/cleanups/{code}/stats", 9, False),
     ("/api/registry/cleanups/{code}/deadlines?today=2009-03-01", 6, False)],
    ids=["page", "api-projects", "api-stats", "api-deadlines"],
)  # fmt: skip
def test_a_clean_up_with_many_projects(cast: Cast, url: str, pinned: int, grows: bool) -> None:
    register(cast, 2)
    url = url.format(code=cast.cleanup.code)
    assert_pinned(client_for(cast.erin), url, lambda: register(cast, 18), pinned, grows=grows)


@pytest.mark.parametrize(
    ("url", "pinned"), [("/registry/{code}/", 9), ("/api/registry/kept/{code}", 5)],
    ids=["page", "api"],
)  # fmt: skip
def test_the_public_list_of_kept_projects(cast: Cast, url: str, pinned: int) -> None:
    few, many = published(cast, "few", 2), published(cast, "many", 20)
    assert_pinned(Client(), url.format(code=few.code), lambda: url.format(code=many.code), pinned)


def test_the_public_index_of_published_clean_ups(cast: Cast) -> None:
    for n in range(2):
        published(cast, f"p{n}", 1)

    def grow() -> None:
        for n in range(2, 8):
            published(cast, f"p{n}", 1)

    assert_pinned(Client(), "/registry/", grow, pinned=1)
