"""The registry's pages: import with row-level messages, deciding, the public kept list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pingyi.registry.models import Project, ProjectDecision
from pingyi.registry.services import cleanup_advance, project_decide, projects_import
from pingyi.rules import registry as r
from tests.registry.conftest import OFFICE, Cast, as_, spec
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = "项目名称,主办单位,主办单位系统,级别,周期,评选对象,依据类别,依据文件名称及文号,收费"
ROWS = [
    "优秀党员评选,市委组织部,党委,市级,每年,党员,中央文件,中发〔2000〕1号,否",
    "先进组织评选,市委组织部,党委,市级,每年,党组织,无,,是",
]


def upload(
    client: Client, cast: Cast, text: str, kind: str = "form", unit: object = None
) -> object:
    file = SimpleUploadedFile("登记表.csv", text.encode("utf-8"), content_type="text/csv")
    unit = unit or cast.department
    return client.post(
        f"/staff/registry/{cast.cleanup.code}/import",
        {"unit": unit.pk, "kind": kind, "file": file},  # type: ignore[attr-defined]
    )


def test_a_unit_imports_its_registration_form(cast: Cast) -> None:
    response = upload(client_for(cast.uma), cast, HEADER + "\n" + "\n".join(ROWS) + "\n")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Registered 2 projects." in response.content.decode()  # type: ignore[attr-defined]
    assert list(cast.department.projects.values_list("name", flat=True)) == [
        "优秀党员评选",
        "先进组织评选",
    ]


def test_a_bad_row_refuses_the_whole_file_with_its_place(cast: Cast) -> None:
    text = HEADER + "\n" + ROWS[0] + "\n" + ROWS[1].replace("市级", "市") + "\n"
    response = upload(client_for(cast.uma), cast, text)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert (
        "登记表.csv, row 3, column D (级别): &#x27;市&#x27; is not allowed; expected one of: "
        "全国、省级、市级、县级、乡镇级"
    ) in page
    assert not Project.objects.exists()


def test_a_unit_cannot_import_for_another_unit(cast: Cast) -> None:
    response = upload(client_for(cast.victor), cast, HEADER + "\n" + ROWS[0] + "\n")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Project.objects.exists()


def test_the_self_check_table_records_the_units_proposals_all_or_none(cast: Cast) -> None:
    client = client_for(cast.uma)
    upload(client, cast, HEADER + "\n" + "\n".join(ROWS) + "\n")
    bad = "项目名称,自查意见,理由\n优秀党员评选,保留,\n先进组织评选,保留,\n"
    response = upload(client, cast, bad, kind="stats")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert (
        "登记表.csv, row 3, column B (自查意见): the decision differs from the suggestion "
        "(撤销): record the reason"
    ) in response.content.decode()  # type: ignore[attr-defined]
    assert not ProjectDecision.objects.exists()
    good = "项目名称,自查意见,理由\n优秀党员评选,保留,\n先进组织评选,保留,基层欢迎\n"
    response = upload(client, cast, good, kind="stats")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert ProjectDecision.objects.filter(differs=True).count() == 1


def test_after_the_self_check_only_the_office_decides(cast: Cast) -> None:
    (project,) = projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=[spec("甲")], actor=as_("uma")
    )
    project_decide(project=project, decision=r.KEEP, actor=as_("uma"))
    cleanup_advance(cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=as_(OFFICE))
    url = f"/staff/registry/{cast.cleanup.code}/p/{project.pk}/decide"
    assert client_for(cast.uma).post(url, {"decision": "keep"}).status_code == 403
    response = client_for(cast.alice).post(url, {"decision": "cancel", "reason": ""}, follow=True)
    assert "the decision differs from the suggestion (保留): record the reason" in (
        response.content.decode()
    )
    client_for(cast.alice).post(url, {"decision": "cancel", "reason": "不符合实际需要"})
    assert project.decisions.get(round=r.INITIAL_AUDIT).decision == r.CANCEL


def test_the_public_page_lists_only_the_kept_projects_once_published(cast: Cast) -> None:
    kept, cancelled = projects_import(
        cleanup=cast.cleanup,
        unit=cast.department,
        specs=[spec("保留的项目"), spec("收费的项目", charges_fees=True, target_group="个人")],
        actor=as_("uma"),
    )
    public = Client()
    assert public.get(f"/registry/{cast.cleanup.code}/").status_code == 404
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        project_decide(project=kept, decision=r.KEEP, actor=as_(OFFICE))
        project_decide(project=cancelled, decision=r.CANCEL, actor=as_(OFFICE))
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE), reason="仅两项")
    page = public.get(f"/registry/{cast.cleanup.code}/").content.decode()
    assert "保留的项目" in page and "收费的项目" not in page
    assert "2009年清理规范评比达标表彰活动" in public.get("/registry/").content.decode()


def test_the_office_page_shows_the_reduction_rate_and_the_new_flag(cast: Cast) -> None:
    projects_import(
        cleanup=cast.cleanup,
        unit=cast.department,
        specs=[
            spec("甲"),
            spec("乙", basis_kind=r.NO_BASIS, established_on=cast.cleanup.started_on),
        ],
        actor=as_("uma"),
    )
    for project in cast.cleanup.projects.all():
        project_decide(
            project=project,
            decision=r.KEEP if project.name == "甲" else r.CANCEL,
            actor=as_(OFFICE),
        )
    page = client_for(cast.bob).get(f"/staff/registry/{cast.cleanup.code}/").content.decode()
    assert "Reduction rate 50.0% (target 70.0% or more)" in page
    assert "below the target" in page
    assert 'class="flagged"' in page
    unit_page = client_for(cast.uma).get(f"/staff/registry/{cast.cleanup.code}/").content.decode()
    assert 'id="stats"' not in unit_page  # a unit sees its projects, not the office's figures


def test_the_office_page_costs_the_same_queries_for_few_or_many_projects(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        start = cast.cleanup.projects.count()
        projects = projects_import(
            cleanup=cast.cleanup,
            unit=cast.department,
            specs=[spec(f"项目{start + n}", target_group=f"对象{start + n}") for n in range(count)],
            actor=as_("uma"),
        )
        for project in projects:
            project_decide(project=project, decision=r.KEEP, actor=as_(OFFICE))
        client = client_for(cast.alice)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/staff/registry/{cast.cleanup.code}/").status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_moving_on_to_the_next_round_asks_first_and_says_what_opens(cast: Cast) -> None:
    office = client_for(cast.alice)
    url = f"/staff/registry/{cast.cleanup.code}/advance"
    page = office.get(f"/staff/registry/{cast.cleanup.code}/").content.decode()
    assert f'<form method="get" action="{url}" id="advance-form">' in page
    confirm = office.get(f"{url}?to={r.INITIAL_AUDIT}").content.decode()
    assert "This step cannot be undone." in confirm
    assert f'name="to" value="{r.INITIAL_AUDIT}"' in confirm
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.SELF_CHECK
    skip = office.get(f"{url}?to={r.PUBLISHED}")  # not the next round: back to the page
    assert skip.status_code == 302
    office.post(url, {"to": r.INITIAL_AUDIT})
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.INITIAL_AUDIT
