from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.audit import actions


class AuditEntry(models.Model):
    """One state change. Each entry's hash covers the previous entry's hash (R14)."""

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {actions.label(self.action)}"


class AuditHead(models.Model):
    """The chain's newest entry; locking this one row serialises appends on every database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")
        ]

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"


class LaneHead(models.Model):
    """The newest entry of one lane of parallel entries (see LaneEntry)."""

    lane = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"lane {self.lane} #{self.seq} {self.hash[:12]}"


class LaneEntry(models.Model):
    """An entry of a high-volume action (a ballot cast), chained within its lane.

    Casts arrive dozens a second from evaluators at once; each takes one of a few lanes at
    random and locks only that lane's head, so they do not queue behind the single head of
    the main chain. Each entry still hashes the one before it in its lane (R14), and the head
    hash printed on notices covers the main chain and every lane.
    """

    lane = models.PositiveSmallIntegerField(_("lane"))
    seq = models.BigIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["lane", "seq"]
        verbose_name = _("parallel audit entry")
        verbose_name_plural = _("parallel audit entries")
        constraints = [
            models.UniqueConstraint(fields=["lane", "seq"], name="lane_entry_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lane}-{self.seq} {actions.label(self.action)}"
