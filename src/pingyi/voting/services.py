"""Issuing tokens and casting online ballots.

ballot_submit is the path R1–R4 and R6 are about: validate first (nothing touched), then in
one transaction record the token's use (a primary key: a second use fails in the database),
seal the ballot into the mixing pool, write its receipt and the audit entry; the receipt is
returned only after the commit (synchronous commit on SQLite and PostgreSQL). The ballot
reaches the ballot table later, mixed with at least k − 1 others (ballots.pool: R9, R10).

Casting is the public's: whoever holds a code, no account, no role. Issuing and withdrawing
codes is the campaign's office's (campaigns.access, asked inside the services).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import LaneEntryParts, audit_log, lane_entry, lane_statement
from pingyi.ballots.models import PooledBallot
from pingyi.ballots.pool import CAST, pool_drain_after_cast, pool_row
from pingyi.ballots.services import encode_marks
from pingyi.campaigns import access
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.rows import cast_cursor
from pingyi.rules import phases
from pingyi.rules.errors import Listing, RuleError, gettext_noop
from pingyi.rules.scheme import Scheme
from pingyi.rules.tally import BLANK, valid_rows
from pingyi.voting import codes
from pingyi.voting.models import BallotToken, Receipt, TokenBatch, TokenUse, random_id

E_TOKEN_REFUSED = gettext_noop(
    "this code cannot be used: it is unknown, expired or already used. If you voted with it, "
    "check your receipt on the receipt page"
)
E_BAD_UNIT = gettext_noop("%(unit)r is not a unit of this campaign")
E_BAD_MARK = gettext_noop("%(mark)r is not a mark; expected one of: %(expected)s")
E_BATCH_SIZE = gettext_noop("a batch holds 1 to %(max)s tokens")
E_GROUP = gettext_noop("the group does not belong to this campaign")
E_GROUP_HAS_KINDS = gettext_noop(
    "the group %(group)s is divided into kinds of representatives: issue the codes for one of"
    " its kinds"
)
E_TOKEN_LIMIT = gettext_noop(
    "%(group)s may have at most %(limit)s codes (its approved participant list); %(issued)s are "
    "issued already"
)
MAX_BATCH = 20000


class TokenRefused(RuleError):
    """Unknown, expired, withdrawn or used: one answer for all, so a guesser learns nothing."""


class MarksInvalid(RuleError):
    """The ballot itself is malformed; the token is untouched."""


@dataclass(frozen=True)
class IssuedBatch:
    batch: TokenBatch
    codes: list[str]  # the plain codes: shown once, for printing, never stored


def token_issue(
    *,
    campaign: Campaign,
    group: EvaluatorGroup,
    count: int,
    actor: Actor,
    expires_on: dt.date | None = None,
) -> IssuedBatch:
    """Issues ``count`` tokens for ``group``; returns their codes, which exist nowhere else."""
    access.check_campaign(actor, campaign)
    if not 1 <= count <= MAX_BATCH:
        raise RuleError(E_BATCH_SIZE, max=MAX_BATCH)
    if group.campaign_id != campaign.pk:
        raise RuleError(E_GROUP)
    phases.check_accepts_tokens(campaign.status)
    plain = [codes.new_code(codes.TOKEN_LENGTH) for _ in range(count)]
    with transaction.atomic():
        check_codes_allowed(group, count)
        batch = TokenBatch.objects.create(
            campaign=campaign, group=group, size=count, created_by=actor.name
        )
        BallotToken.objects.bulk_create(
            BallotToken(
                campaign=campaign,
                group=group,
                batch=batch,
                digest=codes.digest(code),
                expires_on=expires_on,
            )
            for code in plain
        )
        audit_log(
            actor=actor.name,
            action="voting.tokens.issued",
            obj=campaign,
            data={"group": group.code, "count": count, "batch": batch.pk},
        )
    return IssuedBatch(batch=batch, codes=plain)


def tokens_issued(group: EvaluatorGroup) -> int:
    """The group's codes that count against its limit: every one not withdrawn."""
    return BallotToken.objects.filter(group=group, void=False).count()


def check_codes_allowed(group: EvaluatorGroup, count: int, *, lock: bool = True) -> None:
    """Refuses ``count`` more codes beyond the group's limit (EvaluatorGroup.codes_allowed); in
    a transaction the group row is locked so that two issues cannot both pass."""
    if EvaluatorGroup.objects.filter(parent=group).exists():
        # Codes go to the kinds (seed 001 五(二)), so that every ballot names its kind.
        raise RuleError(E_GROUP_HAS_KINDS, group=group.name)
    rows = EvaluatorGroup.objects.select_for_update() if lock else EvaluatorGroup.objects
    limit = rows.filter(pk=group.pk).values_list("codes_allowed", flat=True).first()
    if limit is None:
        return
    issued = tokens_issued(group)
    if issued + count > limit:
        raise RuleError(E_TOKEN_LIMIT, group=group.name, limit=limit, issued=issued)


