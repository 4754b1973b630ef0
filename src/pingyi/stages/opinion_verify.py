"""Whether every campaign's opinions are what was sent and imported: `pingyi verify`, so also
the check after a restore (operations.backup's restore says to run it).

Opinions are anonymous like ballots (R9, R10) and are checked the same way, against the audit
chain (voting.verify): the codes used against the forms the chain records sent (its
parallel lane, one entry a form); the online opinions against the forms that left the mixing
pool (a form holds at least one opinion, at most one a unit); the paper opinions against the
counts the imports recorded; every form still in the pool against the key; and, once the
collection is closed, the opinions as received (id, text, source, form number, day) against
the digest its closing entry sealed into the chain — sorting, folding and the unit's answers
change other columns and leave the digest alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from pingyi.audit import actions
from pingyi.audit.models import AuditEntry, LaneEntry
from pingyi.campaigns.models import Campaign
from pingyi.rules.errors import gettext_noop
from pingyi.stages.models import (
    Opinion,
    OpinionCode,
    OpinionCodeUse,
    OpinionRound,
    PooledOpinion,
)
from pingyi.stages.opinion_pool import SealBroken, unseal
from pingyi.voting.verify import Problem, pool_problems

SENT = "stages.opinion.sent"
IMPORTED = "stages.opinions.imported"
CLOSED = "stages.opinions.closed"

P_SENT = gettext_noop(
    "%(used)s opinion codes are marked used, but the audit chain records %(sent)s forms sent"
)
P_ONLINE = gettext_noop(
    "%(stored)s online opinions cannot come from the %(forms)s forms that left the mixing pool"
    " (each holds 1 to %(units)s): opinions were removed or added"
)
P_PAPER = gettext_noop(
    "%(stored)s paper opinions are stored, but the imports recorded %(imported)s"
)
P_POOL = gettext_noop("%(n)s opinion forms in the mixing pool cannot be opened with the key")
P_SET = gettext_noop(
    "the opinions differ from those sealed when the collection closed (digest %(now)s, sealed"
    " %(sealed)s)"
)


@dataclass(frozen=True)
class OpinionReconciliation:
    campaign: Campaign
    codes_used: int
    sent: int  # forms the audit chain records sent
    pooled: int
    online: int  # online opinions stored
    paper: int
    paper_imported: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def opinion_set_digest(campaign_id: int) -> str:
    """SHA-256 over the campaign's opinions as received, in id order: what the closing
    entry seals and verify recomputes."""
    digest = hashlib.sha256()
    rows = (
        Opinion.objects.filter(campaign_id=campaign_id)
        .order_by("id")
        .values_list("id", "source", "form_no", "received_on", "text")
        .iterator(chunk_size=5000)
    )
    for pk, source, form_no, day, text in rows:
        line = f"{pk}\x1f{source}\x1f{form_no or ''}\x1f{day.isoformat()}\x1f{text}\x1e"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def _entries(action: str, campaign: Campaign) -> Any:
    return AuditEntry.objects.filter(
        action__in=actions.names(action), object_type="campaign", object_id=str(campaign.pk)
    )


def _sealed(campaign: Campaign) -> str | None:
    """The digest the closing entry sealed (None: not closed, or closed before digests)."""
    found = (
        _entries(CLOSED, campaign)
        .filter(data__has_key="opinions_digest")
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    return str(found["opinions_digest"]) if found else None


def campaign_opinions_reconcile(campaign: Campaign) -> OpinionReconciliation:
    """The campaign's opinions against the audit chain and the key (see the module)."""
    stored = Opinion.objects.filter(campaign=campaign).aggregate(
        online=Count("id", filter=Q(form_no__isnull=True)),
        paper=Count("id", filter=Q(form_no__isnull=False)),
    )
    online, paper = int(stored["online"]), int(stored["paper"])
    used = OpinionCodeUse.objects.filter(code__campaign=campaign).count()
    sent = LaneEntry.objects.filter(
        action__in=actions.names(SENT), object_type="campaign", object_id=str(campaign.pk)
    ).count()
    imported = sum(
        int(data.get("imported", 0)) for data in _entries(IMPORTED, campaign).values_list(
            "data", flat=True
        )
    )  # fmt: skip
    pooled = list(PooledOpinion.objects.filter(campaign=campaign).values_list("id", "sealed"))
    problems: list[Problem] = []
    if used != sent:
        problems.append(Problem(P_SENT, {"used": used, "sent": sent}))
    forms = max(used - len(pooled), 0)
    units = max(campaign.units.count(), 1)
    if not forms <= online <= forms * units:
        problems.append(Problem(P_ONLINE, {"stored": online, "forms": forms, "units": units}))
    if paper != imported:
        problems.append(Problem(P_PAPER, {"stored": paper, "imported": imported}))
    problems += pool_problems(
        pooled, campaign_id=campaign.pk, unseal=unseal, broken=SealBroken, template=P_POOL
    )
    sealed = _sealed(campaign)
    if sealed is not None:
        now = opinion_set_digest(campaign.pk)
        if now != sealed:
            problems.append(Problem(P_SET, {"now": now[:16], "sealed": sealed[:16]}))
    return OpinionReconciliation(
        campaign=campaign, codes_used=used, sent=sent, pooled=len(pooled), online=online,
        paper=paper, paper_imported=imported, problems=problems,
    )  # fmt: skip


def opinions_verify() -> list[OpinionReconciliation]:
    """Every campaign that issued opinion codes, holds opinions or closed a collection."""
    touched = (
        set(OpinionCode.objects.values_list("campaign_id", flat=True).distinct())
        | set(Opinion.objects.values_list("campaign_id", flat=True).distinct())
        | set(PooledOpinion.objects.values_list("campaign_id", flat=True).distinct())
        | set(OpinionRound.objects.values_list("campaign_id", flat=True))
    )
    campaigns = Campaign.objects.filter(pk__in=touched).order_by("code")
    return [campaign_opinions_reconcile(c) for c in campaigns]
