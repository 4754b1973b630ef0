"""`pingyi stages …`: what an office scripts in the stages — the board on a day, approving
submitted pledges, marking reports received, naming a unit's owner. Registered by pingyi.cli;
the same services and selectors as the pages, acting as the machine's operator."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pingyi.cli.io import CommandError, _, day, out


def _campaign(code: str) -> Any:
    from pingyi.campaigns.selectors import campaign_get

    return campaign_get(code=code)


def _units(campaign: Any, args: argparse.Namespace, model: Any, status: str) -> list[Any]:
    """The records of the units named (or, with --all, every one in ``status``)."""
    records = model.objects.filter(unit__campaign=campaign).select_related("unit")
    if args.all:
        return list(records.filter(status=status).order_by("unit__position"))
    found = []
    for code in args.units:
        record = records.filter(unit__code=code).first()
        if record is None:
            raise CommandError(_("unit %(code)s has filed nothing here") % {"code": code})
        found.append(record)
    return found


def cmd_stages_board(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from pingyi.stages.selectors import board_to_json, stage_board

    board = stage_board(_campaign(args.campaign), today=args.today or timezone.localdate())
    data = board_to_json(board)
    if args.json:
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    from pingyi.rules.stages import LABELS

    out(_("stage board of %(code)s on %(day)s") % {"code": data["campaign"], "day": data["today"]})
    work = [c for c in board.columns if c.work]
    out("\t".join([_("unit"), *(c.label for c in work)]))
    for row in board.rows:
        states = [_(LABELS[c.state]) for c in row.cells if c.state is not None]
        out("\t".join([f"{row.unit.code} {row.unit.name}", *states]))
    return 0


def cmd_stages_approve(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.rules import stages as rules
    from pingyi.stages.models import Pledge
    from pingyi.stages.services import pledge_approve

    campaign = _campaign(args.campaign)
    for pledge in _units(campaign, args, Pledge, rules.SUBMITTED):
        pledge_approve(pledge=pledge, actor=Actor.operator(), today=args.today)
        out(_("%(unit)s: pledges approved and published") % {"unit": pledge.unit.code})
    return 0


def cmd_stages_return(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.stages.models import Pledge
    from pingyi.stages.services import pledge_return

    campaign = _campaign(args.campaign)
    args.all = False
    for pledge in _units(campaign, args, Pledge, ""):
        pledge_return(pledge=pledge, comment=args.comment, actor=Actor.operator())
        out(_("%(unit)s: pledges returned") % {"unit": pledge.unit.code})
    return 0


def cmd_stages_receive(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.rules import stages as rules
    from pingyi.stages.models import SelfInspection
    from pingyi.stages.services import inspection_receive

    campaign = _campaign(args.campaign)
    for report in _units(campaign, args, SelfInspection, rules.FILED):
        inspection_receive(report=report, actor=Actor.operator(), today=args.today)
        out(_("%(unit)s: self-inspection report received") % {"unit": report.unit.code})
    return 0


def cmd_stages_owner(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.rectification.models import UnitRole
    from pingyi.stages.services import unit_owner_grant

    role = UnitRole.MEMBER if args.member else UnitRole.OWNER
    grant = unit_owner_grant(
        campaign=_campaign(args.campaign),
        unit_code=args.unit,
        username=args.username,
        role=role,
        actor=Actor.operator(),
    )
    out(
        _("%(user)s: %(role)s of %(unit)s.")
        % {"user": grant.user.get_username(), "role": grant.get_role_display(),
           "unit": grant.unit_code}
    )  # fmt: skip
    return 0


def cmd_opinions_import(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.stages.opinion_services import opinions_import_file

    report = opinions_import_file(
        campaign=_campaign(args.campaign), path=args.file, label=str(args.file),
        actor=Actor.operator(), today=args.today,
    )  # fmt: skip
    for rejected in report.rejected:
        out(
            _("%(file)s, row %(row)s: rejected: form %(form_no)r was already imported")
            % {"file": args.file, "row": rejected.row, "form_no": rejected.form_no}
        )
    out(
        _("imported %(imported)s opinions, rejected %(rejected)s rows")
        % {"imported": report.imported, "rejected": len(report.rejected)}
    )
    return 0


def cmd_opinions_export(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.exports.outputs import write_files
    from pingyi.stages import opinion_selectors as reads
    from pingyi.stages.opinion_exports import write_summaries

    campaign, actor = _campaign(args.campaign), Actor.operator()
    if args.xlsx:
        write_files({args.xlsx: lambda p: write_summaries(p, campaign=campaign, actor=actor)})
    items = reads.summaries(campaign=campaign, actor=actor)
    if args.json:
        rows = [{"code": s.unit.code, "name": s.unit.name, "received": s.received,
                 "fed_back": s.kept, "answered": s.answered, "to_sort": s.to_sort,
                 "feedback": s.feedback.status if s.feedback else None,
                 "summary": s.feedback.summary if s.feedback else "",
                 "report": s.report.status if s.report else None} for s in items]  # fmt: skip
        out(json.dumps({"campaign": campaign.code, "units": rows}, ensure_ascii=False, indent=2))
        return 0
    for s in items:
        out(f"{s.unit.code} {s.unit.name}\t{s.received}\t{s.kept}\t{s.answered}")
    return 0


def cmd_opinions_codes(args: argparse.Namespace) -> int:
    import csv

    from pingyi.accounts.actors import Actor
    from pingyi.stages.opinion_services import opinion_codes_issue
    from pingyi.voting import codes

    issued = opinion_codes_issue(
        campaign=_campaign(args.campaign), count=args.count, actor=Actor.operator()
    )
    with args.out.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["序号", "意见表代码"])
        for n, plain in enumerate(issued.codes, start=1):
            writer.writerow([n, codes.grouped(plain)])
    out(_("%(count)s codes written to %(file)s") % {"count": args.count, "file": args.out})
    return 0


def cmd_opinions_close(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.stages.opinion_services import opinions_close

    moved = opinions_close(campaign=_campaign(args.campaign), actor=Actor.operator(),
                           today=args.today)  # fmt: skip
    out(_("collection closed; %(count)s forms came in from the mixing pool") % {"count": moved})
    return 0


def _add_opinions_commands(sub: Any) -> None:
    from pathlib import Path

    opinions = sub.add_parser(
        "opinions", help=_("opinion gathering: codes, paper forms, closing, summaries")
    )
    osub = opinions.add_subparsers(dest="action", required=True)
    p = osub.add_parser("import", help=_("import paper opinion forms (the .xlsx template)"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("file", type=Path, help=_("the filled-in template (.xlsx, .xls or .csv)"))
    p.add_argument("--today", type=day, help=_("the day recorded (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_opinions_import, db=True)
    p = osub.add_parser("export", help=_("each unit's opinions and summary"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--xlsx", type=Path, help=_("write the summaries workbook here"))
    p.add_argument("--json", action="store_true", help=_("print the summaries as JSON"))
    p.set_defaults(func=cmd_opinions_export, db=True)
    p = osub.add_parser("codes", help=_("issue codes for the online opinion form"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--count", type=int, required=True, help=_("how many codes"))
    p.add_argument("--out", type=Path, required=True, help=_("the CSV of the codes"))
    p.set_defaults(func=cmd_opinions_codes, db=True)
    p = osub.add_parser("close", help=_("close the collection of opinions"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--today", type=day, help=_("the day recorded (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_opinions_close, db=True)


def cmd_stages_survey(args: argparse.Namespace) -> int:
    """Starts the rectification survey (--start), records its results (--record) or shows it."""
    from pingyi.accounts.actors import Actor
    from pingyi.stages.selectors import rectification_survey, survey_rates, survey_to_json
    from pingyi.stages.survey_services import (
        rectification_survey_record,
        rectification_survey_start,
    )

    campaign, actor = _campaign(args.campaign), Actor.operator()
    if args.start:
        started = rectification_survey_start(
            campaign=campaign, actor=actor, scope="all" if args.all else "reported",
            groups=args.group or None, today=args.today,
        )  # fmt: skip
        out(
            _("rectification survey %(code)s created with %(n)s units: issue its codes next")
            % {"code": started.survey.code, "n": started.survey.units.count()}
        )
    elif args.record:
        rectification_survey_record(campaign=campaign, actor=actor, today=args.today)
    found = rectification_survey(campaign)
    data = survey_to_json(found, survey_rates(found))
    if args.json:
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if found is None:
        out(_("no rectification survey was started for this campaign"))
        return 0
    if args.start:
        return 0
    units: list[dict[str, Any]] = data["units"]  # type: ignore[assignment]
    for unit in units:
        rate = unit["satisfaction_rate"]
        shown = "—" if rate is None else f"{rate * 100:.2f}%"
        out(f"{unit['code']} {unit['name']}\t{unit['valid_ballots']}\t{shown}")
    if not units:
        out(_("survey %(code)s: no results recorded yet") % {"code": data["survey"]})
    return 0


def add_stages_commands(sub: Any) -> None:
    _add_opinions_commands(sub)
    stages = sub.add_parser(
        "stages", help=_("the six stages: board, pledges, self-inspection, unit owners")
    )
    ssub = stages.add_subparsers(dest="action", required=True)
    p = ssub.add_parser("board", help=_("each unit in each stage on a day"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.add_argument("--json", action="store_true", help=_("print the board as JSON"))
    p.set_defaults(func=cmd_stages_board, db=True)
    for name, func, text in (
        ("approve", cmd_stages_approve, _("approve submitted service pledges")),
        ("receive", cmd_stages_receive, _("mark self-inspection reports received")),
    ):
        p = ssub.add_parser(name, help=text)
        p.add_argument("campaign", help=_("campaign code"))
        p.add_argument("units", nargs="*", metavar="UNIT", help=_("unit codes"))
        p.add_argument("--all", action="store_true", help=_("every unit waiting"))
        p.add_argument("--today", type=day, help=_("the day recorded (YYYY-MM-DD)"))
        p.set_defaults(func=func, db=True)
    p = ssub.add_parser("return", help=_("return submitted service pledges with a comment"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("units", nargs="+", metavar="UNIT", help=_("unit codes"))
    p.add_argument("--comment", required=True, help=_("what to revise"))
    p.set_defaults(func=cmd_stages_return, db=True)
    p = ssub.add_parser("owner", help=_("name the person who files for a unit"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("unit", help=_("unit code"))
    p.add_argument("username", help=_("the person's user name"))
    p.add_argument("--member", action="store_true", help=_("reads only"))
    p.set_defaults(func=cmd_stages_owner, db=True)
    p = ssub.add_parser(
        "survey", help=_("the satisfaction survey on the rectification: start, record, show")
    )
    p.add_argument("campaign", help=_("campaign code"))
    act = p.add_mutually_exclusive_group()
    act.add_argument("--start", action="store_true", help=_("create the survey campaign"))
    act.add_argument(
        "--record", action="store_true", help=_("record the closed survey's rates on the stage")
    )
    p.add_argument(
        "--all", action="store_true", help=_("survey every unit, not only those that reported")
    )
    p.add_argument(
        "--group", action="append", metavar="GROUP", help=_("an evaluator group (repeatable)")
    )
    p.add_argument("--today", type=day, help=_("the day recorded (YYYY-MM-DD)"))
    p.add_argument("--json", action="store_true", help=_("print the survey as JSON"))
    p.set_defaults(func=cmd_stages_survey, db=True)
