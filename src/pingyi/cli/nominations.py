"""`pingyi nominations summary|export|step|notice|template|import|opinions|answer`:
nominations under a kept project (seed 002), on the same services and selectors as their
pages. Registered by pingyi.cli; Django is set up before any command runs.

A step of a list's chain is a person's act and separation of duties compares people, so
`step`, `notice`, `import` and `answer` record it for the user named by ``--as``, who must
hold the role the web page asks for; the operator's login is not enough."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pingyi.cli.io import _, day, out


def _as(name: str) -> Any:
    from django.contrib.auth import get_user_model

    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError

    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(_("no active user %(name)r") % {"name": name})
    return Actor.of(user)


@contextmanager
def _role_of(name: str) -> Iterator[None]:
    """A refusal by role, worded for the operator (not an internal error)."""
    from pingyi.accounts.actors import AccessDenied
    from pingyi.cli.io import CommandError

    try:
        yield
    except AccessDenied:
        raise CommandError(
            _("%(name)s may not record this step: the role it needs is not theirs") % {"name": name}
        ) from None


def cmd_summary(args: argparse.Namespace) -> int:
    """One line per unit's list: count against quota, grassroots share, status, departures."""
    from django.utils import timezone

    from pingyi.nominations import selectors as sel

    round_ = sel.round_get(code=args.round)
    rows = sel.slate_rows(round_)
    summary = sel.round_summary(round_, rows)
    today = args.today or timezone.localdate()
    for row in rows:
        out(sel.slate_line(row))
    out(_("approved %(n)s of the total quota %(quota)s") % {"n": summary.approved,
                                                          "quota": round_.quota})  # fmt: skip
    deadlines = sel.round_deadlines(round_, today)
    for line in deadlines:
        out(f"{_(line.deadline.word)}: {line.deadline.due.isoformat()} ({line.state})")
    if args.json:
        body = {
            "round": round_.code, "quota": round_.quota, "approved": summary.approved,
            "over_total": summary.over_total,
            "deadlines": [{"key": d.deadline.key, "due": d.deadline.due.isoformat(),
                           "state": d.state} for d in deadlines],
            "units": [{"unit": r.unit.code, "count": r.figures.count, "quota": r.figures.quota,
                       "over_quota": r.figures.check.over, "grassroots": r.figures.grassroots,
                       "grassroots_share": str(r.figures.share or ""),
                       "status": r.slate.status, "departures": list(r.figures.departures),
                       "approval_reason": r.slate.approval_reason} for r in rows],
        }  # fmt: skip
        args.json.write_text(json.dumps(body, ensure_ascii=False, indent=1), "utf-8")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pingyi.exports.outputs import write_atomic
    from pingyi.nominations import selectors as sel
    from pingyi.nominations.workbook import write_nominees

    round_ = sel.round_get(code=args.round)
    rows = sel.slate_rows(round_)
    write_atomic(args.out, lambda tmp: write_nominees(tmp, round_=round_, rows=rows))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    from pingyi.nominations import selectors as sel
    from pingyi.nominations import services
    from pingyi.rules import nominations as rules

    round_ = sel.round_get(code=args.round)
    unit = sel.unit_get(round_=round_, code=args.unit)
    acting = _as(args.acting)
    reason = args.reason or ""
    with _role_of(args.acting):
        if args.step == rules.SUBMIT:
            slate = services.slate_submit(unit=unit, actor=acting)
        elif args.step == rules.RECOMMEND:
            slate = services.slate_recommend(slate=unit.slate, actor=acting)
        elif args.step == rules.RETURN:
            slate = services.slate_return(slate=unit.slate, reason=reason, actor=acting)
        else:
            slate = services.slate_approve(slate=unit.slate, reason=reason, actor=acting)
    out(_("the list of %(unit)s is now: %(status)s")
        % {"unit": unit.name, "status": _(rules.STATUS_WORDS[slate.status])})  # fmt: skip
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from pingyi.nominations import selectors as sel
    from pingyi.nominations import services

    round_ = sel.round_get(code=args.round)
    with _role_of(args.acting):
        services.notice_publish(round_=round_, reason=args.reason or "", actor=_as(args.acting))
    out(_("on notice from %(start)s until %(end)s")
        % {"start": round_.notice_start, "end": round_.notice_end})  # fmt: skip
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pingyi.exports.outputs import write_atomic
    from pingyi.nominations import selectors as sel
    from pingyi.nominations.workbook import write_nominee_template

    unit = sel.unit_get(round_=sel.round_get(code=args.round), code=args.unit)
    write_atomic(args.out, lambda tmp: write_nominee_template(tmp, unit_name=unit.name))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """A unit's list from its filled-in template, for the unit's member named by --as."""
    from pingyi.nominations import selectors as sel
    from pingyi.nominations import services

    unit = sel.unit_get(round_=sel.round_get(code=args.round), code=args.unit)
    acting = _as(args.acting)
    with _role_of(args.acting):
        report = services.nominees_import_file(
            unit=unit, path=args.file, label=args.file.name, actor=acting
        )
    out(_("imported %(imported)s nominees into the list of %(unit)s (replacing %(replaced)s)")
        % {"imported": report.imported, "unit": unit.name,
           "replaced": report.replaced})  # fmt: skip
    return 0


