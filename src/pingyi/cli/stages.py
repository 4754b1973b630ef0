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


def add_stages_commands(sub: Any) -> None:
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
