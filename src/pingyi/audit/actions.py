"""Every action the audit chain records, named ``<app>.<entity>.<verb>``, with its label.

A service names its action from here; ``audit_log`` refuses a name that is not registered, so
the chain holds no ad hoc names. Entries written before the names were settled keep their old
name (it is part of their hash): ``aliases`` lists it, so that the admin's audit log labels
them and the counts that look actions up (``names``) still find them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from pingyi.rules.errors import gettext_noop


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # gettext_noop: translated when shown
    aliases: tuple[str, ...] = ()


_ALL = (
    # accounts
    Action("accounts.invitation.accepted", gettext_noop("invitation accepted")),
    Action("accounts.office.public_url_set", gettext_noop("office public address set")),
    Action("accounts.password.changed", gettext_noop("password changed")),
    Action("accounts.person.added", gettext_noop("person added")),
    Action("accounts.person.deactivated", gettext_noop("person deactivated")),
    Action("accounts.person.reactivated", gettext_noop("person reactivated")),
    Action("accounts.role.granted", gettext_noop("role granted")),
    Action("accounts.role.removed", gettext_noop("role removed")),
    # campaigns
    Action("campaigns.campaign.created", gettext_noop("campaign created"), ("campaign.created",)),
    Action("campaigns.campaign.opened", gettext_noop("voting opened"), ("campaign.open",)),
    Action("campaigns.campaign.closed", gettext_noop("voting closed"), ("campaign.closed",)),
    Action(
        "campaigns.campaign.published", gettext_noop("results published"), ("campaign.published",)
    ),
    Action("campaigns.campaign.finalized", gettext_noop("results made final"), ("campaign.final",)),
    Action("campaigns.campaign.stages_set", gettext_noop("stage dates set"), ("campaign.stages",)),
    Action("campaigns.criteria.changed", gettext_noop("appraisal criteria changed")),
    Action("campaigns.unit.added", gettext_noop("appraised unit added"), ("unit.added",)),
    Action("campaigns.unit.changed", gettext_noop("appraised unit changed"), ("unit.changed",)),
    Action("campaigns.unit.removed", gettext_noop("appraised unit removed"), ("unit.removed",)),
    Action("campaigns.area.added", gettext_noop("area (片区) added")),
    Action("campaigns.area.removed", gettext_noop("area (片区) removed")),
    Action("campaigns.kind.added", gettext_noop("kind of representatives added")),
    Action(
        "campaigns.supervision.recorded",
        gettext_noop("on-site supervision and notarization recorded"),
    ),
    Action("campaigns.consequence.applied", gettext_noop("consequence of the results applied")),
    Action("campaigns.consequence.done", gettext_noop("consequence carried out")),
    # voting and ballots
    Action("voting.tokens.issued", gettext_noop("ballot codes issued"), ("tokens.issued",)),
    Action(
        "voting.tokens.withdrawn", gettext_noop("ballot codes withdrawn"), ("tokens.withdrawn",)
    ),
    Action("voting.ballot.cast", gettext_noop("ballot cast online"), ("ballot.cast",)),
    Action("ballots.paper.imported", gettext_noop("paper ballots imported"), ("ballots.imported",)),
    # notices
    Action("notices.notice.published", gettext_noop("public notice published")),
    Action("notices.notice.final", gettext_noop("public notice made final")),
    Action("notices.objection.filed", gettext_noop("objection filed")),
    Action("notices.objection.assigned", gettext_noop("objection assigned")),
    Action("notices.objection.answered", gettext_noop("objection answered")),
    Action("notices.objection.noted", gettext_noop("objection noted")),
    Action("notices.review.applied", gettext_noop("review decision applied")),
    # rectification
    Action("rectification.plans.created", gettext_noop("rectification plans opened")),
    Action("rectification.plan.leaders", gettext_noop("plan leaders set")),
    Action("rectification.plan.accepted", gettext_noop("plan accepted")),
    Action("rectification.plan.reopened", gettext_noop("plan reopened")),
    Action("rectification.plan.survey", gettext_noop("plan survey recorded")),
    Action("rectification.item.added", gettext_noop("rectification item added")),
    Action("rectification.item.changed", gettext_noop("rectification item changed")),
    Action("rectification.item.progress", gettext_noop("rectification progress reported")),
    Action("rectification.item.closed_out", gettext_noop("rectification item closed out")),
    Action("rectification.plan.prefilled", gettext_noop("plan items drafted from the opinions")),
    Action("rectification.item.drafted", gettext_noop("draft rectification item edited")),
    Action("rectification.item.confirmed", gettext_noop("draft rectification item confirmed")),
    Action("rectification.item.discarded", gettext_noop("draft rectification item discarded")),
    Action("rectification.unit.access", gettext_noop("unit access link made")),
    Action("rectification.digest.sent", gettext_noop("overdue digest sent")),
    # stages (seed 001 八)
    Action("stages.brief.saved", gettext_noop("campaign public page saved")),
    Action("stages.unit.owner_granted", gettext_noop("unit owner named for the stages")),
    Action("stages.pledge.saved", gettext_noop("service pledge drafted")),
    Action("stages.pledge.submitted", gettext_noop("service pledge submitted")),
    Action("stages.pledge.approved", gettext_noop("service pledge approved")),
    Action("stages.pledge.returned", gettext_noop("service pledge returned")),
    Action("stages.self_inspection.filed", gettext_noop("self-inspection report filed")),
    Action("stages.self_inspection.received", gettext_noop("self-inspection report received")),
    Action("stages.opinion_codes.issued", gettext_noop("opinion form codes issued")),
    Action("stages.opinion.sent", gettext_noop("opinion form sent online")),
    Action("stages.opinions.imported", gettext_noop("paper opinion forms imported")),
    Action("stages.opinions.closed", gettext_noop("collection of opinions closed")),
    Action("stages.opinion.sorted", gettext_noop("opinion sorted")),
    Action("stages.opinion.duplicate", gettext_noop("opinions marked duplicates")),
    Action("stages.opinion.merged", gettext_noop("opinions merged")),
    Action("stages.feedback.saved", gettext_noop("opinion summary drafted")),
    Action("stages.feedback.sent", gettext_noop("opinions fed back to the unit")),
    Action("stages.opinion.answered", gettext_noop("fed-back opinion answered with measures")),
    Action("stages.rectification_report.filed", gettext_noop("rectification report filed")),
    Action("stages.rectification_report.received", gettext_noop("rectification report received")),
    Action("stages.rectification_survey.started", gettext_noop("rectification survey started")),
    Action(
        "stages.rectification_survey.recorded",
        gettext_noop("rectification survey results recorded"),
    ),
    # grading
    Action("grading.round.created", gettext_noop("grading round created")),
    Action("grading.round.advanced", gettext_noop("grading round advanced")),
    Action("grading.schedule.set", gettext_noop("grading schedule set")),
    Action("grading.schedule.done", gettext_noop("grading step marked done")),
    Action("grading.role.assigned", gettext_noop("grading role assigned")),
    Action("grading.role.removed", gettext_noop("grading role removed")),
    Action("grading.orgs.imported", gettext_noop("party organizations imported")),
    Action("grading.self_evaluation.submitted", gettext_noop("self-evaluation submitted")),
    Action("grading.assessment.submitted", gettext_noop("assessment submitted")),
    Action("grading.assessments.imported", gettext_noop("assessments imported")),
    Action("grading.survey.created", gettext_noop("mass survey created")),
    Action("grading.vote.created", gettext_noop("grade vote created")),
    Action("grading.members.set", gettext_noop("party member count set")),
    Action("grading.tolerance.set", gettext_noop("members to non-members tolerance set")),
    Action("grading.list.drafted", gettext_noop("participant list drawn up")),
    Action("grading.list.approved", gettext_noop("participant list approved")),
    Action("grading.vote_departure.recorded", gettext_noop("departure from the vote explained")),
    Action("grading.survey_rate.entered", gettext_noop("survey rate entered by hand")),
    Action("grading.survey_rate.approved", gettext_noop("entered survey rate approved")),
    Action("grading.survey_rate.refused", gettext_noop("entered survey rate refused")),
    Action("grading.talk.added", gettext_noop("talk recorded")),
    Action("grading.grade.changed", gettext_noop("grade changed")),
    Action("grading.grade.restored", gettext_noop("grade change withdrawn")),
    Action("grading.quota.justified", gettext_noop("quota departure justified")),
    Action("grading.explanation.written", gettext_noop("explanation written")),
    Action("grading.filing.submitted", gettext_noop("committee filing submitted")),
    Action("grading.review.approved", gettext_noop("filing approved")),
    Action("grading.review.returned", gettext_noop("filing returned")),
    Action("grading.follow_up.set", gettext_noop("follow-up set")),
    Action("grading.lookback.regraded", gettext_noop("regraded at the look-back")),
    Action("grading.summary.filed", gettext_noop("work summary filed")),
    Action("grading.violation.recorded", gettext_noop("violation recorded")),
    Action("grading.benefit.recorded", gettext_noop("benefits of 好 recorded")),
    Action("grading.reference.added", gettext_noop("assessment reference added")),
    # registry
    # nominations (seed 002)
    Action("nominations.round.created", gettext_noop("nomination round created")),
    Action("nominations.round.schedule_set", gettext_noop("nomination deadlines set")),
    Action("nominations.notice.published", gettext_noop("nominees put on public notice")),
    Action("nominations.round.closed", gettext_noop("nomination round closed")),
    Action("nominations.unit.added", gettext_noop("nominating unit added")),
    Action("nominations.unit.member_added", gettext_noop("nominating unit member added")),
    Action("nominations.nominee.added", gettext_noop("nominee added")),
    Action("nominations.nominee.removed", gettext_noop("nominee removed")),
    Action("nominations.slate.submitted", gettext_noop("nomination list submitted")),
    Action("nominations.slate.recommended", gettext_noop("nomination list recommended")),
    Action("nominations.slate.returned", gettext_noop("nomination list returned")),
    Action("nominations.slate.approved", gettext_noop("nomination list approved")),
    Action("nominations.opinion.filed", gettext_noop("opinion on a nominee filed")),
    Action("nominations.opinion.answered", gettext_noop("opinion on a nominee answered")),
    Action("nominations.slate.imported", gettext_noop("nomination list imported from a file")),
    Action("registry.cleanup.created", gettext_noop("clean-up created")),
    Action("registry.cleanup.advanced", gettext_noop("clean-up advanced")),
    Action("registry.unit.added", gettext_noop("registry unit added")),
    Action("registry.unit.member_added", gettext_noop("registry unit member added")),
    Action("registry.project.registered", gettext_noop("appraisal project registered")),
    Action("registry.project.decided", gettext_noop("appraisal project decided")),
    Action("registry.project.bulk_decided", gettext_noop("appraisal projects decided together")),
    Action("registry.project.excluded", gettext_noop("appraisal project left out of scope")),
    Action("registry.project.included", gettext_noop("appraisal project taken back in scope")),
    Action("registry.basis.added", gettext_noop("basis document attached")),
    Action("registry.basis.removed", gettext_noop("basis document removed")),
    Action("registry.schedule.set", gettext_noop("clean-up deadlines set")),
    # disclosure
    Action("disclosure.item.created", gettext_noop("disclosure item drafted")),
    Action("disclosure.item.edited", gettext_noop("disclosure item edited")),
    Action("disclosure.item.office_meeting", gettext_noop("disclosure item studied by the office")),
    Action("disclosure.item.approved", gettext_noop("disclosure item approved")),
    Action(
        "disclosure.item.branch_decided",
        gettext_noop("disclosure item decided by the party branch"),
    ),
    Action("disclosure.item.published", gettext_noop("disclosure item published")),
    Action("disclosure.item.revised", gettext_noop("disclosure item revised")),
    Action("disclosure.item.released", gettext_noop("disclosure item released")),
    Action("disclosure.feedback.received", gettext_noop("feedback received")),
    Action("disclosure.feedback.answered", gettext_noop("feedback answered")),
    Action("disclosure.opinion.received", gettext_noop("opinion box letter received")),
    Action("disclosure.opinion.answered", gettext_noop("opinion box letter answered")),
    Action("disclosure.phase.opened", gettext_noop("disclosure phase opened")),
    Action("disclosure.supervisor.appointed", gettext_noop("disclosure supervisor appointed")),
    Action("disclosure.remark.received", gettext_noop("supervision remark received")),
    Action("disclosure.remark.answered", gettext_noop("supervision remark answered")),
)

ACTIONS: dict[str, Action] = {action.name: action for action in _ALL}
_BY_ALIAS: dict[str, Action] = {alias: a for a in _ALL for alias in a.aliases}


class UnknownAction(ValueError):
    """A service named an action that is not registered here (a programming error)."""


def action(name: str) -> str:
    """``name`` itself when registered; UnknownAction otherwise."""
    if name not in ACTIONS:
        raise UnknownAction(f"audit action {name!r} is not registered in pingyi.audit.actions")
    return name


def names(name: str) -> tuple[str, ...]:
    """The registered ``name`` and its old names: what a lookup of its entries must match."""
    found = ACTIONS[action(name)]
    return (found.name, *found.aliases)


def current(name: str) -> str:
    """The registered name of ``name``, an old name included; an unknown one as it is."""
    found = ACTIONS.get(name) or _BY_ALIAS.get(name)
    return found.name if found else name


def label(name: str) -> str:
    """The action's label in the active language; an unknown name is shown as it is."""
    found = ACTIONS.get(name) or _BY_ALIAS.get(name)
    return gettext(found.label) if found else name
