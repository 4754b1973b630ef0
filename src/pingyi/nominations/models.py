"""Nominations under a kept commendation project (推荐评选, seed 002).

A round belongs to one office (the organization that runs the commendation) and to one project
of its published kept list: nobody nominates under a cancelled or merged project. Nominating
units form a tree: a unit nominates; its parent (the level above) recommends or returns the
list; a unit without a parent hands the list to the office, which approves it. Approved
nominees go on public notice (公示) for the round's notice period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.notices.models import ObjectionStatus
from pingyi.registry.models import Project
from pingyi.rules import nominations as rules
from pingyi.rules import notice as notice_rules


class Phase(models.TextChoices):
    NOMINATING = rules.NOMINATING, _("Nominating")
    NOTICE = rules.NOTICE, _("On public notice")
    CLOSED = rules.CLOSED, _("Round closed")


class SlateStatus(models.TextChoices):
    DRAFT = rules.DRAFT, _("Draft list")
    SUBMITTED = rules.SUBMITTED, _("Waiting for the level above")
    RETURNED = rules.RETURNED, _("Returned to the unit")
    APPROVED = rules.APPROVED, _("Approved list")


class StepKind(models.TextChoices):
    SUBMIT = rules.SUBMIT, _("Nominated and submitted")
    RECOMMEND = rules.RECOMMEND, _("Recommended to the level above")
    RETURN = rules.RETURN, _("Returned to the unit")
    APPROVE = rules.APPROVE, _("Approved by the office")


class Rank(models.TextChoices):
    STAFF = rules.STAFF, _("Staff member or worker")
    SECTION = rules.SECTION, _("Section level")
    COUNTY = rules.COUNTY, _("County or division level")
    BUREAU = rules.BUREAU, _("Bureau level or above")


class NominationRound(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="nomination_rounds"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="nomination_rounds",
        verbose_name=_("kept project"),
    )  # fmt: skip
    code = models.SlugField(_("code"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    started_on = models.DateField(_("started"))
    quota = models.PositiveIntegerField(_("total quota"))
    ratio = models.CharField(_("ratio to headcount"), max_length=30, blank=True)  # a fraction
    grassroots_minimum = models.CharField(
        _("minimum share of grassroots nominees"), max_length=30, default="7/10"
    )
    phase = models.CharField(
        _("phase"), max_length=12, choices=Phase.choices, default=Phase.NOMINATING
    )
    schedule = models.JSONField(_("schedule"), default=dict, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), default=rules.DEFAULT_NOTICE_DAYS
    )
    notice_start = models.DateField(_("notice from"), null=True, blank=True)
    notice_end = models.DateField(_("notice until"), null=True, blank=True)
    notice_reason = models.TextField(_("reason to publish above the total quota"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination round")
        verbose_name_plural = _("nomination rounds")
        ordering = ["-started_on", "code"]

    def __str__(self) -> str:
        return self.name


class NominatingUnit(models.Model):
    """A unit that nominates (推荐单位); ``parent`` is the level above that recommends."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="units")
    code = models.SlugField(_("code"), max_length=60, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("level above"),
    )  # fmt: skip
    quota = models.PositiveIntegerField(_("quota of places"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)

    class Meta:
        verbose_name = _("nominating unit")
        verbose_name_plural = _("nominating units")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="nominations_unit_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="nominations_unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nomination_units"
    )
    unit = models.ForeignKey(NominatingUnit, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("unit member")
        verbose_name_plural = _("unit members")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="nominations_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


class Slate(models.Model):
    """A unit's list of nominees (推荐名单) and where it stands in the chain."""

    unit = models.OneToOneField(NominatingUnit, on_delete=models.CASCADE, related_name="slate")
    status = models.CharField(
        _("status"), max_length=12, choices=SlateStatus.choices, default=SlateStatus.DRAFT
    )
    # While submitted: the level that acts next (null: the office).
    waiting_at = models.ForeignKey(
        NominatingUnit, on_delete=models.PROTECT, null=True, blank=True,
        related_name="waiting_slates", verbose_name=_("waiting at"),
    )  # fmt: skip
    approval_reason = models.TextField(_("reason to approve it anyway"), blank=True)
    return_reason = models.TextField(_("reason it was returned"), blank=True)
    # The pass began at the last return (separation of duties looks at this pass only).
    pass_started_at = models.DateTimeField(_("pass started"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination list")
        verbose_name_plural = _("nomination lists")
        ordering = ["unit"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=rules.SUBMITTED) | models.Q(waiting_at__isnull=True),
                name="nominations_waiting_only_when_submitted",
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)


class Nominee(models.Model):
    slate = models.ForeignKey(Slate, on_delete=models.CASCADE, related_name="nominees")
    name = models.CharField(_("full name"), max_length=60)
    workplace = models.CharField(_("workplace"), max_length=200)
    post = models.CharField(_("post"), max_length=120)
    rank = models.CharField(_("rank of post"), max_length=12, choices=Rank.choices)
    grassroots = models.BooleanField(_("grassroots (基层一线)"), default=False)
    leader = models.BooleanField(_("unit leader"), default=False)
    deeds = models.TextField(_("main deeds"), blank=True)
    added_by = models.CharField(_("added by"), max_length=150)
    added_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        ordering = ["slate", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grassroots=True, leader=True),
                name="nominations_leader_not_grassroots",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """One step of a list's chain: who, at which level, when, and why."""

    slate = models.ForeignKey(Slate, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=12, choices=StepKind.choices)
    level = models.CharField(_("level"), max_length=200)  # the unit's name, or the office's
    actor = models.CharField(_("recorded by"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["slate", "at", "id"]

    def __str__(self) -> str:
        return f"{self.slate}: {self.kind}"


class Opinion(models.Model):
    """An opinion filed by anyone on the public notice (反映意见). The office answers it once,
    as an objection to a published result is answered (notices: the same states and moves,
    rules.notice); the filer reads the answer with the tracking code given at filing, which is
    stored only as its keyed hash (voting.codes.digest)."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="opinions")
    nominee = models.ForeignKey(
        Nominee, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("nominee")
    )
    text = models.TextField(_("opinion"))
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    filed_on = models.DateField(_("filed"))  # a day: no finer time of an anonymous filer
    # null for opinions filed before tracking codes were given (none reads them by a code)
    digest = models.CharField(
        _("tracking code hash"), max_length=64, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices,
        default=ObjectionStatus.RECEIVED,
    )  # fmt: skip
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=notice_rules.ANSWERED)
                | (models.Q(answered_at__isnull=False) & ~models.Q(answer="")),
                name="nominations_opinion_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee}: {self.text[:20]}"
