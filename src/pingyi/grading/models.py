"""P2 grading of grassroots party organizations: the data and its invariants.

A round (评定) belongs to one tenant organization (the organization department) and one year,
and freezes its grading scheme as JSON; its rubric is also kept as rows (indicators and
sub-items) so that scores refer to an indicator and pages show the standards. Grades are not
stored: they follow from the scores, the survey and the committee's recorded changes
(selectors.grading_state), so they can never disagree with their sources.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign
from pingyi.rules import grading as rules
from pingyi.rules import grading_lookback as lookback_rules

GRADE_CHOICES = [(g, g) for g in rules.GRADES]
SECTOR_CHOICES = [(name, name) for name in rules.SECTORS]
# The seed's own words (a document's), as the tables print them.
CAUSE_CHOICES = list(lookback_rules.VIOLATION_CAUSES.items())
REFERENCE_CHOICES = list(lookback_rules.REFERENCE_KINDS.items())


class RoundStatus(models.TextChoices):
    SETUP = rules.SETUP, _("Setup")
    SELF_EVALUATION = rules.SELF_EVALUATION, _("Self-evaluation")
    ASSESSMENT = rules.ASSESSMENT, _("Assessment")
    DECISION = rules.DECISION, _("Committee decision and filing")
    CLOSED = rules.CLOSED, _("Closed")


class GradingRound(models.Model):
    """A round; ``schedule`` holds the department's own dates (ISO) by step, the seed's
    defaults adapted to the year filling the rest (rules.grading_schedule)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="grading_rounds"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    scheme = models.JSONField(_("scheme"))
    status = models.CharField(
        _("step"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.SETUP
    )
    schedule = models.JSONField(_("schedule"), default=dict, blank=True)
    # Members : non-members on a participant list, generally about 1:1 (seed 003): the
    # tolerance within which no reason is asked, exact fractions.
    ratio_min = models.CharField(_("lowest members : non-members"), max_length=20, default="2/3")
    ratio_max = models.CharField(_("highest members : non-members"), max_length=20, default="3/2")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("grading round")
        verbose_name_plural = _("grading rounds")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="grading_round_per_year"),
            models.CheckConstraint(
                condition=Q(status__in=rules.ROUND_STEPS), name="grading_round_status"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RubricIndicator(models.Model):
    """An indicator of the round's rubric; ``sector`` empty = every sector without its own."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="indicators")
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    maximum = models.DecimalField(_("maximum"), max_digits=6, decimal_places=2)
    survey = models.BooleanField(_("from the survey"), default=False)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["round", "sector", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "sector", "code"], name="grading_indicator_unique"
            ),
            models.CheckConstraint(condition=Q(maximum__gt=0), name="grading_indicator_max"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.maximum})"


class RubricItem(models.Model):
    """A sub-item of an indicator with its scoring standard, shown to assessors."""

    indicator = models.ForeignKey(RubricIndicator, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    standard = models.TextField(_("scoring standard"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["indicator", "position"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """基层党(工)委: groups organizations; quotas, decisions and filing are per committee."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="grading_committee_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PartyOrg(models.Model):
    """A grassroots party organization being graded; a branch names its general branch."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="orgs")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="orgs")
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=SECTOR_CHOICES)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="branches"
    )
    new = models.BooleanField(_("newly established"), default=False)
    violation = models.BooleanField(_("violation"), default=False)
    # Which of the seed's causes forced it to 较差 and what was found (an imported violation
    # may have none yet); never a cause without the violation.
    violation_cause = models.CharField(
        _("cause of the violation"), max_length=20, choices=CAUSE_CHOICES, blank=True
    )
    violation_reason = models.TextField(_("what was found"), blank=True)
    # The number of its own party members (a general branch's without its branches'): every
    # member takes part in its grade vote and survey (seed 003).
    members = models.PositiveIntegerField(_("party members"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="grading_org_code_unique"),
            models.CheckConstraint(
                condition=Q(sector__in=list(rules.SECTORS)), name="grading_org_sector"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="grading_org_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(violation_cause="") | Q(violation=True, violation_reason__gt=""),
                name="grading_org_cause_is_a_violation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SelfEvaluation(models.Model):
    """自评申报: submitted once, then locked (no service changes it)."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="self_evaluation")
    claimed_grade = models.CharField(_("claimed grade"), max_length=4, choices=GRADE_CHOICES)
    achievements = models.TextField(_("main achievements"))
    problems = models.TextField(_("problems"))
    submitted_by = models.CharField(_("submitted by"), max_length=150)
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_grade__in=rules.GRADES), name="grading_self_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.claimed_grade}"


