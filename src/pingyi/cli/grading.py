"""`pingyi grading explain|follow-up|rate|schedule|reports|vote|members|tolerance|list|departure|
summary|violation|benefit|reference|board|lookback`:
a grading round's texts, the approval of an entered survey rate, the schedule, the report
tables, the grade vote and its participant list, the committee's work summary, a violation's
cause, the benefits of 好, an assessment's references, the public board (公示牌) and the
look-back (回头看) from the command line,
on the same services and selectors as the pages. Registered by pingyi.cli; Django is set up
before any command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pingyi.cli.io import _, day, out


def _round(code: str) -> Any:
    from pingyi.cli.io import CommandError
    from pingyi.grading.models import GradingRound

    found = GradingRound.objects.filter(code=code).first()
    if found is None:
        raise CommandError(_("no grading round %(code)r") % {"code": code})
    return found


def _org(grading_round: Any, code: str) -> Any:
    from pingyi.cli.io import CommandError
    from pingyi.grading.models import PartyOrg

    found = (
        PartyOrg.objects.select_related("round", "committee", "parent")
        .filter(round=grading_round, code=code)
        .first()
    )
    if found is None:
        raise CommandError(
            _("no party organization %(code)r in the round %(round)s")
            % {"code": code, "round": grading_round.code}
        )
    return found


def cmd_explain(args: argparse.Namespace) -> int:
    """一览表 情况说明 of one organization."""
    from pingyi.accounts.actors import Actor
    from pingyi.grading.decisions import explanation_write

    org = _org(_round(args.round), args.org)
    explanation_write(org=org, text=args.text, actor=Actor.operator())
    out(_("explanation recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    """The 较差状况明细表 columns of one organization; options not given keep their value."""
    from pingyi.accounts.actors import Actor
    from pingyi.grading.decisions import follow_up_set

    org = _org(_round(args.round), args.org)
    current = getattr(org, "follow_up", None)

    def given(value: str | None, field: str) -> str:
        return value if value is not None else (getattr(current, field) if current else "")

    months = args.months
    reason = args.months_reason
    if months is None and current is not None:
        months = current.rectification_months
        reason = reason if reason is not None else current.rectification_reason
    follow_up_set(
        org=org,
        problems=given(args.problems, "problems"),
        measures=given(args.measures, "measures"),
        sponsor_leader=given(args.sponsor, "sponsor_leader"),
        liaison=given(args.liaison, "liaison"),
        months=months,
        months_reason=reason or "",
        actor=Actor.operator(),
    )
    out(_("follow-up recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    """Approve or refuse a satisfaction rate entered by another person of the department."""
    from pingyi.accounts.actors import Actor
    from pingyi.grading.services import survey_rate_decide

    org = _org(_round(args.round), args.org)
    approve = args.decision == "approve"
    survey_rate_decide(org=org, approve=approve, note=args.note or "", actor=Actor.operator())
    done = _("entered rate approved") if approve else _("entered rate refused")
    out(f"{org.code}: {done}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Sets the dates of one step (--step KEY --from D --until D), then prints the schedule."""
    from django.utils import timezone

    from pingyi.accounts.actors import Actor
    from pingyi.grading.selectors import round_schedule
    from pingyi.grading.services import schedule_set
    from pingyi.rules.grading_schedule import MILESTONE_WORDS

    grading_round = _round(args.round)
    if args.step:
        from pingyi.cli.io import CommandError

        if args.starts is None or args.ends is None:
            raise CommandError(_("give --from and --until with --step"))
        schedule_set(
            grading_round=grading_round,
            changes={args.step: (args.starts, args.ends)},
            actor=Actor.operator(),
        )
    for line in round_schedule(grading_round, args.today or timezone.localdate()):
        m = line.milestone
        out(f"{m.key}\t{m.starts.isoformat()}\t{m.ends.isoformat()}\t{line.state}\t"
             f"{_(MILESTONE_WORDS[m.key])}")  # fmt: skip
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    """The report tables of the round, or of one committee's organizations (its own files)."""
    from pingyi.exports.grading_workbook import write_grading_workbook
    from pingyi.exports.outputs import write_atomic
    from pingyi.grading.selectors import grading_reports, round_scheme

    grading_round = _round(args.round)
    committees = None
    if args.committee:
        from pingyi.cli.io import CommandError

        found = grading_round.committees.filter(name=args.committee).first()
        if found is None:
            raise CommandError(_("no committee %(name)r in the round") % {"name": args.committee})
        committees = {found.pk}
    rows = grading_reports(grading_round, committees)
    scheme = round_scheme(grading_round)
    write_atomic(args.out, lambda tmp: write_grading_workbook(tmp, rows, scheme=scheme))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def _campaign(grading_round: Any, code: str) -> Any:
    from pingyi.campaigns.models import Campaign
    from pingyi.cli.io import CommandError

    found = Campaign.objects.filter(code=code).first()
    if found is None or not (
        grading_round.votes.filter(campaign=found).exists()
        or grading_round.surveys.filter(campaign=found).exists()
    ):
        raise CommandError(
            _("no survey or grade vote %(code)r in the round %(round)s")
            % {"code": code, "round": grading_round.code}
        )
    return found


