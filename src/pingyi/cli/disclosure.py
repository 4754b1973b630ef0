"""`pingyi disclosure calendar`: what an office must publish by its next disclosure day, on the
selectors its pages use; `pingyi disclosure advance`: one step of an item's approval chain;
`open` and `answer`: the unanswered feedback, opinion-box letters and supervisors' remarks,
and their answers; `register`: every item with its forms and phases; `next-phase`: a staged
item's next stage report; `supervisors` and `appoint`: the disclosure supervisors.
Registered by pingyi.cli; Django is set up before any command runs.

The command line never records an approval step or an answer in its own name (``cli:root``):
a step is a person's act, and separation of duties compares people. ``--as`` names the user
the step (or answer) is recorded for; that user must hold the role the web page asks for in
the item's organization, and the same separation rule applies to them. The operator's login
is kept in the audit entry of a step (``via``)."""

from __future__ import annotations

import argparse
from typing import Any

from pingyi.cli.io import _, actor, day, out


def cmd_calendar(args: argparse.Namespace) -> int:
    """One line per item due by the next quarterly disclosure day, overdue first."""
    from django.utils import timezone

    from pingyi.accounts.models import Organization
    from pingyi.cli.io import CommandError
    from pingyi.disclosure.models import Item
    from pingyi.disclosure.selectors import calendar_for

    office = Organization.objects.filter(code=args.org).first()
    if office is None:
        raise CommandError(_("no organization %(code)r") % {"code": args.org})
    today = args.today or timezone.localdate()
    day, rows = calendar_for(Item.objects.filter(organization=office), today)
    out(_("next disclosure day: %(day)s") % {"day": day.isoformat()})
    for row in rows:
        if row.entry.overdue:
            state = _("OVERDUE")
        elif row.entry.prompt:
            state = _("publish promptly")
        else:
            state = _("due")
        due = row.entry.due.isoformat() if row.entry.due else "—"
        out(f"  {state}\t{due}\t{row.item.title}")
    return 0


def cmd_advance(args: argparse.Namespace) -> int:
    """Records the item's next step for the user named by --as."""
    from django.contrib.auth import get_user_model

    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.disclosure import services
    from pingyi.disclosure.models import Item, Status
    from pingyi.rules import disclosure as rules

    item = Item.objects.select_related("organization").filter(pk=args.item).first()
    if item is None:
        raise CommandError(_("no disclosure item %(id)s") % {"id": args.item})
    user = get_user_model().objects.filter(username=args.acting, is_active=True).first()
    if user is None:
        raise CommandError(_("no active user %(name)r") % {"name": args.acting})
    target = args.to or rules.next_status(item.scope, item.status)
    if target is None or target not in rules.STATUSES:
        raise CommandError(_("the item is published; revise it to start the chain again"))
    item = services.item_advance(
        item=item, target=target, note=args.note or "", actor=Actor.of(user), via=actor()
    )
    out(_("item %(id)s is now: %(status)s") % {"id": item.pk, "status": Status(item.status).label})
    return 0


def _office(code: str) -> Any:
    from pingyi.accounts.models import Organization
    from pingyi.cli.io import CommandError

    office = Organization.objects.filter(code=code).first()
    if office is None:
        raise CommandError(_("no organization %(code)r") % {"code": code})
    return office


def cmd_open(args: argparse.Namespace) -> int:
    """One line per unanswered feedback or opinion-box letter of the office, oldest first."""
    from pingyi.disclosure.models import Feedback, Opinion, Remark

    office = _office(args.org)
    rows = (
        [
            (f.created_at, f"feedback:{f.pk}", f.item.title, f.text)
            for f in Feedback.objects.select_related("item").filter(
                item__organization=office, answered_at__isnull=True
            )
        ]
        + [
            (o.created_at, f"opinion:{o.pk}", _("Opinion box"), o.text)
            for o in Opinion.objects.filter(organization=office, answered_at__isnull=True)
        ]
        + [
            (r.created_at, f"remark:{r.pk}", f"{_('Supervisor')} {r.supervisor.name}", r.text)
            for r in Remark.objects.select_related("supervisor").filter(
                supervisor__organization=office, answered_at__isnull=True
            )
        ]
    )
    for at, key, subject, text in sorted(rows, key=lambda r: (r[0], r[1])):
        out(f"{key}\t{at:%Y-%m-%d %H:%M}\t{subject}\t{' '.join(text.split())}")
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    """Answers one feedback or opinion-box letter in the name of the user named by --as."""
    from django.contrib.auth import get_user_model

    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.disclosure import services
    from pingyi.disclosure.models import Feedback, Opinion, Remark

    kind, _sep, number = args.what.partition(":")
    found: Feedback | Opinion | Remark | None = None
    if number.isdigit() and kind == "feedback":
        found = Feedback.objects.select_related("item__organization").filter(pk=number).first()
    elif number.isdigit() and kind == "opinion":
        found = Opinion.objects.select_related("organization").filter(pk=number).first()
    elif number.isdigit() and kind == "remark":
        found = Remark.objects.select_related("supervisor__organization").filter(pk=number).first()
    if found is None:
        raise CommandError(_("no feedback or letter %(what)r") % {"what": args.what})
    user = get_user_model().objects.filter(username=args.acting, is_active=True).first()
    if user is None:
        raise CommandError(_("no active user %(name)r") % {"name": args.acting})
    who = Actor.of(user)
    if isinstance(found, Feedback):
        services.feedback_answer(feedback=found, answer=args.text, actor=who)
    elif isinstance(found, Remark):
        services.remark_answer(remark=found, answer=args.text, actor=who)
    else:
        services.opinion_answer(opinion=found, answer=args.text, actor=who)
    out(_("answered %(what)s") % {"what": args.what})
    return 0


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    from pingyi.cli.io import CommandError

    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(_("no active user %(name)r") % {"name": name})
    return user


