"""Reads of a grading round: every organization's sources, total and grade, and each
committee's quotas and what still blocks its filing — computed from the stored facts in a
fixed handful of queries, whatever the number of organizations.

Pages, services (filing checks) and the report tables (grading_report_rows) all read here,
so a grade shown, a grade filed and a grade printed are the same computation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from pingyi.ballots.selectors import campaign_tally
from pingyi.exports import grading_reports as reports
from pingyi.grading.models import (
    AssessmentScore,
    Benefit,
    Committee,
    EntryStatus,
    Filing,
    FilingStatus,
    GradeVote,
    GradingRound,
    PartyOrg,
    QuotaJustification,
    QuotaKind,
    Reference,
    RubricIndicator,
    SelfScore,
    Survey,
    SurveyEntry,
    WorkSummary,
)
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules import grading as rules
from pingyi.rules import grading_lookback as lookback_rules
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules import notice as notice_rules
from pingyi.rules import phases
from pingyi.rules.errors import Listing, RuleError, gettext_noop
from pingyi.rules.rubric_items import SubItem

SURVEY_NONE, SURVEY_PENDING, SURVEY_SUPPRESSED = "none", "pending", "suppressed"
SURVEY_COUNTED, SURVEY_ENTERED = "counted", "entered"

P_NOT_ASSESSED = gettext_noop("not assessed yet")
P_NO_SURVEY = gettext_noop("no mass survey and no entered satisfaction rate")
P_SURVEY_OPEN = gettext_noop("its mass survey is not closed yet")
P_SURVEY_SUPPRESSED = gettext_noop(
    "its mass survey has fewer than %(k)s valid ballots: the rate is suppressed until a "
    "rate is entered"
)
P_PARENT_PENDING = gettext_noop("its general branch %(parent)s cannot be graded yet")

E_FILE_PENDING = gettext_noop("these organizations cannot be graded yet: %(codes)s")
E_FILE_EXCELLENT = gettext_noop(
    "好 is above its quota (%(count)s of %(orgs)s, at most %(limit)s): record a justification "
    "before filing"
)
E_FILE_POOR = gettext_noop(
    "较差 is far from about %(target)s (%(count)s of %(orgs)s): record a justification before "
    "filing"
)
E_FILE_EXPLANATIONS = gettext_noop("explanations are missing for: %(codes)s")
E_FILE_VOTES_OPEN = gettext_noop(
    "the grade vote of these organizations is not counted yet: %(codes)s"
)
E_FILE_DEPARTURES = gettext_noop(
    "the grade differs from the members' vote without a recorded reason: %(codes)s"
)
E_FILE_SUMMARY = gettext_noop(
    "the work summary (工作总结) is missing: the committee files it with its tables"
)


def round_scheme(grading_round: GradingRound) -> rules.GradingScheme:
    return rules.grading_scheme_from_dict(grading_round.scheme, f"round {grading_round.code}")


def to_fraction(value: Decimal) -> Fraction:
    return Fraction(value)


def rubric_rows(grading_round: GradingRound) -> dict[str, list[RubricIndicator]]:
    """sector ("" for the default rubric) → its indicators with their sub-items."""
    table: dict[str, list[RubricIndicator]] = defaultdict(list)
    for row in grading_round.indicators.prefetch_related("items").order_by("sector", "position"):
        table[row.sector].append(row)
    return dict(table)


@dataclass(frozen=True)
class ScoringSheet:
    """What the scoring sheet template lists: the default rubric's scored indicators as
    (name, maximum) and the organizations still to assess on it as (code, name)."""

    indicators: list[tuple[str, str]]
    orgs: list[tuple[str, str]]


def scoring_sheet(grading_round: GradingRound) -> ScoringSheet:
    """The rows grading/imports.py accepts: not assessed, not on a rubric of their sector."""
    rows = [r for r in rubric_rows(grading_round).get("", []) if not r.survey]
    own = set(grading_round.indicators.exclude(sector="").values_list("sector", flat=True))
    orgs = (
        grading_round.orgs.filter(assessment__isnull=True)
        .exclude(sector__in=own)
        .order_by("position")
        .values_list("code", "name")
    )
    return ScoringSheet(
        indicators=[(r.name, rules.number_text(to_fraction(r.maximum))) for r in rows],
        orgs=list(orgs),
    )


def indicators_for(org: PartyOrg, table: dict[str, list[RubricIndicator]]) -> list[RubricIndicator]:
    return table.get(org.sector) or table.get("", [])


def as_rule(row: RubricIndicator) -> rules.Indicator:
    items = tuple(SubItem(i.name, to_fraction(i.points), i.standard) for i in row.items.all())
    return rules.Indicator(row.code, row.name, to_fraction(row.maximum), items, row.survey)


@dataclass(frozen=True)
class SurveyResult:
    status: str
    rate: Fraction | None = None
    ballots: int | None = None
    campaign_code: str = ""


@dataclass(frozen=True)
class VoteOutcome:
    """An organization's grade vote: none, pending (not closed), suppressed (fewer than k
    ballots: no figure is shown) or counted with its result."""

    status: str
    result: vote_rules.VoteResult | None = None
    campaign_code: str = ""


NO_VOTE = VoteOutcome(SURVEY_NONE)


@dataclass
class OrgState:
    org: PartyOrg
    indicators: list[RubricIndicator]
    self_total: Fraction | None
    assessment: dict[str, Fraction] | None  # indicator code → points (the survey's excluded)
    counted: SurveyResult  # the ballot engine's figure, whatever was entered
    survey: SurveyResult  # the figure the total uses: an approved entered rate, else counted
    survey_points: Fraction | None
    total: Fraction | None
    pending: list[RuleError] = field(default_factory=list)
    graded: rules.Graded | None = None
    vote: VoteOutcome = NO_VOTE

    @property
    def departure(self) -> str:
        """The committee's reason for departing from the members' vote, when it holds for the
        current grade."""
        row = getattr(self.org, "vote_departure", None)
        return row.reason if row is not None and row.grade == self.grade else ""

    @property
    def departs_from_vote(self) -> bool:
        return vote_rules.departs(self.vote.result, self.grade)

    @property
    def needs_departure_reason(self) -> bool:
        return self.departs_from_vote and not self.departure

    @property
    def grade(self) -> str | None:
        return self.graded.grade if self.graded else None

    @property
    def needs_explanation(self) -> bool:
        return bool(self.graded and self.graded.needs_explanation)

    @property
    def explained(self) -> bool:
        explanation = getattr(self.org, "explanation", None)
        return explanation is not None and explanation.grade == self.grade

    @property
    def assessment_total(self) -> Fraction | None:
        return rules.total_of(self.assessment) if self.assessment is not None else None

    @property
    def entry(self) -> SurveyEntry | None:
        """The entered satisfaction rate, approved, pending or refused."""
        return getattr(self.org, "survey_entry", None)


@dataclass
class CommitteeState:
    committee: Committee
    orgs: list[OrgState]
    count: rules.CommitteeCount | None  # over the graded organizations
    justified: dict[str, QuotaJustification]
    filing: Filing | None
    summary: WorkSummary | None = None  # 工作总结, filed with the tables

    @property
    def status(self) -> str:
        return self.filing.status if self.filing else ""

    @property
    def may_change(self) -> bool:
        """Grades, explanations and justifications change only before filing or after a return."""
        return self.filing is None or self.filing.status == FilingStatus.RETURNED

    def excesses(self) -> list[str]:
        kinds = []
        if self.count and self.count.excellent_over_quota:
            kinds.append(QuotaKind.EXCELLENT.value)
        if self.count and self.count.poor_far:
            kinds.append(QuotaKind.POOR.value)
        return kinds

    def unjustified(self) -> list[str]:
        """The excesses the committee has not justified yet."""
        return [kind for kind in self.excesses() if kind not in self.justified]

    def blockers(self, scheme: rules.GradingScheme) -> list[RuleError]:
        """Why the committee cannot file now (empty: it can)."""
        found: list[RuleError] = []
        pending = [s.org.code for s in self.orgs if s.graded is None]
        if pending:
            found.append(RuleError(E_FILE_PENDING, codes=Listing(pending)))
        count = self.count
        if count and count.excellent_over_quota and QuotaKind.EXCELLENT not in self.justified:
            found.append(
                RuleError(
                    E_FILE_EXCELLENT,
                    count=count.counts[rules.EXCELLENT],
                    orgs=count.orgs,
                    limit=int(count.excellent_limit),
                )
            )
        if count and count.poor_far and QuotaKind.POOR not in self.justified:
            found.append(
                RuleError(
                    E_FILE_POOR,
                    target=f"{rules.number_text(scheme.poor_target * 100)}%",
                    count=count.counts[rules.POOR],
                    orgs=count.orgs,
                )
            )
        missing = [s.org.code for s in self.orgs if s.needs_explanation and not s.explained]
        if missing:
            found.append(RuleError(E_FILE_EXPLANATIONS, codes=Listing(missing)))
        open_votes = [s.org.code for s in self.orgs if s.vote.status == SURVEY_PENDING]
        if open_votes:
            found.append(RuleError(E_FILE_VOTES_OPEN, codes=Listing(open_votes)))
        departing = [s.org.code for s in self.orgs if s.needs_departure_reason]
        if departing:
            found.append(RuleError(E_FILE_DEPARTURES, codes=Listing(departing)))
        if self.summary is None:
            found.append(RuleError(E_FILE_SUMMARY))
        return found


@dataclass
class RoundGrading:
    round: GradingRound
    scheme: rules.GradingScheme
    orgs: list[OrgState]
    committees: list[CommitteeState]

    def org(self, code: str) -> OrgState:
        return next(s for s in self.orgs if s.org.code == code)

    def committee(self, pk: int) -> CommitteeState:
        return next(c for c in self.committees if c.committee.pk == pk)


def _sums(rows: object) -> dict[int, dict[str, Fraction]]:
    found: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for org_id, code, points in rows:  # type: ignore[attr-defined]
        found[org_id][code] = to_fraction(points)
    return found


def survey_results(grading_round: GradingRound, k: int) -> dict[str, SurveyResult]:
    """org code → its survey's outcome; a closed campaign is tallied once for all its units."""
    results: dict[str, SurveyResult] = {}
    for survey in Survey.objects.filter(round=grading_round).select_related("campaign"):
        campaign = survey.campaign
        if campaign.status not in phases.RESULTS_VISIBLE:
            for code in campaign.units.values_list("code", flat=True):
                results[code] = SurveyResult(SURVEY_PENDING, campaign_code=campaign.code)
            continue
        for unit in campaign_tally(campaign, previous=False).units:
            n = unit.valid_ballots
            if n < k or unit.satisfaction_rate is None:
                results[unit.spec.code] = SurveyResult(SURVEY_SUPPRESSED, None, n, campaign.code)
            else:
                results[unit.spec.code] = SurveyResult(
                    SURVEY_COUNTED, unit.satisfaction_rate, n, campaign.code
                )
    return results


