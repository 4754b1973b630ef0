"""The JSON API: status codes of the contract, access by organization and role."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from pingyi.accounts.actors import Actor
from pingyi.voting.services import IssuedBatch, token_issue
from tests.cast import STAFF
from tests.stored import ballot_count
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
MARKS = {"L1": "满意", "L2": "弃权"}


def post(client: Client, path: str, body: object) -> tuple[int, dict[str, object]]:
    response = client.post(path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_a_ballot_gets_201_and_a_receipt_then_409(cast: Cast, issued: IssuedBatch) -> None:
    client = Client()
    status, body = post(client, "/api/ballots", {"token": issued.codes[0], "marks": MARKS})
    assert status == 201 and len(str(body["receipt"])) == 10
    status, again = post(client, "/api/ballots", {"token": issued.codes[0], "marks": MARKS})
    assert status == 409 and "cannot be used" in str(again["detail"])
    check = client.get(f"/api/campaigns/{cast.campaign.code}/receipts/{body['receipt']}")
    assert check.json() == {"counted": True}
    assert ballot_count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"token": "x", "marks": {"L1": 3}},
        {"marks": {}},
        {"token": "A" * 65, "marks": {}},
        # a NUL anywhere (R23): in a unit's code, in a mark, in the code
        {"token": "x", "marks": {"L1\x00": "满意"}},
        {"token": "x", "marks": {"L1": "满意", "L2": "弃权\x00"}},
        {"token": "x\x00", "marks": {"L1": "满意"}},
        [],
        "ballot",
    ],
)
def test_malformed_requests_get_400_and_store_nothing(issued: IssuedBatch, body: object) -> None:
    status, _ = post(Client(), "/api/ballots", body)
    assert status == 400
    assert ballot_count() == 0


def test_a_malformed_mark_gets_400_and_leaves_the_token_usable(issued: IssuedBatch) -> None:
    status, body = post(Client(), "/api/ballots", {"token": issued.codes[0], "marks": {"L1": "?"}})
    assert status == 400 and "is not a mark" in str(body["detail"])
    status, _ = post(Client(), "/api/ballots", {"token": issued.codes[0], "marks": MARKS})
    assert status == 201


@override_settings(PINGYI_TOKEN_FAILURES=5)
def test_guessing_codes_hits_the_limit_and_a_forged_forwarded_for_does_not_help(
    issued: IssuedBatch,
) -> None:
    client = Client()
    statuses = []
    for i in range(12):
        response = client.post(
            "/api/ballots",
            json.dumps({"token": f"GUESS{i:011d}", "marks": {}}),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [409] * 5 and set(statuses[5:]) == {429}
    status, _ = post(client, "/api/ballots", {"token": issued.codes[0], "marks": MARKS})
    assert status == 429  # even a good code waits: the address is locked out for a while
    assert ballot_count() == 0


def test_the_openapi_schema_is_served() -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Pingyi API"
    assert "/api/ballots" in schema["paths"]
    assert set(schema["paths"]["/api/ballots"]["post"]["responses"]) >= {"201", "400", "409", "429"}


def test_the_openapi_schema_is_built_once_and_each_caller_gets_a_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ninja renders every operation's models for each document (a second of a core): the
    API builds it once per path prefix, for the served /api/openapi.json as for callers."""
    import ninja.main

    from pingyi.api import api

    built: list[str] = []

    def counted(*, api: object, path_prefix: str = "") -> object:
        built.append(path_prefix)
        return get_schema(api=api, path_prefix=path_prefix)

    get_schema = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", counted)
    monkeypatch.setattr(api, "_schemas", {})
    first = api.get_openapi_schema()
    first["paths"].clear()  # a caller's own copy: changing it changes no other
    second = api.get_openapi_schema()
    served = Client().get("/api/openapi.json").json()
    assert built == ["/api/"]
    assert "/api/ballots" in second["paths"] and second["paths"].keys() == served["paths"].keys()
    assert api.get_openapi_schema(path_prefix="/elsewhere/")["paths"]
    assert built == ["/api/", "/elsewhere/"]


def test_staff_routes_need_a_login(cast: Cast) -> None:
    assert Client().get("/api/campaigns").status_code == 401
    assert Client().post(f"/api/campaigns/{cast.campaign.code}/close").status_code == 401


def test_each_organization_sees_only_its_campaigns(cast: Cast) -> None:
    alice = client_for(cast.alice)
    assert [c["code"] for c in alice.get("/api/campaigns").json()] == [cast.campaign.code]
    assert alice.get(f"/api/campaigns/{cast.other.code}").status_code == 404
    charlie = client_for(cast.charlie)
    assert charlie.get(f"/api/campaigns/{cast.campaign.code}/collection").status_code == 404
    assert client_for(cast.dave).get("/api/campaigns").json() == []


def test_a_viewer_reads_but_cannot_close(cast: Cast) -> None:
    bob = client_for(cast.bob)
    assert bob.get(f"/api/campaigns/{cast.campaign.code}").status_code == 200
    assert bob.post(f"/api/campaigns/{cast.campaign.code}/close").status_code == 403
    alice = client_for(cast.alice)
    response = alice.post(f"/api/campaigns/{cast.campaign.code}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_results_are_refused_while_open_then_served_when_closed(cast: Cast) -> None:
    alice = client_for(cast.alice)
    k = 8
    batch = token_issue(
        campaign=cast.campaign,
        group=cast.campaign.groups.first(),
        count=k,
        actor=Actor.operator(STAFF),
    )
    for code in batch.codes:
        post(Client(), "/api/ballots", {"token": code, "marks": MARKS})
    assert alice.get(f"/api/campaigns/{cast.campaign.code}/results").status_code == 409
    alice.post(f"/api/campaigns/{cast.campaign.code}/close")
    results = alice.get(f"/api/campaigns/{cast.campaign.code}/results").json()
    assert results["ballots"]["total"] == k and results["units"][0]["counts"]["satisfied"] == k


def test_results_of_a_campaign_under_k_ballots_are_refused_with_their_code(
    cast: Cast, issued: IssuedBatch
) -> None:
    """R12 at the API door: one valid ballot, closed — 409 too_few_ballots, no figure."""
    alice = client_for(cast.alice)
    post(Client(), "/api/ballots", {"token": issued.codes[0], "marks": MARKS})
    alice.post(f"/api/campaigns/{cast.campaign.code}/close")
    response = alice.get(f"/api/campaigns/{cast.campaign.code}/results")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "only 1 valid ballots: fewer than 8, so no figure of this campaign is shown"
        " (anonymity)",
        "code": "too_few_ballots",
    }


def test_tokens_are_issued_to_staff_once(cast: Cast) -> None:
    alice = client_for(cast.alice)
    status, body = post(
        alice, f"/api/campaigns/{cast.campaign.code}/tokens", {"group": "服务对象", "count": 3}
    )
    assert status == 201 and len(body["codes"]) == 3  # type: ignore[arg-type]
    status, _ = post(
        client_for(cast.bob),
        f"/api/campaigns/{cast.campaign.code}/tokens",
        {"group": "服务对象", "count": 3},
    )
    assert status == 403
