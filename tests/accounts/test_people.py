"""The people page (人员与权限): an office administrator adds people one by one or from a
file, with a one-time password or an invitation link; removes roles; deactivates people.
Nobody else reaches it. Every change is in the audit chain."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pingyi.accounts.actors import PUBLIC, AccessDenied, Actor
from pingyi.accounts.models import Membership, Organization, Profile, Role
from pingyi.audit.models import AuditEntry
from pingyi.grading.models import Committee, GradingRole
from pingyi.office import people_services as s
from pingyi.rectification.models import UnitAccess
from pingyi.rules.tally import UnitSpec
from tests.cast import make_campaign
from tests.grading.conftest import make_round, office
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
PEOPLE = "/staff/people/office/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _member(name: str, role: str) -> User:
    user = User.objects.create_user(name)
    Membership.objects.create(user=user, organization=office(), role=role)
    return user


def _admin() -> Client:
    return client_for(_member("ada", Role.ADMIN))


def _password(page: str) -> str:
    found = re.search(r'<code class="password">([^<]+)</code>', page)
    assert found, page
    return found.group(1)


def _add(admin: Client, username: str, full_name: str, role: str, scope: str) -> Any:
    """The people page's form: a new person with a one-time password."""
    return admin.post(
        PEOPLE,
        {"username": username, "full_name": full_name, "role": role, "scope": scope,
         "how": "password"},
    )  # fmt: skip


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_a_new_person_signs_in_with_the_one_time_password_and_must_change_it() -> None:
    admin = _admin()
    response = _add(admin, "clerk", "王小明", "staff", "")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = _password(response.content.decode())
    assert len(password) == 12
    clerk = User.objects.get(username="clerk")
    assert clerk.check_password(password) and clerk.profile.full_name == "王小明"
    assert Membership.objects.get(user=clerk).role == Role.STAFF
    assert _actions()[-2:] == ["accounts.person.added", "accounts.role.granted"]
    assert "王小明" in admin.get(PEOPLE).content.decode()

    person = Client()
    signed_in = person.post("/accounts/login/", {"username": "clerk", "password": password})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/accounts/password/"
    for page in ("/staff/", "/staff/grading/", "/staff/jobs/"):
        assert person.get(page)["Location"] == "/accounts/password/"
    form = person.get("/accounts/password/").content.decode()
    assert "You signed in with a one-time password" in form
    changed = person.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "my-own-pass-2026",
            "new_password2": "my-own-pass-2026",
        },
    )
    assert changed.status_code == 302 and changed["Location"] == "/staff/"
    assert person.get("/staff/").status_code == 200
    assert not Profile.objects.get(user=clerk).must_change_password
    assert _actions()[-1] == "accounts.password.changed"
    again = Client()
    signed_in = again.post(
        "/accounts/login/", {"username": "clerk", "password": "my-own-pass-2026"}
    )
    assert signed_in["Location"] == "/staff/"


def test_an_invitation_link_sets_the_password_once() -> None:
    admin = _admin()
    page = admin.post(
        PEOPLE,
        {"username": "viewer1", "full_name": "李四", "role": "viewer", "how": "invite"},
    ).content.decode()
    link = re.search(r'<code class="invitation">http://testserver([^<]+)</code>', page)
    assert link, page
    invited = User.objects.get(username="viewer1")
    assert not invited.has_usable_password()
    person = Client()
    assert person.get(link.group(1)).status_code == 200
    done = person.post(
        link.group(1), {"new_password1": "viewer-pass-2026", "new_password2": "viewer-pass-2026"}
    )
    assert done.status_code == 302
    assert User.objects.get(username="viewer1").check_password("viewer-pass-2026")
    assert person.get(link.group(1)).status_code == 410  # used: void
    assert person.get("/accounts/invitation/forged-token/").status_code == 410


