"""Reading pages (R17: internal items only for signed-in members), feedback, history, and the
staff pages of the approval chain."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pingyi.disclosure.models import Feedback
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import Cast, draft, publish
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def test_external_items_are_public_and_internal_ones_are_for_members(cast: Cast) -> None:
    external = publish(draft(cast.office, title="对外：为民办实事进展"))
    internal = publish(draft(cast.office, title="党内：民主生活会整改", scope=d.INTERNAL))
    staged = publish(draft(cast.office, title="先内后外：干部任免", scope=d.INTERNAL_THEN_EXTERNAL))
    draft(cast.office, title="草稿：未批准")
    readers = {
        "public": Client(),
        "member": client_for(cast.bob),
        "other_org": client_for(cast.charlie),
        "no_role": client_for(cast.dave),
    }
    listing = {k: c.get("/disclosure/szfb/").content.decode() for k, c in readers.items()}
    for name in ("public", "other_org", "no_role"):
        assert "对外：为民办实事进展" in listing[name]
        assert "党内" not in listing[name] and "先内后外" not in listing[name]
        assert "草稿" not in listing[name]
    assert all(t in listing["member"] for t in ("对外", "党内", "先内后外"))
    assert "草稿" not in listing["member"]  # not published: no reader sees it
    for name, client in readers.items():
        status = client.get(f"/disclosure/szfb/{internal.pk}/").status_code
        assert status == (200 if name == "member" else 404), name
        assert client.get(f"/disclosure/szfb/{external.pk}/").status_code == 200
    client_for(cast.alice).post(f"/staff/disclosure/i/{staged.pk}/release")
    assert Client().get(f"/disclosure/szfb/{staged.pk}/").status_code == 200
    # The item is found under its own organization only.
    assert Client().get(f"/disclosure/elsewhere/{external.pk}/").status_code == 404


def test_internal_items_stay_out_of_the_public_api(cast: Cast) -> None:
    publish(draft(cast.office, title="对外"))
    publish(draft(cast.office, title="党内", scope=d.INTERNAL))
    public = json.loads(Client().get("/api/disclosure/public/szfb").content)
    member = json.loads(client_for(cast.bob).get("/api/disclosure/public/szfb").content)
    assert [i["title"] for i in public] == ["对外"]
    assert sorted(i["title"] for i in member) == ["党内", "对外"]


def test_a_reader_leaves_feedback_and_a_member_may_on_an_internal_item(cast: Cast) -> None:
    external = publish(draft(cast.office))
    internal = publish(draft(cast.office, scope=d.INTERNAL))
    response = Client().post(
        f"/disclosure/szfb/{external.pk}/feedback", {"text": "数字对吗？", "contact": ""}
    )
    assert "Thank you: your feedback was received." in response.content.decode()
    assert response["Cache-Control"] == "no-store"  # the code is shown once
    assert (
        Client().post(f"/disclosure/szfb/{internal.pk}/feedback", {"text": "x"}).status_code == 404
    )
    client_for(cast.bob).post(f"/disclosure/szfb/{internal.pk}/feedback", {"text": "支持"})
    assert list(Feedback.objects.order_by("id").values_list("text", "author")) == [
        ("数字对吗？", ""),
        ("支持", "bob"),
    ]


def test_feedback_is_rate_limited_per_address(cast: Cast, settings: object) -> None:
    settings.PINGYI_FEEDBACK_POSTS = 2  # type: ignore[attr-defined]
    item = publish(draft(cast.office))
    codes = [
        Client().post(f"/disclosure/szfb/{item.pk}/feedback", {"text": f"第{n}条"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Feedback.objects.count() == 2


def test_staff_revise_and_republish_and_readers_see_the_history(cast: Cast) -> None:
    item = publish(draft(cast.office, title="第一版标题"))
    staff = client_for(cast.alice)
    staff.post(
        f"/staff/disclosure/i/{item.pk}/edit",
        {"title": "第二版标题", "body": "更正后的正文", "note": "根据反馈更正"},
    )
    page = Client().get(f"/disclosure/szfb/{item.pk}/").content.decode()
    assert "第一版标题" in page and "第二版标题" not in page  # not yet approved
    for target, actor in ((d.OFFICE_MEETING, cast.frank), (d.APPROVED, cast.erin),
                          (d.PUBLISHED, cast.alice)):  # fmt: skip
        client_for(actor).post(f"/staff/disclosure/i/{item.pk}/advance", {"to": target})
    page = Client().get(f"/disclosure/szfb/{item.pk}/").content.decode()
    assert "第二版标题" in page and "根据反馈更正" in page
    old = Client().get(f"/disclosure/szfb/{item.pk}/v1").content.decode()
    assert "第一版标题" in old and "An earlier version (v1)." in old
    assert Client().get(f"/disclosure/szfb/{item.pk}/v3").status_code == 404


def test_staff_may_not_approve_for_the_leading_group(cast: Cast) -> None:
    item = draft(cast.office)
    staff = client_for(cast.frank)
    assert (
        staff.post(f"/staff/disclosure/i/{item.pk}/advance", {"to": d.OFFICE_MEETING}).status_code
        == 302
    )
    assert (
        staff.post(f"/staff/disclosure/i/{item.pk}/advance", {"to": d.APPROVED}).status_code == 403
    )
    response = client_for(cast.erin).post(
        f"/staff/disclosure/i/{item.pk}/advance", {"to": d.PUBLISHED}, follow=True
    )
    assert (
        "an item that is studied by the office meeting cannot become published"
        in response.content.decode()
    )


def test_the_calendar_api_takes_an_injected_day(cast: Cast) -> None:
    item = publish(draft(cast.office, title="季度党费"))
    answer = client_for(cast.bob).get("/api/disclosure/calendar?today=2026-04-16")
    body = json.loads(answer.content)
    assert body["disclosure_day"] == "2026-07-15"
    assert body["due"] == [
        {
            "id": item.pk,
            "title": "季度党费",
            "timeliness": "periodic",
            "status": "published",
            "due": "2026-04-15",
            "overdue": True,
            "prompt": False,
        }
    ]


def test_the_staff_landing_page_shows_overdue_items(cast: Cast) -> None:
    item = draft(cast.office, title="早已过期的定期公开")
    item.created_on = item.created_on.replace(year=2020)
    item.save()
    page = client_for(cast.alice).get("/staff/disclosure/").content.decode()
    assert 'class="overdue"' in page and "overdue since 2020-04-15" in page


def test_an_answered_question_is_shown_to_readers_without_who_asked(cast: Cast) -> None:
    item = publish(draft(cast.office))
    Client().post(
        f"/disclosure/szfb/{item.pk}/feedback", {"text": "经费来源是什么？", "contact": "138000"}
    )
    page = Client().get(f"/disclosure/szfb/{item.pk}/").content.decode()
    assert "经费来源是什么？" not in page  # not before it is answered
    feedback = Feedback.objects.get()
    client_for(cast.alice).post(
        f"/staff/disclosure/feedback/{feedback.pk}/answer", {"answer": "由党费列支。"}
    )
    page = Client().get(f"/disclosure/szfb/{item.pk}/").content.decode()
    assert "经费来源是什么？" in page and "由党费列支。" in page
    assert "138000" not in page
