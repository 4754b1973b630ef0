"""`pingyi registry template|import|stats|unit|deadlines|decide|exclude|basis|advance`: the
registry's CLI, on the same services and selectors as its pages. Registered by pingyi.cli;
Django is set up before any command runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pingyi.cli.io import _, day, out


def _unit(cleanup: Any, code: str | None) -> Any:
    from pingyi.registry.selectors import unit_get

    if code is None:
        from pingyi.cli.io import CommandError

        raise CommandError(_("give --unit: the code of the registering unit"))
    return unit_get(cleanup=cleanup, code=code)


def cmd_template(args: argparse.Namespace) -> int:
    from pingyi.exports.outputs import write_atomic
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.workbooks import write_form_template, write_stats_template

    cleanup = cleanup_get(code=args.cleanup)
    if args.kind == "form":
        write_atomic(args.out, lambda tmp: write_form_template(tmp, cleanup=cleanup))
    else:
        unit = _unit(cleanup, args.unit)
        write_atomic(args.out, lambda tmp: write_stats_template(tmp, cleanup=cleanup, unit=unit))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """All rows or none: any bad row exits 1 with every problem and writes nothing."""
    from pingyi.accounts.actors import Actor
    from pingyi.registry import services
    from pingyi.registry.files import read_registration_form, read_statistics_table
    from pingyi.registry.selectors import cleanup_get, merge_targets, names_of

    cleanup = cleanup_get(code=args.cleanup)
    unit = _unit(cleanup, args.unit)
    label = str(args.file)
    if args.kind == "form":
        registered = frozenset(names_of(unit))
        specs = read_registration_form(args.file, label, registered=registered)
        done = services.projects_import(
            cleanup=cleanup, unit=unit, specs=specs, actor=Actor.operator()
        )
        out(_("registered %(count)s projects") % {"count": len(done)})
        return 0
    rows = read_statistics_table(
        args.file, label, own=names_of(unit), targets=merge_targets(cleanup)
    )
    decisions = services.decisions_import(cleanup=cleanup, rows=rows, actor=Actor.operator())
    out(_("recorded %(count)s decisions") % {"count": len(decisions)})
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from pingyi.exports.outputs import write_atomic
    from pingyi.registry.selectors import cleanup_get, cleanup_stats, stats_figures
    from pingyi.registry.workbooks import write_statistics
    from pingyi.rules.registry import percent_text

    cleanup = cleanup_get(code=args.cleanup)
    stats = cleanup_stats(cleanup)

    data = stats_figures(cleanup)
    if args.json:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_atomic(args.json, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if args.xlsx:
        write_atomic(args.xlsx, lambda tmp: write_statistics(tmp, cleanup=cleanup, stats=stats))
    for unit, tally in [*((u.name, t) for u, t in stats.units), (_("total"), stats.total)]:
        out(
            _(
                "%(unit)s: registered %(registered)s, kept %(kept)s, merged %(merged)s, "
                "cancelled %(cancelled)s, reduction %(rate)s"
            )
            % {
                "unit": unit,
                "registered": tally.registered,
                "kept": tally.kept,
                "merged": tally.merged,
                "cancelled": tally.cancelled,
                "rate": percent_text(tally.reduction_rate),
            }
        )
    return 0


def cmd_unit(args: argparse.Namespace) -> int:
    """Adds a registering unit (its code may be Chinese: "省委-01")."""
    from pingyi.accounts.actors import Actor
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.services import unit_add

    unit = unit_add(
        cleanup=cleanup_get(code=args.cleanup),
        code=args.code,
        name=args.name,
        actor=Actor.operator(),
    )
    out(_("added %(unit)s (%(code)s)") % {"unit": unit.name, "code": unit.code})
    return 0


def cmd_deadlines(args: argparse.Namespace) -> int:
    """Sets a round's deadline (--round R --due D), then prints every deadline and its state:
    round, due day, state, its words, and the units that have not filed."""
    from django.utils import timezone

    from pingyi.accounts.actors import Actor
    from pingyi.exports.outputs import write_atomic
    from pingyi.registry.selectors import cleanup_deadlines, cleanup_get, deadline_figures
    from pingyi.registry.services import schedule_set
    from pingyi.rules.registry_schedule import DEADLINE_WORDS

    cleanup = cleanup_get(code=args.cleanup)
    if args.round:
        from pingyi.cli.io import CommandError

        if args.due is None:
            raise CommandError(_("give --due with --round"))
        schedule_set(cleanup=cleanup, changes={args.round: args.due}, actor=Actor.operator())
    today = args.today or timezone.localdate()
    if args.json:
        text = json.dumps(deadline_figures(cleanup, today), ensure_ascii=False, indent=2) + "\n"
        write_atomic(args.json, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    for line in cleanup_deadlines(cleanup, today):
        d = line.deadline
        waiting = "、".join(line.waiting)
        out(f"{d.key}\t{d.due.isoformat()}\t{line.state}\t{_(DEADLINE_WORDS[d.key])}"
             + (f"\t{waiting}" if waiting else ""))  # fmt: skip
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    """One decision for the projects given by id (--project, repeatable) or for every
    undecided one of the round (--undecided, optionally of one --unit): all or none."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.services import decisions_bulk

    cleanup = cleanup_get(code=args.cleanup)
    projects = cleanup.projects.filter(exclusion="").select_related("unit").order_by("id")
    if args.unit:
        projects = projects.filter(unit=_unit(cleanup, args.unit))
    if args.undecided:
        projects = projects.exclude(decisions__round=cleanup.round)
    elif args.project:
        projects = projects.filter(pk__in=args.project)
        missing = set(args.project) - set(projects.values_list("pk", flat=True))
        if missing:
            raise CommandError(
                _("no project %(ids)s in scope of the clean-up")
                % {"ids": ", ".join(str(i) for i in sorted(missing))}
            )
    else:
        raise CommandError(_("give --project (repeatable) or --undecided"))
    target = None
    if args.merge_into is not None:
        target = cleanup.projects.filter(pk=args.merge_into).first()
        if target is None:
            raise CommandError(_("no project %(id)s in this clean-up") % {"id": args.merge_into})
    done = decisions_bulk(
        cleanup=cleanup,
        projects=list(projects),
        decision=args.decision,
        reason=args.reason or "",
        merge_into=target,
        actor=Actor.operator(),
    )
    out(_("recorded %(count)s decisions") % {"count": len(done)})
    return 0


