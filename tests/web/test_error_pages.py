"""Pingyi's own 404, 403, 400 and 500 pages in the UI language; JSON errors under /api/; the
admin titled Pingyi (issue 12, items 6 and 11)."""

from __future__ import annotations

from typing import NoReturn

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, include, path

from tests.web.conftest import Cast, client_for

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _boom(request: HttpRequest) -> NoReturn:
    raise RuntimeError("a bug")


# A URL conf with a failing page and a failing API route beside Pingyi's own (for the 500s).
urlpatterns = [
    path("staff/boom", _boom),
    path("api/boom", _boom),
    path("", include("pingyi.urls")),
]
handler500 = "pingyi.web.errors.server_error"


@pytest.mark.django_db
def test_an_unknown_page_is_pingyis_own_404_in_chinese_in_the_sites_layout() -> None:
    response = Client().get("/no-such-page/", **ZH)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in page and "此地址没有页面" in page
    assert 'class="bar"' in page and 'lang="zh-hans"' in page
    assert "Not Found" not in page


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json() -> None:
    response = Client().get("/api/no/such/thing", **ZH)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到", "code": "not_found"}


@pytest.mark.django_db
def test_a_role_that_may_not_act_gets_pingyis_403_page_and_json_from_the_api(cast: Cast) -> None:
    viewer = client_for(cast.bob)
    response = viewer.post(f"/staff/c/{cast.campaign.code}/tokens", {}, **ZH)
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权操作</h1>" in page and 'class="bar"' in page
    response = viewer.post(f"/api/campaigns/{cast.campaign.code}/close", **ZH)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_page_gives_pingyis_500_page_in_chinese() -> None:
    response = Client(raise_request_exception=False).get("/staff/boom", **ZH)
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>服务器错误</h1>" in page and "未作任何更改" in page
    assert "Traceback" not in page and "a bug" not in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_api_route_answers_json() -> None:
    response = Client(raise_request_exception=False).get("/api/boom", **ZH)
    assert response.status_code == 500
    assert response.json() == {
        "detail": "服务器出现错误，未作任何更改，请稍后重试。",
        "code": "server_error",
    }


def test_the_500_page_renders_without_the_database_or_a_session() -> None:
    """No django_db mark: any query here fails the test (the database may be what is down)."""
    request = RequestFactory().get("/staff/", **ZH)  # no session, no user: middleware never ran
    with override_settings(LANGUAGE_CODE="zh-hans"):
        response = get_resolver().resolve_error_handler(500)(request)  # urls.handler500
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_is_titled_pingyi_in_chinese() -> None:
    page = Client().get("/admin/login/", **ZH).content.decode()
    assert "评议系统管理" in page
    assert "Django" not in page


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_a_403_page_in_chinese(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post(f"/staff/c/{cast.campaign.code}/tokens", {}, **ZH)
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权操作</h1>" not in page and "表单已过期" in page and 'class="bar"' in page
