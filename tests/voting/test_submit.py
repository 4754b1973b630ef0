"""Casting online ballots: one token, one ballot (R1–R4), all or nothing, nothing linkable."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.models import LaneEntry, LaneHead
from pingyi.audit.services import GENESIS, LANES, audit_verify, stored_hash
from pingyi.ballots.models import PooledBallot
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.rows import _Qmark
from pingyi.rules import phases
from pingyi.voting import codes
from pingyi.voting.models import BallotToken, Receipt, TokenUse
from pingyi.voting.services import (
    E_TOKEN_REFUSED,
    IssuedBatch,
    MarksInvalid,
    TokenRefused,
    _cast,
    _layout,
    _usable,
    ballot_submit,
    receipt_check,
    token_issue,
)
from tests.cast import STAFF
from tests.stored import ballot_count, stored_ballots

pytestmark = pytest.mark.django_db
MARKS = {"L1": "满意", "L2": "basically_satisfied", "V1": "不满意"}


def counts() -> tuple[int, int, int, int]:
    return (
        TokenUse.objects.count(),
        ballot_count(),
        Receipt.objects.count(),
        LaneEntry.objects.filter(action="voting.ballot.cast").count(),
    )


def test_tokens_are_stored_only_as_hashes(issued: IssuedBatch) -> None:
    stored = set(BallotToken.objects.values_list("digest", flat=True))
    assert stored == {codes.digest(c) for c in issued.codes}
    assert not stored & set(issued.codes)
    assert all(len(c) == 16 and set(c) <= set(codes.ALPHABET) for c in issued.codes)


def test_a_ballot_is_cast_once_with_a_receipt(campaign: Campaign, issued: IssuedBatch) -> None:
    receipt = ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (1, 1, 1, 1)
    [ballot] = stored_ballots()
    assert (ballot.marks, ballot.valid, ballot.source) == ("012-", True, "online")
    assert ballot.group_id == campaign.groups.get(code="service_recipients").pk
    assert receipt_check(campaign=campaign, code=receipt)


def test_typing_the_code_in_lower_case_with_hyphens_works(issued: IssuedBatch) -> None:
    typed = codes.grouped(issued.codes[0]).lower()
    ballot_submit(code=typed, marks=MARKS)
    assert ballot_count() == 1


def test_a_resubmission_is_refused_and_the_receipt_still_confirms(
    campaign: Campaign, issued: IssuedBatch
) -> None:
    receipt = ballot_submit(code=issued.codes[0], marks=MARKS)
    with pytest.raises(TokenRefused) as refused:
        ballot_submit(code=issued.codes[0], marks={"L1": "不满意"})
    assert refused.value.message() == E_TOKEN_REFUSED
    assert counts() == (1, 1, 1, 1)
    assert receipt_check(campaign=campaign, code=receipt)


def test_unknown_expired_withdrawn_and_used_codes_get_the_same_answer(
    campaign: Campaign, issued: IssuedBatch
) -> None:
    expired = token_issue(
        campaign=campaign,
        group=campaign.groups.first(),
        count=1,
        actor=Actor.operator(STAFF),
        expires_on=dt.date(2020, 1, 1),
    ).codes[0]
    BallotToken.objects.filter(digest=codes.digest(issued.codes[1])).update(void=True)
    ballot_submit(code=issued.codes[0], marks=MARKS)
    answers = set()
    for code in (codes.new_code(16), expired, issued.codes[1], issued.codes[0], "x", ""):
        with pytest.raises(TokenRefused) as refused:
            ballot_submit(code=code, marks=MARKS)
        answers.add(refused.value.message())
    assert answers == {E_TOKEN_REFUSED}


def test_the_database_refuses_a_second_use_even_in_raw_sql(issued: IssuedBatch) -> None:
    ballot_submit(code=issued.codes[0], marks=MARKS)
    token_id = TokenUse.objects.get().token_id
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        table = TokenUse._meta.db_table
        cursor.execute(f"INSERT INTO {table} (token_id) VALUES (%s)", [token_id])  # noqa: S608
    assert TokenUse.objects.count() == 1


def test_a_malformed_ballot_touches_nothing(issued: IssuedBatch) -> None:
    for marks in ({"L9": "满意"}, {"L1": "很好"}):
        with pytest.raises(MarksInvalid):
            ballot_submit(code=issued.codes[0], marks=marks)
    assert counts() == (0, 0, 0, 0)
    ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (1, 1, 1, 1)


def test_ballots_after_close_are_refused(campaign: Campaign, issued: IssuedBatch) -> None:
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    with pytest.raises(TokenRefused):
        ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (0, 0, 0, 0)


class Boom(Exception):
    pass


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise Boom


def _fail_at(statement: str) -> Any:
    """SQLite's cast cursor (rows._Qmark) as it is, until it reaches ``statement``."""
    execute = _Qmark.execute

    def _execute(cursor: _Qmark, sql: str, params: Any) -> None:
        if sql.startswith(statement):
            raise Boom
        execute(cursor, sql, params)

    return _execute


ON_SQLITE = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="on PostgreSQL the use, the ballot, the receipt and the audit entry are one"
    " statement (_cast_statement): no step between them to fail at (see"
    " test_a_statement_that_fails_at_its_audit_entry_leaves_nothing)",
)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's path; SQLite's steps are the statement cases",
)