VOTE_MARKS = ("excellent", "good", "fair", "poor")  # the vote scheme's mark codes, GRADES order
VOTE_ABSTAIN = "abstain"


def vote_results(grading_round: GradingRound, k: int) -> dict[str, VoteOutcome]:
    """org code → its grade vote's outcome; each closed campaign tallied once for its units.
    Fewer than k votes for a grade (弃权 and blanks aside) and the result is suppressed, like
    a survey's: no count that small is shown."""
    results: dict[str, VoteOutcome] = {}
    for vote in GradeVote.objects.filter(round=grading_round).select_related("campaign"):
        campaign = vote.campaign
        if campaign.status not in phases.RESULTS_VISIBLE:
            for code in campaign.units.values_list("code", flat=True):
                results[code] = VoteOutcome(SURVEY_PENDING, campaign_code=campaign.code)
            continue
        tally = campaign_tally(campaign, previous=False)
        index = {m.code: i for i, m in enumerate(tally.scheme.marks)}
        for unit in tally.units:
            counts = [unit.counts[index[code]] for code in VOTE_MARKS]
            result = vote_rules.vote_result(counts, unit.counts[index[VOTE_ABSTAIN]])
            if result.votes < k:
                results[unit.spec.code] = VoteOutcome(SURVEY_SUPPRESSED, None, campaign.code)
            else:
                results[unit.spec.code] = VoteOutcome(SURVEY_COUNTED, result, campaign.code)
    return results


