"""The clean-up of appraisal and commendation projects (评比达标表彰项目清理), seed 000.

A clean-up belongs to one organization (the tenant: the joint-meeting office, e.g. 市纪委纠风室).
Registering units (各镇党委、市委各部委…) register their projects; a unit's users see only their
unit's projects. The office's members (accounts.Membership) decide in the later rounds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.rules import registry as rules


class Round(models.TextChoices):
    SELF_CHECK = rules.SELF_CHECK, _("Self-check (自查自纠)")
    INITIAL_AUDIT = rules.INITIAL_AUDIT, _("Initial audit (初步审核)")
    JOINT_MEETING = rules.JOINT_MEETING, _("Joint meeting (联席会议审议)")
    HIGHER_ADJUSTMENT = rules.HIGHER_ADJUSTMENT, _("Adjustment by the higher level (上级调整)")
    PUBLISHED = rules.PUBLISHED, _("Kept list published (公示)")


class Decision(models.TextChoices):
    KEEP = rules.KEEP, _("Keep (保留)")
    MERGE = rules.MERGE, _("Merge (合并)")
    CANCEL = rules.CANCEL, _("Cancel (撤销)")


class BasisKind(models.TextChoices):
    LAW = rules.LAW, _("Law (法律)")
    REGULATION = rules.REGULATION, _("Administrative regulation (行政法规)")
    CENTRAL_DOCUMENT = rules.CENTRAL_DOCUMENT, _("Central document (中央文件)")
    PROVINCIAL_APPROVAL = (
        rules.PROVINCIAL_APPROVAL,
        _("Central or provincial approval (经中央或省批准)"),
    )
    LOCAL_DOCUMENT = rules.LOCAL_DOCUMENT, _("Local document only (本地文件)")
    NONE = rules.NO_BASIS, _("None (无)")


class OrganizerKind(models.TextChoices):
    PARTY_COMMITTEE = rules.PARTY_COMMITTEE, _("Party committee (党委)")
    PEOPLES_CONGRESS = rules.PEOPLES_CONGRESS, _("People's Congress (人大)")
    CPPCC = rules.CPPCC, _("CPPCC (政协)")
    COURT = rules.COURT, _("Court (法院)")
    PROCURATORATE = rules.PROCURATORATE, _("Procuratorate (检察院)")
    GOVERNMENT = rules.GOVERNMENT, _("Government department (政府部门)")
    MASS_ORGANIZATION = rules.MASS_ORGANIZATION, _("People's organization (人民团体)")
    OTHER = rules.OTHER_ORGANIZER, _("Other (其他)")


class Level(models.TextChoices):
    NATIONAL = rules.NATIONAL, _("National (全国)")
    PROVINCIAL = rules.PROVINCIAL, _("Provincial (省级)")
    CITY = rules.CITY, _("City (市级)")
    COUNTY = rules.COUNTY, _("County (县级)")
    TOWNSHIP = rules.TOWNSHIP, _("Township (乡镇级)")


class Exclusion(models.TextChoices):
    STAFF_ASSESSMENT = (
        rules.X_STAFF_ASSESSMENT,
        _("Assesses the body's own staff (考核本机关工作人员)"),
    )
    BUSINESS_RATING = rules.X_BUSINESS_RATING, _("Purely professional rating (纯业务性质评定)")
    OTHER = rules.X_OTHER, _("Other reason out of scope (其他)")


class Cleanup(models.Model):
    """One clean-up run (清理规范工作) of an organization, moving through the rounds."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cleanups"
    )
    # allow_unicode: an office writes "清理-2009" or "省委-01" (rules.check_code)
    code = models.SlugField(_("code"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    started_on = models.DateField(_("started"))
    target = models.CharField(_("reduction target"), max_length=30, default="7/10")  # a fraction
    round = models.CharField(
        _("round"), max_length=20, choices=Round.choices, default=Round.SELF_CHECK
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The office's own deadlines by round (ISO dates); seed 000's fill the rest
    # (rules.registry_schedule).
    schedule = models.JSONField(_("schedule"), default=dict, blank=True)
    # Why the kept list went out below the reduction target (empty when it met it).
    publish_reason = models.TextField(_("reason to publish below the target"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("clean-up")
        verbose_name_plural = _("clean-ups")
        ordering = ["-started_on", "code"]

    def __str__(self) -> str:
        return self.name


class RegisteringUnit(models.Model):
    """A unit that registers its projects (填报单位): a town committee, a department…"""

    cleanup = models.ForeignKey(Cleanup, on_delete=models.CASCADE, related_name="units")
    code = models.SlugField(_("code"), max_length=60, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("registering unit")
        verbose_name_plural = _("registering units")
        ordering = ["cleanup", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cleanup", "code"], name="registry_unit_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    """A user who registers for one unit; sees that unit's projects and nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registry_units"
    )
    unit = models.ForeignKey(RegisteringUnit, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("unit member")
        verbose_name_plural = _("unit members")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="registry_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


class Project(models.Model):
    """An appraisal, target-attainment or commendation project as its unit registered it."""

    cleanup = models.ForeignKey(Cleanup, on_delete=models.CASCADE, related_name="projects")
    unit = models.ForeignKey(RegisteringUnit, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("project"), max_length=200)
    organizer = models.CharField(_("organizer"), max_length=200)
    organizer_kind = models.CharField(
        _("organizer's system"), max_length=20, choices=OrganizerKind.choices
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    cycle = models.CharField(_("cycle"), max_length=60)
    target_group = models.CharField(_("target group"), max_length=200)
    self_established = models.BooleanField(_("set up on its own"), default=False)
    basis_kind = models.CharField(_("basis"), max_length=30, choices=BasisKind.choices)
    basis_title = models.CharField(_("basis document"), max_length=300, blank=True)
    charges_fees = models.BooleanField(_("charges fees"), default=False)
    burdens_money = models.BooleanField(_("grassroots pay money"), default=False)
    burdens_goods = models.BooleanField(_("grassroots give goods"), default=False)
    burdens_labour = models.BooleanField(_("grassroots give labour"), default=False)
    improper_spending = models.BooleanField(_("hands out money or goods improperly"), default=False)
    reason = models.TextField(_("reason to exist"), blank=True)
    established_on = models.DateField(_("set up on"), null=True, blank=True)
    money_saved = models.DecimalField(
        _("money saved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # Out of the clean-up's scope (seed 000 二(一)): listed, not decided, not counted.
    exclusion = models.CharField(
        _("out of scope"), max_length=20, choices=Exclusion.choices, blank=True
    )
    exclusion_note = models.TextField(_("why out of scope"), blank=True)
    excluded_by = models.CharField(_("left out by"), max_length=150, blank=True)
    registered_round = models.CharField(_("registered in round"), max_length=20)
    registered_by = models.CharField(_("registered by"), max_length=150)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["cleanup", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cleanup", "unit", "name"], name="registry_project_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(money_saved__isnull=True) | models.Q(money_saved__gte=0),
                name="registry_money_saved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def facts(self) -> rules.ProjectFacts:
        return rules.ProjectFacts(
            key=self.pk,
            order=self.pk,
            organizer=self.organizer,
            organizer_kind=self.organizer_kind,
            level=self.level,
            target_group=self.target_group,
            self_established=self.self_established,
            basis_kind=self.basis_kind,
            charges_fees=self.charges_fees,
            burdens_money=self.burdens_money,
            burdens_goods=self.burdens_goods,
            burdens_labour=self.burdens_labour,
            improper_spending=self.improper_spending,
        )


class ProjectDecision(models.Model):
    """One round's decision on a project, with the suggestion it was taken against."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    round = models.CharField(_("round"), max_length=20, choices=Round.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    merge_into = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    reason = models.TextField(_("reason"), blank=True)
    suggested = models.CharField(_("suggested"), max_length=10, choices=Decision.choices)
    suggested_rules = models.JSONField(_("rules that fired"), default=list)
    differs = models.BooleanField(_("differs from the suggestion"), default=False)
    decided_by = models.CharField(_("decided by"), max_length=150)
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["project", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "round"], name="registry_decision_per_round"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(decision=rules.MERGE, merge_into__isnull=False)
                    | (~models.Q(decision=rules.MERGE) & models.Q(merge_into__isnull=True))
                ),
                name="registry_merge_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(merge_into=models.F("project")),
                name="registry_merge_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(differs=False) | ~models.Q(reason=""),
                name="registry_differs_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.round} {self.decision}"


class BasisDocument(models.Model):
    """A document a kept project rests on (依据文件): title, number (文号), issuing body, and
    optionally the file itself (stored like the ledger's evidence, served only to readers of
    the project)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    stored_name = models.CharField(_("stored as"), max_length=80, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=80, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_by = models.CharField(_("added by"), max_length=150)
    added_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("basis document")
        verbose_name_plural = _("basis documents")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()

    @property
    def citation(self) -> str:
        """《title》(number), issuer — as a list prints it."""
        number = f"（{self.number}）" if self.number else ""
        return f"{self.issuer}《{self.title}》{number}"
