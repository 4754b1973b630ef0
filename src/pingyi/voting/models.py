"""Tokens and receipts. None of these tables links to a ballot, and the ballot table links to
none of them (R9): a token's use is recorded in TokenUse, whose only column is the token."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.fields import RandomIdField, random_id

__all__ = ["BallotToken", "Receipt", "TokenBatch", "TokenUse", "random_id"]


class TokenBatch(models.Model):
    """Tokens issued together for one evaluator group (one print run, one SMS list)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="token_batches")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.PROTECT, related_name="batches")
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.CharField(_("issued by"), max_length=150)

    class Meta:
        verbose_name = _("token batch")
        verbose_name_plural = _("token batches")

    def __str__(self) -> str:
        return f"{self.group} × {self.size}"


class BallotToken(models.Model):
    """One evaluator's right to cast one ballot. Only the keyed digest of the code is stored
    (R10, R11: voting.codes.digest)."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tokens")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.PROTECT, related_name="tokens")
    batch = models.ForeignKey(TokenBatch, on_delete=models.PROTECT, related_name="tokens")
    digest = models.CharField(_("code hash"), max_length=64, unique=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    void = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("ballot token")
        verbose_name_plural = _("ballot tokens")

    def __str__(self) -> str:
        return f"token {self.digest[:8]}…"


class TokenUse(models.Model):
    """The token was used. The primary key makes a second use impossible, even in raw SQL (R2).

    No time, no ballot: nothing here says which ballot the token cast or when. Its key is the
    token's random id, which SQLite keeps as the rowid (pingyi.fields.RandomIdField), so the
    rows are not stored in the order tokens were used either.
    """

    token = models.OneToOneField(
        BallotToken, on_delete=models.PROTECT, primary_key=True, related_name="use"
    )

    class Meta:
        verbose_name = _("token use")
        verbose_name_plural = _("token uses")

    def __str__(self) -> str:
        return f"use of {self.token_id}"


class Receipt(models.Model):
    """Proof that a ballot was counted: presence only, never content (R15)."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="receipts")
    code = models.CharField(_("receipt code"), max_length=20)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="receipt_code_unique")
        ]

    def __str__(self) -> str:
        return self.code