def test_committee_and_unit_roles_take_their_scope(tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    admin = _admin()
    missing = admin.post(
        PEOPLE, {"username": "carol", "full_name": "陈", "role": "committee", "how": "password"}
    )
    assert missing.status_code == 400
    assert "the role Committee user needs a scope: committee" in missing.content.decode()
    assert not User.objects.filter(username="carol").exists()
    added = _add(admin, "carol", "陈", "committee", f"k{committee.pk}")
    assert added.status_code == 200
    role = GradingRole.objects.get(user__username="carol")
    assert (role.kind, role.committee, role.round) == ("committee", committee, grading_round)
    owner = _add(admin, "olga", "欧", "owner", "u0:V1")
    assert owner.status_code == 200
    access = UnitAccess.objects.get(user__username="olga")
    assert (access.unit_code, access.series, access.role) == ("V1", None, "owner")


def test_a_unit_role_of_a_campaign_series_takes_the_series_units_as_scope() -> None:
    """The units of the office's series are scopes (the latest year's name for a code), and
    a role given on one is the unit of that series (page test of what the browser flow
    tests/browser/test_people.py drives, so that it runs on PostgreSQL too)."""
    campaign = make_campaign()
    older = make_campaign(year=2025, units=[UnitSpec("L1", "旧组织部", "地方管理部门", "local")])
    series = campaign.series
    assert older.series == series
    admin = _admin()
    page = admin.get(PEOPLE).content.decode()
    assert f'value="u{series.pk}:L1"' in page
    assert f"{series.name} / L1 组织部" in page and "旧组织部" not in page
    assert f"{series.name} / F1 人行" in page
    added = _add(admin, "uma", "吴", "owner", f"u{series.pk}:L1")
    assert added.status_code == 200
    access = UnitAccess.objects.get(user__username="uma")
    assert (access.unit_code, access.series, access.role) == ("L1", series, "owner")


def test_only_the_office_administrator_reaches_the_people_page() -> None:
    _member("ada", Role.ADMIN)
    viewer = client_for(_member("victor", Role.VIEWER))
    staff = client_for(_member("stella", Role.STAFF))
    nobody = client_for(User.objects.create_user("dave"))
    for client in (viewer, staff):
        assert client.get("/staff/people/").status_code == 403
        assert client.get(PEOPLE).status_code == 403
        assert client.post(PEOPLE, {"username": "x"}).status_code == 403
        assert client.get(PEOPLE + "template.xlsx").status_code == 403
        assert (
            "人员与权限"
            not in client.get("/staff/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        )
    assert nobody.get(PEOPLE).status_code == 404
    assert Client().get(PEOPLE).status_code == 302
    admin = client_for(User.objects.get(username="ada"))
    assert admin.get("/staff/people/")["Location"] == PEOPLE


def _refusals(tmp_path: Path, actor: Actor) -> dict[str, Callable[[], object]]:
    """Each write of the people page, called directly by ``actor`` (no page in between)."""
    clerk = _member("clerk", Role.STAFF)
    key = f"m{Membership.objects.get(user=clerk).pk}"
    path = tmp_path / "people.csv"
    path.write_text("用户名,姓名,角色,范围\nnew,新人,staff,\n", encoding="utf-8")
    o = office()
    return {
        "add": lambda: s.person_add(organization=o, username="new", full_name="新人",
                                    role="staff", scope="", invite=True, actor=actor),
        "role": lambda: s.person_role_add(organization=o, user=clerk, role="viewer", scope="",
                                          actor=actor),
        "remove": lambda: s.person_role_remove(organization=o, key=key, actor=actor),
        "active": lambda: s.person_active_set(organization=o, user=clerk, active=False,
                                              actor=actor),
        "import": lambda: s.people_import(organization=o, path=path, label="people.csv",
                                          actor=actor),
    }  # fmt: skip


@pytest.mark.parametrize("use_case", ["add", "role", "remove", "active", "import"])
@pytest.mark.parametrize("who", ["stella", "victor", "charlie", "public"])
def test_the_people_services_refuse_all_but_the_office_administrators(
    tmp_path: Path, use_case: str, who: str
) -> None:
    """The rule is office.access's, asked inside the services: the office's staff and viewers,
    another office's administrator and the public are refused whatever the door."""
    _member("ada", Role.ADMIN)
    _member("stella", Role.STAFF)
    _member("victor", Role.VIEWER)
    charlie = User.objects.create_user("charlie")
    elsewhere = Organization.objects.create(code="elsewhere", name="另一个组织部")
    Membership.objects.create(user=charlie, organization=elsewhere, role=Role.ADMIN)
    actor = PUBLIC if who == "public" else Actor.of(User.objects.get(username=who))
    refusal = _refusals(tmp_path, actor)[use_case]
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDenied):
        refusal()
    assert AuditEntry.objects.count() == before
    assert User.objects.get(username="clerk").is_active
    assert not User.objects.filter(username="new").exists()


@pytest.mark.parametrize("who", ["ada", "operator"])
def test_the_office_administrator_and_the_operator_change_the_people(
    tmp_path: Path, who: str
) -> None:
    ada = _member("ada", Role.ADMIN)
    actor = Actor.of(ada) if who == "ada" else Actor.operator("cli:root")
    refusals = _refusals(tmp_path, actor)
    for use_case in ("role", "active", "add"):
        refusals[use_case]()
    assert not User.objects.get(username="clerk").is_active
    assert AuditEntry.objects.filter(action="accounts.person.added").get().actor == actor.name


def test_a_role_is_removed_and_a_person_deactivated_but_the_last_admin_stays() -> None:
    admin = _admin()
    clerk = _member("clerk", Role.STAFF)
    clerk.set_password("clerk-pass-2026")
    clerk.save()
    page = admin.get(PEOPLE).content.decode()
    ada_key = f"m{Membership.objects.get(user__username='ada').pk}"
    refused = admin.post(PEOPLE + "roles/remove", {"key": ada_key}, follow=True)
    assert "the office&#x27;s last administrator cannot lose that role" in refused.content.decode()
    assert Membership.objects.filter(user__username="ada").exists()
    assert "clerk" in page
    admin.post(PEOPLE + "active", {"username": "clerk", "active": "0"})
    assert not User.objects.get(username="clerk").is_active
    assert not Client().login(username="clerk", password="clerk-pass-2026")
    key = f"m{Membership.objects.get(user=clerk).pk}"
    admin.post(PEOPLE + "roles/remove", {"key": key})
    assert not Membership.objects.filter(user=clerk).exists()
    assert "clerk" in admin.get(PEOPLE).content.decode()  # still listed: the office added them
    assert _actions()[-2:] == ["accounts.person.deactivated", "accounts.role.removed"]
    self_off = admin.post(PEOPLE + "active", {"username": "ada", "active": "0"}, follow=True)
    assert "you cannot deactivate your own account" in self_off.content.decode()


def _xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["用户名", "姓名", "角色", "范围"])
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("人员.xlsx", stream.getvalue(), content_type=XLSX)


def test_a_people_file_with_bad_rows_is_refused_whole_with_every_row_named(
    tmp_path: Path,
) -> None:
    make_round(tmp_path)
    admin = _admin()
    before = User.objects.count()
    response = admin.post(
        PEOPLE + "import",
        {
            "file": _xlsx(
                [
                    ["zhang", "张三", "工作人员", ""],
                    ["li", "李四", "校长", ""],
                    ["wang", "", "基层党(工)委用户", "甲镇党委"],
                    ["zhao", "赵六", "基层党(工)委用户", ""],
                    ["ada", "重名", "查阅人员", ""],
                    ["qian", "钱七", "考核人员", "Z9"],
                ]
            )
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "人员.xlsx, row 3, column C (角色): unknown role &#x27;校长&#x27;" in page
    assert "row 4, column B (姓名): the full name is required" in page
    assert "row 5, column D (范围): the role Committee user needs a scope: committee" in page
    assert "row 6, column A (用户名): user name &#x27;ada&#x27; is already taken" in page
    assert "row 7, column D (范围): no party organization &#x27;Z9&#x27; in this office" in page
    assert "row 2" not in page
    assert User.objects.count() == before  # nothing written


def test_a_people_file_adds_everyone_with_their_roles(tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    admin = _admin()
    response = admin.post(
        PEOPLE + "import",
        {
            "file": _xlsx(
                [
                    ["zhang", "张三", "工作人员", ""],
                    ["carol", "陈委员", "基层党(工)委用户", "甲镇党委"],
                    ["erin", "鄂考核", "考核人员", "V1"],
                    ["erin", "鄂考核", "考核人员", "V2"],
                ]
            )
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<code class="password">') == 3
    assert Membership.objects.get(user__username="zhang").role == Role.STAFF
    assert GradingRole.objects.get(user__username="carol").committee.name == "甲镇党委"  # type: ignore[union-attr]
    assessed = GradingRole.objects.filter(user__username="erin", round=grading_round)
    assert sorted(r.org.code for r in assessed) == ["V1", "V2"]  # type: ignore[union-attr]
    assert _actions().count("accounts.person.added") == 3


def test_the_people_template_has_chinese_headers_and_a_role_drop_down(tmp_path: Path) -> None:
    make_round(tmp_path)
    response = _admin().get(PEOPLE + "template.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["人员"]
    assert [c.value for c in sheet[1]] == ["用户名", "姓名", "角色", "范围"]
    validation = sheet.data_validations.dataValidation[0]
    assert "C2" in str(validation.sqref) and "基层党(工)委用户" in (validation.formula1 or "")
    scopes = [row[1] for row in workbook["范围"].iter_rows(min_row=2, values_only=True)]
    assert any(str(s).endswith("/ 甲镇党委") for s in scopes)
