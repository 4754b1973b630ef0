"""R23: arbitrary bytes and malformed ballots to the ballot endpoints.

Whatever arrives at POST /api/ballots or the evaluator's POST /v/review and /v/submit — bytes
that are not JSON, JSON of any shape, unknown keys, wrong types, huge strings, units the
campaign does not have, marks that are not marks — with or without a valid token: the answer
is a 4xx, never a 500, nothing is stored, and the valid token is still unused (it casts its
one ballot at the end of each test).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.rules.scheme import builtin_scheme
from pingyi.voting import codes
from pingyi.voting.models import Receipt, TokenUse
from pingyi.voting.services import token_issue
from tests.cast import STAFF, make_campaign
from tests.stored import ballot_count

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNITS = ("L1", "L2", "V1", "F1")
GOOD = {"L1": "satisfied", "L2": "不满意", "V1": ""}
SPELLINGS = {spelling.casefold() for spelling in builtin_scheme().mark_lookup()}
JSON = "application/json"
CONTENT_TYPES = (
    JSON,
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
)


@pytest.fixture(autouse=True)
def _no_rate_limit() -> Iterator[None]:
    """The limiter would turn every answer into a 429 after a few dozen: fuzz the endpoint."""
    cache.clear()
    with override_settings(PINGYI_TOKEN_FAILURES=10**9, PINGYI_BALLOT_POSTS=10**9):
        yield
    cache.clear()


@pytest.fixture
def token(db: None) -> str:
    campaign: Campaign = make_campaign()
    group = campaign.groups.get(code="service_recipients")
    return token_issue(campaign=campaign, group=group, count=1, actor=Actor.operator(STAFF)).codes[
        0
    ]


def assert_nothing_stored() -> None:
    assert (TokenUse.objects.count(), ballot_count(), Receipt.objects.count()) == (0, 0, 0)


def assert_refused(status: int) -> None:
    assert 400 <= status < 500, status


def assert_the_token_still_casts_one_ballot(token: str) -> None:
    body = json.dumps({"token": token, "marks": GOOD})
    assert Client().post("/api/ballots", body, content_type=JSON).status_code == 201
    assert (TokenUse.objects.count(), ballot_count()) == (1, 1)


# --- strategies -----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.integers(10_000, 300_000).map(lambda n: "满" * n)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)
not_a_dict = json_values.filter(lambda v: not isinstance(v, dict))
not_a_string = json_values.filter(lambda v: not isinstance(v, str))
not_a_mark = st.text(min_size=1).filter(
    lambda t: bool(t.strip()) and t.strip().casefold() not in SPELLINGS
)
unknown_unit = st.text().filter(lambda t: t not in UNITS)
good_marks = st.dictionaries(
    st.sampled_from(UNITS), st.sampled_from([*sorted(SPELLINGS), "", "  "]), max_size=4
)
one_bad_entry = st.one_of(
    st.tuples(unknown_unit, st.text() | json_values),  # a unit the campaign does not have
    st.tuples(st.sampled_from(UNITS), not_a_mark),  # a mark that is not a mark
    st.tuples(st.sampled_from(UNITS), not_a_string),  # not even text
)
malformed_marks = st.one_of(
    st.builds(lambda good, bad: {**good, bad[0]: bad[1]}, good_marks, one_bad_entry),
    not_a_dict,
)
extra_keys = st.dictionaries(
    st.text().filter(lambda k: k not in ("token", "marks")), json_values, max_size=3
)


def spellings_of(token: str) -> st.SearchStrategy[str]:
    """The valid token as people type it: any of these casts the ballot."""
    return st.sampled_from([token, token.lower(), codes.grouped(token), f"  {token} "])


def ballots_with(token: str) -> st.SearchStrategy[Any]:
    """JSON bodies that must be refused although the token is good."""
    valid = spellings_of(token)
    return st.one_of(
        st.builds(
            lambda t, m, x: {**x, "token": t, "marks": m}, valid, malformed_marks, extra_keys
        ),
        st.builds(lambda t, x: {**x, "token": t}, valid, extra_keys),  # no marks at all
        st.builds(lambda m, x: {**x, "marks": m}, good_marks, extra_keys),  # no token
        st.builds(lambda t, m: {"token": t, "marks": m}, not_a_string, good_marks),
        st.builds(lambda t, m: {"token": [t], "marks": m}, valid, good_marks),
        st.builds(lambda m: [token, m], good_marks),
    )


def ballots_without(token: str) -> st.SearchStrategy[Any]:
    """Any JSON at all, and well-formed ballots whose token is not a usable one."""
    forged = st.one_of(
        st.text(),
        st.builds(lambda _: codes.new_code(codes.TOKEN_LENGTH), st.integers()),
        st.just(token[:-1]),
        st.just(token + "2"),
        st.just("满" * 64),
    )
    return st.one_of(
        json_values,
        st.builds(lambda t, m, x: {**x, "token": t, "marks": m}, forged, good_marks, extra_keys),
    )


# --- the API ------------------------------------------------------------------------------


def _post_raw(path: str, body: bytes, content_type: str = JSON) -> int:
    """The bytes as sent (Client.post would re-encode them for a charset parameter)."""
    return Client().generic("POST", path, body, content_type=content_type).status_code


def _post_api(body: bytes, content_type: str = JSON) -> int:
    return _post_raw("/api/ballots", body, content_type)


def test_arbitrary_bytes_to_the_ballot_api(token: str) -> None:
    @FUZZ
    @given(body=st.binary(max_size=4000), content_type=st.sampled_from(CONTENT_TYPES))
    @example(body=b"", content_type=JSON)
    @example(body=b"\xff\xfe{", content_type=JSON)
    @example(body=b"{" * 10_000 + b"}" * 10_000, content_type=JSON)
    @example(body=b'{"token": "' + b"x" * 6_000_000 + b'"}', content_type=JSON)
    @example(body=f'{{"token": "{token}", "marks": {{"L1": 1e999}}}}'.encode(), content_type=JSON)
    @example(body=f'{{"token": "{token}", "marks": NaN}}'.encode(), content_type=JSON)
    def fuzz(body: bytes, content_type: str) -> None:
        assert_refused(_post_api(body, content_type))
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


def test_malformed_json_ballots_with_a_valid_token(token: str) -> None:
    @FUZZ
    @given(ballot=ballots_with(token))
    @example(ballot={"token": token, "marks": {"L1": "满意", "X9": "满意"}})
    @example(ballot={"token": token, "marks": {"L1": "very satisfied"}})
    @example(ballot={"token": token, "marks": {"L1": None}})
    @example(ballot={"token": token, "marks": {"L1": "满意" * 100_000}})
    @example(ballot={"token": token, "marks": {f"U{i}": "满意" for i in range(2001)}})
    def fuzz(ballot: Any) -> None:
        assert_refused(_post_api(json.dumps(ballot).encode()))
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


def test_any_json_without_a_usable_token(token: str) -> None:
    @FUZZ
    @given(ballot=ballots_without(token))
    def fuzz(ballot: Any) -> None:
        assert_refused(_post_api(json.dumps(ballot).encode()))
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


# --- the evaluator's pages ----------------------------------------------------------------

form_values = st.text() | st.lists(st.text(), max_size=3)


def forms_with(token: str) -> st.SearchStrategy[dict[str, Any]]:
    """Ballot forms with the valid token and at least one mark that is not a mark."""
    other_fields = st.dictionaries(st.text(min_size=1), form_values, max_size=5)
    marks = st.dictionaries(st.sampled_from(UNITS).map(lambda u: f"m_{u}"), st.text(), max_size=4)
    return st.builds(
        lambda extra, m, code, unit, bad: {**extra, **m, "code": code, f"m_{unit}": bad},
        other_fields,
        marks,
        spellings_of(token),
        st.sampled_from(UNITS),
        not_a_mark,
    )


def forms_without(token: str) -> st.SearchStrategy[dict[str, Any]]:
    marks = st.dictionaries(
        st.sampled_from(UNITS).map(lambda u: f"m_{u}"), st.sampled_from(sorted(SPELLINGS))
    )
    return st.builds(
        lambda extra, m, code: {**extra, **m, "code": code},
        st.dictionaries(st.text(min_size=1), form_values, max_size=5),
        marks,
        st.text() | st.just(token[:-1]) | st.just(codes.new_code(codes.TOKEN_LENGTH)),
    )


PAGES = st.sampled_from(["/v/review", "/v/submit"])


def test_malformed_ballot_forms_with_a_valid_token(token: str) -> None:
    @FUZZ
    @given(form=forms_with(token), page=PAGES, multipart=st.booleans())
    @example(
        form={"code": token, "m_L1": "满意", "m_L2": "很满意"}, page="/v/submit", multipart=True
    )
    def fuzz(form: dict[str, Any], page: str, multipart: bool) -> None:
        if multipart:
            response = Client().post(page, form)
        else:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            response = Client().generic("POST", page, body, "application/x-www-form-urlencoded")
        assert_refused(response.status_code)
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


def test_ballot_forms_without_a_usable_token(token: str) -> None:
    @FUZZ
    @given(form=forms_without(token), page=PAGES)
    def fuzz(form: dict[str, Any], page: str) -> None:
        assert_refused(Client().post(page, form).status_code)
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


def test_arbitrary_bytes_to_the_ballot_pages(token: str) -> None:
    """Raw bodies of any type; those naming the valid token end with a mark that is not one."""
    spoiled = f"&code={token}&m_L1=%E5%BE%88%E6%BB%A1%E6%84%8F".encode()  # m_L1=很满意

    @FUZZ
    @given(
        body=st.binary(max_size=4000),
        content_type=st.sampled_from(CONTENT_TYPES),
        page=PAGES,
        with_token=st.booleans(),
    )
    @example(
        body=b"code=" + b"A" * 6_000_000,
        content_type=CONTENT_TYPES[2],
        page="/v/review",
        with_token=False,
    )
    @example(
        body=b"&".join([b"a=1"] * 2000),
        content_type=CONTENT_TYPES[2],
        page="/v/submit",
        with_token=True,
    )
    def fuzz(body: bytes, content_type: str, page: str, with_token: bool) -> None:
        if with_token:
            body += spoiled
        assert_refused(_post_raw(page, body, content_type))
        assert_nothing_stored()

    fuzz()
    assert_the_token_still_casts_one_ballot(token)


def test_the_receipt_check_answers_any_text(token: str) -> None:
    @FUZZ
    @given(campaign=st.text() | st.just("qianren-2026"), receipt=st.text())
    @example(campaign="qianren-2026\x00", receipt="2345623456\x00")
    def fuzz(campaign: str, receipt: str) -> None:
        response = Client().post("/receipt/", {"campaign": campaign, "receipt": receipt})
        if "\x00" in campaign + receipt:  # refused before the view, saying where (R23)
            assert response.status_code == 400
            return
        assert response.status_code == 200
        assert response.context["counted"] is False

    fuzz()
