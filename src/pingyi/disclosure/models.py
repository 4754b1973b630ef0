"""Party-affairs disclosure (党务公开), seed 004: items, their published versions, feedback.

An item belongs to one organization (the tenant). Its working text goes through the approval
chain; each publication freezes the text as a numbered version, so the history stays readable
after a revision. Readers see only published versions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.rules import disclosure as rules


class Area(models.TextChoices):
    CENTRAL_WORK = rules.CENTRAL_WORK, _("Overall and central work (全局和中心工作)")
    POLITICAL = rules.POLITICAL, _("Ideological and political building (思想政治建设)")
    ORGANIZATION = rules.ORGANIZATION, _("Organization building (组织建设)")
    CONDUCT = rules.CONDUCT, _("Conduct building (作风建设)")
    INSTITUTION = rules.INSTITUTION, _("Institution building (制度建设)")


class Scope(models.TextChoices):
    INTERNAL = rules.INTERNAL, _("Internal (党内公开)")
    EXTERNAL = rules.EXTERNAL, _("External (向社会公开)")
    INTERNAL_THEN_EXTERNAL = (
        rules.INTERNAL_THEN_EXTERNAL,
        _("Internal, then external (先党内后党外)"),
    )


class Form(models.TextChoices):
    """Seed 004 三(三): the party's own forms first, then the public ones."""

    MEETING = rules.MEETING, _("Party meeting (党内会议)")
    DOCUMENT = rules.DOCUMENT, _("Document issued (下发文件)")
    BULLETIN = rules.BULLETIN, _("Work bulletin (工作通报)")
    BRANCH_BOARD = rules.BRANCH_BOARD, _("Party branch board (党支部活动栏)")
    ACTIVITY_ROOM = rules.ACTIVITY_ROOM, _("Members' activity room (党员活动室)")
    READING_ROOM = rules.READING_ROOM, _("Document reading room (文件集中阅览室)")
    NOTICE_BOARD = rules.NOTICE_BOARD, _("Public notice board (党务政务公开栏)")
    SCREEN = rules.SCREEN, _("Electronic screen and touch screen (电子显示屏和触摸屏)")
    INTRANET = rules.INTRANET, _("Office intranet (机关局域网)")
    WEBSITE = rules.WEBSITE, _("Disclosure website (党务政务公开网)")
    HOTLINE = rules.HOTLINE, _("Mayor's hotline (市长热线电话)")
    MEDIA = rules.MEDIA, _("News media: paper, website, radio and TV (新闻媒体)")


class Timeliness(models.TextChoices):
    FIXED = rules.FIXED, _("Fixed: kept public (长期公开)")
    PERIODIC = rules.PERIODIC, _("Periodic: on the quarterly schedule (定期公开)")
    AD_HOC = rules.AD_HOC, _("Ad hoc: published promptly (及时公开)")
    STAGED = rules.STAGED, _("Staged: phase by phase (逐段公开)")


class Status(models.TextChoices):
    DRAFTED = rules.DRAFTED, _("Drafted")
    OFFICE_MEETING = rules.OFFICE_MEETING, _("Studied by the office meeting")
    APPROVED = rules.APPROVED, _("Approved by the leading group")
    BRANCH_DECIDED = rules.BRANCH_DECIDED, _("Decided by the party branch")
    PUBLISHED = rules.PUBLISHED, _("Published")


class Item(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="disclosure_items"
    )
    area = models.CharField(_("content area"), max_length=30, choices=Area.choices)
    scope = models.CharField(_("scope"), max_length=30, choices=Scope.choices)
    # The forms of disclosure (Form values), in the order of Form: several may apply.
    forms = models.JSONField(_("forms of disclosure"), default=list)
    timeliness = models.CharField(_("timeliness"), max_length=10, choices=Timeliness.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFTED
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    revision_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_on = models.DateField(_("created"))
    created_by = models.CharField(_("created by"), max_length=150)
    released_at = models.DateTimeField(_("opened to the public"), null=True, blank=True)
    last_published_on = models.DateField(_("last published"), null=True, blank=True)
    # A staged item (分阶段公开): the number of the phase under way; None when not staged.
    phase = models.PositiveSmallIntegerField(_("phase under way"), null=True, blank=True)

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        ordering = ["organization", "-created_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def public(self) -> bool:
        return rules.is_public(scope=self.scope, released=self.released_at is not None)

    def form_labels(self) -> list[str]:
        return [str(Form(f).label) for f in Form.values if f in self.forms]


class Phase(models.Model):
    """One phase of a staged item (e.g. 决策前, 执行中, 结果), named in order when drafted.
    Its stage report is the item's text while the phase is under way, published through the
    item's chain as a version of the item tagged with the phase."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    name = models.CharField(_("phase name"), max_length=50)

    class Meta:
        verbose_name = _("disclosure phase")
        verbose_name_plural = _("disclosure phases")
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="disclosure_phase_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="disclosure_phase_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.name}"


class Step(models.Model):
    """One step of the approval chain as it happened: who, when, with what note."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("step"), max_length=20, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["item", "id"]  # the order the steps happened in

    def __str__(self) -> str:
        return f"{self.item}: {self.status}"


class Version(models.Model):
    """A published text, frozen: the history a reader can look back on."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.CharField(_("published by"), max_length=150)
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="versions"
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="disclosure_version_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="disclosure_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Feedback(models.Model):
    """A reader's comment on a published item (意见箱), and the staff's answer."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="feedback")
    version = models.PositiveIntegerField(_("version read"))
    text = models.TextField(_("feedback"), max_length=2000)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    author = models.CharField(_("signed in as"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("received"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # A digest of the tracking code given to the writer once, like a receipt: whoever holds
    # the code reads the answer without signing in. Empty for feedback older than the codes.
    tracking = models.CharField(_("tracking code digest"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["item", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="disclosure_answer_has_text",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.text[:40]}"


class Opinion(models.Model):
    """A letter to the organization's opinion box (意见箱, seed 004 四(二)3), about no item in
    particular; the office answers it. Its writer follows it up by a tracking code."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="disclosure_opinions"
    )
    text = models.TextField(_("opinion"), max_length=2000)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    author = models.CharField(_("signed in as"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("received"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    tracking = models.CharField(_("tracking code digest"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("opinion box letter")
        verbose_name_plural = _("opinion box letters")
        ordering = ["organization", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="disclosure_opinion_answer_has_text",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Supervisor(models.Model):
    """A disclosure supervisor (党务公开监督员, seed 004 四(二)3) appointed by the office for a
    term. With a user account they sign in, read the organization's items (internal ones
    too) and its register, and leave remarks the office answers."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="disclosure_supervisors"
    )
    name = models.CharField(_("full name"), max_length=100)
    unit = models.CharField(_("workplace"), max_length=200)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure_supervisions",
        verbose_name=_("account"),
    )
    appointed_by = models.CharField(_("appointed by"), max_length=150)
    appointed_at = models.DateTimeField(_("appointed"))

    class Meta:
        verbose_name = _("disclosure supervisor")
        verbose_name_plural = _("disclosure supervisors")
        ordering = ["organization", "-term_end", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")),
                name="disclosure_supervisor_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Remark(models.Model):
    """A supervisor's remark on the organization's disclosure (on one item, or in general),
    and the office's answer: open until answered."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.PROTECT, related_name="remarks")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="remarks"
    )
    text = models.TextField(_("remark"), max_length=2000)
    created_at = models.DateTimeField(_("received"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision remark")
        verbose_name_plural = _("supervision remarks")
        ordering = ["supervisor", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="disclosure_remark_answer_has_text",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
