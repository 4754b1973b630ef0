"""The ballot table, the mixing pool and the seal. Anonymity is a property of this schema
(R9, R10): nothing here leads to a person, a token, a session or a precise time; ids are random
and SQLite keeps them as the rowid, so row order tells nothing; an online ballot reaches the
ballot table only through the mixing pool (ballots.pool), in a transaction shared with at
least k − 1 other ballots and with no token use. A new column must be reviewed against
tests/ballots/test_anonymity.py before it is added."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.campaigns.models import Area, Campaign, EvaluatorGroup
from pingyi.fields import RandomIdField, random_id

# One character per unit, in unit position order: "0".."9" the scheme's mark index,
# "-" left blank (counts as abstain), "." not on this ballot (the unit is not covered).
MARK_BLANK = "-"
MARK_NOT_COVERED = "."


random_ballot_id = random_id  # the name migration 0001 knows


class BallotSource(models.TextChoices):
    PAPER = "paper", _("Paper")
    ONLINE = "online", _("Online")


class Ballot(models.Model):
    # On PostgreSQL the table is partitioned by campaign (ballots.partitions, migration 0006):
    # its primary key there is (id, campaign_id), and a new unique constraint must hold
    # campaign too.
    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    # No index of their own: the unique (campaign, ballot_no) index serves campaign lookups,
    # and every index is one more B-tree each of a million inserts must update.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="ballots", db_index=False
    )
    group = models.ForeignKey(
        EvaluatorGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
        db_index=False,
    )
    # NULL for online ballots: several NULLs may share a campaign under the unique constraint.
    ballot_no = models.CharField(  # noqa: DJ001
        _("ballot number"), max_length=60, null=True, blank=True
    )
    marks = models.TextField(_("marks"))
    valid = models.BooleanField(_("valid"))
    source = models.CharField(_("source"), max_length=10, choices=BallotSource.choices)
    cast_on = models.DateField(_("day cast"))  # a day, never a time (R9)
    # HMAC of every other column under a key outside the database (ballots.sealing): a row
    # altered or inserted without the key fails `pingyi verify` (R15).
    mac = models.BinaryField(_("MAC"), max_length=16)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "ballot_no"], name="ballot_no_unique"),
        ]
        # The few blank ballots a report names, found without reading the million valid ones.
        indexes = [
            models.Index(
                fields=["campaign"], condition=models.Q(valid=False), name="ballot_invalid"
            )
        ]

    def __str__(self) -> str:
        return _("ballot %(no)s") % {"no": self.ballot_no or "—"}


class PooledBallot(models.Model):
    """A cast ballot waiting in the mixing pool, sealed (ballots.sealing).

    The cast's transaction writes the token's use and this row together, so they share the
    transaction id (PostgreSQL's ``xmin``) — which is why nothing here is readable without the
    key kept outside the database. Ballots leave the pool for the ballot table at random, in
    batches of at least k, in transactions of their own, and all of them when the campaign
    closes (ballots.pool).
    """

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField(_("sealed ballot"))

    class Meta:
        verbose_name = _("ballot in the mixing pool")
        verbose_name_plural = _("ballots in the mixing pool")

    def __str__(self) -> str:
        return str(_("sealed ballot"))


class BallotSeal(models.Model):
    """What a campaign's ballots were when it closed: the digest of the ballot set (sealed into
    the audit chain by the closing entry and printed on the notice) and the tally computed
    once from them, which pages and exports read and `pingyi verify` recounts (R15)."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, primary_key=True, related_name="seal"
    )
    digest = models.CharField(_("ballot set digest"), max_length=64)
    ballots = models.PositiveIntegerField(_("ballots"))
    online = models.PositiveIntegerField(_("online ballots"))
    paper = models.PositiveIntegerField(_("paper ballots"))
    tally = models.JSONField(_("stored tally"))

    class Meta:
        verbose_name = _("ballot seal")
        verbose_name_plural = _("ballot seals")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.digest[:12]}"


class PaperBatch(models.Model):
    """One import of paper ballots: the area (片区) they were collected in and what came of
    it. Nothing links a ballot to its batch (R9): per area only counts are kept."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="paper_batches")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="batches"
    )
    file = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    imported = models.PositiveIntegerField(_("imported"))
    invalid = models.PositiveIntegerField(_("blank ballots"))
    rejected = models.PositiveIntegerField(_("rejected rows"))
    imported_on = models.DateField(_("imported on"))
    imported_by = models.CharField(_("imported by"), max_length=150)

    class Meta:
        verbose_name = _("paper ballot batch")
        verbose_name_plural = _("paper ballot batches")

    def __str__(self) -> str:
        return f"{self.file} ({self.imported})"
