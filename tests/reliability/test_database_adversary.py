"""R9, R10 played by the adversary of the threat model: someone holding a copy of the database —
every table and the system columns (PostgreSQL's xmin, SQLite's rowid), but not the key kept
outside it — and the list of issued codes. Ballots are cast over HTTP through the real
multi-worker server, as evaluators cast them.

Each test fails without its guard: write the ballot in the cast's transaction (no mixing pool)
and the xmin join links every ballot; key nothing and the code list finds the token rows; keep
a cast's time and the audit lane dates it; store ballots under SQLite's counting rowid and
their order follows the casts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from pingyi.accounts.actors import Actor
from pingyi.audit.models import LaneEntry
from pingyi.ballots.models import Ballot, PooledBallot
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.voting import codes as voting_codes
from pingyi.voting.models import BallotToken, Receipt, TokenUse
from pingyi.voting.services import token_issue
from tests.cast import STAFF, make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
UNITS = ["L1", "L2", "V1", "F1"]
MARKS = ["satisfied", "basically_satisfied", "dissatisfied", "abstain"]
VOTES = 200
K = 8  # the built-in scheme's min_subset_ballots


def _marks_for(index: int) -> dict[str, str]:
    """A distinct ballot per index (base-4 digits): what the adversary knows each cast was."""
    return {unit: MARKS[(index >> (2 * k)) & 3] for k, unit in enumerate(UNITS)}


def _index_of(stored: str) -> int:
    return sum(int(ch) << (2 * k) for k, ch in enumerate(stored))


def _cast_all(base: str, codes: list[str]) -> list[str]:
    """Casts one ballot per code, a few at a time as phones do; returns the receipts in the
    order the casts were answered."""

    def one(index: int) -> str:
        body = json.dumps({"token": codes[index], "marks": _marks_for(index)}).encode()
        request = urllib.request.Request(
            f"{base}/api/ballots",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 201
            return str(json.loads(response.read())["receipt"])

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(len(codes))))


def _cast(tmp_path: Path) -> tuple[Campaign, list[str]]:
    campaign = make_campaign()
    group = campaign.groups.get(code="service_recipients")
    codes = token_issue(
        campaign=campaign, group=group, count=VOTES, actor=Actor.operator(STAFF)
    ).codes
    with live_server(tmp_path, workers=4, PINGYI_TOKEN_FAILURES="100000") as server:
        _cast_all(server.url, codes)
    return campaign, codes


def _xmins(table: str) -> dict[str, list[int]]:
    """xmin → the ids of the rows one transaction wrote (PostgreSQL)."""
    key = "token_id" if table == TokenUse._meta.db_table else "id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text, {key} FROM {table}")  # noqa: S608
        found: dict[str, list[int]] = {}
        for xmin, pk in cursor.fetchall():
            found.setdefault(xmin, []).append(pk)
    return found


LINKED = (
    TokenUse._meta.db_table,
    Receipt._meta.db_table,
    LaneEntry._meta.db_table,
    BallotToken._meta.db_table,
)


def _transactions_of_ballots() -> dict[str, list[int]]:
    ballots = _xmins(Ballot._meta.db_table)
    assert sum(len(v) for v in ballots.values()) + PooledBallot.objects.count() == VOTES
    sizes = {xmin: len(ids) for xmin, ids in ballots.items()}
    assert min(sizes.values()) >= K, f"a ballot left the pool with fewer than {K}: {sizes}"
    return ballots


def _shared(ballots: dict[str, list[int]], table: str) -> set[str]:
    return set(_xmins(table)) & set(ballots)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="xmin is PostgreSQL's; SQLite has its own test"
)
def test_the_transaction_id_ties_no_ballot_to_a_token_open_or_closed(tmp_path: Path) -> None:
    campaign, _codes = _cast(tmp_path)
    # Open: the ballot table's rows were written by drains of the pool, at least k at a
    # time, in transactions that wrote no token use, receipt or audit entry.
    ballots = _transactions_of_ballots()
    for table in LINKED:
        assert _shared(ballots, table) == set(), f"a ballot shares its transaction with {table}"
    # The pooled ones share the cast's transaction, but cannot be read without the key.
    for (sealed,) in PooledBallot.objects.values_list("sealed"):
        assert not any(m.encode() in bytes(sealed) for m in ("0123", "satisfied"))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    assert PooledBallot.objects.count() == 0
    # Closed: every ballot and receipt was rewritten by the closing transaction — all of
    # them at once, which ties no ballot to one receipt; token uses and casts stay apart.
    ballots = _transactions_of_ballots()
    assert len(ballots) == 1
    for table in (TokenUse._meta.db_table, LaneEntry._meta.db_table):
        assert _shared(ballots, table) == set(), f"a ballot shares its transaction with {table}"


def _spearman(a: list[int], b: list[int]) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def _order(table: str, column: str) -> list[object]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {order}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's rowid")
def test_ballot_rows_do_not_follow_the_order_tokens_were_used_while_open(tmp_path: Path) -> None:
    """The adversary pairs the token-use rows' order with the ballot rows' order: on SQLite,
    both are the rowid — which, for these tables, is the random id itself."""
    campaign, codes = _cast(tmp_path)
    digest_of = {voting_codes.digest(c): n for n, c in enumerate(codes)}
    token_of = dict(BallotToken.objects.values_list("id", "digest"))
    used = [digest_of[token_of[t]] for t in _order(TokenUse._meta.db_table, "token_id")]
    stored = [_index_of(str(m)) for m in _order(Ballot._meta.db_table, "marks")]
    # all but the pool's last ones are in the table: each of the 4 server processes looks at
    # the pool every k-th of its casts and leaves k, so it holds under 2k + 4k
    assert len(stored) >= VOTES - 6 * K
    # every row's rowid is its random id: neither table is in the order of the casts
    assert abs(_spearman(used, list(range(len(used))))) < 0.2
    assert abs(_spearman(stored, list(range(len(stored))))) < 0.2
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    stored = [_index_of(str(m)) for m in _order(Ballot._meta.db_table, "marks")]
    assert sorted(stored) == list(range(VOTES))
    assert abs(_spearman(stored, list(range(VOTES)))) < 0.2


def test_the_code_list_and_a_database_copy_do_not_find_the_token_rows(tmp_path: Path) -> None:
    """With the codes printed for SMS, the adversary hashes each as the stored digest might
    be: plain SHA-256 in every spelling finds no row."""
    campaign = make_campaign()
    group = campaign.groups.get(code="service_recipients")
    printed = token_issue(
        campaign=campaign, group=group, count=50, actor=Actor.operator(STAFF)
    ).codes
    stored = set(BallotToken.objects.values_list("digest", flat=True))
    for code in printed:
        for spelling in (code, voting_codes.grouped(code), code.lower()):
            assert hashlib.sha256(spelling.encode()).hexdigest() not in stored
            assert hashlib.sha256(spelling.encode()).digest().hex() not in stored
    assert {voting_codes.digest(c) for c in printed} == stored  # the server, with its key


def test_nothing_tied_to_a_token_keeps_a_time_finer_than_a_day(tmp_path: Path) -> None:
    """Token uses, receipts and the casts' audit entries: no column holds a time of day."""
    _cast(tmp_path)
    for model in (TokenUse, Receipt, BallotToken, PooledBallot, Ballot):
        for field in model._meta.concrete_fields:
            assert field.get_internal_type() not in ("DateTimeField", "TimeField"), (
                f"{model._meta.label}.{field.name}"
            )
    casts = list(LaneEntry.objects.filter(action="voting.ballot.cast").values_list("at", flat=True))
    assert len(casts) == VOTES
    local = {at.astimezone(dt.timezone(dt.timedelta(hours=8))) for at in casts}
    assert {(t.hour, t.minute, t.second, t.microsecond) for t in local} == {(0, 0, 0, 0)}
