"""Whether every campaign's ballots are what was cast and imported (R15): `pingyi verify`,
the notice page and the collection dashboard.

The audit chain proves what happened — each cast's lane entry, each import's count and file
digest, each closing's seal — and cannot be rewritten unseen (R14). The ballots are checked
against it: online ballots (stored and pooled) against the codes used and the cast entries;
paper ballots against the counts the import entries recorded; every row against its MAC
(a row altered or inserted without the key outside the database fails); after close, the
ballot set against the digest sealed into the chain, and the stored tally against a recount.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from pingyi.audit import actions
from pingyi.audit.models import AuditEntry, LaneEntry
from pingyi.ballots.models import Ballot, BallotSeal, PooledBallot
from pingyi.ballots.pool import CAST
from pingyi.ballots.sealing import ROW_COLUMNS, SealBroken, ballot_mac, unseal
from pingyi.ballots.selectors import campaign_count
from pingyi.ballots.services import IMPORTED, ballot_set_digest
from pingyi.campaigns.models import Campaign
from pingyi.rules import phases
from pingyi.rules.errors import gettext_noop
from pingyi.voting.models import Receipt, TokenUse

P_ONLINE = gettext_noop(
    "%(stored)s online ballots are stored, but %(used)s codes were used: ballots were removed "
    "or added"
)
P_CASTS = gettext_noop(
    "%(used)s codes are marked used, but the audit chain records %(cast)s ballots cast"
)
P_RECEIPTS = gettext_noop("%(receipts)s receipts for %(used)s codes used")
P_PAPER = gettext_noop("%(stored)s paper ballots are stored, but the imports recorded %(imported)s")
P_COUNTED = gettext_noop("the notice counted %(counted)s ballots, but %(stored)s are stored now")
P_MAC = gettext_noop(
    "%(n)s ballot rows fail their MAC: altered or inserted without the key (first id %(id)s)"
)
P_POOL = gettext_noop("%(n)s ballots in the mixing pool cannot be opened with the key")
P_SEAL_MISSING = gettext_noop("the seal made at close is missing")
P_SEAL_CHANGED = gettext_noop("the stored seal differs from the digest the closing entry recorded")
P_SET = gettext_noop(
    "the ballot set differs from the one sealed at close (digest %(now)s, sealed %(sealed)s)"
)
P_TALLY = gettext_noop("the stored tally differs from a recount of the ballots")


@dataclass(frozen=True)
class Problem:
    template: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reconciliation:
    """One campaign's counts as they are now, and what does not reconcile."""

    campaign: Campaign
    tokens_used: int
    casts: int
    online: int  # stored online ballots, pooled ones included
    pooled: int
    paper: int
    paper_imported: int
    receipts: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def campaign_reconcile(
    campaign: Campaign, *, deep: bool = False, counted: int | None = None
) -> Reconciliation:
    """The live reconciliation of ``campaign`` in a few counts, each served by an index.
    ``counted``: the ballots a notice says were counted, checked against those stored now.
    With ``deep`` (verify) also the cast entries of the chain, every row's MAC, every pooled
    seal, the sealed set digest and the tally."""
    counts = _counts(campaign, deep=deep)
    problems: list[Problem] = []
    used, casts, online, paper = counts["used"], counts["casts"], counts["online"], counts["paper"]
    if online != used:
        problems.append(Problem(P_ONLINE, {"stored": online, "used": used}))
    if deep and used != casts:
        problems.append(Problem(P_CASTS, {"used": used, "cast": casts}))
    if counts["receipts"] != used:
        problems.append(Problem(P_RECEIPTS, {"receipts": counts["receipts"], "used": used}))
    if paper != counts["imported"]:
        problems.append(Problem(P_PAPER, {"stored": paper, "imported": counts["imported"]}))
    if counted is not None and counted != online + paper:
        problems.append(Problem(P_COUNTED, {"counted": counted, "stored": online + paper}))
    if deep:
        problems += _deep(campaign)
    return Reconciliation(
        campaign=campaign,
        tokens_used=used,
        casts=casts,
        online=online,
        pooled=counts["pooled"],
        paper=paper,
        paper_imported=counts["imported"],
        receipts=counts["receipts"],
        problems=problems,
    )