def token_batch_void(*, batch: TokenBatch, actor: Actor) -> int:
    """Withdraws every unused token of a batch (lost sheets, a failed print run)."""
    access.check_campaign(actor, batch.campaign)
    with transaction.atomic():
        count = BallotToken.objects.filter(batch=batch, void=False, use__isnull=True).update(
            void=True
        )
        audit_log(
            actor=actor.name,
            action="voting.tokens.withdrawn",
            obj=batch.campaign,
            data={"batch": batch.pk, "count": count},
        )
    return count


@dataclass(frozen=True)
class _Usable:
    token_id: int
    campaign_id: int
    group_id: int | None


def _usable(code: str, day: dt.date) -> _Usable:
    """The token of ``code`` if it can vote today, in one plain query; else TokenRefused,
    the same for every reason (R18): unknown, withdrawn, expired, used, campaign not open."""
    row = None
    if codes.plausible(code, codes.TOKEN_LENGTH):
        with cast_cursor() as cursor:
            cursor.execute(_USABLE, [codes.digest(code), day, phases.OPEN])
            row = cursor.fetchone()
    if row is None:
        raise TokenRefused(E_TOKEN_REFUSED)
    return _Usable(int(row[0]), int(row[1]), None if row[2] is None else int(row[2]))


_USABLE = (
    f"SELECT t.id, t.campaign_id, t.group_id FROM {BallotToken._meta.db_table} t"  # noqa: S608
    f" JOIN {Campaign._meta.db_table} c ON c.id = t.campaign_id"
    f" LEFT JOIN {TokenUse._meta.db_table} u ON u.token_id = t.id"
    " WHERE t.digest = %s AND NOT t.void AND (t.expires_on IS NULL OR t.expires_on >= %s)"
    " AND c.status = %s AND u.token_id IS NULL"
)


def token_lookup(*, code: str, today: dt.date | None = None) -> BallotToken:
    """The usable token for ``code`` with its campaign and group, or TokenRefused (R18)."""
    usable = _usable(code, today or timezone.localdate())
    return BallotToken.objects.select_related("campaign", "group").get(pk=usable.token_id)


@dataclass(frozen=True)
class _Layout:
    campaign: Campaign
    scheme: Scheme
    position: dict[str, int]
    lookup: dict[str, int]


_LAYOUTS: dict[int, _Layout] = {}


def _layout(campaign_id: int) -> _Layout:
    """The campaign, its scheme and unit positions, read once per process while it is open.

    Safe to keep: an open campaign's scheme and units are frozen (R13); its status is read
    again in every cast, by the statement that writes the token's use (_cast).
    """
    layout = _LAYOUTS.get(campaign_id)
    if layout is None:
        campaign = Campaign.objects.get(pk=campaign_id)
        scheme = campaign_scheme(campaign)
        layout = _Layout(
            campaign=campaign,
            scheme=scheme,
            position={u.code: u.position for u in campaign_units(campaign)},
            lookup={k.casefold(): v for k, v in scheme.mark_lookup().items()},
        )
        if campaign.status == phases.OPEN:
            _LAYOUTS[campaign_id] = layout
    return layout


def _encode_ballot(layout: _Layout, marks: Mapping[str, str]) -> tuple[str, bool]:
    scheme, position, lookup = layout.scheme, layout.position, layout.lookup
    row = [BLANK] * len(position)  # a plain list: numpy's per-cell writes cost more here
    for unit, mark in marks.items():
        at = position.get(unit)
        if at is None:
            raise MarksInvalid(E_BAD_UNIT, unit=unit[:40])
        text = (mark or "").strip()
        if not text:
            continue
        index = lookup.get(text.casefold())
        if index is None:
            expected = Listing(m.code for m in scheme.marks)
            raise MarksInvalid(E_BAD_MARK, mark=text[:40], expected=expected)
        row[at] = index
    matrix = np.array([row], dtype=np.int8)
    return encode_marks(matrix)[0], bool(valid_rows(matrix, scheme)[0])


def ballot_submit(*, code: str, marks: Mapping[str, str], today: dt.date | None = None) -> str:
    """Casts the ballot of the token ``code``; returns the receipt code after the commit.

    Raises TokenRefused (unknown, expired, used — also when a concurrent submission of the
    same token won) or MarksInvalid (nothing was touched).
    """
    day = today or timezone.localdate()
    token = _usable(code, day)
    layout = _layout(token.campaign_id)
    text, valid = _encode_ballot(layout, marks)
    receipt = codes.new_code(codes.RECEIPT_LENGTH)
    try:
        _cast(token=token, text=text, valid=valid, day=day, receipt=receipt, layout=layout)
    except IntegrityError:
        raise TokenRefused(E_TOKEN_REFUSED) from None
    pool_drain_after_cast(campaign_id=token.campaign_id, keep=layout.scheme.min_subset_ballots)
    return receipt