def cmd_register(args: argparse.Namespace) -> int:
    """The register (台账): one line per item — status, scope, forms, phase, title."""
    from pingyi.disclosure.models import Scope, Status
    from pingyi.disclosure.selectors import register

    for item in register(_office(args.org)):
        phases = list(item.phases.all())
        phase = next(
            (f"{p.number}/{len(phases)} {p.name}" for p in phases if p.number == item.phase), "—"
        )
        out(
            "\t".join(
                [
                    str(item.pk),
                    str(Status(item.status).label),
                    str(Scope(item.scope).label),
                    "、".join(item.form_labels()),
                    phase,
                    item.title,
                ]
            )
        )
    return 0


def cmd_next_phase(args: argparse.Namespace) -> int:
    """Drafts a staged item's next stage report for the user named by --as."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.disclosure import services
    from pingyi.disclosure.models import Item

    item = Item.objects.select_related("organization").filter(pk=args.item).first()
    if item is None:
        raise CommandError(_("no disclosure item %(id)s") % {"id": args.item})
    item = services.phase_next(
        item=item, title=args.title, body=args.body, actor=Actor.of(_user(args.acting))
    )
    out(_("item %(id)s: phase %(n)s drafted") % {"id": item.pk, "n": item.phase})
    return 0


def cmd_supervisors(args: argparse.Namespace) -> int:
    """One line per supervisor of the office: name, unit, term, account."""
    from pingyi.disclosure.models import Supervisor

    rows = Supervisor.objects.select_related("user").filter(organization=_office(args.org))
    for s in rows.order_by("term_start", "name", "id"):
        account = s.user.get_username() if s.user else "—"
        out(f"{s.pk}\t{s.name}\t{s.unit}\t{s.term_start}..{s.term_end}\t{account}")
    return 0


def cmd_appoint(args: argparse.Namespace) -> int:
    """Appoints a supervisor in the name of the administrator named by --as."""
    from pingyi.accounts.actors import Actor
    from pingyi.disclosure import services

    supervisor = services.supervisor_appoint(
        organization=_office(args.org),
        name=args.name,
        unit=args.unit,
        term_start=args.start,
        term_end=args.end,
        user=_user(args.account) if args.account else None,
        actor=Actor.of(_user(args.acting)),
    )
    out(_("supervisor %(id)s appointed: %(name)s") % {"id": supervisor.pk, "name": supervisor})
    return 0


def add_disclosure_commands(sub: Any) -> None:
    """`pingyi disclosure …` under the main parser's subcommands."""
    disclosure = sub.add_parser("disclosure", help=_("party-affairs disclosure: the calendar"))
    dsub = disclosure.add_subparsers(dest="action", required=True)
    p = dsub.add_parser("calendar", help=_("what is due by the next disclosure day"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_calendar, db=True)
    p = dsub.add_parser("advance", help=_("record the next step of an item's approval chain"))
    p.add_argument("--item", type=int, required=True, help=_("the item's id"))
    p.add_argument(
        "--as",
        dest="acting",
        required=True,
        help=_("the user the step is recorded for (their role and separation of duties apply)"),
    )
    p.add_argument("--to", help=_("the step (default: the item's next one)"))
    p.add_argument("--note", help=_("the meeting or decision"))
    p.set_defaults(func=cmd_advance, db=True)
    p = dsub.add_parser("open", help=_("unanswered feedback, letters and supervisors' remarks"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.set_defaults(func=cmd_open, db=True)
    p = dsub.add_parser("answer", help=_("answer feedback, a letter or a supervisor's remark"))
    p.add_argument("what", help=_("feedback:ID, opinion:ID or remark:ID, as `open` lists them"))
    p.add_argument("--text", required=True, help=_("the answer"))
    p.add_argument("--as", dest="acting", required=True, help=_("the user who answers"))
    p.set_defaults(func=cmd_answer, db=True)
    p = dsub.add_parser("register", help=_("every item with its forms and phase"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.set_defaults(func=cmd_register, db=True)
    p = dsub.add_parser("next-phase", help=_("draft a staged item's next stage report"))
    p.add_argument("--item", type=int, required=True, help=_("the item's id"))
    p.add_argument("--title", required=True, help=_("the stage report's title"))
    p.add_argument("--body", required=True, help=_("the stage report"))
    p.add_argument("--as", dest="acting", required=True, help=_("the user who drafts it"))
    p.set_defaults(func=cmd_next_phase, db=True)
    p = dsub.add_parser("supervisors", help=_("the office's disclosure supervisors"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.set_defaults(func=cmd_supervisors, db=True)
    p = dsub.add_parser("appoint", help=_("appoint a disclosure supervisor for a term"))
    p.add_argument("--org", required=True, help=_("the office's code"))
    p.add_argument("--name", required=True, help=_("the supervisor's name"))
    p.add_argument("--unit", required=True, help=_("the supervisor's unit"))
    p.add_argument("--start", type=day, required=True, help=_("the term's first day (YYYY-MM-DD)"))
    p.add_argument("--end", type=day, required=True, help=_("the term's last day (YYYY-MM-DD)"))
    p.add_argument("--account", help=_("the user the supervisor signs in as"))
    p.add_argument("--as", dest="acting", required=True, help=_("the administrator who appoints"))
    p.set_defaults(func=cmd_appoint, db=True)
