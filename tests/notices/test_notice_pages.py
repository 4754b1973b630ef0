"""The public notice and the staff pages: what they show, what they refuse, what they cost."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from pingyi.accounts.models import Role
from pingyi.audit.services import audit_head
from pingyi.campaigns.models import Campaign
from pingyi.notices.models import Notice, Objection
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_file,
    review_apply,
)
from tests.notices.conftest import AS_STAFF, closed_campaign, staff_user

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>{{ x }}<img src=x onerror="alert(2)">'


def _profile(local: int, vertical: int, financial: int) -> dict[str, tuple[int, int, int]]:
    shapes = [(10, 0, 0), (8, 2, 0), (7, 2, 1), (6, 2, 2), (4, 4, 2), (3, 3, 4)]
    profile = {}
    for prefix, count in (("L", local), ("V", vertical), ("F", financial)):
        for i in range(1, count + 1):
            profile[f"{prefix}{i}"] = shapes[(i * 7) % len(shapes)]
    return profile


@pytest.fixture
def live_notice(closed: Campaign) -> Notice:
    """On notice from now: objections are open."""
    return notice_publish(campaign=closed, actor=AS_STAFF)


def _text(response: Any) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize("units", [(5, 3, 2), (45, 12, 9)], ids=["10 units", "66 units"])
def test_the_public_notice_costs_a_fixed_number_of_queries(
    units: tuple[int, int, int], tmp_path: Path, django_assert_num_queries: Any
) -> None:
    campaign = closed_campaign(tmp_path, profile=_profile(*units))
    notice = notice_publish(campaign=campaign, actor=AS_STAFF)
    objection = objection_file(notice=notice, entry_code="L1", text="有误").objection
    objection_answer(objection=objection, answer="无误", actor=AS_STAFF)
    review_apply(
        notice=notice, entry_code="L2", rank=1, reason="r", approved_by="a", actor=AS_STAFF
    )
    client = Client()
    # notice (+ its campaign's code), entries, reviews, objections, audit head (the chain's
    # head and its lanes' heads in one query); the live counts: the campaign, ballots by
    # kind, the pool, the imports, the codes used, the receipts, the seal (cached for the
    # next readers); the units' published service pledges (one count); the on-site
    # supervision and notarization of the vote (seed 001 八.6)
    with django_assert_num_queries(14):
        response = client.get(f"/notice/{notice.code}/")
    assert response.status_code == 200
    assert _text(response).count('<tr class="reviewed">') == 1
    assert _text(response).count("<tr") == sum(units) + 3  # a header row per category
    with django_assert_num_queries(4):  # as stored: the notice, the head, pledges, supervision
        again = client.get(f"/notice/{notice.code}/")
    assert _text(again).count("<tr") == sum(units) + 3


def test_the_public_notice_shows_results_counts_answers_reviews_and_the_head(
    live_notice: Notice,
) -> None:
    objection = objection_file(notice=live_notice, entry_code="L7", text="私人信息").objection
    objection_answer(objection=objection, answer="经核实，计票无误。", actor=AS_STAFF)
    review_apply(
        notice=live_notice, entry_code="F1", veto=False, reason="否决依据撤销",
        approved_by="评议领导小组", actor=AS_STAFF,
    )  # fmt: skip
    page = _text(Client().get(f"/notice/{live_notice.code}/"))
    assert "The counts reconcile: 0 online + 10 paper = 10 ballots counted." in page
    assert "经核实，计票无误。" in page and "私人信息" not in page  # the answer, not the text
    assert "The result was changed by 1 review." in page
    assert "单位F1 one-vote veto: yes → no" in page
    assert "单位F3 result: winner → last" in page
    assert audit_head() in page and live_notice.head_at_publication in page
    assert 'id="objection-form"' in page


def test_after_the_period_the_page_takes_no_objection(closed: Campaign) -> None:
    past = timezone.now() - dt.timedelta(days=10)
    notice = notice_publish(campaign=closed, actor=AS_STAFF, now=past)
    client = Client()
    assert 'id="objection-form"' not in _text(client.get(f"/notice/{notice.code}/"))
    response = client.post(f"/notice/{notice.code}/objection", {"unit": "L7", "text": "晚了"})
    assert response.status_code == 409
    assert "objections are no longer accepted" in _text(response)
    assert not Objection.objects.exists()


def test_a_citizen_files_an_objection_and_reads_the_answer_with_the_code(
    live_notice: Notice,
) -> None:
    client = Client()
    response = client.post(
        f"/notice/{live_notice.code}/objection",
        {"unit": "L7", "text": "我单位的票数统计有误", "contact": "138"},
    )
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    code = response.context["filed"].tracking_code
    assert code in _text(response)
    pending = _text(client.post("/notice/track", {"code": code}))
    assert "Not answered yet." in pending and "我单位的票数统计有误" in pending
    objection_answer(objection=Objection.objects.get(), answer="已复核，结果无误", actor=AS_STAFF)
    answered = _text(client.post("/notice/track", {"code": code.lower()}))
    assert "已复核，结果无误" in answered
    assert "No objection has this tracking code." in _text(
        client.post("/notice/track", {"code": "2345-6789-ABCD"})
    )


def test_objections_are_rate_limited_per_address(live_notice: Notice, settings: Any) -> None:
    settings.PINGYI_OBJECTION_POSTS = 2
    client = Client()
    url = f"/notice/{live_notice.code}/objection"
    codes = [client.post(url, {"unit": "L7", "text": f"第{i}件"}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert Objection.objects.count() == 2


def test_wrong_tracking_codes_are_limited_like_wrong_ballot_codes(settings: Any) -> None:
    settings.PINGYI_TOKEN_FAILURES = 2
    client = Client()
    codes = [client.post("/notice/track", {"code": "2345-6789-ABCD"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_hostile_text_is_shown_escaped(live_notice: Notice) -> None:
    filed = objection_file(notice=live_notice, entry_code="L7", text=HOSTILE)
    objection_answer(objection=filed.objection, answer=HOSTILE, actor=AS_STAFF)
    for page in (
        _text(Client().get(f"/notice/{live_notice.code}/")),
        _text(Client().post("/notice/track", {"code": filed.tracking_code})),
    ):
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ x }}" in page


def test_staff_publish_work_and_finalize_through_the_pages(
    closed: Campaign, tmp_path: Path
) -> None:
    alice = staff_user("alice", closed.series.organization)
    client = Client()
    client.force_login(alice)
    response = client.post(f"/staff/notices/publish/{closed.code}", {"days": "3"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.days == 3
    objection = objection_file(notice=notice, entry_code="F1", text="否决有误").objection
    base = f"/staff/notices/{notice.code}"
    client.post(f"{base}/objections/{objection.pk}/assign", {"assignee": alice.pk})
    client.post(f"{base}/objections/{objection.pk}/note", {"text": "查阅文件"})
    client.post(
        f"{base}/review",
        {"unit": "F1", "veto": "no", "reason": "依据撤销", "approved_by": "组长",
         "objection": objection.pk},
    )  # fmt: skip
    client.post(f"{base}/objections/{objection.pk}/answer", {"answer": "已更正"})
    refused = client.post(f"{base}/finalize", follow=True)
    assert "the notice period runs until" in _text(refused)
    Notice.objects.filter(pk=notice.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=4),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    done = client.post(f"{base}/finalize", follow=True)
    assert "The result is final" in _text(done)
    notice.refresh_from_db()
    objection.refresh_from_db()
    assert notice.status == "final" and objection.status == "answered"
    assert objection.notes.count() == 1 and objection.reviews.count() == 1


def test_viewers_read_but_do_not_act(live_notice: Notice) -> None:
    bob = staff_user("bob", live_notice.organization, Role.VIEWER)
    client = Client()
    client.force_login(bob)
    page = _text(client.get(f"/staff/notices/{live_notice.code}/"))
    assert 'id="review-form"' not in page and 'id="finalize"' not in page
    assert client.post(f"/staff/notices/{live_notice.code}/finalize").status_code == 403


def _final(notice: Notice) -> None:
    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now())
    notice.refresh_from_db()
    notice_finalize(notice=notice, actor=AS_STAFF)


def test_the_official_notice_pdf_prints_the_final_result_in_chinese(live_notice: Notice) -> None:
    review_apply(
        notice=live_notice, entry_code="F1", veto=False, reason="否决依据撤销",
        approved_by="评议领导小组", actor=AS_STAFF,
    )  # fmt: skip
    on_notice = Client().get(f"/notice/{live_notice.code}/notice.pdf")
    assert on_notice.status_code == 200 and "gongshi.pdf" in on_notice["Content-Disposition"]
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(on_notice.content)).pages)
    assert f"关于{live_notice.title}结果的公示" in printed.replace("\n", "")
    _final(live_notice)
    response = Client().get(f"/notice/{live_notice.code}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert f"关于{live_notice.title}结果的通报" in text
    assert "单位F3结论由“优胜单位”改为“末位单位”" in text
    assert "批准：评议领导小组" in text
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("WenQuanYi" in f for f in fonts)


def test_the_workbook_shows_the_result_as_it_stands(live_notice: Notice) -> None:
    from openpyxl import load_workbook

    review_apply(
        notice=live_notice, entry_code="F1", veto=False, reason="r", approved_by="a", actor=AS_STAFF
    )
    alice = staff_user("alice", live_notice.organization)
    client = Client()
    client.force_login(alice)
    response = client.get(f"/staff/notices/{live_notice.code}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = [r for s in book.worksheets for r in s.iter_rows(values_only=True)]
    assert any(f"关于{live_notice.title}结果的通报" in r for r in rows)
    (f3,) = [r for r in rows if r[1] == "F3"]  # its category sheet: rank, code, name, …
    assert f3[0] == 3 and "末位单位" in f3


def test_the_receipt_list_holds_every_receipt_sorted(live_notice: Notice) -> None:
    from pingyi.voting.models import Receipt

    campaign = live_notice.campaign
    assert campaign is not None
    Receipt.objects.bulk_create(Receipt(campaign=campaign, code=c) for c in ("ZZZ2", "AAA3"))
    response = Client().get(f"/notice/{live_notice.code}/receipts.txt")
    assert b"".join(response.streaming_content).decode() == "AAA3\nZZZ2\n"


def test_a_closed_campaign_is_offered_for_publication(closed: Campaign) -> None:
    alice: User = staff_user("alice", closed.series.organization)
    client = Client()
    client.force_login(alice)
    page = _text(client.get("/staff/notices/"))
    assert f"/staff/notices/publish/{closed.code}" in page


def test_the_notice_explains_a_unit_that_is_both_winner_and_key_rectification(
    tmp_path: Path,
) -> None:
    """Issue 12 (4): two financial units, more winner places — both win, and F2 at 50 %
    satisfied must rectify as well; the public notice says why instead of leaving both flags
    to contradict each other."""
    profile = {"L1": (10, 0, 0), "L2": (9, 1, 0), "F1": (10, 0, 0), "F2": (3, 2, 5)}
    campaign = closed_campaign(tmp_path, profile=profile)
    clerk = Client()
    clerk.force_login(staff_user("alice", campaign.series.organization))
    confirm = clerk.get(f"/staff/notices/publish/{campaign.code}").content.decode()
    assert "单位F2 will be both a winner and a key rectification unit" in confirm
    notice = notice_publish(campaign=campaign, actor=AS_STAFF)
    page = Client(headers={"accept-language": "zh-hans"}).get(f"/notice/{notice.code}/")
    text = page.content.decode()
    assert (
        '<p class="small" id="winner-and-rectify">单位F2：既是优胜单位，又是重点整改单位。' in text
    )


def test_publishing_and_finalizing_ask_first_and_say_what_will_happen(closed: Campaign) -> None:
    alice = staff_user("alice", closed.series.organization)
    client = Client()
    client.force_login(alice)
    home = _text(client.get("/staff/notices/"))
    assert f'<form method="get" action="/staff/notices/publish/{closed.code}"' in home
    confirm = _text(client.get(f"/staff/notices/publish/{closed.code}?days=3"))
    until = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert f"goes on public notice for 3 days, until {until}" in confirm
    assert 'name="days" value="3"' in confirm and 'id="confirm"' in confirm
    assert not Notice.objects.exists()  # the GET published nothing
    default = _text(client.get(f"/staff/notices/publish/{closed.code}"))
    assert "for 5 days" in default  # the scheme's period when the field is left empty
    client.post(f"/staff/notices/publish/{closed.code}", {"days": "3"})
    notice = Notice.objects.get()
    # Published, it is not offered again: its notice's page shows, saying so.
    again = client.get(f"/staff/notices/publish/{closed.code}", follow=True)
    assert again.redirect_chain == [(f"/staff/notices/{notice.code}/", 302)]
    assert "This result is on public notice already." in _text(again)
    objection_file(notice=notice, entry_code="F1", text="否决有误")
    page = _text(client.get(f"/staff/notices/{notice.code}/"))
    assert f'href="/staff/notices/{notice.code}/finalize"' in page
    final = _text(client.get(f"/staff/notices/{notice.code}/finalize"))
    assert "no review can change it any more" in final
    assert "1 objection was filed; it must have its answer before this step." in final
    # What finalizing opens, by name; what publishing flags, counted (issue 12, item 7).
    assert "Rectification plans are made, and their ledgers open, for" in final
    assert "It names" in confirm and "key rectification units." in confirm
    notice.refresh_from_db()
    assert notice.status == "on_notice"


def test_a_flag_ticked_in_a_review_is_the_flag_set_and_an_empty_review_says_what_is_needed(
    live_notice: Notice,
) -> None:
    alice = staff_user("alice", live_notice.organization)
    client = Client()
    client.force_login(alice)
    base = f"/staff/notices/{live_notice.code}"
    entry = live_notice.entries.get(code="L1")
    assert "rectify" not in entry.flags
    who = {"reason": "复核认定", "approved_by": "组长"}
    done = client.post(
        f"{base}/review", {"unit": "L1", "flags": ["rectify"], **who}, follow=True
    )  # no second checkbox: the ticked flag is what the clerk meant
    assert "The review changed the result" in _text(done)
    entry.refresh_from_db()
    assert entry.flags == ["rectify"]
    empty = client.post(f"{base}/review", {"unit": "L1", **who}, follow=True)
    text = _text(empty)
    assert "Say what the review changes: the one-vote veto, the rank, or the flags." in text
    assert "already reads so" not in text
    both = client.post(
        f"{base}/review", {"unit": "L1", "flags": ["winner"], "set_flags": "on", **who}, follow=True
    )
    assert "not both" in _text(both)
    cleared = client.post(f"{base}/review", {"unit": "L1", "set_flags": "on", **who}, follow=True)
    assert "The review changed the result" in _text(cleared)
    entry.refresh_from_db()
    assert entry.flags == []