def _org_state(
    org: PartyOrg,
    table: dict[str, list[RubricIndicator]],
    self_scores: dict[str, Fraction] | None,
    assessed: dict[str, Fraction] | None,
    survey: SurveyResult,
    k: int,
) -> OrgState:
    indicators = indicators_for(org, table)
    entry = getattr(org, "survey_entry", None)
    counted = survey
    if entry is not None and entry.status == EntryStatus.APPROVED:
        survey = SurveyResult(SURVEY_ENTERED, Fraction(entry.rate), entry.ballots)
    state = OrgState(
        org=org,
        indicators=indicators,
        counted=counted,
        self_total=rules.total_of(self_scores) if self_scores is not None else None,
        assessment=assessed,
        survey=survey,
        survey_points=None,
        total=None,
    )
    survey_row = next((i for i in indicators if i.survey), None)
    if survey_row is not None:
        if survey.rate is not None:
            state.survey_points = rules.survey_points(to_fraction(survey_row.maximum), survey.rate)
        elif survey.status == SURVEY_SUPPRESSED:
            state.pending.append(RuleError(P_SURVEY_SUPPRESSED, k=k))
        elif survey.status == SURVEY_PENDING:
            state.pending.append(RuleError(P_SURVEY_OPEN))
        else:
            state.pending.append(RuleError(P_NO_SURVEY))
    if assessed is None:
        state.pending.insert(0, RuleError(P_NOT_ASSESSED))
    if not state.pending and assessed is not None:
        state.total = rules.total_of(assessed) + (state.survey_points or Fraction(0))
    return state


