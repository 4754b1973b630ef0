"""R18: guessing tokens gets nothing, the limiter stops the guesser, and every refused code
looks the same from outside.

The guesser's view: 10,000 random well-formed codes open no ballot; from one address the
answers turn to 429 once PINGYI_TOKEN_FAILURES wrong codes have been tried, on the API and
the web page alike, whatever X-Forwarded-For says; and an unknown, used, expired, withdrawn
or closed-campaign code gets byte for byte the same answer (apart from the CSRF token).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.voting import codes
from pingyi.voting.models import BallotToken, Receipt, TokenUse
from pingyi.voting.services import (
    E_TOKEN_REFUSED,
    IssuedBatch,
    TokenRefused,
    ballot_submit,
    token_issue,
)
from tests.cast import STAFF, make_campaign
from tests.stored import ballot_count

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db
MARKS = {"L1": "satisfied", "L2": "dissatisfied", "V1": "basically_satisfied"}
WEB_MARKS = {f"m_{unit}": mark for unit, mark in MARKS.items()}
JSON = "application/json"
NO_LIMIT = {"PINGYI_TOKEN_FAILURES": 10**9, "PINGYI_BALLOT_POSTS": 10**9}


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(db: None) -> Campaign:
    return make_campaign()


@pytest.fixture
def issued(campaign: Campaign) -> IssuedBatch:
    group = campaign.groups.get(code="service_recipients")
    return token_issue(campaign=campaign, group=group, count=5, actor=Actor.operator(STAFF))


def in_page_language(message: str) -> str:
    """``message`` as the pages answer it: in the default language (no Accept-Language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def stored() -> tuple[int, int, int]:
    return TokenUse.objects.count(), ballot_count(), Receipt.objects.count()


def guesses(count: int, avoid: list[str]) -> list[str]:
    """``count`` distinct random codes of the tokens' own shape, none of them issued."""
    found: set[str] = set()
    while len(found) < count:
        found.add(codes.new_code(codes.TOKEN_LENGTH))
    assert not found & set(avoid)
    return sorted(found)


def api_ballot(client: Client, code: str, **extra: str) -> TestResponse:
    body = json.dumps({"token": code, "marks": MARKS})
    return client.post("/api/ballots", body, content_type=JSON, **extra)  # type: ignore[arg-type]


def web_code(client: Client, code: str, **extra: str) -> TestResponse:
    return client.post("/v/", {"code": code}, **extra)  # type: ignore[arg-type]


def test_ten_thousand_random_codes_open_no_ballot(issued: IssuedBatch) -> None:
    refused = 0
    for code in guesses(10_000, issued.codes):
        try:
            ballot_submit(code=code, marks=MARKS)
        except TokenRefused:
            refused += 1
    assert refused == 10_000
    assert stored() == (0, 0, 0)
    ballot_submit(code=issued.codes[0], marks=MARKS)  # the real codes still work
    assert stored() == (1, 1, 1)


@override_settings(**NO_LIMIT)
def test_random_codes_through_the_api_and_the_pages_get_only_refusals(
    issued: IssuedBatch,
) -> None:
    client = Client()
    statuses: Counter[tuple[str, int]] = Counter()
    for code in guesses(250, issued.codes):
        statuses["api", api_ballot(client, code).status_code] += 1
        response = client.post("/v/submit", {"code": code, **WEB_MARKS})
        statuses["web", response.status_code] += 1
    assert statuses == {("api", 409): 250, ("web", 409): 250}
    assert stored() == (0, 0, 0)


def test_one_address_gets_the_threshold_then_only_429_whatever_it_forwards(
    issued: IssuedBatch,
) -> None:
    """The API and the pages share one count per address; a forged header changes nothing."""
    limit = settings.PINGYI_TOKEN_FAILURES
    client = Client()
    statuses = []
    for n, code in enumerate(guesses(1_000, issued.codes)):
        forged = {"HTTP_X_FORWARDED_FOR": f"10.{n % 250}.{n // 250}.7"}
        send = api_ballot if n % 2 else web_code
        statuses.append(send(client, code, **forged).status_code)
    assert statuses == [409] * limit + [429] * (1_000 - limit)
    # Locked out, even the right code waits: it is not spent.
    assert api_ballot(client, issued.codes[0]).status_code == 429
    assert web_code(client, issued.codes[0]).status_code == 429
    assert client.post("/v/submit", {"code": issued.codes[0], **WEB_MARKS}).status_code == 429
    assert stored() == (0, 0, 0)


@override_settings(PINGYI_TOKEN_FAILURES=3)
def test_the_threshold_is_the_setting(issued: IssuedBatch) -> None:
    client = Client()
    answers = [api_ballot(client, code).status_code for code in guesses(5, issued.codes)]
    assert answers == [409, 409, 409, 429, 429]
    body = api_ballot(client, "x").json()
    assert body == {"detail": in_page_language("too many attempts; wait a few minutes")}


@override_settings(PINGYI_TOKEN_FAILURES=3, PINGYI_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forged_part_of_the_header_is_ignored(
    issued: IssuedBatch,
) -> None:
    """The proxy appends the real address; what the client wrote before it does not count."""
    client = Client()  # REMOTE_ADDR 127.0.0.1: the proxy
    answers = [
        api_ballot(client, code, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7").status_code
        for n, code in enumerate(guesses(6, issued.codes))
    ]
    assert answers == [409, 409, 409, 429, 429, 429]
    # Another client behind the same proxy is not locked out by the first one's guesses.
    other = api_ballot(client, issued.codes[0], HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 201


# --- every refused code looks the same ----------------------------------------------------


def _refused_codes(campaign: Campaign, issued: IssuedBatch) -> dict[str, str]:
    group = campaign.groups.get(code="service_recipients")
    expired = token_issue(
        campaign=campaign,
        group=group,
        count=1,
        actor=Actor.operator(STAFF),
        expires_on=dt.date(2020, 1, 1),
    ).codes[0]
    BallotToken.objects.filter(digest=codes.digest(issued.codes[1])).update(void=True)
    ballot_submit(code=issued.codes[0], marks=MARKS)
    closed = make_campaign(series="closed")
    closed_code = token_issue(
        campaign=closed,
        group=closed.groups.get(code="service_recipients"),
        count=1,
        actor=Actor.operator(STAFF),
    ).codes[0]
    campaign_close(campaign=closed, actor=Actor.operator(STAFF))
    return {
        "unknown": codes.new_code(codes.TOKEN_LENGTH),
        "used": issued.codes[0],
        "expired": expired,
        "withdrawn": issued.codes[1],
        "closed campaign": closed_code,
        "malformed": "not-a-code",
    }


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _answer(
    send: Callable[[Client], TestResponse], html: bool
) -> tuple[int, dict[str, str], bytes]:
    """What an outsider sees, for a fresh client with no limit reached."""
    cache.clear()
    response = send(Client())
    # Expires is the clock (never_cache), Set-Cookie a fresh CSRF cookie: neither is the code's.
    # X-Request-ID is drawn afresh for every request (logs), whatever the code: not an answer.
    skip = ("Set-Cookie", "Expires", "X-Request-ID")
    headers = {k: v for k, v in response.headers.items() if k not in skip}
    if html:
        headers.pop("Content-Length", None)  # the masked CSRF token changes
        return response.status_code, headers, _without_csrf(response.content)
    return response.status_code, headers, response.content


ENDPOINTS: dict[str, tuple[Callable[[Client, str], TestResponse], bool]] = {
    "api ballot": (lambda c, code: api_ballot(c, code), False),
    "api ballot form": (
        lambda c, code: c.post("/api/ballot-form", {"token": code}, content_type=JSON),
        False,
    ),
    "web code": (lambda c, code: web_code(c, code), True),
    "web review": (lambda c, code: c.post("/v/review", {"code": code, **WEB_MARKS}), True),
    "web submit": (lambda c, code: c.post("/v/submit", {"code": code, **WEB_MARKS}), True),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_unknown_used_expired_and_withdrawn_codes_get_identical_answers(
    campaign: Campaign, issued: IssuedBatch, endpoint: str
) -> None:
    send, html = ENDPOINTS[endpoint]
    answers = {
        kind: _answer(lambda client, code=code: send(client, code), html)  # type: ignore[misc]
        for kind, code in _refused_codes(campaign, issued).items()
    }
    status, _headers, body = answers["unknown"]
    message = in_page_language(E_TOKEN_REFUSED)
    assert status == 409
    if html:
        assert escape(message) in body.decode()
    else:
        assert json.loads(body) == {"detail": message}
    for kind, answer in answers.items():
        assert (kind, answer) == (kind, answers["unknown"])
    assert stored() == (1, 1, 1)  # only the one ballot cast to make a used code