class SelfScore(models.Model):
    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(RubricIndicator, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="grading_self_score_once"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="grading_self_score_min"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


class Assessment(models.Model):
    """组织考核 by the assessment group: submitted once, then locked."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="assessment")
    submitted_by = models.CharField(_("submitted by"), max_length=150)
    submitted_at = models.DateTimeField(_("submitted"))

    def __str__(self) -> str:
        return f"{self.org}"


class AssessmentScore(models.Model):
    """A score per indicator; a deduction (points below the maximum) carries its reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(RubricIndicator, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason for the deduction"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="grading_assessment_score_once"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="grading_assessment_min"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


class TalkNote(models.Model):
    """A talk with members, non-members or service recipients, recorded by an assessor."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="talks")
    with_whom = models.CharField(_("with whom"), max_length=200)
    notes = models.TextField(_("notes"))
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["org", "written_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="grading_talk_has_notes")
        ]

    def __str__(self) -> str:
        return f"{self.org}: {self.with_whom}"


class Survey(models.Model):
    """群众满意度测评: a P1 campaign whose units are the surveyed organizations — one
    organization, or every organization of one committee."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="surveys")
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    org = models.OneToOneField(
        PartyOrg, on_delete=models.CASCADE, null=True, blank=True, related_name="survey"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=True) ^ Q(org__isnull=True),
                name="grading_survey_one_scope",
            ),
            models.UniqueConstraint(fields=["committee"], name="grading_survey_per_committee"),
        ]

    def __str__(self) -> str:
        return str(self.campaign)


class GradeVote(models.Model):
    """等级测评: the members and representatives grade the organization by secret ballot
    (seed 003 第四篇) — a P1 campaign whose marks are the four grades and 弃权, its units the
    organizations: one, or every organization of one committee."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="votes")
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    org = models.OneToOneField(
        PartyOrg, on_delete=models.CASCADE, null=True, blank=True, related_name="vote"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=True) ^ Q(org__isnull=True),
                name="grading_vote_one_scope",
            ),
            models.UniqueConstraint(fields=["committee"], name="grading_vote_per_committee"),
        ]

    def __str__(self) -> str:
        return str(self.campaign)


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Drawn up, awaiting approval")
    APPROVED = "approved", _("Approved by the assessment group")


class ParticipantList(models.Model):
    """测评人员名单 of a survey or a grade vote, as counts by kind (the names stay on paper):
    drawn up by the committee or the department, approved by an assessor of the committee —
    never the one who drew it up — before any code is issued; then the campaign issues as many
    codes as the list holds. Records the supervisor the upper committee sent, who issued,
    collected and counted the ballots (seed 003)."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="lists")
    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="participant_list"
    )
    members = models.PositiveIntegerField(_("party members"))
    masses = models.PositiveIntegerField(_("representatives of the masses"), default=0)
    deputies = models.PositiveIntegerField(_("deputies and committee members"), default=0)
    others = models.PositiveIntegerField(_("service recipients and others"), default=0)
    absent = models.PositiveIntegerField(_("members absent"), default=0)
    absent_reason = models.TextField(_("why members are absent"), blank=True)
    ratio_reason = models.TextField(_("why the ratio departs from about 1:1"), blank=True)
    supervisor = models.CharField(_("supervisor sent by the upper committee"), max_length=200)
    drafted_by = models.CharField(_("drawn up by"), max_length=150)
    drafted_at = models.DateTimeField(_("drawn up"))
    status = models.CharField(
        _("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ListStatus.values), name="grading_list_status"
            ),
            models.CheckConstraint(
                condition=Q(status=ListStatus.DRAFT) | ~Q(approved_by=models.F("drafted_by")),
                name="grading_list_two_persons",
            ),
            models.CheckConstraint(
                condition=Q(absent=0) | ~Q(absent_reason=""), name="grading_list_absent_reason"
            ),
            models.CheckConstraint(condition=~Q(supervisor=""), name="grading_list_supervisor"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.size}"

    @property
    def non_members(self) -> int:
        return self.masses + self.deputies + self.others

    @property
    def size(self) -> int:
        return self.members + self.non_members


class VoteDeparture(models.Model):
    """Why the committee's grade differs from the members' vote; it holds for the grade it
    was written for (another grade asks for it anew)."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="vote_departure")
    grade = models.CharField(_("grade decided"), max_length=4, choices=GRADE_CHOICES)
    vote_grade = models.CharField(_("grade of the vote"), max_length=20)
    reason = models.TextField(_("reason"))
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="grading_departure_reason"),
            models.CheckConstraint(
                condition=Q(grade__in=rules.GRADES), name="grading_departure_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}: {self.grade}"


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class SurveyEntry(models.Model):
    """A satisfaction rate entered by the department (a survey held outside Pingyi, or one
    resolving a suppressed result), with the reason. It takes the place of the survey's only
    once a second person of the department approved it (seed 003: 不得随意更改测评结果);
    pending or refused, the counted rate stands."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="survey_entry")
    rate = models.CharField(_("satisfaction rate"), max_length=40)  # an exact fraction
    ballots = models.PositiveIntegerField(_("valid ballots"))
    reason = models.TextField(_("reason"))
    entered_by = models.CharField(_("entered by"), max_length=150)
    entered_at = models.DateTimeField(_("entered"))
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="grading_entry_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="grading_entry_status"
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.PENDING) | ~Q(decided_by=models.F("entered_by")),
                name="grading_entry_two_persons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}: {self.rate}"


