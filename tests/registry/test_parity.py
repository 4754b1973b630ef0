"""One use case, every door (issue 11): who may change a clean-up is decided by
registry.access inside the service, so the page, the API and the command line refuse the same
person and let the same person through.

Before, the check sat in the view and the API and the service trusted its caller: a unit's
registrar calling the service registered for another unit, and a viewer moved the rounds.
The CLI is the machine's operator (the system actor): it is admitted, as the office is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress

import pytest
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.evidence import Upload
from pingyi.registry import services as s
from pingyi.registry.models import Cleanup, Project, ProjectDecision, Round
from pingyi.rules import registry as r
from tests.registry.conftest import OFFICE, START, Cast, as_, spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


DOORS = ["service", "page", "api", "cli"]


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _post_json(user: object, url: str, body: dict[str, object]) -> int:
    answer = _client(user).post(url, json.dumps(body), content_type="application/json")
    return answer.status_code


def _at_the_initial_audit(cast: Cast) -> Project:
    """Uma's project, proposed in the self-check round; the office has moved on."""
    (project,) = s.projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=[spec("甲")], actor=as_("uma")
    )
    s.project_decide(project=project, decision=r.KEEP, actor=as_("uma"))
    s.cleanup_advance(cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=as_(OFFICE))
    return project


def _round(cast: Cast) -> str:
    return Cleanup.objects.get(pk=cast.cleanup.pk).round


@pytest.mark.parametrize("door", DOORS)
def test_the_rounds_are_moved_by_the_office_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    code = cast.cleanup.code

    def through(who: str) -> None:
        user = {"alice": cast.alice, "bob": cast.bob}[who]
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                s.cleanup_advance(cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=as_(who))
            elif door == "page":
                _client(user).post(f"/staff/registry/{code}/advance", {"to": r.INITIAL_AUDIT})
            elif door == "api":
                body = {"to": r.INITIAL_AUDIT}
                _post_json(user, f"/api/registry/cleanups/{code}/advance", body)
            elif who == "alice":  # the command line has no person to refuse: its operator
                cli.main(["registry", "advance", "--cleanup", code, "--to", r.INITIAL_AUDIT])

    through("bob")
    assert _round(cast) == Round.SELF_CHECK
    through("alice")
    assert _round(cast) == Round.INITIAL_AUDIT
    entry = AuditEntry.objects.get(action="registry.cleanup.advanced")
    assert entry.actor.startswith("cli:") if door == "cli" else entry.actor == "alice"


def test_a_viewer_is_refused_by_the_page_and_the_api_with_403(cast: Cast) -> None:
    code = cast.cleanup.code
    page = _client(cast.bob).post(f"/staff/registry/{code}/advance", {"to": r.INITIAL_AUDIT})
    assert page.status_code == 403
    api = _post_json(cast.bob, f"/api/registry/cleanups/{code}/advance", {"to": r.INITIAL_AUDIT})
    assert api == 403


@pytest.mark.parametrize("door", DOORS)
def test_after_the_self_check_the_office_decides_and_the_unit_is_refused_alike(
    cast: Cast, door: str
) -> None:
    project = _at_the_initial_audit(cast)
    code = cast.cleanup.code

    def through(who: str) -> None:
        user = {"alice": cast.alice, "uma": cast.uma}[who]
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                s.project_decide(project=project, decision=r.KEEP, actor=as_(who))
            elif door == "page":
                url = f"/staff/registry/{code}/p/{project.pk}/decide"
                answer = _client(user).post(url, {"decision": r.KEEP})
                assert answer.status_code == (403 if who == "uma" else 302)
            elif door == "api":
                url = f"/api/registry/cleanups/{code}/projects/{project.pk}/decision"
                assert _post_json(user, url, {"decision": r.KEEP}) == (403 if who == "uma" else 200)
            elif who == "alice":
                argv = ["registry", "decide", "--cleanup", code, "--decision", r.KEEP]
                cli.main([*argv, "--project", str(project.pk)])

    def decided() -> bool:
        return ProjectDecision.objects.filter(project=project, round=r.INITIAL_AUDIT).exists()

    through("uma")
    assert not decided()
    through("alice")
    assert decided()


# ------------------------------------------------- the service's own check, called directly


def _refusals(cast: Cast) -> dict[str, Callable[[], object]]:
    """Each use case, called by someone it does not belong to (no door in between)."""
    (project,) = s.projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=[spec("甲")], actor=as_("uma")
    )
    document = s.basis_document_add(
        project=project, title="通知", issuer="中共中央",
        upload=Upload("依据.pdf", b"%PDF-1.4 basis"), actor=as_("uma"),
    )  # fmt: skip
    bob, uma, victor, charlie = (as_(n) for n in ("bob", "uma", "victor", "charlie"))
    office = cast.cleanup.organization
    return {
        "create": lambda: s.cleanup_create(
            organization=office, code="x", name="x", started_on=START, actor=charlie
        ),
        "unit": lambda: s.unit_add(cleanup=cast.cleanup, code="x", name="x", actor=uma),
        "member": lambda: s.unit_member_add(unit=cast.town, username="dave", actor=bob),
        "register": lambda: s.project_register(
            cleanup=cast.cleanup, unit=cast.town, spec=spec("乙"), actor=uma
        ),
        "decide": lambda: s.project_decide(project=project, decision=r.KEEP, actor=victor),
        "bulk": lambda: s.decisions_bulk(
            cleanup=cast.cleanup, projects=[project], decision=r.KEEP, actor=bob
        ),
        "advance": lambda: s.cleanup_advance(
            cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=uma
        ),
        "deadlines": lambda: s.schedule_set(
            cleanup=cast.cleanup, changes={r.SELF_CHECK: START}, actor=bob
        ),
        "exclude": lambda: s.project_exclude(
            project=project, reason=r.X_OTHER, note="内部", actor=victor
        ),
        "basis": lambda: s.basis_document_add(
            project=project, title="通知", issuer="中共中央", actor=victor
        ),
        "remove": lambda: s.basis_document_remove(document=document, actor=bob),
        "public": lambda: s.unit_add(
            cleanup=cast.cleanup, code="y", name="y", actor=Actor.of(None)
        ),
    }


USE_CASES = [
    "create", "unit", "member", "register", "decide", "bulk", "advance", "deadlines", "exclude",
    "basis", "remove", "public",
]  # fmt: skip


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_service_refuses_an_actor_it_does_not_belong_to(cast: Cast, use_case: str) -> None:
    refusals = _refusals(cast)
    assert sorted(refusals) == sorted(USE_CASES)
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDenied):
        refusals[use_case]()
    assert AuditEntry.objects.count() == before


def test_the_refusal_names_the_person_and_what_they_may_not_do(cast: Cast) -> None:
    with pytest.raises(AccessDenied, match="uma may not register for 某某镇党委"):
        s.project_register(cleanup=cast.cleanup, unit=cast.town, spec=spec("乙"), actor=as_("uma"))
    with pytest.raises(AccessDenied, match="bob may not run the clean-up"):
        s.unit_add(cleanup=cast.cleanup, code="x", name="x", actor=as_("bob"))


def test_the_system_actor_may_do_anything(cast: Cast) -> None:
    operator = Actor.operator("cli:root")
    unit = s.unit_add(cleanup=cast.cleanup, code="x", name="某局", actor=operator)
    (project,) = s.projects_import(
        cleanup=cast.cleanup, unit=unit, specs=[spec("丙")], actor=operator
    )
    assert project.registered_by == "cli:root"
