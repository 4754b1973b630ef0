"""The work of the campaign's stages (seed 001 八): the public page of 宣传发动, each unit's
service pledges (服务承诺) and its self-inspection report (自查自纠).

Files lie under PINGYI_HOME/media/evidence (pingyi.evidence, same checks and limits),
served only through the stage pages: a pledge's file to the public once it is approved.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingyi.campaigns.models import Campaign, Unit
from pingyi.rules import stages as rules


class Brief(models.Model):
    """What the campaign's public page shows besides its units, stages and pledges."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="brief")
    plan = models.TextField(_("implementation plan"), max_length=20000, blank=True)
    criteria = models.TextField(_("appraisal criteria"), max_length=4000, blank=True)
    public = models.BooleanField(_("public"), default=False)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.CharField(_("updated by"), max_length=150)

    class Meta:
        verbose_name = _("campaign public page")
        verbose_name_plural = _("campaign public pages")

    def __str__(self) -> str:
        return str(self.campaign)

    def criteria_list(self) -> list[tuple[str, str]]:
        """One criterion a line, "name：description" (or "name: description")."""
        found = []
        for line in self.criteria.splitlines():
            text = line.strip()
            if not text:
                continue
            for separator in ("：", ":"):
                if separator in text:
                    name, _sep, description = text.partition(separator)
                    found.append((name.strip(), description.strip()))
                    break
            else:
                found.append((text, ""))
        return found


class Attached(models.Model):
    """An optional file, checked and stored as evidence is."""

    file_stored_name = models.CharField(_("stored as"), max_length=80, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("type"), max_length=80, blank=True)
    file_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True


class PledgeStatus(models.TextChoices):
    DRAFT = rules.DRAFT, pgettext_lazy("stage filing", "Draft")
    SUBMITTED = rules.SUBMITTED, pgettext_lazy("stage filing", "Awaiting approval")
    APPROVED = rules.APPROVED, pgettext_lazy("stage filing", "Approved and published")
    RETURNED = rules.RETURNED, pgettext_lazy("stage filing", "Returned for revision")


class Pledge(Attached):
    """A unit's service pledges for the campaign's year: drafted by its owner, approved by the
    office, then public until the next campaign."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="pledge")
    text = models.TextField(_("pledges"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT
    )
    comment = models.TextField(_("office's comment"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.CharField(_("updated by"), max_length=150)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("service pledge")
        verbose_name_plural = _("service pledges")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=rules.APPROVED)
                | (models.Q(decided_on__isnull=False) & ~models.Q(decided_by="")),
                name="pledge_approved_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_status_display()}"


class InspectionStatus(models.TextChoices):
    FILED = rules.FILED, pgettext_lazy("stage filing", "Filed, awaiting receipt")
    RECEIVED = rules.RECEIVED, pgettext_lazy("stage filing", "Received by the office")


class SelfInspection(Attached):
    """A unit's self-inspection report (自查自纠), marked received by the office."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="self_inspection")
    text = models.TextField(_("self-inspection report"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=rules.FILED
    )
    filed_on = models.DateField(_("filed on"))
    filed_by = models.CharField(_("filed by"), max_length=150)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("self-inspection report")
        verbose_name_plural = _("self-inspection reports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=rules.RECEIVED)
                | (models.Q(received_on__isnull=False) & ~models.Q(received_by="")),
                name="self_inspection_received_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_status_display()}"
