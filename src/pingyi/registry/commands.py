"""`pingyi registry template|import|stats`: the registry's CLI, on the same services and
selectors as its pages. Registered by pingyi.cli; Django is set up before any command runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pingyi.cli import _, _actor, _out


def _unit(cleanup: Any, code: str | None) -> Any:
    from pingyi.registry.selectors import unit_get

    if code is None:
        from pingyi.cli import CommandError

        raise CommandError(_("give --unit: the code of the registering unit"))
    return unit_get(cleanup=cleanup, code=code)


def cmd_template(args: argparse.Namespace) -> int:
    from pingyi.exports.contract_json import write_atomic
    from pingyi.registry.selectors import cleanup_get
    from pingyi.registry.workbooks import write_form_template, write_stats_template

    cleanup = cleanup_get(code=args.cleanup)
    if args.kind == "form":
        write_atomic(args.out, lambda tmp: write_form_template(tmp, cleanup=cleanup))
    else:
        unit = _unit(cleanup, args.unit)
        write_atomic(args.out, lambda tmp: write_stats_template(tmp, cleanup=cleanup, unit=unit))
    _out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """All rows or none: any bad row exits 1 with every problem and writes nothing."""
    from pingyi.registry import services
    from pingyi.registry.files import read_registration_form, read_statistics_table
    from pingyi.registry.selectors import cleanup_get, merge_targets, names_of

    cleanup = cleanup_get(code=args.cleanup)
    unit = _unit(cleanup, args.unit)
    label = str(args.file)
    if args.kind == "form":
        registered = frozenset(names_of(unit))
        specs = read_registration_form(args.file, label, registered=registered)
        done = services.projects_import(cleanup=cleanup, unit=unit, specs=specs, actor=_actor())
        _out(_("registered %(count)s projects") % {"count": len(done)})
        return 0
    rows = read_statistics_table(
        args.file, label, own=names_of(unit), targets=merge_targets(cleanup)
    )
    decisions = services.decisions_import(cleanup=cleanup, rows=rows, actor=_actor())
    _out(_("recorded %(count)s decisions") % {"count": len(decisions)})
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from pingyi.exports.contract_json import write_atomic
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
        _out(
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
