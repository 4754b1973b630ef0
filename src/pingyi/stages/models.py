"""The work of the campaign's stages (seed 001 八): the public page of 宣传发动, each unit's
service pledges (服务承诺) and its self-inspection report (自查自纠).

Files lie under PINGYI_HOME/media/evidence (pingyi.evidence, same checks and limits),
served only through the stage pages: a pledge's file to the public once it is approved.
"""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingyi.campaigns.models import Campaign, Unit
from pingyi.fields import RandomIdField, random_id
from pingyi.rules import opinions as opinion_rules
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


# ------------------------------------------------------------- 征求意见 and 集中整改
# The opinion tables keep the ballots' promises (R9, R10; tests/stages/test_opinion_anonymity):
# a code and its use live in OpinionCode / OpinionCodeUse; an online form waits sealed in
# PooledOpinion and reaches Opinion only mixed with at least k − 1 other forms
# (stages.opinion_pool). Nothing reachable from Opinion leads to a code, a person, a session
# or a time finer than a day, and its ids are random (SQLite keeps them as the rowid).


class OpinionCodeBatch(models.Model):
    """Codes issued together (one print run of 征求意见表, one SMS list)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveIntegerField(_("size"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.CharField(_("issued by"), max_length=150)

    class Meta:
        verbose_name = _("opinion code batch")
        verbose_name_plural = _("opinion code batches")

    def __str__(self) -> str:
        return f"{self.campaign_id} × {self.size}"


class OpinionCode(models.Model):
    """One person's right to send one opinion form; only the keyed digest of the code is
    stored (voting.codes.digest: R10, R11)."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(OpinionCodeBatch, on_delete=models.PROTECT, related_name="codes")
    digest = models.CharField(_("code hash"), max_length=64, unique=True)
    void = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("opinion code")
        verbose_name_plural = _("opinion codes")

    def __str__(self) -> str:
        return f"code {self.digest[:8]}…"


class OpinionCodeUse(models.Model):
    """The code was used: its primary key makes a second use fail in the database (R2). No
    time, no opinion — like voting.TokenUse."""

    code = models.OneToOneField(
        OpinionCode, on_delete=models.PROTECT, primary_key=True, related_name="use"
    )

    class Meta:
        verbose_name = _("opinion code use")
        verbose_name_plural = _("opinion code uses")

    def __str__(self) -> str:
        return f"use of {self.code_id}"


class PooledOpinion(models.Model):
    """A sent form waiting in the mixing pool, sealed under a key outside the database."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField(_("sealed form"))

    class Meta:
        verbose_name = _("opinion form in the mixing pool")
        verbose_name_plural = _("opinion forms in the mixing pool")

    def __str__(self) -> str:
        return str(_("sealed form"))


class OpinionRound(models.Model):
    """The campaign's collection of opinions: closed by the office, which moves every form
    left in the pool (nothing is fed back while forms may still arrive)."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="opinion_round"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("collection of opinions")
        verbose_name_plural = _("collections of opinions")

    def __str__(self) -> str:
        return str(self.campaign)


class OpinionSource(models.TextChoices):
    ONLINE = opinion_rules.ONLINE, pgettext_lazy("opinion source", "Sent online")
    PAPER = opinion_rules.PAPER, pgettext_lazy("opinion source", "Paper form")


class OpinionStatus(models.TextChoices):
    NEW = opinion_rules.NEW, pgettext_lazy("opinion", "To sort")
    SORTED = opinion_rules.SORTED, pgettext_lazy("opinion", "Sorted")
    DUPLICATE = opinion_rules.DUPLICATE, pgettext_lazy("opinion", "Duplicate")
    MERGED = opinion_rules.MERGED, pgettext_lazy("opinion", "Merged")


class OpinionCategory(models.TextChoices):
    LAW = opinion_rules.LAW, _("Lawful administration (依法行政)")
    EFFICIENCY = opinion_rules.EFFICIENCY, _("Administrative efficiency (行政效能)")
    RESULTS = opinion_rules.RESULTS, _("Work results (工作实绩)")
    MECHANISM = opinion_rules.MECHANISM, _("Working mechanisms (工作机制)")
    OTHER = opinion_rules.OTHER, _("Other (其他)")