def grading_state(grading_round: GradingRound) -> RoundGrading:
    """Every organization's sources, total and grade, and every committee's quota status."""
    scheme = round_scheme(grading_round)
    k = scheme.min_survey_ballots
    table = rubric_rows(grading_round)
    orgs = list(
        PartyOrg.objects.filter(round=grading_round)
        .select_related(
            "committee",
            "parent",
            "self_evaluation",
            "assessment",
            "grade_change",
            "explanation",
            "review",
            "follow_up",
            "survey_entry",
            "vote_departure",
            "benefit",
        )
        .order_by("position")
    )
    self_scores = _sums(
        SelfScore.objects.filter(evaluation__org__round=grading_round).values_list(
            "evaluation__org_id", "indicator__code", "points"
        )
    )
    assessed = _sums(
        AssessmentScore.objects.filter(assessment__org__round=grading_round).values_list(
            "assessment__org_id", "indicator__code", "points"
        )
    )
    surveys = survey_results(grading_round, k)
    states = [
        _org_state(
            org,
            table,
            self_scores.get(org.pk) if hasattr(org, "self_evaluation") else None,
            assessed.get(org.pk, {}) if hasattr(org, "assessment") else None,
            surveys.get(org.code, SurveyResult(SURVEY_NONE)),
            k,
        )
        for org in orgs
    ]
    votes = vote_results(grading_round, k)
    for state in states:
        state.vote = votes.get(state.org.code, NO_VOTE)
    _grade(states)
    return RoundGrading(grading_round, scheme, states, _committees(grading_round, states, scheme))