class GradeChange(models.Model):
    """The committee's change of an organization's grade — never without a reason."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="grade_change")
    grade = models.CharField(_("grade"), max_length=4, choices=GRADE_CHOICES)
    reason = models.TextField(_("reason"))
    changed_by = models.CharField(_("changed by"), max_length=150)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="grading_change_has_reason"),
            models.CheckConstraint(
                condition=Q(grade__in=rules.GRADES), name="grading_change_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} → {self.grade}"


class FollowUp(models.Model):
    """For the 较差状况明细表 (and every 一般/较差 organization, P4): problems, measures, the
    sponsor leader (挂点领导) and the liaison (联络员), recorded by the committee."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="follow_up")
    problems = models.TextField(_("problems"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    sponsor_leader = models.CharField(_("sponsor leader"), max_length=100, blank=True)
    liaison = models.CharField(_("liaison"), max_length=100, blank=True)
    # The committee's departure from the default rectification period (rules), with its reason.
    rectification_months = models.PositiveSmallIntegerField(
        _("rectification months"), null=True, blank=True
    )
    rectification_reason = models.TextField(_("reason for the rectification period"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification_months__isnull=True) | ~Q(rectification_reason=""),
                name="grading_follow_up_period_reason",
            ),
            models.CheckConstraint(
                condition=Q(rectification_months__isnull=True)
                | Q(rectification_months__gte=1, rectification_months__lte=24),
                name="grading_follow_up_period_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}"


class Explanation(models.Model):
    """一览表 说明情况 for an organization whose sector and grade need one (SPEC P2); it
    explains the grade it was written for, and a later change of grade asks for a new one."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="explanation")
    grade = models.CharField(_("grade explained"), max_length=4, choices=GRADE_CHOICES)
    text = models.TextField(_("explanation"))
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="grading_explanation_text")
        ]

    def __str__(self) -> str:
        return f"{self.org}"


class QuotaKind(models.TextChoices):
    EXCELLENT = "excellent", _("好 above its quota")
    POOR = "poor", _("较差 far from about 10 %")


class QuotaJustification(models.Model):
    """Why a committee keeps a quota excess (the system never moves a grade to meet one)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="justifications"
    )
    kind = models.CharField(_("excess"), max_length=10, choices=QuotaKind.choices)
    text = models.TextField(_("justification"))
    # The committee's grade counts it was written for: a change of grades asks for it anew.
    counts = models.JSONField(_("counts justified"), default=dict)
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "kind"], name="grading_justified_once"),
            models.CheckConstraint(condition=~Q(text=""), name="grading_justification_text"),
        ]

    def __str__(self) -> str:
        return f"{self.committee}: {self.kind}"