def _step(table: type[Model], verb: str = "INSERT INTO") -> Any:
    """SQLite's cast, failing at its statement ``verb`` ``table``."""
    statement = f"{verb} {table._meta.db_table}"
    return pytest.param(
        "pingyi.rows._Qmark.execute", _fail_at(statement), marks=ON_SQLITE, id=statement
    )


@pytest.mark.parametrize(
    "target, replacement",
    [
        ("pingyi.voting.services._encode_ballot", _fail),  # after validation of the token
        # sealing the ballot and writing its audit entry's text, before any row
        ("pingyi.voting.services.pool_row", _fail),
        ("pingyi.voting.services.lane_entry", _fail),
        _step(PooledBallot),  # after using the token
        _step(Receipt),  # after storing the ballot
        _step(LaneHead, "SELECT seq, hash FROM"),  # before the audit entry
        _step(LaneEntry),
        _step(LaneHead, "UPDATE"),  # just before commit
    ],
)
def test_a_failure_at_any_step_leaves_nothing_and_the_token_usable(
    issued: IssuedBatch, target: str, replacement: Any
) -> None:
    ballot_submit(code=issued.codes[1], marks=MARKS)  # every lane may have its head or not
    with mock.patch(target, side_effect=replacement, autospec=True), pytest.raises(Boom):
        ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (1, 1, 1, 1)
    ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (2, 2, 2, 2)


@ON_POSTGRESQL
def test_a_statement_that_fails_at_its_audit_entry_leaves_nothing(issued: IssuedBatch) -> None:
    """The one statement fails as a whole: every lane's next entry is taken already (as a
    spoiled chain would have it), so the entry's insert fails after the use, the ballot and
    the receipt were written in the same statement; none of them stays."""
    for lane in range(1, LANES + 1):
        LaneHead.objects.create(lane=lane, seq=0, hash=GENESIS)
        LaneEntry.objects.create(
            lane=lane, seq=1, at=timezone.now(), actor="x", action="x", prev_hash="", hash=str(lane)
        )
    with pytest.raises(TokenRefused):
        ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (0, 0, 0, 0)
    LaneEntry.objects.all().delete()
    ballot_submit(code=issued.codes[0], marks=MARKS)
    assert counts() == (1, 1, 1, 1)


def test_cast_entries_hash_as_the_chain_is_verified(issued: IssuedBatch) -> None:
    """On PostgreSQL the server takes a cast entry's hash (_cast_statement); it must be the
    hash entry_hash takes of the same fields, lane after lane, or the chain would not verify.
    A lane's first entry creates its head."""
    for code in issued.codes:
        ballot_submit(code=code, marks=MARKS)
    entries = list(LaneEntry.objects.order_by("lane", "seq"))
    assert len(entries) == len(issued.codes)
    for entry in entries:
        assert entry.hash == stored_hash(entry)
        assert (entry.object_type, entry.object_id) == ("campaign", str(issued.batch.campaign_id))
    assert audit_verify().ok
    heads = {h.lane: (h.seq, h.hash) for h in LaneHead.objects.all()}
    lasts = {e.lane: (e.seq, e.hash) for e in entries}  # the last of each lane, in order
    assert heads == lasts


def test_the_audit_entry_names_neither_token_nor_ballot(issued: IssuedBatch) -> None:
    ballot_submit(code=issued.codes[0], marks=MARKS)
    entry = LaneEntry.objects.get(action="voting.ballot.cast")
    text = f"{entry.data} {entry.object_id} {entry.actor}"
    ballot, token = (
        PooledBallot.objects.get(),
        BallotToken.objects.get(digest=codes.digest(issued.codes[0])),
    )
    assert str(ballot.pk) not in text and str(token.pk) not in text
    assert issued.codes[0] not in text and token.digest not in text


def test_the_cast_rows_are_not_written_once_the_campaign_is_no_longer_open(
    campaign: Campaign, issued: IssuedBatch
) -> None:
    """A cast that found its token usable writes nothing if the campaign closed before its
    rows (the use's statement checks the campaign under a share lock), on either database."""
    today = timezone.localdate()
    token = _usable(issued.codes[0], today)
    layout = _layout(campaign.pk)
    cast = {"token": token, "text": "000", "valid": True, "day": today, "layout": layout}
    Campaign.objects.filter(pk=campaign.pk).update(status=phases.CLOSED)
    with pytest.raises(TokenRefused):
        _cast(**cast, receipt="R" * 10)
    assert counts() == (0, 0, 0, 0)
    Campaign.objects.filter(pk=campaign.pk).update(status=phases.OPEN)
    _cast(**cast, receipt="R" * 10)
    assert counts() == (1, 1, 1, 1)
    with pytest.raises(IntegrityError):  # the token's second use
        _cast(**cast, receipt="S" * 10)
    assert counts() == (1, 1, 1, 1)


@ON_POSTGRESQL
def test_the_cast_statements_are_prepared_once_per_connection(issued: IssuedBatch) -> None:
    """PostgreSQL parses and plans the token's check and the cast once per connection, not
    on every ballot: they are in the session's prepared statements after the first casts."""
    for code in issued.codes[:3]:
        ballot_submit(code=code, marks=MARKS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith("WITH lane_head AS") for s in prepared), prepared
    assert any(s.startswith("SELECT t.id, t.campaign_id") for s in prepared), prepared
