"""`pingyi ledger …`: what an office scripts in the rectification ledger — the acceptance
with its panel, and the draft items pre-filled from the opinions fed back. Registered by
pingyi.cli; the same services as the plan page, acting as the machine's operator."""

from __future__ import annotations

import argparse
from typing import Any

from pingyi.cli.io import CommandError, _, day, out


def _plan(pk: int) -> Any:
    from pingyi.rectification.models import Plan

    found = Plan.objects.select_related("notice").filter(pk=pk).first()
    if found is None:
        raise CommandError(_("no rectification plan %(pk)s") % {"pk": pk})
    return found


def cmd_ledger_accept(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.rectification.services import plan_accept
    from pingyi.rules import ledger as rules

    members = rules.panel_from_text("\n".join(args.member or []))
    plan = plan_accept(
        plan=_plan(args.plan), verdict=args.verdict, note=args.note, members=members,
        actor=Actor.operator(), today=args.today,
    )  # fmt: skip
    out(
        _("plan %(pk)s (%(unit)s): %(verdict)s, panel of %(n)s")
        % {"pk": plan.pk, "unit": plan.unit_name, "verdict": plan.get_verdict_display(),
           "n": len(members)}
    )  # fmt: skip
    return 0


def cmd_ledger_prefill(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.rectification.prefill import plan_prefill

    items = plan_prefill(plan=_plan(args.plan), actor=Actor.operator())
    for item in items:
        out(f"#{item.number}\t{item.description}")
    out(
        _("%(n)s draft items added: complete and confirm them on the plan page") % {"n": len(items)}
    )
    return 0


def add_ledger_commands(sub: Any) -> None:
    ledger = sub.add_parser(
        "ledger", help=_("the rectification ledger: acceptance with its panel, drafts")
    )
    lsub = ledger.add_subparsers(dest="action", required=True)
    p = lsub.add_parser("accept", help=_("record the acceptance inspection's verdict"))
    p.add_argument("plan", type=int, help=_("the plan's number (as in its page's address)"))
    p.add_argument("--verdict", required=True, choices=["passed", "failed"], help=_("verdict"))
    p.add_argument("--note", default="", help=_("the findings"))
    p.add_argument(
        "--member", action="append", metavar="NAME,BODY,ROLE",
        help=_("a panel member: name, body (人大, 政协 or 其他), role (repeatable)"),
    )  # fmt: skip
    p.add_argument("--today", type=day, help=_("the day recorded (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_ledger_accept, db=True)
    p = lsub.add_parser(
        "prefill", help=_("draft items from the opinions fed back to the plan's unit")
    )
    p.add_argument("plan", type=int, help=_("the plan's number (as in its page's address)"))
    p.set_defaults(func=cmd_ledger_prefill, db=True)
