"""The evaluator's pages, driven through Django's test client (no JavaScript)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pingyi.voting.services import IssuedBatch
from tests.stored import stored_ballots
from tests.web.conftest import Cast

pytestmark = pytest.mark.django_db


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_the_start_page_asks_for_a_code_and_loads_only_its_own_assets() -> None:
    response = Client().get("/v/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html and "/static/pingyi/vote.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_code_review_submit_then_check_the_receipt(cast: Cast, issued: IssuedBatch) -> None:
    client = Client()
    code = issued.codes[0]
    ballot = client.post("/v/", {"code": code})
    assert ballot.status_code == 200 and "组织部" in ballot.content.decode()
    review = client.post("/v/review", {"code": code, "m_L1": "satisfied", "m_V1": "dissatisfied"})
    text = review.content.decode()
    assert review.status_code == 200 and "2 units are left blank" in text
    done = client.post(
        "/v/submit", {"code": code, "m_L1": "satisfied", "m_V1": "dissatisfied"}, follow=True
    )
    assert done.redirect_chain == [("/v/done", 303)]
    receipt = done.context["receipt"]
    assert stored_ballots()[0].marks == "0-2-"
    check = client.post("/receipt/", {"campaign": cast.campaign.code, "receipt": receipt})
    assert check.context["counted"] is True
    wrong = client.post("/receipt/", {"campaign": cast.campaign.code, "receipt": "2345623456"})
    assert wrong.context["counted"] is False


def test_going_back_from_review_keeps_the_marks(issued: IssuedBatch) -> None:
    response = Client().post("/v/", {"code": issued.codes[0], "back": "1", "m_L1": "satisfied"})
    assert 'name="m_L1" value="satisfied" checked' in response.content.decode()


def test_a_used_code_and_an_unknown_code_get_the_same_page(issued: IssuedBatch) -> None:
    client = Client()
    client.post("/v/submit", {"code": issued.codes[0], "m_L1": "satisfied"})
    used = client.post("/v/", {"code": issued.codes[0]})
    unknown = client.post("/v/", {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert used.status_code == unknown.status_code == 409
    assert _without_csrf(used.content) == _without_csrf(unknown.content)


def test_the_token_never_appears_in_a_url(issued: IssuedBatch) -> None:
    client = Client()
    for response in (
        client.post("/v/", {"code": issued.codes[0]}),
        client.post("/v/review", {"code": issued.codes[0]}),
    ):
        html = response.content.decode()
        for attribute in ("href=", "action=", "formaction=", "src="):
            for chunk in html.split(attribute)[1:]:
                assert issued.codes[0] not in chunk.split(">")[0]


def test_pages_carry_a_strict_content_security_policy() -> None:
    policy = Client().get("/v/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_the_cast_redirects_to_a_receipt_page_that_survives_back_and_reload(
    issued: IssuedBatch,
) -> None:
    client = Client()
    code = issued.codes[0]
    cast = client.post("/v/submit", {"code": code, "m_L1": "satisfied"})
    assert (cast.status_code, cast["Location"]) == (303, "/v/done")
    cookie = cast.cookies["pingyi_receipt"]
    assert cookie["path"] == "/v/done" and cookie["httponly"] and cookie["samesite"] == "Strict"
    first, again = client.get("/v/done"), client.get("/v/done")  # a reload sends nothing
    assert first.status_code == again.status_code == 200
    assert first.context["receipt"] == again.context["receipt"]
    html = first.content.decode()
    assert "your ballot was counted" in html and first.context["receipt"] in html
    assert "满意" not in html and "组织部" not in html  # no mark, no unit
    assert client.get("/v/review")["Location"] == "/v/"  # Back to the review: the code page
    assert Client().get("/v/done")["Location"] == "/v/"  # another phone: nothing to show


def test_an_all_blank_ballot_is_told_it_is_recorded_as_invalid(issued: IssuedBatch) -> None:
    client = Client()
    code = issued.codes[0]
    review = client.post("/v/review", {"code": code, "m_L1": "abstain"}).content.decode()
    assert "will be recorded as an invalid (blank) ballot" in review
    done = client.post("/v/submit", {"code": code, "m_L1": "abstain"}, follow=True)
    html = done.content.decode()
    assert "your ballot was recorded as an invalid (blank) ballot" in html
    assert "your ballot was counted" not in html
    assert [b.valid for b in stored_ballots()] == [False]


def test_a_bad_mark_at_the_cast_gives_the_ballot_back_not_a_refused_code(
    issued: IssuedBatch,
) -> None:
    client = Client()
    code = issued.codes[0]
    response = client.post("/v/submit", {"code": code, "m_L1": "satisfied", "m_L2": "很满意"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This code cannot be used" not in html and "Code not usable" not in html
    assert "Some marks were not understood; please mark again." in html
    assert 'name="m_L1" value="satisfied" checked' in html  # what was understood is kept
    assert f'name="code" value="{code}"' in html
    assert stored_ballots() == []
    assert client.post("/v/submit", {"code": code, "m_L1": "satisfied"}).status_code == 303


def test_the_language_switch_is_at_the_bottom_and_keeps_the_code_and_the_marks(
    issued: IssuedBatch, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client()
    code = issued.codes[0]
    ballot = client.post("/v/", {"code": code}).content.decode()
    first_control = re.search(r"<(button|input(?! type=\"hidden\"))[^>]*>", ballot)
    assert first_control is not None and 'name="m_' in first_control.group(0)
    assert ballot.index('name="language"') > ballot.rindex('name="m_')
    switched = client.post("/v/", {"code": code, "m_L1": "satisfied", "language": "en"})
    html = switched.content.decode()
    assert 'lang="en"' in html and "Review" in html
    assert 'name="m_L1" value="satisfied" checked' in html
    assert f'name="code" value="{code}"' in html
    assert switched.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    review = client.post("/v/review", {"code": code, "m_L1": "satisfied", "language": "zh-hans"})
    assert "核对" in review.content.decode() and 'name="m_L1" value="satisfied"' in (
        review.content.decode()
    )
