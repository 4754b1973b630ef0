"""Public notice (公示), objections (异议) and reviews (复核) of a result (SPEC P3).

A notice belongs to one subject — a P1 campaign or a P2 grading round (a nullable
foreign key per kind; exactly the one of its kind is set) — and to the organizing office
that runs it (the tenant, R17). At publication the result is copied into NoticeEntry rows,
one per unit or organization: the public page reads those rows (a fixed number of queries
however many units), and a review changes them, recording before and after in Review.
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign
from pingyi.grading.models import GradingRound
from pingyi.rules import notice as rules


class NoticeKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Appraisal campaign (P1)")
    GRADING = "grading", _("Grading (P2)")


class NoticeStatus(models.TextChoices):
    ON_NOTICE = rules.ON_NOTICE, _("On public notice")
    FINAL = rules.FINAL, _("Final")


class Notice(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="notice"
    )
    grading_round = models.OneToOneField(
        GradingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="notice"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.ON_NOTICE
    )
    days = models.PositiveSmallIntegerField(_("notice period (days)"))
    opens_at = models.DateTimeField(_("on notice from"))
    ends_at = models.DateTimeField(_("on notice until"))
    published_by = models.CharField(_("published by"), max_length=150)
    finalized_at = models.DateTimeField(_("final since"), null=True, blank=True)
    finalized_by = models.CharField(_("made final by"), max_length=150, blank=True)
    head_at_publication = models.CharField(_("audit chain head at publication"), max_length=64)
    # What reconciles (R15), frozen at publication (a closed campaign takes no more ballots).
    tokens_issued = models.PositiveIntegerField(_("tokens issued"), null=True, blank=True)
    # Codes of withdrawn batches: not in tokens_issued, stated beside it.
    tokens_withdrawn = models.PositiveIntegerField(_("tokens withdrawn"), null=True, blank=True)
    tokens_used = models.PositiveIntegerField(_("tokens used"), null=True, blank=True)
    paper_ballots = models.PositiveIntegerField(_("paper ballots imported"), null=True, blank=True)
    ballots_counted = models.PositiveIntegerField(_("ballots counted"), null=True, blank=True)
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    receipts = models.PositiveIntegerField(_("receipts"), null=True, blank=True)
    previous_last = models.JSONField(_("last units of the previous campaign"), default=list)
    # Moves on with every change the public page shows (review, answer, final): the key of
    # the page's cached results (notices.views), so a stale copy is never served.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=NoticeKind.CAMPAIGN) | models.Q(campaign__isnull=False),
                name="notice_campaign_has_campaign",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=NoticeKind.CAMPAIGN, grading_round__isnull=True)
                    | models.Q(
                        kind=NoticeKind.GRADING, grading_round__isnull=False, campaign__isnull=True
                    )
                ),
                name="notice_one_subject_of_its_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("opens_at")),
                name="notice_ends_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reconciles(self) -> bool | None:
        """tokens used + paper imported = ballots counted (R15); None when not a ballot count."""
        if self.tokens_used is None or self.paper_ballots is None or self.ballots_counted is None:
            return None
        return self.tokens_used + self.paper_ballots == self.ballots_counted

    @property
    def invalid_ballots(self) -> int | None:
        if self.ballots_counted is None or self.valid_ballots is None:
            return None
        return self.ballots_counted - self.valid_ballots


def _fraction(text: str) -> Fraction | None:
    return Fraction(text) if text else None


class NoticeEntry(models.Model):
    """One unit's (or organization's) result as published, corrected by any review."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("category"), max_length=200)  # category (P1) or committee (P2)
    group_code = models.CharField(_("category code"), max_length=60)
    group_position = models.PositiveSmallIntegerField(_("category position"), default=0)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list)
    grade = models.CharField(_("grade"), max_length=4, blank=True)  # P2: 好/较好/一般/较差
    sector = models.CharField(_("sector"), max_length=20, blank=True)  # P2; group = committee
    overrides = models.JSONField(_("overrides"), default=list)  # P2: violation, new, inherited
    veto = models.BooleanField(_("one-vote veto"), default=False)
    vertical = models.BooleanField(_("vertically managed"), default=False)
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    counts = models.JSONField(_("counts per mark"), default=list)
    # Exact values as fractions ("7/4"): flags are decided on them, not on rounded figures.
    score = models.CharField(_("score"), max_length=60, blank=True)
    mean_score = models.CharField(_("mean score"), max_length=60, blank=True)
    satisfaction_rate = models.CharField(_("satisfaction rate"), max_length=60, blank=True)
    reviewed = models.BooleanField(_("changed by a review"), default=False)

    class Meta:
        verbose_name = _("notice entry")
        verbose_name_plural = _("notice entries")
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "code"], name="notice_entry_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def mean(self) -> Fraction | None:
        return _fraction(self.mean_score)

    @property
    def rate(self) -> Fraction | None:
        return _fraction(self.satisfaction_rate)

    @property
    def total(self) -> Fraction | None:
        """A grading's total points (stored in ``score``)."""
        return _fraction(self.score)


class ObjectionStatus(models.TextChoices):
    RECEIVED = rules.RECEIVED, pgettext_lazy("objection", "Received")
    ASSIGNED = rules.ASSIGNED, _("Being investigated")
    ANSWERED = rules.ANSWERED, _("Answered")


class Objection(models.Model):
    """Anyone's objection to one unit's result. The tracking code is stored only as a hash."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("what is wrong"), max_length=4000)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    digest = models.CharField(_("tracking code hash"), max_length=64, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.RECEIVED,
    )
    filed_at = models.DateTimeField(_("filed"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections_assigned",
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["notice", "filed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=rules.ANSWERED)
                | (models.Q(answered_at__isnull=False) & ~models.Q(answer="")),
                name="objection_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry.name}"


class ObjectionNote(models.Model):
    """An investigation note: staff only, never public."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="notes")
    author = models.CharField(_("author"), max_length=150)
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("note"), max_length=4000)

    class Meta:
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")
        ordering = ["objection", "at", "id"]

    def __str__(self) -> str:
        return f"{self.author} {self.at:%Y-%m-%d}"


class Review(models.Model):
    """A review (复核) that changed the result: what changed, why, who approved, who recorded.

    ``changes`` lists every entry it changed: [{"code", "name", "field", "before", "after"}];
    a changed veto can move other units' flags, and those are listed too.
    """

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="reviews")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.PROTECT, related_name="reviews")
    objection = models.ForeignKey(
        Objection, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    changes = models.JSONField(_("changes"))
    reason = models.TextField(_("reason"), max_length=4000)
    approved_by = models.CharField(_("approved by"), max_length=200)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["notice", "at", "id"]

    def __str__(self) -> str:
        return f"{self.entry.name} {self.at:%Y-%m-%d}"
