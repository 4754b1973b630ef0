"""`pingyi grading explain|follow-up|rate|schedule|reports`: a grading round's texts, the
approval of an entered survey rate, the schedule and the report tables from the command line,
on the same services and selectors as the pages. Registered by pingyi.cli; Django is set up
before any command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pingyi.cli.io import _, actor, day, out


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
    from pingyi.grading.decisions import explanation_write

    org = _org(_round(args.round), args.org)
    explanation_write(org=org, text=args.text, actor=actor())
    out(_("explanation recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    """The 较差状况明细表 columns of one organization; options not given keep their value."""
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
        actor=actor(),
    )
    out(_("follow-up recorded for %(org)s") % {"org": org.code})
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    """Approve or refuse a satisfaction rate entered by another person of the department."""
    from pingyi.grading.services import survey_rate_decide

    org = _org(_round(args.round), args.org)
    approve = args.decision == "approve"
    survey_rate_decide(org=org, approve=approve, note=args.note or "", actor=actor())
    done = _("entered rate approved") if approve else _("entered rate refused")
    out(f"{org.code}: {done}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Sets the dates of one step (--step KEY --from D --until D), then prints the schedule."""
    from django.utils import timezone

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
            actor=actor(),
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
    p = gsub.add_parser("reports", help=_("write the report tables (.xlsx)"))
    p.add_argument("--round", required=True, help=_("the round's code"))
    p.add_argument("--committee", help=_("only this committee's organizations (its own files)"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_reports, db=True)
