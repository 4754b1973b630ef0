from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization


class Series(models.Model):
    """A recurring appraisal, one campaign a year (e.g. 千人评议机关)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="series")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="series_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("On public notice")
    FINAL = "final", _("Final")


class Campaign(models.Model):
    """One appraisal run. Its scheme, categories and units are frozen once it opens (R13)."""

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="campaigns")
    code = models.SlugField(_("code"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheme = models.JSONField(_("scheme"))
    # Codes of the units that were last in the previous campaign, when it was not run in
    # Pingyi (imported from its results JSON). Null: look the previous campaign up instead.
    previous_last = models.JSONField(
        _("last units of the previous campaign"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="campaign_one_per_year"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    winner_places = models.PositiveSmallIntegerField(_("winner places"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="category_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit being appraised. ``position`` is its place in every stored ballot's marks."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="units")
    category_label = models.CharField(_("category as written"), max_length=200)
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    veto = models.BooleanField(_("one-vote veto"), default=False)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="unit_code_unique"),
            models.UniqueConstraint(fields=["campaign", "position"], name="unit_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EvaluatorGroup(models.Model):
    """A group of evaluators (服务对象, 干部和各界代表) with the share of ballots it should have."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    target_share = models.CharField(_("target share"), max_length=30, blank=True)  # a fraction
    # At most this many codes (withdrawn ones aside) for the group; None: no limit. A grading
    # survey or grade vote sets it from its approved participant list (0 until approved).
    codes_allowed = models.PositiveIntegerField(_("code limit"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    # Set on a kind of representative (seed 001 五(二): 党政领导, 企业负责人代表, 各界代表,
    # 基层干部代表): a sub-group whose ballots count toward its group's share. A kind names
    # a class of people, never a person; its figures obey the k rule (rules.kinds, R12).
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kinds",
        verbose_name=_("evaluator group of the kind"),
    )

    class Meta:
        verbose_name = _("evaluator group")
        verbose_name_plural = _("evaluator groups")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="group_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A 片区 of the year-end appraisal (seed 001 八.6: 以片区为单位进行集中评议): where a
    batch of paper ballots was collected. Configured per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Supervision(models.Model):
    """The on-site supervision and notarization of the year-end vote (seed 001 八.6: 评议活动
    办公室和市公证处负责现场监督和公证): who supervised, the notary office, its reference."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="supervision"
    )
    # [{"name": "…", "unit": "…"}, …] in the order entered
    supervisors = models.JSONField(_("supervisors"), default=list)
    notary_office = models.CharField(_("notary office"), max_length=200)
    notary_reference = models.CharField(_("notarial certificate number"), max_length=100)
    supervised_on = models.DateField(_("date of the vote"))
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("supervision and notarization")
        verbose_name_plural = _("supervision and notarization")

    def __str__(self) -> str:
        return f"{self.notary_office} {self.notary_reference}"


class StageKind(models.TextChoices):
    """The six stages of seed 001 (八、组织实施)."""

    MOBILIZATION = "mobilization", _("Mobilization (宣传发动)")
    PLEDGES = "pledges", _("Service pledges (服务承诺)")
    SELF_INSPECTION = "self_inspection", _("Self-inspection (自查自纠)")
    OPINIONS = "opinions", _("Opinion gathering (征求意见)")
    RECTIFICATION = "rectification", _("Rectification (集中整改)")
    APPRAISAL = "appraisal", _("Year-end appraisal (年终评议)")


class CampaignStage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["campaign", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="stage_once_per_campaign"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class ConsequenceKind(models.TextChoices):
    """Seed 001 七.(二): what a P1 result brings a unit (rules.consequences decides which)."""

    COMMENDATION = "commendation", _("Commendation and honour plaque (通报表彰)")
    BONUS_UP = "bonus_up", _("Year-end bonus +10% (目标管理奖上浮)")
    CRITICISM = "criticism", _("Public criticism (通报批评)")
    WRITTEN_REPORT = "written_report", _("Written rectification report (书面整改报告)")
    NO_HONOURS = "no_honours", _("Not eligible for honours this year (不评先进)")
    BONUS_DOWN = "bonus_down", _("Year-end bonus −10% (目标管理奖下调)")
    BONUS_FORFEIT = "bonus_forfeit", _("Year-end bonus forfeited (全额扣发)")
    REMOVAL = "removal", _("Head to resign, or be demoted or removed (引咎辞职或降免职)")
    SUPERIOR_LETTER = "superior_letter", _("Result sent to the superior (通报上级主管部门)")
    TRANSFER = "transfer", _("Head's transfer recommended (建议主要领导调离)")
    VETO_EXCLUDED = "veto_excluded", _("One-vote veto: no winner title (一票否决)")


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class Consequence(models.Model):
    """One consequence applied to one unit of a campaign, and its follow-up by the office.

    The written report's file lies under PINGYI_HOME/media/evidence (pingyi.evidence),
    served only through the campaign's consequence page."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="consequences")
    unit_code = models.CharField(_("unit code"), max_length=60)
    unit_name = models.CharField(_("unit"), max_length=200)
    category = models.CharField(_("category"), max_length=200)
    vertical = models.BooleanField(_("vertically managed"), default=False)
    flags = models.JSONField(_("flags"), default=list)
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("consequence"), max_length=20, choices=ConsequenceKind.choices)
    adjustment = models.CharField(_("bonus adjustment"), max_length=20, blank=True)  # "-1/10"
    condition = models.CharField(_("condition to confirm"), max_length=200, blank=True)
    checked = models.BooleanField(_("condition confirmed"), default=False)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.CharField(_("done by"), max_length=150, blank=True)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    applied_at = models.DateTimeField(_("applied"))
    applied_by = models.CharField(_("applied by"), max_length=150)
    file_stored_name = models.CharField(_("stored as"), max_length=80, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("type"), max_length=80, blank=True)
    file_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["campaign", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit_code", "kind"], name="consequence_once_per_unit"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (models.Q(done_on__isnull=False) & ~models.Q(done_by="")),
                name="consequence_done_is_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}: {self.get_kind_display()}"
