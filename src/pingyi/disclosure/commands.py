"""`pingyi disclosure calendar`: what an office must publish by its next disclosure day, on the
selectors its pages use. Registered by pingyi.cli; Django is set up before any command runs."""

from __future__ import annotations

import argparse
from typing import Any

from pingyi.cli import _, _day, _out


def cmd_calendar(args: argparse.Namespace) -> int:
    """One line per item due by the next quarterly disclosure day, overdue first."""
    from django.utils import timezone

    from pingyi.campaigns.models import Organization
    from pingyi.cli import CommandError
    from pingyi.disclosure.models import Item
    from pingyi.disclosure.selectors import calendar_for

    office = Organization.objects.filter(code=args.org).first()
    if office is None:
        raise CommandError(_("no organization %(code)r") % {"code": args.org})
    today = args.today or timezone.localdate()
    day, rows = calendar_for(Item.objects.filter(organization=office), today)
    _out(_("next disclosure day: %(day)s") % {"day": day.isoformat()})
    for row in rows:
        if row.entry.overdue:
            state = _("OVERDUE")
        elif row.entry.prompt:
            state = _("publish promptly")
        else:
            state = _("due")
        due = row.entry.due.isoformat() if row.entry.due else "—"
        _out(f"  {state}\t{due}\t{row.item.title}")
    return 0


def add_disclosure_commands(sub: Any) -> None:
    """`pingyi disclosure …` under the main parser's subcommands."""
    disclosure = sub.add_parser("disclosure", help=_("party-affairs disclosure: the calendar"))
    dsub = disclosure.add_subparsers(dest="action", required=True)
    p = dsub.add_parser("calendar", help=_("what is due by the next disclosure day"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.add_argument("--today", type=_day, help=_("the day to count from (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_calendar, db=True)