def _grade(states: list[OrgState]) -> None:
    """Grades the organizations whose total and whole chain of general branches are known."""
    by_code = {s.org.code: s for s in states}
    ready: dict[str, bool] = {}

    def is_ready(state: OrgState) -> bool:
        code = state.org.code
        if code not in ready:
            ready[code] = False  # a loop (refused at import) cannot recurse forever
            parent = state.org.parent.code if state.org.parent else None
            ready[code] = state.total is not None and (parent is None or is_ready(by_code[parent]))
        return ready[code]

    graded = [s for s in states if is_ready(s)]
    for state in states:
        parent = state.org.parent
        if state.total is not None and parent is not None and not ready[state.org.code]:
            state.pending.append(RuleError(P_PARENT_PENDING, parent=parent.code))
    changes = {
        s.org.code: s.org.grade_change.grade for s in graded if hasattr(s.org, "grade_change")
    }
    results = rules.grade_all(
        [_rule_org(s.org) for s in graded],
        {s.org.code: s.total or Fraction(0) for s in graded},
        changes,
    )
    for state, result in zip(graded, results, strict=True):
        state.graded = result


def _rule_org(org: PartyOrg) -> rules.Org:
    return rules.Org(
        code=org.code,
        name=org.name,
        sector=org.sector,
        committee=org.committee.name,
        parent_code=org.parent.code if org.parent else None,
        new=org.new,
        violation=org.violation,
    )


def _committees(
    grading_round: GradingRound, states: list[OrgState], scheme: rules.GradingScheme
) -> list[CommitteeState]:
    justified: dict[int, dict[str, QuotaJustification]] = defaultdict(dict)
    for row in QuotaJustification.objects.filter(committee__round=grading_round):
        justified[row.committee_id][row.kind] = row
    filings = {f.committee_id: f for f in Filing.objects.filter(committee__round=grading_round)}
    result = []
    for committee in grading_round.committees.select_related("work_summary").order_by("position"):
        members = [s for s in states if s.org.committee_id == committee.pk]
        graded = [s.graded for s in members if s.graded is not None]
        counts = rules.committee_counts(graded, scheme)
        now = counts[0].counts if counts else {}
        result.append(
            CommitteeState(
                committee=committee,
                orgs=members,
                count=counts[0] if counts else None,
                # a justification holds for the counts it was written for, no other
                justified={k: j for k, j in justified[committee.pk].items() if j.counts == now},
                filing=filings.get(committee.pk),
                summary=getattr(committee, "work_summary", None),
            )
        )
    return result


@dataclass(frozen=True)
class ReportOrg:
    """One organization as the report tables (汇总表, 明细表, 较差名单, 较差状况明细表, 一览表)
    need it. Scores are exact Fractions; None where a source is missing. ``survey_rate`` is
    None when the survey is suppressed (fewer than k valid ballots) or not yet counted."""

    code: str
    name: str
    sector: str
    committee: str
    parent_code: str | None
    self_score: Fraction | None
    assessment_score: Fraction | None  # the assessment group's points, the survey's excluded
    survey_rate: Fraction | None
    survey_status: str  # none, pending, suppressed, counted, entered
    counted_rate: Fraction | None  # the ballot engine's rate, None when none or suppressed
    entered_rate: Fraction | None  # the rate entered by hand, approved or not
    entry_status: str  # "", pending, approved, refused
    entry_reason: str
    survey_points: Fraction | None
    total: Fraction | None
    computed_grade: str | None  # from the total alone
    final_grade: str | None  # after the committee's change and the overrides
    overrides: tuple[str, ...]  # violation, new, inherited
    needs_explanation: bool
    explanation: str
    change_reason: str
    problems: str
    measures: str
    sponsor_leader: str
    liaison: str
    rectification_months: int | None  # 一般 and 较差: the default of the grade or the committee's
    rectification_reason: str  # why the committee departed from the default
    vote_status: str  # none, pending, suppressed, counted
    vote: vote_rules.VoteResult | None  # the members' grade vote, when counted
    departure_reason: str  # why the grade differs from the vote's
    violation_cause: str = ""  # the seed's words for the cause, when one was recorded
    violation_reason: str = ""
    benefit: Benefit | None = None  # what 好 was granted