def cmd_vote(args: argparse.Namespace) -> int:
    """Creates the grade vote of one organization or of a whole committee."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.grading.votes import grade_vote_create

    grading_round = _round(args.round)
    org = _org(grading_round, args.org) if args.org else None
    committee = None
    if args.committee:
        committee = grading_round.committees.filter(name=args.committee).first()
        if committee is None:
            raise CommandError(_("no committee %(name)r in the round") % {"name": args.committee})
    vote = grade_vote_create(
        grading_round=grading_round, org=org, committee=committee, actor=Actor.operator()
    )
    out(f"{vote.campaign.code}\t{vote.campaign.name}")
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.grading.votes import org_members_set

    org = _org(_round(args.round), args.org)
    org_members_set(org=org, members=args.members, actor=Actor.operator())
    out(_("%(org)s: %(n)s party members") % {"org": org.code, "n": args.members})
    return 0


def cmd_tolerance(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.grading.votes import ratio_tolerance_set
    from pingyi.rules.scheme import parse_number

    grading_round = ratio_tolerance_set(
        grading_round=_round(args.round),
        low=parse_number(args.low.replace(":", "/")),
        high=parse_number(args.high.replace(":", "/")),
        actor=Actor.operator(),
    )
    out(f"{grading_round.ratio_min}\t{grading_round.ratio_max}")
    return 0


def _list_lines(campaign: Any) -> None:
    from pingyi.grading.models import ParticipantList
    from pingyi.rules.grade_vote import KIND_LABELS, KINDS
    from pingyi.voting.services import tokens_issued

    row = ParticipantList.objects.filter(campaign=campaign).first()
    if row is None:
        out(_("no participant list yet"))
    else:
        out(f"{row.get_status_display()}\t{row.drafted_by}\t{row.approved_by}")
        for kind in KINDS:
            out(f"{KIND_LABELS[kind]}\t{getattr(row, kind)}")
        out(f"{_('members absent')}\t{row.absent}\t{row.absent_reason}")
        out(f"{_('supervisor sent by the upper committee')}\t{row.supervisor}")
    for group in campaign.groups.order_by("position"):
        out(f"{group.name}\t{group.codes_allowed}\t{tokens_issued(group)}")


def cmd_list(args: argparse.Namespace) -> int:
    """A participant list: show, draw up, approve (not by whoever drew it up), issue codes."""
    from pingyi.accounts.actors import Actor
    from pingyi.grading import votes
    from pingyi.rules.grade_vote import ParticipantCounts

    campaign = _campaign(_round(args.round), args.campaign)
    actor = Actor.operator()
    if args.action_list == "draft":
        counts = ParticipantCounts(
            members=args.members,
            masses=args.masses,
            deputies=args.deputies,
            others=args.others,
            absent=args.absent,
            absent_reason=args.absent_reason or "",
            ratio_reason=args.ratio_reason or "",
        )
        votes.participant_list_draft(
            campaign=campaign, counts=counts, supervisor=args.supervisor, actor=actor
        )
    elif args.action_list == "approve":
        votes.participant_list_approve(campaign=campaign, actor=actor)
    elif args.action_list == "codes":
        from pingyi.cli.io import CommandError
        from pingyi.exports.outputs import write_atomic

        if args.out is None:
            raise CommandError(_("give --out, the CSV file to write the codes to"))

        issued = votes.participant_codes_issue(campaign=campaign, actor=actor)
        lines = ["group,code"] + [f"{b.batch.group.name},{c}" for b in issued for c in b.codes]
        write_atomic(
            args.out, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        )
        out(_("wrote %(path)s") % {"path": args.out})
    _list_lines(campaign)
    return 0


def cmd_departure(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.grading.votes import vote_departure_record

    org = _org(_round(args.round), args.org)
    vote_departure_record(org=org, reason=args.reason, actor=Actor.operator())
    out(_("reason recorded for %(org)s") % {"org": org.code})
    return 0


def _committee(grading_round: Any, name: str) -> Any:
    from pingyi.cli.io import CommandError

    found = grading_round.committees.select_related("round").filter(name=name).first()
    if found is None:
        raise CommandError(_("no committee %(name)r in the round") % {"name": name})
    return found


def _upload(path: Path | None) -> Any:
    from pingyi import evidence
    from pingyi.cli.io import CommandError

    if path is None:
        return None
    try:
        return evidence.Upload(name=path.name, content=path.read_bytes())
    except OSError as exc:
        raise CommandError(f"{path}: {exc}") from exc


def cmd_summary(args: argparse.Namespace) -> int:
    """The committee's 工作总结 (text, from --text or --text-file, and an optional file)."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.grading.records import work_summary_file

    committee = _committee(_round(args.round), args.committee)
    text = args.text
    if args.text_file is not None:
        try:
            text = args.text_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{args.text_file}: {exc}") from exc
    if text is None:
        raise CommandError(_("give --text or --text-file"))
    work_summary_file(
        committee=committee, text=text, upload=_upload(args.file), actor=Actor.operator()
    )
    out(_("work summary recorded for %(committee)s") % {"committee": committee.name})
    return 0


