"""The ballot table. Anonymity is a property of this schema (R9, R10): nothing here leads to a
person, a token, a session or a precise time, and ids are random so row order tells nothing.
A new column must be reviewed against tests/ballots/test_anonymity.py before it is added."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.campaigns.models import Campaign, EvaluatorGroup

# One character per unit, in unit position order: "0".."9" the scheme's mark index,
# "-" left blank (counts as abstain), "." not on this ballot (the unit is not covered).
MARK_BLANK = "-"
MARK_NOT_COVERED = "."


def random_ballot_id() -> int:
    return secrets.randbits(62) + 1


class BallotSource(models.TextChoices):
    PAPER = "paper", _("Paper")
    ONLINE = "online", _("Online")


class Ballot(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_ballot_id, editable=False)
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