def report_org(state: OrgState) -> ReportOrg:
    org = state.org
    follow = getattr(org, "follow_up", None)
    evaluation = getattr(org, "self_evaluation", None)
    change = getattr(org, "grade_change", None)
    explanation = getattr(org, "explanation", None)
    entry = state.entry
    problems = (follow.problems if follow else "") or (evaluation.problems if evaluation else "")
    return ReportOrg(
        code=org.code,
        name=org.name,
        sector=org.sector,
        committee=org.committee.name,
        parent_code=org.parent.code if org.parent else None,
        self_score=state.self_total,
        assessment_score=state.assessment_total,
        survey_rate=state.survey.rate,
        survey_status=state.survey.status,
        counted_rate=state.counted.rate,
        entered_rate=Fraction(entry.rate) if entry else None,
        entry_status=entry.status if entry else "",
        entry_reason=entry.reason if entry else "",
        survey_points=state.survey_points,
        total=state.total,
        computed_grade=state.graded.computed if state.graded else None,
        final_grade=state.grade,
        overrides=tuple(state.graded.overrides) if state.graded else (),
        needs_explanation=state.needs_explanation,
        explanation=explanation.text if explanation and state.explained else "",
        change_reason=change.reason if change else "",
        problems=problems,
        measures=follow.measures if follow else "",
        sponsor_leader=follow.sponsor_leader if follow else "",
        liaison=follow.liaison if follow else "",
        rectification_months=schedule_rules.rectification_months(
            state.grade or "",
            follow.rectification_months if follow else None,
            follow.rectification_reason if follow else "",
        ),
        rectification_reason=follow.rectification_reason if follow else "",
        vote_status=state.vote.status,
        vote=state.vote.result,
        departure_reason=state.departure if state.departs_from_vote else "",
        violation_cause=lookback_rules.VIOLATION_CAUSES.get(org.violation_cause, ""),
        violation_reason=org.violation_reason,
        benefit=getattr(org, "benefit", None),
    )


def grading_report_rows(
    grading_round: GradingRound, committees: Collection[int] | None = None
) -> list[ReportOrg]:
    """Every organization of the round in import order, for the report tables; with
    ``committees``, only the organizations of those committees (a committee's own files)."""
    return [
        report_org(s)
        for s in grading_state(grading_round).orgs
        if committees is None or s.org.committee_id in committees
    ]


def references_by_org(grading_round: GradingRound) -> dict[int, list[Reference]]:
    """org id → its assessment references (年度考核情况，信访、综治、计生的意见), in one query."""
    found: dict[int, list[Reference]] = defaultdict(list)
    for row in Reference.objects.filter(org__round=grading_round).order_by("written_at", "id"):
        found[row.org_id].append(row)
    return dict(found)


def benefit_texts(benefit: Benefit | None) -> tuple[str, ...]:
    """What 好 was granted, in the seed's words (the points apart)."""
    if benefit is None:
        return ()
    granted = []
    if benefit.secretary:
        granted.append(lookback_rules.BENEFIT_SECRETARY)
    if benefit.commendation:
        granted.append(lookback_rules.BENEFIT_COMMENDATION)
    return tuple(granted)


E_NOT_ALL_GRADED = gettext_noop(
    "the reports need a grade for every organization; %(n)s cannot be graded yet "
    "(scores or a survey result missing)"
)