def cmd_opinions(args: argparse.Namespace) -> int:
    """The opinions filed on the round's notice, one line each: id, day, nominee, status."""
    from pingyi.nominations import selectors as sel

    round_ = sel.round_get(code=args.round)
    for o in sel.round_opinions(round_):
        out(f"{o.pk}\t{o.filed_on.isoformat()}\t{o.nominee.name}\t{o.get_status_display()}"
            f"\t{o.text}" + (f"\t{o.answer}" if o.answer else ""))  # fmt: skip
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    from pingyi.cli.io import CommandError
    from pingyi.nominations import selectors as sel
    from pingyi.nominations import services

    round_ = sel.round_get(code=args.round)
    opinion = sel.round_opinions(round_).filter(pk=args.opinion).first()
    if opinion is None:
        raise CommandError(_("the round has no opinion %(id)s") % {"id": args.opinion})
    with _role_of(args.acting):
        services.opinion_answer(opinion=opinion, answer=args.answer, actor=_as(args.acting))
    out(_("answered opinion %(id)s") % {"id": args.opinion})
    return 0


def add_nominations_commands(sub: Any) -> None:
    from pingyi.rules import nominations as rules  # pure: no Django before setup

    parser = sub.add_parser(
        "nominations", help=_("nominations under a kept project: lists, steps, notice, export")
    )
    nsub = parser.add_subparsers(dest="action", required=True)
    p = nsub.add_parser("summary", help=_("each unit's list against its quota and deadlines"))
    p.add_argument("--round", required=True)
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.add_argument("--json", type=Path)
    p.set_defaults(func=cmd_summary, db=True)
    p = nsub.add_parser("export", help=_("write the nominee list for printing (.xlsx)"))
    p.add_argument("--round", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_export, db=True)
    p = nsub.add_parser("step", help=_("one step of a unit's list, recorded for --as"))
    p.add_argument("--round", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--step", required=True, choices=rules.STEPS)
    p.add_argument("--as", dest="acting", required=True, help=_("the user the step is for"))
    p.add_argument("--reason")
    p.set_defaults(func=cmd_step, db=True)
    p = nsub.add_parser("notice", help=_("put the approved nominees on public notice"))
    p.add_argument("--round", required=True)
    p.add_argument("--as", dest="acting", required=True, help=_("the user the step is for"))
    p.add_argument("--reason", help=_("why the approved nominees exceed the total quota"))
    p.set_defaults(func=cmd_notice, db=True)
    p = nsub.add_parser("template", help=_("write a unit's template to fill its list into (.xlsx)"))
    p.add_argument("--round", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_template, db=True)
    p = nsub.add_parser("import", help=_("replace a unit's list by its filled-in template"))
    p.add_argument("--round", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--file", type=Path, required=True)
    p.add_argument("--as", dest="acting", required=True, help=_("the user the step is for"))
    p.set_defaults(func=cmd_import, db=True)
    p = nsub.add_parser("opinions", help=_("the opinions filed on the notice, with their answers"))
    p.add_argument("--round", required=True)
    p.set_defaults(func=cmd_opinions, db=True)
    p = nsub.add_parser("answer", help=_("record the office's answer to an opinion"))
    p.add_argument("--round", required=True)
    p.add_argument("--opinion", type=int, required=True)
    p.add_argument("--answer", required=True)
    p.add_argument("--as", dest="acting", required=True, help=_("the user the step is for"))
    p.set_defaults(func=cmd_answer, db=True)
