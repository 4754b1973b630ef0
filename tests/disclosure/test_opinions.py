"""The opinion box (意见箱, seed 004 四(二)3): a letter to an organization about no item in
particular, answered by its office, followed up by a tracking code like item feedback."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from pingyi.audit.models import AuditEntry
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Opinion
from pingyi.disclosure.services import opinion_answer, opinion_leave
from pingyi.rules.errors import RuleError
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.disclosure.conftest import Cast, as_
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

CODE = re.compile(r'id="tracking-code" class="receipt">([2-9A-Z-]{14})<')


def test_a_letter_is_taken_once_answered_once_and_audited(cast: Cast) -> None:
    with pytest.raises(RuleError, match="write your opinion first"):
        opinion_leave(organization=cast.office, text="  ")
    receipt = opinion_leave(organization=cast.office, text="公开栏字太小", contact="139")
    assert sel.tracked_by_code(cast.office, receipt.code) is not None
    assert sel.tracked_by_code(cast.elsewhere, receipt.code) is None
    assert sel.open_opinion_count(cast.alice) == 1 and sel.open_opinion_count(cast.charlie) == 0
    with pytest.raises(RuleError, match="write the answer first"):
        opinion_answer(opinion=receipt.opinion, answer="", actor=as_("alice"))
    opinion_answer(opinion=receipt.opinion, answer="已更换大字版。", actor=as_("alice"))
    with pytest.raises(RuleError, match="answered already"):
        opinion_answer(opinion=receipt.opinion, answer="再答", actor=as_("erin"))
    tracked = sel.tracked_by_code(cast.office, receipt.grouped)
    assert tracked is not None and tracked.item is None and tracked.answer == "已更换大字版。"
    assert list(
        AuditEntry.objects.filter(action__startswith="disclosure.opinion").values_list(
            "action", flat=True
        )
    ) == ["disclosure.opinion.received", "disclosure.opinion.answered"]


def test_the_public_writes_the_office_answers_and_the_writer_reads_it(cast: Cast) -> None:
    page = Client().get("/disclosure/szfb/", headers=ZH).content.decode()
    assert 'href="/disclosure/szfb/opinions"' in page
    box = Client().get("/disclosure/szfb/opinions", headers=ZH).content.decode()
    assert english_left(box, FIXTURE_WORDS) == [] and "意见箱" in box
    response = Client().post(
        "/disclosure/szfb/opinions", {"text": "建议公开党费使用明细", "contact": ""}, headers=ZH
    )
    match = CODE.search(response.content.decode())
    assert match and response["Cache-Control"] == "no-store"
    code = match.group(1)
    empty = Client().post("/disclosure/szfb/opinions", {"text": ""}, headers=ZH)
    assert empty.status_code == 200 and 'id="tracking-code"' not in empty.content.decode()
    assert Opinion.objects.count() == 1

    page = Client().post("/disclosure/szfb/track", {"code": code}, headers=ZH).content.decode()
    assert "建议公开党费使用明细" in page and "意见箱" in page and "尚未答复" in page

    # The office's staff list it and answer; a viewer reads it without the form; elsewhere, no.
    opinion = Opinion.objects.get()
    staff = client_for(cast.alice).get("/staff/disclosure/opinions/", headers=ZH).content.decode()
    assert english_left(staff, FIXTURE_WORDS) == [] and 'class="answer-form"' in staff
    viewer = client_for(cast.bob).get("/staff/disclosure/opinions/").content.decode()
    assert "建议公开党费使用明细" in viewer and 'class="answer-form"' not in viewer
    other = client_for(cast.charlie).get("/staff/disclosure/opinions/").content.decode()
    assert "建议公开党费使用明细" not in other
    url = f"/staff/disclosure/opinions/{opinion.pk}/answer"
    assert client_for(cast.bob).post(url, {"answer": "x"}).status_code == 403
    assert client_for(cast.charlie).post(url, {"answer": "x"}).status_code == 404
    client_for(cast.alice).post(url, {"answer": "下季度起按月公开。"})

    page = Client().post("/disclosure/szfb/track", {"code": code}, headers=ZH).content.decode()
    assert 'id="tracked-state" class="ok"' in page and "下季度起按月公开。" in page
    answer = Client().post(
        "/api/disclosure/public/szfb/track",
        json.dumps({"code": code}),
        content_type="application/json",
    )
    body = json.loads(answer.content)
    assert body["item"] is None and body["answered"] is True