class FilingStatus(models.TextChoices):
    FILED = "filed", _("Filed, under review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class Filing(models.Model):
    """审核备案: a committee files its grades with the organization department."""

    committee = models.OneToOneField(Committee, on_delete=models.CASCADE, related_name="filing")
    status = models.CharField(_("status"), max_length=10, choices=FilingStatus.choices)
    filed_by = models.CharField(_("filed by"), max_length=150)
    filed_at = models.DateTimeField(_("filed"))
    times = models.PositiveSmallIntegerField(_("times filed"), default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FilingStatus.values), name="grading_filing_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee}: {self.status}"


class Verdict(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Review(models.Model):
    """The department's verdict on one filed organization; a return carries its comment."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="review")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150)
    reviewed_at = models.DateTimeField(_("reviewed"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict=Verdict.APPROVED) | ~Q(comment=""),
                name="grading_return_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="grading_review_verdict"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}: {self.verdict}"


class GradingRoleKind(models.TextChoices):
    COMMITTEE = "committee", _("Committee")
    ORG = "org", _("Party organization")
    ASSESSOR = "assessor", _("Assessor")


class GradingRole(models.Model):
    """A user's role in one round (R17): a committee user sees its organizations, an
    organization user itself, an assessor the organizations assigned to them (one row each).
    The department is the tenant's staff (accounts.Membership) and sees the whole round."""

    round = models.ForeignKey(GradingRound, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grading_roles"
    )
    kind = models.CharField(_("role"), max_length=10, choices=GradingRoleKind.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    org = models.ForeignKey(
        PartyOrg, on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=GradingRoleKind.COMMITTEE, committee__isnull=False, org__isnull=True)
                    | Q(
                        kind__in=[GradingRoleKind.ORG, GradingRoleKind.ASSESSOR],
                        committee__isnull=True,
                        org__isnull=False,
                    )
                ),
                name="grading_role_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "committee"],
                condition=Q(committee__isnull=False),
                name="grading_role_committee_once",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "org"],
                condition=Q(org__isnull=False),
                name="grading_role_org_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class StoredFile(models.Model):
    """A file kept through pingyi.evidence (checked, stored under a random name)."""

    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    stored_name = models.CharField(_("stored as"), max_length=80, blank=True)
    content_type = models.CharField(_("type"), max_length=80, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.stored_name)


class WorkSummary(StoredFile):
    """分类定级工作总结: filed by the committee with its 汇总表 and 一览表 (seed 003, 公示复核);
    the department reads it beside the filing."""

    committee = models.OneToOneField(
        Committee, on_delete=models.CASCADE, related_name="work_summary"
    )
    text = models.TextField(_("work summary"))
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="grading_summary_text")]

    def __str__(self) -> str:
        return f"{self.committee}"


class Benefit(models.Model):
    """What an organization graded 好 was granted (seed 003): 加分 in the annual appraisal,
    its secretary's 优先推荐, a recommendation for the year's commendation."""

    org = models.OneToOneField(PartyOrg, on_delete=models.CASCADE, related_name="benefit")
    points = models.DecimalField(
        _("bonus points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    secretary = models.BooleanField(_("secretary recommended first"), default=False)
    commendation = models.BooleanField(_("recommended for commendation"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gt=0), name="grading_benefit_points"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=False) | Q(secretary=True) | Q(commendation=True),
                name="grading_benefit_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}"


class Reference(StoredFile):
    """A reference of the assessment (seed 003: 年度考核情况，信访、综治、计生等有关部门的意见),
    as text, a file, or both; shown to the committee and the department."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(_("reference"), max_length=20, choices=REFERENCE_CHOICES)
    text = models.TextField(_("text"), blank=True)
    written_by = models.CharField(_("written by"), max_length=150)
    written_at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["org", "written_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(stored_name=""), name="grading_reference_content"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=list(lookback_rules.REFERENCE_KINDS)),
                name="grading_reference_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}: {self.kind}"