def cmd_violation(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.grading.records import violation_record

    org = _org(_round(args.round), args.org)
    violation_record(org=org, cause=args.cause, reason=args.reason, actor=Actor.operator())
    out(_("violation recorded for %(org)s: 较差") % {"org": org.code})
    return 0


def cmd_benefit(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.grading.records import benefit_record
    from pingyi.rules.scheme import parse_number

    org = _org(_round(args.round), args.org)
    points = parse_number(args.points) if args.points else None
    if args.points and points is None:
        raise CommandError(_("Bonus points: give a number."))
    benefit_record(
        org=org, points=points, secretary=args.secretary, commendation=args.commendation,
        note=args.note or "", actor=Actor.operator(),
    )  # fmt: skip
    out(_("benefits recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_reference(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.grading.records import reference_add

    org = _org(_round(args.round), args.org)
    reference_add(
        org=org, kind=args.kind, text=args.text or "", upload=_upload(args.file),
        actor=Actor.operator(),
    )  # fmt: skip
    out(_("reference recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """The 公示牌 as an A4 PDF: of one committee, or of the whole round."""
    from pingyi.exports.outputs import write_atomic
    from pingyi.grading.board import board_write

    grading_round = _round(args.round)
    committee = _committee(grading_round, args.committee) if args.committee else None
    write_atomic(args.out, lambda tmp: board_write(tmp, grading_round, committee))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_lookback(args: argparse.Namespace) -> int:
    """回头看: re-grades one organization of a final round with what was found."""
    from pingyi.accounts.actors import Actor
    from pingyi.rectification.lookback import org_regrade

    org = _org(_round(args.round), args.org)
    done = org_regrade(
        org=org, grade=args.grade, reason=args.reason, cause=args.cause or "",
        effective=args.effective, actor=Actor.operator(),
    )  # fmt: skip
    out(f"{org.code}: {done.before} → {done.after}")
    return 0


def _add_record_commands(gsub: Any) -> None:
    from pingyi.rules.grading import GRADES
    from pingyi.rules.grading_lookback import REFERENCE_KINDS, VIOLATION_CAUSES

    p = gsub.add_parser("summary", help=_("record the committee's work summary (工作总结)"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--committee", required=True, help=_("the committee's name"))
    p.add_argument("--text")
    p.add_argument("--text-file", type=Path, help=_("read the text from this UTF-8 file"))
    p.add_argument("--file", type=Path, help=_("a PDF, PNG or JPEG to file with it"))
    p.set_defaults(func=cmd_summary, db=True)
    p = gsub.add_parser("violation", help=_("record a violation's cause: the organization is 较差"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--cause", required=True, choices=list(VIOLATION_CAUSES))
    p.add_argument("reason", help=_("what was found"))
    p.set_defaults(func=cmd_violation, db=True)
    p = gsub.add_parser("benefit", help=_("record what an organization graded 好 was granted"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--points", help=_("bonus points in the annual appraisal (加分)"))
    p.add_argument("--secretary", action="store_true", help=_("its secretary recommended first"))
    p.add_argument("--commendation", action="store_true", help=_("recommended for commendation"))
    p.add_argument("--note")
    p.set_defaults(func=cmd_benefit, db=True)
    p = gsub.add_parser("reference", help=_("add a reference of an organization's assessment"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--kind", required=True, choices=list(REFERENCE_KINDS))
    p.add_argument("--text")
    p.add_argument("--file", type=Path, help=_("a PDF, PNG or JPEG"))
    p.set_defaults(func=cmd_reference, db=True)
    p = gsub.add_parser("board", help=_("write the public board (公示牌) as a PDF"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--committee", help=_("only this committee's organizations"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_board, db=True)
    p = gsub.add_parser("lookback", help=_("re-grade an organization of a final round (回头看)"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--grade", required=True, choices=list(GRADES))
    p.add_argument("--cause", choices=list(VIOLATION_CAUSES), help=_("a violation's cause"))
    p.add_argument(
        "--effective", action="store_true", help=_("the rectification was effective (to move up)")
    )
    p.add_argument("reason", help=_("what the look-back found"))
    p.set_defaults(func=cmd_lookback, db=True)


def add_grading_commands(sub: Any) -> None:
    """`pingyi grading …` under the main parser's subcommands."""
    from pingyi.rules.grading_schedule import MILESTONES

    grading = sub.add_parser(
        "grading", help=_("a grading round: explanations, follow-up, rates, schedule, reports")
    )
    gsub = grading.add_subparsers(dest="action", required=True)
    p = gsub.add_parser("explain", help=_("record an organization's 一览表 explanation"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("text")
    p.set_defaults(func=cmd_explain, db=True)
    p = gsub.add_parser(
        "follow-up", help=_("record problems, measures, sponsor, liaison, rectification period")
    )
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--problems")
    p.add_argument("--measures")
    p.add_argument("--sponsor", help=_("sponsor leader (挂点领导)"))
    p.add_argument("--liaison", help=_("liaison (联络员)"))
    p.add_argument("--months", type=int, help=_("rectification months, other than the default"))
    p.add_argument("--months-reason", help=_("why the period departs from the default"))
    p.set_defaults(func=cmd_follow_up, db=True)
    p = gsub.add_parser("rate", help=_("approve or refuse an entered satisfaction rate"))
    p.add_argument("decision", choices=("approve", "refuse"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("--note", help=_("why (required to refuse)"))
    p.set_defaults(func=cmd_rate, db=True)
    p = gsub.add_parser("schedule", help=_("show the round's schedule or set a step's dates"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--step", choices=MILESTONES)
    p.add_argument("--from", dest="starts", type=day)
    p.add_argument("--until", dest="ends", type=day)
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_schedule, db=True)
    p = gsub.add_parser("vote", help=_("create the grade vote of an organization or committee"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--org", help=_("the party organization's code"))
    target.add_argument("--committee", help=_("every organization of this committee"))
    p.set_defaults(func=cmd_vote, db=True)
    p = gsub.add_parser("members", help=_("record an organization's number of party members"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("members", type=int)
    p.set_defaults(func=cmd_members, db=True)
    p = gsub.add_parser(
        "tolerance", help=_("the members : non-members range a list needs no reason in")
    )
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("low", help=_("for example 2:3"))
    p.add_argument("high", help=_("for example 3:2"))
    p.set_defaults(func=cmd_tolerance, db=True)
    p = gsub.add_parser("list", help=_("a survey's or grade vote's participant list"))
    p.add_argument("action_list", choices=("show", "draft", "approve", "codes"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--campaign", required=True, help=_("the survey's or vote's campaign code"))
    for kind in ("members", "masses", "deputies", "others", "absent"):
        p.add_argument(f"--{kind}", type=int, default=0)
    p.add_argument("--absent-reason")
    p.add_argument("--ratio-reason")
    p.add_argument("--supervisor", default="", help=_("sent by the upper committee"))
    p.add_argument("--out", type=Path, help=_("codes: the CSV file to write them to"))
    p.set_defaults(func=cmd_list, db=True)
    p = gsub.add_parser(
        "departure", help=_("record why the committee's grade departs from the members' vote")
    )
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--org", required=True, help=_("the party organization's code"))
    p.add_argument("reason")
    p.set_defaults(func=cmd_departure, db=True)
    p = gsub.add_parser("reports", help=_("write the report tables (.xlsx)"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--committee", help=_("only this committee's organizations (its own files)"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_reports, db=True)
    _add_record_commands(gsub)
