"""A notice page as read (issue 16): rendered once and served as stored bytes — with the audit
chain's head as it stands and CSRF tokens of the reader's own — until what it shows changes;
a reader who kept it gets 304 Not Modified; a reader with a message waiting sees it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory

from pingyi.audit.services import audit_head
from pingyi.notices.models import Notice
from pingyi.notices.services import objection_file, review_apply
from pingyi.notices.views import notice_page
from tests.chinese import ZH
from tests.notices.conftest import AS_STAFF, published_grading

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _notice(tmp_path: Path) -> Notice:
    return published_grading(tmp_path, now=dt.datetime.now(dt.UTC))


def _page(text: str) -> str:
    """The page but its CSRF tokens and the head it prints."""
    return re.sub(r'id="head" class="hash">[0-9a-f]*<', "", TOKEN.sub("", text))


def test_a_stored_page_shows_the_head_now_and_takes_the_readers_objection(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    notice = _notice(tmp_path)
    url = f"/notice/{notice.code}/"
    client = Client(enforce_csrf_checks=True)
    first = client.get(url, headers=ZH).content.decode()
    with django_assert_num_queries(2):  # stored: the notice and the audit chain's head
        second = client.get(url, headers=ZH).content.decode()
    assert TOKEN.sub("", second) == TOKEN.sub("", first)  # the same page, but its tokens
    # the language switch's and the form's: masked anew for every answer
    assert len(TOKEN.findall(second)) == 2 and not set(TOKEN.findall(first)) & set(
        TOKEN.findall(second)
    )
    before = audit_head()
    assert f'id="head" class="hash">{before}<' in second
    objection_file(notice=notice, entry_code="S1", text="有误")  # audited: the head moves on
    third = client.get(url, headers=ZH).content.decode()
    assert f'id="head" class="hash">{audit_head()}<' in third and before not in third
    assert _page(third) == _page(first)
    token = TOKEN.findall(third)[1]  # the objection form's
    filed = client.post(
        f"{url}objection", {"csrfmiddlewaretoken": token, "unit": "V1", "text": "评分有误"}
    )
    assert filed.status_code == 201 and notice.objections.count() == 2


def test_a_reader_who_kept_the_page_gets_304_until_it_changes(tmp_path: Path) -> None:
    notice = _notice(tmp_path)
    url = f"/notice/{notice.code}/"
    client = Client()
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    assert client.get(url)["ETag"] == etag  # stored, the same reader: the same tag
    kept = client.get(url, headers={"If-None-Match": etag})
    assert kept.status_code == 304 and kept.content == b"" and kept["ETag"] == etag
    # another reader's copy holds tokens of another CSRF secret: a whole page
    assert Client().get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get(url, headers={"If-None-Match": f'"x", {etag}'}).status_code == 304
    # one page shows every committee: ?c= shows the same page
    assert client.get(f"{url}?c=1", headers={"If-None-Match": etag}).status_code == 304
    objection_file(notice=notice, entry_code="S1", text="有误")  # the head moves on
    moved = client.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved["ETag"] != etag
    review_apply(notice=notice, entry_code="V1", grade="一般", reason="r", approved_by="a",
                 actor=AS_STAFF)  # fmt: skip
    reviewed = client.get(url, headers={"If-None-Match": moved["ETag"]})
    assert reviewed.status_code == 200 and 'id="reviewed"' in reviewed.content.decode()


def test_a_message_waiting_for_the_reader_is_shown_and_never_stored(tmp_path: Path) -> None:
    notice = _notice(tmp_path)
    url = f"/notice/{notice.code}/"
    assert Client().get(url).status_code == 200  # stored
    request = RequestFactory().get(url)
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    request.user = AnonymousUser()
    request._messages = default_storage(request)  # type: ignore[attr-defined]
    messages.success(request, "已保存草稿")
    answered = notice_page(request, notice.code)
    assert answered.status_code == 200 and "已保存草稿" in answered.content.decode()
    assert "ETag" not in answered
    assert "已保存草稿" not in Client().get(url).content.decode()