def grading_reports(
    grading_round: GradingRound, committees: Collection[int] | None = None
) -> list[reports.ReportOrg]:
    """The rows the report tables print (exports.grading_reports), every organization graded;
    RuleError while any cannot be graded yet, since a table with gaps would misstate shares.
    With ``committees``, the rows of those committees' organizations only."""
    rows = grading_report_rows(grading_round, committees)
    missing = [r for r in rows if r.total is None or r.final_grade is None]
    if missing:
        raise RuleError(E_NOT_ALL_GRADED, n=len(missing))
    return [
        reports.ReportOrg(
            code=r.code,
            name=r.name,
            sector=r.sector,
            committee=r.committee,
            parent_code=r.parent_code,
            self_score=r.self_score,
            assessment_score=r.assessment_score,
            survey_rate=r.survey_rate,
            counted_rate=r.counted_rate,
            entered_rate=r.entered_rate,
            entry_status=r.entry_status,
            entry_reason=r.entry_reason,
            total=r.total or Fraction(0),
            computed=r.computed_grade or "",
            grade=r.final_grade or "",
            overrides=r.overrides,
            needs_explanation=r.needs_explanation,
            explanation=r.explanation,
            change_reason=r.change_reason,
            problems=r.problems,
            measures=r.measures,
            sponsor_leader=r.sponsor_leader,
            liaison=r.liaison,
            rectification_months=r.rectification_months,
            rectification_reason=r.rectification_reason,
            vote_status="" if r.vote_status == SURVEY_NONE else r.vote_status,
            vote_counts=r.vote.counts if r.vote else None,
            vote_abstain=r.vote.abstain if r.vote else 0,
            departure_reason=r.departure_reason,
            violation_cause=r.violation_cause,
            violation_reason=r.violation_reason,
            benefits=benefit_texts(r.benefit),
            benefit_points=Fraction(r.benefit.points)
            if r.benefit and r.benefit.points is not None
            else None,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ScheduleLine:
    milestone: schedule_rules.Milestone
    state: str  # done, overdue, due, upcoming
    waiting: tuple[str, ...] = ()  # the committees that have not filed, for the report


def round_schedule(grading_round: GradingRound, today: dt.date) -> list[ScheduleLine]:
    """The round's steps with their dates and where each stands on ``today``: a step is done
    when the round moved past it (the self-evaluation, the assessment), the grades went on
    notice (the committees' decision), the notice is final, every committee filed (the
    report), or when the department marked it done (the look-back report)."""
    # the notice (notices, above grading) refers to the round: read through its relation
    notice = GradingRound.objects.filter(pk=grading_round.pk).values_list(
        "notice__status", flat=True
    )
    notice_status = notice.first()
    steps = rules.ROUND_STEPS
    past = steps.index(grading_round.status)
    closed = grading_round.status == rules.CLOSED
    committees = list(
        grading_round.committees.order_by("position").values_list("name", "filing__id")
    )
    waiting = tuple(name for name, filing in committees if filing is None)
    marked = grading_round.schedule.get("done", {})
    done = {
        schedule_rules.SELF_EVALUATION: past > steps.index(rules.SELF_EVALUATION),
        schedule_rules.ASSESSMENT: past > steps.index(rules.ASSESSMENT),
        schedule_rules.DECISION: closed or notice_status is not None,
        schedule_rules.NOTICE: closed or notice_status == notice_rules.FINAL,
        schedule_rules.REPORT: closed or (bool(committees) and not waiting),
        schedule_rules.LOOKBACK: False,
    }
    lines = []
    for milestone in schedule_rules.schedule_of(grading_round.year, grading_round.schedule):
        finished = done[milestone.key] or milestone.key in marked
        lines.append(
            ScheduleLine(
                milestone,
                schedule_rules.milestone_state(milestone, done=finished, today=today),
                waiting if milestone.key == schedule_rules.REPORT and not finished else (),
            )
        )
    return lines