def cmd_exclude(args: argparse.Namespace) -> int:
    """Leaves a project out of scope (--reason), or takes it back (--undo)."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.services import project_exclude, project_include

    cleanup = cleanup_get(code=args.cleanup)
    project = cleanup.projects.filter(pk=args.project).first()
    if project is None:
        raise CommandError(_("no project %(id)s in this clean-up") % {"id": args.project})
    if args.undo:
        project_include(project=project, actor=Actor.operator())
        out(_("%(project)s is back in the clean-up") % {"project": project.name})
        return 0
    if not args.reason:
        raise CommandError(_("give --reason or --undo"))
    project_exclude(
        project=project, reason=args.reason, note=args.note or "", actor=Actor.operator()
    )
    out(_("%(project)s is out of the clean-up's scope") % {"project": project.name})
    return 0


def cmd_basis(args: argparse.Namespace) -> int:
    """Attaches a basis document (title, number, issuer, optionally a PDF, PNG or JPEG)."""
    from pingyi.accounts.actors import Actor
    from pingyi.cli.io import CommandError
    from pingyi.evidence import Upload
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.services import basis_document_add

    cleanup = cleanup_get(code=args.cleanup)
    project = cleanup.projects.filter(pk=args.project).first()
    if project is None:
        raise CommandError(_("no project %(id)s in this clean-up") % {"id": args.project})
    upload = Upload(args.file.name, args.file.read_bytes()) if args.file else None
    document = basis_document_add(
        project=project,
        title=args.title,
        number=args.number or "",
        issuer=args.issuer,
        upload=upload,
        actor=Actor.operator(),
    )
    out(_("attached %(document)s") % {"document": document.citation})
    return 0


def cmd_advance(args: argparse.Namespace) -> int:
    """Moves the clean-up to the next round; publishing below the target needs --reason."""
    from pingyi.accounts.actors import Actor
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.services import cleanup_advance

    cleanup = cleanup_advance(
        cleanup=cleanup_get(code=args.cleanup),
        target=args.to,
        reason=args.reason or "",
        actor=Actor.operator(),
    )
    out(_("the clean-up is at the round %(round)s") % {"round": cleanup.get_round_display()})
    return 0


def add_registry_commands(sub: Any) -> None:
    """`pingyi registry …` under the main parser's subcommands."""
    registry = sub.add_parser(
        "registry", help=_("appraisal and commendation projects: templates, import, statistics")
    )
    rsub = registry.add_subparsers(dest="action", required=True)
    p = rsub.add_parser("template", help=_("write the registration form or self-check table"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--kind", choices=("form", "stats"), default="form")
    p.add_argument(
        "--unit", help=_("registering unit code (the self-check table lists its projects)")
    )
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_template, db=True)
    p = rsub.add_parser("import", help=_("import a registration form or self-check table"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--kind", choices=("form", "stats"), default="form")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import, db=True)
    p = rsub.add_parser("stats", help=_("kept, merged, cancelled and the reduction rate"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--json", type=Path)
    p.add_argument("--xlsx", type=Path)
    p.set_defaults(func=cmd_stats, db=True)
    _more_commands(rsub)


def _more_commands(rsub: Any) -> None:
    from pingyi.rules import registry as rules  # pure: no Django before setup

    p = rsub.add_parser("unit", help=_("add a registering unit (a Chinese code is fine)"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_unit, db=True)
    p = rsub.add_parser("deadlines", help=_("show the rounds' deadlines or set one"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--round", choices=rules.ROUNDS)
    p.add_argument("--due", type=day, help=_("the new deadline (YYYY-MM-DD)"))
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.add_argument("--json", type=Path)
    p.set_defaults(func=cmd_deadlines, db=True)
    p = rsub.add_parser("decide", help=_("one decision for many projects of the current round"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--decision", required=True, choices=(*rules.DECISIONS, rules.CARRY_OVER))
    p.add_argument("--project", type=int, action="append", help=_("a project's id"))
    p.add_argument("--undecided", action="store_true", help=_("every project still undecided"))
    p.add_argument("--unit", help=_("only the projects of this registering unit"))
    p.add_argument("--merge-into", type=int, help=_("the id of the project to merge into"))
    p.add_argument("--reason")
    p.set_defaults(func=cmd_decide, db=True)
    p = rsub.add_parser("exclude", help=_("leave a project out of the clean-up's scope"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--project", type=int, required=True)
    p.add_argument("--reason", choices=rules.EXCLUSIONS)
    p.add_argument("--note")
    p.add_argument("--undo", action="store_true", help=_("take it back into the scope"))
    p.set_defaults(func=cmd_exclude, db=True)
    p = rsub.add_parser("basis", help=_("attach a basis document to a project"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--project", type=int, required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--number", help=_("the document number (文号)"))
    p.add_argument("--issuer", required=True)
    p.add_argument("--file", type=Path)
    p.set_defaults(func=cmd_basis, db=True)
    p = rsub.add_parser("advance", help=_("move the clean-up to its next round"))
    p.add_argument("--cleanup", required=True)
    p.add_argument("--to", required=True, choices=rules.ROUNDS)
    p.add_argument("--reason", help=_("why the list is published below the target"))
    p.set_defaults(func=cmd_advance, db=True)