def _cast(
    *, token: _Usable, text: str, valid: bool, day: dt.date, receipt: str, layout: _Layout
) -> None:
    """Writes the cast, all of it or nothing: the token's use, the sealed ballot, its receipt
    and the audit entry. The entry names neither the token nor the ballot: the chain shows
    that a ballot was cast, not which one nor by whom, and on which day, never at what time;
    in a lane of its own, so casts do not queue (R14).

    Everything but the rows' writing is done first — the sealing, the ids, the entry's text —
    so that the write lock (SQLite's one writer, PostgreSQL's lane head) is held only for the
    statements. On PostgreSQL one statement, atomic by itself (_cast_statement); on SQLite
    one transaction (_cast_steps)."""
    rows = _CastRows(
        token=token,
        pooled=pool_row(
            campaign_id=token.campaign_id, group_id=token.group_id, marks=text, valid=valid, day=day
        ),
        receipt=(random_id(), receipt),
        entry=lane_entry(actor="evaluator", action=CAST, obj=layout.campaign, now=_start_of(day)),
    )
    if connection.vendor == "postgresql":
        _cast_statement(rows)
    else:
        _cast_steps(rows)


@dataclass(frozen=True)
class _CastRows:
    """What a cast writes, worked out before its transaction."""

    token: _Usable
    pooled: tuple[int, bytes]  # the pooled ballot's id and sealed content (ballots.pool)
    receipt: tuple[int, str]  # the receipt's id and code
    entry: LaneEntryParts

    def params(self) -> list[Any]:
        """The parameters of _CAST_ROWS: the use, the pooled ballot, the receipt."""
        campaign_id = self.token.campaign_id
        return [
            self.token.token_id, campaign_id, phases.OPEN,
            self.pooled[0], campaign_id, self.pooled[1],
            self.receipt[0], campaign_id, self.receipt[1],
        ]  # fmt: skip


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day``: the only time a cast's audit entry keeps (R10)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _cast_steps(rows: _CastRows) -> None:
    """SQLite's cast, one transaction on one cursor: the token's use first (written only
    while the campaign is open; a second use of the token fails on its key before anything
    else is written), the pooled ballot, the receipt, then the audit entry."""
    use, pooled, receipt = _CAST_STEPS
    params = rows.params()
    with transaction.atomic(), cast_cursor() as cursor:
        cursor.execute(use, params[0:3])
        if cursor.rowcount != 1:
            raise TokenRefused(E_TOKEN_REFUSED)
        cursor.execute(pooled, params[3:6])
        cursor.execute(receipt, params[6:9])
        rows.entry.write(cursor)


def _cast_statement(rows: _CastRows) -> None:
    """The whole cast as one PostgreSQL statement (no BEGIN, no COMMIT of its own: the
    statement is atomic, and durable when it returns): the token's use, written only while
    the campaign is open (its row under a share lock: closing waits for ballots in flight)
    and the lane's head is there; then the pooled ballot, the receipt and the audit entry,
    each only if the use was written. A second use of the token fails on the use's key, and
    with it the whole statement. Prepared once per connection."""
    lane = lane_statement(rows.entry, gate="used")
    sql = f"WITH {lane.head}, {_CAST_ROWS}, {lane.entry}, {lane.advance}"
    params = [*lane.head_params, *rows.params(), *lane.entry_params, *lane.advance_params]
    for _attempt in range(2):
        # Inside a caller's transaction, a savepoint keeps a refused cast from spoiling it.
        alone = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with alone, cast_cursor() as cursor:
            cursor.execute(sql, params)
            written, heads = cursor.fetchone()
        if written or heads:
            break
        rows.entry.ensure_lane()  # the lane's first entry: its head made, then once again
    if not written:
        raise TokenRefused(E_TOKEN_REFUSED)


_OPEN_CAMPAIGN = f"EXISTS (SELECT 1 FROM {Campaign._meta.db_table} WHERE id = %s AND status = %s"  # noqa: S608
_CAST_STEPS = (
    # SQLite: one writer at a time already, no row lock to take
    f"INSERT INTO {TokenUse._meta.db_table} (token_id) SELECT %s WHERE {_OPEN_CAMPAIGN})",
    f"INSERT INTO {PooledBallot._meta.db_table} (id, campaign_id, sealed) VALUES (%s, %s, %s)",  # noqa: S608
    f"INSERT INTO {Receipt._meta.db_table} (id, campaign_id, code) VALUES (%s, %s, %s)",  # noqa: S608
)
# The cast's rows in _cast_statement, after the lane's head (lane_head).
_CAST_ROWS = (
    f"used AS (INSERT INTO {TokenUse._meta.db_table} (token_id) SELECT %s"  # noqa: S608
    f" WHERE {_OPEN_CAMPAIGN} FOR SHARE) AND EXISTS (SELECT 1 FROM lane_head)"
    " RETURNING token_id),"
    f" pooled AS (INSERT INTO {PooledBallot._meta.db_table} (id, campaign_id, sealed)"
    " SELECT %s, %s, %s FROM used),"
    f" receipt AS (INSERT INTO {Receipt._meta.db_table} (id, campaign_id, code)"
    " SELECT %s, %s, %s FROM used)"
)


def receipt_check(*, campaign: Campaign, code: str) -> bool:
    """Whether a ballot with this receipt was counted: presence only (R15)."""
    if not codes.plausible(code, codes.RECEIPT_LENGTH):
        return False
    return Receipt.objects.filter(campaign=campaign, code=codes.normalise(code)).exists()