def _counts(campaign: Campaign, *, deep: bool) -> dict[str, int]:
    # A paper ballot has its number, an online one none: counted on the (campaign, number)
    # index alone, without reading a million rows.
    stored = Ballot.objects.filter(campaign=campaign).aggregate(
        online=Count("id", filter=Q(ballot_no__isnull=True)),
        paper=Count("id", filter=Q(ballot_no__isnull=False)),
    )
    pooled = PooledBallot.objects.filter(campaign=campaign).count()
    imports = AuditEntry.objects.filter(
        action__in=actions.names(IMPORTED), object_type="campaign", object_id=str(campaign.pk)
    ).values_list("data", flat=True)
    casts = (
        LaneEntry.objects.filter(
            action__in=actions.names(CAST), object_type="campaign", object_id=str(campaign.pk)
        ).count()
        if deep
        else 0
    )
    return {
        "used": TokenUse.objects.filter(token__campaign=campaign).count(),
        "casts": casts,
        "online": int(stored["online"]) + pooled,
        "pooled": pooled,
        "paper": int(stored["paper"]),
        "imported": sum(int(data.get("imported", 0)) for data in imports),
        "receipts": Receipt.objects.filter(campaign=campaign).count(),
    }


def _deep(campaign: Campaign) -> list[Problem]:
    problems: list[Problem] = []
    bad = list(_bad_macs(campaign))
    if bad:
        problems.append(Problem(P_MAC, {"n": len(bad), "id": bad[0]}))
    problems += pool_problems(
        PooledBallot.objects.filter(campaign=campaign).values_list("id", "sealed"),
        campaign_id=campaign.pk, unseal=unseal, broken=SealBroken, template=P_POOL,
    )  # fmt: skip
    sealed = _sealed_digest(campaign)
    if sealed is not None:
        problems += _seal_problems(campaign, sealed)
    return problems


def pool_problems(
    rows: Iterable[tuple[int, bytes | memoryview]],
    *,
    campaign_id: int,
    unseal: Callable[..., object],
    broken: type[Exception],
    template: str,
) -> list[Problem]:
    """The rows of a mixing pool (ballots', opinion forms') that do not open with the key
    (``unseal`` raises ``broken``): one problem that counts them, or none."""
    count = 0
    for pooled_id, blob in rows:
        try:
            unseal(campaign_id=campaign_id, pooled_id=pooled_id, sealed=bytes(blob))
        except broken:
            count += 1
    return [Problem(template, {"n": count})] if count else []


def _bad_macs(campaign: Campaign) -> Iterator[int]:
    rows = (
        Ballot.objects.filter(campaign=campaign)
        .values_list(*ROW_COLUMNS, "mac")
        .iterator(chunk_size=20000)
    )
    for *row, mac in rows:
        if bytes(mac) != ballot_mac(campaign_id=campaign.pk, row=tuple(row)):
            yield row[0]


def _sealed_digest(campaign: Campaign) -> str | None:
    """The digest the closing entry sealed into the chain (None: not closed, or closed before
    seals existed)."""
    if campaign.status not in phases.RESULTS_VISIBLE:
        return None
    entry = (
        AuditEntry.objects.filter(
            action__in=actions.names("campaigns.campaign.closed"),
            object_type="campaign",
            object_id=str(campaign.pk),
            data__has_key="ballots_digest",
        )
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    return str(entry["ballots_digest"]) if entry else None


def _seal_problems(campaign: Campaign, sealed: str) -> list[Problem]:
    seal = BallotSeal.objects.filter(campaign=campaign).first()
    if seal is None:
        return [Problem(P_SEAL_MISSING)]
    problems: list[Problem] = []
    if seal.digest != sealed:
        problems.append(Problem(P_SEAL_CHANGED))
    now = ballot_set_digest(campaign)
    if now != sealed:
        problems.append(Problem(P_SET, {"now": now[:16], "sealed": sealed[:16]}))
    if campaign_count(campaign).as_json() != seal.tally:
        problems.append(Problem(P_TALLY))
    return problems


def ballots_verify() -> list[Reconciliation]:
    """Every campaign that holds ballots, codes or a pool, deeply checked."""
    touched = Campaign.objects.filter(~Q(status=phases.DRAFT)).order_by("code")
    return [campaign_reconcile(c, deep=True) for c in touched]