class Opinion(models.Model):
    """One opinion on one unit. Reviewed columns only (tests/stages/test_opinion_anonymity):
    nothing here names a code, a person or a moment finer than the day it arrived."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="opinions")
    text = models.TextField(_("opinion"), max_length=opinion_rules.MAX_TEXT)
    source = models.CharField(_("source"), max_length=10, choices=OpinionSource.choices)
    # The number printed on a paper form (a re-import adds nothing, R5); NULL online.
    form_no = models.CharField(  # noqa: DJ001
        _("form number"), max_length=60, null=True, blank=True
    )
    received_on = models.DateField(_("received on"))  # a day, never a time (R9)
    # The office's sorting.
    category = models.CharField(
        _("category"), max_length=12, choices=OpinionCategory.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OpinionStatus.choices, default=opinion_rules.NEW
    )
    kept_as = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="folded",
        verbose_name=_("kept as"),
    )  # fmt: skip
    wording = models.TextField(_("wording fed back"), max_length=4000, blank=True)
    # The unit's answer, once fed back.
    measures = models.TextField(_("measures"), max_length=4000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [models.Index(fields=["campaign", "form_no"], name="opinion_form_no")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=opinion_rules.KEPT, kept_as__isnull=True)
                | (~models.Q(status__in=opinion_rules.KEPT) & models.Q(kept_as__isnull=False)),
                name="opinion_folded_has_its_kept",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.text[:20]}"

    @property
    def shown(self) -> str:
        """What the unit reads: the office's wording, else the opinion as written."""
        return self.wording or self.text


class FeedbackStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("feedback", "Summary drafted")
    FED_BACK = "fed_back", pgettext_lazy("feedback", "Fed back to the unit")


class OpinionFeedback(models.Model):
    """The office's summary of a unit's opinions, and whether it was fed back (反馈)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="opinion_feedback")
    summary = models.TextField(_("summary"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default="draft"
    )
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True)
    fed_back_by = models.CharField(_("fed back by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("opinion feedback")
        verbose_name_plural = _("opinion feedback")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="fed_back")
                | (models.Q(fed_back_on__isnull=False) & ~models.Q(fed_back_by="")),
                name="feedback_fed_back_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_status_display()}"


class RectificationReport(Attached):
    """A unit's report of its 集中整改, filed once every fed-back opinion is answered and
    marked received by the office."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="rectification_report")
    text = models.TextField(_("rectification report"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=rules.FILED
    )
    filed_on = models.DateField(_("filed on"))
    filed_by = models.CharField(_("filed by"), max_length=150)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=rules.RECEIVED)
                | (models.Q(received_on__isnull=False) & ~models.Q(received_by="")),
                name="rectification_report_received_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_status_display()}"


# ------------------------------------------------------------ 集中整改's satisfaction survey
# Seed 001 八.5: after the rectification the office surveys satisfaction with each unit's
# rectification. The survey is a small P1 campaign of its own (codes, ballots, the k rule of
# the one engine: campaigns, voting, ballots); the stage keeps only the link and, once the
# survey is closed, each unit's figures as ballots.selectors.campaign_results gave them.


class SurveyScope(models.TextChoices):
    REPORTED = "reported", _("Units that filed a rectification report")
    ALL = "all", _("Every unit of the campaign")


class RectificationSurvey(models.Model):
    """The campaign's satisfaction survey on the rectification, and when its figures were
    recorded back."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="rectification_survey"
    )
    survey = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="surveyed_for",
        verbose_name=_("survey campaign"),
    )  # fmt: skip
    scope = models.CharField(_("units surveyed"), max_length=10, choices=SurveyScope.choices)
    started_on = models.DateField(_("started on"))
    started_by = models.CharField(_("started by"), max_length=150)
    recorded_on = models.DateField(_("results recorded on"), null=True, blank=True)
    recorded_by = models.CharField(_("results recorded by"), max_length=150, blank=True)
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification satisfaction survey")
        verbose_name_plural = _("rectification satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recorded_on__isnull=True)
                | (~models.Q(recorded_by="") & models.Q(valid_ballots__isnull=False)),
                name="survey_recorded_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.survey}"


class SurveyRate(models.Model):
    """One unit's satisfaction with its rectification, as the survey's results gave it."""

    survey = models.ForeignKey(RectificationSurvey, on_delete=models.CASCADE, related_name="rates")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="survey_rates")
    valid_ballots = models.PositiveIntegerField(_("valid ballots"))
    favourable = models.PositiveIntegerField(_("satisfied and basically satisfied"))
    # The exact rate as a fraction ("41/50"); empty: no valid ballot covered the unit.
    rate = models.CharField(_("satisfaction rate"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("rectification satisfaction rate")
        verbose_name_plural = _("rectification satisfaction rates")
        ordering = ["survey", "unit__position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="survey_rate_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.rate or '—'}"

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.rate) if self.rate else None
