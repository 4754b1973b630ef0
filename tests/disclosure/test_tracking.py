"""Feedback tracking codes (issue 15 item 9): a reader who leaves feedback gets a code once,
like a receipt, and reads the answer later with it, without signing in (page and API)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Feedback
from pingyi.disclosure.services import feedback_answer, feedback_leave
from pingyi.rules import disclosure as d
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.disclosure.conftest import Cast, as_, draft, publish
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

CODE = re.compile(r'id="tracking-code" class="receipt">([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})<')


def test_codes_are_typed_loosely_and_only_their_digest_is_kept(cast: Cast) -> None:
    item = publish(draft(cast.office))
    receipt = feedback_leave(item=item, text="请公开明细")
    assert len(receipt.code) == d.TRACKING_LENGTH and set(receipt.code) <= set(d.TRACKING_ALPHABET)
    stored = Feedback.objects.get()
    assert (
        stored.tracking == d.tracking_digest(receipt.code) and receipt.code not in stored.tracking
    )
    typed = " " + receipt.grouped.lower().replace("-", " - ") + " "
    assert sel.feedback_by_code(cast.office, typed) == stored
    assert sel.feedback_by_code(cast.elsewhere, receipt.code) is None  # under its office only
    assert sel.feedback_by_code(cast.office, "0000-0000-0000") is None  # not plausible
    assert sel.feedback_by_code(cast.office, "") is None
    other = feedback_leave(item=item, text="第二条")
    assert other.code != receipt.code


def test_a_reader_gets_a_code_once_and_follows_the_answer_without_signing_in(cast: Cast) -> None:
    item = publish(draft(cast.office))
    reader = Client()
    response = reader.post(
        f"/disclosure/szfb/{item.pk}/feedback", {"text": "经费从哪里列支？"}, headers=ZH
    )
    page = response.content.decode()
    assert english_left(page, FIXTURE_WORDS) == []
    match = CODE.search(page)
    assert match, page
    code = match.group(1)
    assert response["Cache-Control"] == "no-store"
    # The code appears nowhere else: not on the reading page, not on the staff page.
    assert code not in reader.get(f"/disclosure/szfb/{item.pk}/").content.decode()
    assert (
        code not in client_for(cast.alice).get(f"/staff/disclosure/i/{item.pk}/").content.decode()
    )

    track = "/disclosure/szfb/track"
    page = Client().post(track, {"code": code}, headers=ZH).content.decode()
    assert english_left(page, FIXTURE_WORDS) == []
    assert "经费从哪里列支？" in page and 'id="tracked-state" class="warn"' in page
    assert "尚未答复" in page

    feedback_answer(feedback=Feedback.objects.get(), answer="由党费列支。", actor=as_("alice"))
    page = Client().post(track, {"code": code.lower()}, headers=ZH).content.decode()
    assert 'id="tracked-state" class="ok"' in page and "由党费列支。" in page
    assert "alice" not in page  # who answered is not shown

    page = Client().post(track, {"code": "ABCD-2345-EFGH"}, headers=ZH).content.decode()
    assert 'id="tracked-none"' in page and "经费" not in page


def test_a_member_tracks_feedback_on_an_internal_item_too(cast: Cast) -> None:
    item = publish(draft(cast.office, scope=d.INTERNAL))
    page = client_for(cast.bob).post(f"/disclosure/szfb/{item.pk}/feedback", {"text": "支持"})
    code = CODE.search(page.content.decode())
    assert code
    assert (
        "支持" in Client().post("/disclosure/szfb/track", {"code": code.group(1)}).content.decode()
    )


def test_the_api_reads_the_state_by_code(cast: Cast) -> None:
    item = publish(draft(cast.office))
    receipt = feedback_leave(item=item, text="何时公开下季度计划？")
    url = "/api/disclosure/public/szfb/track"

    def ask(code: str) -> tuple[int, dict[str, object]]:
        answer = Client().post(url, json.dumps({"code": code}), content_type="application/json")
        return answer.status_code, json.loads(answer.content)

    status, body = ask(receipt.grouped)
    assert status == 200 and body["answered"] is False and body["answer"] == ""
    assert body["text"] == "何时公开下季度计划？" and body["item"] == "党费收缴情况"
    feedback_answer(feedback=receipt.feedback, answer="4 月 15 日公开。", actor=as_("alice"))
    status, body = ask(receipt.code)
    assert status == 200 and body["answered"] is True and body["answer"] == "4 月 15 日公开。"
    assert ask("ABCD-2345-EFGH")[0] == 404


def test_lookups_are_rate_limited_per_address(cast: Cast) -> None:
    reader = Client()
    codes = [
        reader.post("/disclosure/szfb/track", {"code": "ABCD-2345-EFGH"}).status_code
        for _ in range(31)
    ]
    assert codes[:30] == [200] * 30 and codes[30] == 429
