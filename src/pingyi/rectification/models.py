"""The rectification ledger (整改台账, SPEC P4): a plan per weak unit, its items, their progress.

A final notice makes a plan for every last and key-rectification unit (P1) and every 一般 or
较差 organization (P2). The plan belongs to the organizing office that supervises it (the
tenant, R17); people of the unit itself are given access per unit code (UnitAccess), so the
same owner keeps access to the unit's plans year after year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign, Series
from pingyi.notices.models import Notice
from pingyi.rules import ledger as rules


class UnitRole(models.TextChoices):
    OWNER = "owner", _("Unit owner (updates the plan)")
    MEMBER = "member", _("Unit member (reads the plan)")


class UnitAccess(models.Model):
    """A person of an appraised unit: its owner updates the unit's plans, a member reads them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_access"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="unit_access"
    )
    # Whose unit codes: a P1 series' (its campaigns share them year after year), or the
    # office's grading rounds' (None). Unit "01" of one series is not "01" of another.
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="unit_access"
    )
    unit_code = models.CharField(_("unit code"), max_length=60)
    role = models.CharField(_("role"), max_length=10, choices=UnitRole.choices)

    class Meta:
        verbose_name = _("unit access")
        verbose_name_plural = _("unit access")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "series", "unit_code"],
                name="unit_access_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit_code}: {self.role}"


class Basis(models.TextChoices):
    """Why the unit must rectify (the flag or grade of the final result)."""

    LAST = "last", _("Last place (末位)")
    RECTIFY = "rectify", _("Key rectification (重点整改)")
    FAIR = "fair", _("Graded 一般")
    POOR = "poor", _("Graded 较差")


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Rectifying")
    ACCEPTED = "accepted", _("Accepted")


class Verdict(models.TextChoices):
    PASSED = rules.PASSED, _("Passed")
    FAILED = rules.FAILED, _("Failed")


class Plan(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="plans")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="plans")
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    unit_code = models.CharField(_("unit code"), max_length=60)
    unit_name = models.CharField(_("unit"), max_length=200)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    sponsor_leader = models.CharField(_("sponsor leader (挂点领导)"), max_length=100, blank=True)
    liaison = models.CharField(_("liaison (联络员)"), max_length=100, blank=True)
    period_starts = models.DateField(_("rectification from"))
    period_ends = models.DateField(_("rectification until"))
    verdict = models.CharField(_("acceptance"), max_length=10, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField(_("acceptance findings"), max_length=4000, blank=True)
    verdict_on = models.DateField(_("accepted on"), null=True, blank=True)
    verdict_by = models.CharField(_("inspected by"), max_length=150, blank=True)
    survey = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["organization", "-period_starts", "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit_code"], name="plan_once_per_notice"),
            models.CheckConstraint(
                condition=models.Q(period_ends__gte=models.F("period_starts")),
                name="plan_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} ({self.notice})"


class PanelBody(models.TextChoices):
    NPC = rules.NPC, rules.BODY_LABELS[rules.NPC]
    CPPCC = rules.CPPCC, rules.BODY_LABELS[rules.CPPCC]
    OTHER = rules.OTHER, rules.BODY_LABELS[rules.OTHER]


class PanelMember(models.Model):
    """A member of the panel that made the plan's acceptance inspection (验收考评小组: seed 001,
    the People's Congress and the CPPCC). Replaced with each verdict; cleared with it when a
    look-back re-opens the plan (the audit chain keeps every panel's names)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="panel")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    body = models.CharField(_("body"), max_length=10, choices=PanelBody.choices)
    role = models.CharField(_("role"), max_length=100)

    class Meta:
        verbose_name = _("acceptance panel member")
        verbose_name_plural = _("acceptance panel members")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="panel_member_position"),
            models.UniqueConstraint(fields=["plan", "name"], name="panel_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_body_display()}，{self.role}）"


class ItemStatus(models.TextChoices):
    NOT_STARTED = rules.NOT_STARTED, "未开始"
    IN_PROGRESS = rules.IN_PROGRESS, "进行中"
    DONE = rules.DONE, "已完成"
    CLOSED_OUT = rules.CLOSED_OUT, "已销号"


class Item(models.Model):
    """One problem of the unit: what, how, the quantified target, who, by when, where it is."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("problem"), max_length=4000)
    measures = models.TextField(_("measures"), max_length=4000)
    target = models.CharField(_("quantified target"), max_length=500)
    owner = models.CharField(_("owner"), max_length=100)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    closed_out_on = models.DateField(_("closed out on"), null=True, blank=True)
    closed_out_by = models.CharField(_("close-out approved by"), max_length=150, blank=True)
    # Pre-filled from an opinion fed back to the unit in 征求意见 (seed 001 八.5): a draft the
    # unit's owner or the office completes and confirms before any progress is reported.
    opinion = models.ForeignKey(
        "stages.Opinion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("from the opinion"),
    )  # fmt: skip
    draft = models.BooleanField(_("draft, to confirm"), default=False)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="item_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status=rules.CLOSED_OUT)
                | (models.Q(closed_out_on__isnull=False) & ~models.Q(closed_out_by="")),
                name="item_closed_out_is_approved",
            ),
            models.CheckConstraint(
                condition=models.Q(draft=False) | models.Q(status=rules.NOT_STARTED),
                name="item_draft_not_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.unit_name} #{self.number}"


class ProgressNote(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=4000)
    author = models.CharField(_("author"), max_length=150)
    status_after = models.CharField(_("status after"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["item", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.author}"


class Evidence(models.Model):
    """A file under PINGYI_HOME/media/evidence, served only through the ledger's view."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="evidence")
    stored_name = models.CharField(_("stored as"), max_length=80, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=80)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["note", "id"]

    def __str__(self) -> str:
        return self.original_name


class LookBack(models.Model):
    """A look-back (回头看) that re-opened a plan, e.g. a re-grading after a violation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lookbacks")
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), max_length=4000)
    grade_before = models.CharField(_("grade before"), max_length=4, blank=True)
    grade_after = models.CharField(_("grade after"), max_length=4, blank=True)
    by = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("look-back")
        verbose_name_plural = _("look-backs")
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.at:%Y-%m-%d}"
