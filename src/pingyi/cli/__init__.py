"""The `pingyi` command: argument parsing, then services and selectors. Nothing else.

Exit status: 0 done, 1 bad input or a refused request (a message says where and why; no
output file is written), 2 bad arguments, 3 an internal error (logged, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pingyi.cli.io import (
    CommandError,
    _,
    actor,
    day,
    db_ready,
    out,
    setup,
)

if TYPE_CHECKING:
    from pingyi.rules.tally import TallyResult

FILE_COMMANDS = {"tally", "grade"}  # reads and writes files only: no Django, no database
LATE_COMMANDS = {"restore"}  # sets Django up itself, once it has checked its archive
EXIT_INPUT = 1
EXIT_INTERNAL = 3


# --------------------------------------------------------------------------- commands


def cmd_tally(args: argparse.Namespace) -> int:
    from pingyi.exports.contract_json import result_to_json
    from pingyi.exports.outputs import write_outputs
    from pingyi.inputs.p1_files import read_ballots, read_units
    from pingyi.rules.scheme import builtin_scheme, scheme_from_file
    from pingyi.rules.tally import tally

    scheme = scheme_from_file(args.scheme) if args.scheme else builtin_scheme()
    units = read_units(args.units, scheme, str(args.units))
    rows = read_ballots(args.ballots, [u.code for u in units], scheme, str(args.ballots))
    previous = _previous_last(args.previous) if args.previous else set()
    result = tally(
        units=units,
        marks=rows.marks,
        columns=rows.columns_for(units),
        scheme=scheme,
        ballot_nos=rows.ballot_nos,
        groups=rows.groups,
        previous_last=previous,
    )
    write_outputs(
        result,
        json_path=args.json,
        xlsx_path=args.xlsx,
        title=args.title,
        data=result_to_json(result),
    )
    out(_summary(result))
    return 0


def _previous_last(path: Path) -> set[str]:
    """The units last in the previous campaign, from its results JSON (SPEC's --previous)."""
    from pingyi.exports.contract_json import previous_last_codes
    from pingyi.rules.errors import InputError, Where, gettext_noop

    try:
        return previous_last_codes(json.loads(path.read_text("utf-8-sig")))
    except (OSError, ValueError) as exc:
        raise InputError.one(
            Where(file=str(path)),
            gettext_noop("not a results JSON of a previous campaign: %(error)s"),
            error=str(exc),
        ) from exc


def _summary(result: TallyResult) -> str:
    return _("%(total)s ballots, %(valid)s valid; winners %(w)s, last %(l)s, rectify %(r)s") % {
        "total": result.total_ballots,
        "valid": result.valid_ballots,
        "w": len(result.by_flag("winner")),
        "l": len(result.by_flag("last")),
        "r": len(result.by_flag("rectify")),
    }


def cmd_grade(args: argparse.Namespace) -> int:
    from pingyi.exports.grading_files import grade_files
    from pingyi.exports.outputs import write_files
    from pingyi.rules.grading import GradingScheme, grading_scheme_from_file

    scheme = grading_scheme_from_file(args.scheme) if args.scheme else GradingScheme()
    grading = grade_files(args.orgs, args.scores, scheme)
    writers = {args.json: lambda tmp: tmp.write_bytes(grading.json_bytes())}
    if args.xlsx:
        from pingyi.exports.grading_workbook import write_grading_workbook

        rows = grading.report_orgs()
        writers[args.xlsx] = lambda tmp: write_grading_workbook(tmp, rows, scheme=scheme)
    write_files(writers)
    out("  ".join(f"{g} {n}" for g, n in grading.counts().items()))
    return 0


def cmd_campaign_create(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.services import campaign_create_from_file
    from pingyi.rules.scheme import builtin_scheme, scheme_from_file

    scheme = scheme_from_file(args.scheme) if args.scheme else builtin_scheme()
    previous = sorted(_previous_last(args.previous)) if args.previous else None
    campaign = campaign_create_from_file(
        units_file=args.units,
        label=str(args.units),
        scheme=scheme,
        actor=Actor.operator(),
        organization_code=args.org,
        organization_name=args.org_name or args.org,
        series_code=args.series,
        series_name=args.series_name or scheme.name,
        year=args.year,
        name=args.name or f"{args.year}年{args.series_name or scheme.name}",
        previous_last=previous,
        code=args.code,
    )
    out(
        _("created campaign %(code)s (%(name)s) with %(units)s units; it is a draft")
        % {"code": campaign.code, "name": campaign.name, "units": campaign.units.count()}
    )
    return 0


def cmd_campaign_transition(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.selectors import campaign_get
    from pingyi.campaigns.services import campaign_close, campaign_open

    campaign = campaign_get(code=args.campaign)
    action = {"open": campaign_open, "close": campaign_close}[args.action]
    action(campaign=campaign, actor=Actor.operator())
    out(
        _("campaign %(code)s is now %(status)s")
        % {"code": campaign.code, "status": campaign.get_status_display()}
    )
    return 0


def cmd_campaign_criteria(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.selectors import campaign_get, campaign_scheme
    from pingyi.campaigns.services import campaign_criteria_set
    from pingyi.rules.scheme import scheme_from_file

    campaign = campaign_get(code=args.campaign)
    if args.scheme:
        criteria = scheme_from_file(args.scheme).criteria
        campaign = campaign_criteria_set(
            campaign=campaign, criteria=criteria, actor=Actor.operator()
        )
    for i, criterion in enumerate(campaign_scheme(campaign).criteria, 1):
        out(f"{i}. {criterion.name}：{criterion.description}")
    return 0


def cmd_campaign_list(args: argparse.Namespace) -> int:
    from pingyi.campaigns.selectors import campaign_list

    for campaign in campaign_list():
        out(f"{campaign.code}\t{campaign.year}\t{campaign.get_status_display()}\t{campaign.name}")
    return 0


def cmd_ballots_import(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.ballots.services import ballots_import_file
    from pingyi.campaigns.selectors import campaign_get

    campaign = campaign_get(code=args.campaign)
    report = ballots_import_file(
        campaign=campaign,
        path=args.file,
        label=str(args.file),
        actor=Actor.operator(),
        area=args.area,
    )
    for rejected in report.rejected:
        out(
            _("%(file)s, row %(row)s: rejected: %(reason)s")
            % {
                "file": args.file,
                "row": rejected.row,
                "reason": _(rejected.reason) % rejected.params,
            }
        )
    out(
        _(
            "imported %(imported)s, rejected %(rejected)s"
            " (of the imported, %(invalid)s blank ballots)"
        )
        % {"imported": report.imported, "rejected": len(report.rejected), "invalid": report.invalid}
    )
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from pingyi.ballots.selectors import campaign_results
    from pingyi.ballots.yearend_selectors import campaign_yearend
    from pingyi.campaigns.selectors import campaign_get
    from pingyi.exports.contract_json import dumps, result_to_json
    from pingyi.exports.outputs import write_outputs

    campaign = campaign_get(code=args.campaign)
    found = campaign_results(campaign)
    result = found.tally
    data = result_to_json(result)
    if not args.json and not args.xlsx:
        sys.stdout.write(dumps(data))
        return 0
    write_outputs(
        result,
        json_path=args.json,
        xlsx_path=args.xlsx,
        title=campaign.name,
        data=data,
        yearend=campaign_yearend(campaign, found.kinds),
    )
    out(_summary(result))
    return 0


def cmd_ballots_template(args: argparse.Namespace) -> int:
    from pingyi.campaigns.selectors import campaign_get, paper_ballot
    from pingyi.exports.outputs import write_atomic
    from pingyi.exports.paper import write_entry_template

    paper = paper_ballot(campaign_get(code=args.campaign))
    write_atomic(args.out, lambda tmp: write_entry_template(tmp, paper=paper, rows=args.rows))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_ballots_form(args: argparse.Namespace) -> int:
    from pingyi.campaigns.selectors import campaign_get, paper_ballot
    from pingyi.exports.outputs import write_atomic
    from pingyi.exports.paper import write_ballot_form

    paper = paper_ballot(campaign_get(code=args.campaign))
    write_atomic(args.out, lambda tmp: write_ballot_form(tmp, paper=paper))
    out(_("wrote %(path)s") % {"path": args.out})
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    """P3: put a closed campaign or a grading round at its decision on public notice, or
    make a notice final."""
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.selectors import campaign_get
    from pingyi.grading.models import GradingRound
    from pingyi.notices.grading_notice import notice_publish_grading
    from pingyi.notices.models import Notice
    from pingyi.notices.services import notice_finalize, notice_publish

    if args.action == "publish":
        if args.grading is not None:  # said, never guessed from the code (issue 11)
            grading_round = GradingRound.objects.filter(code=args.grading).first()
            if grading_round is None:
                raise CommandError(_("no grading round %(code)r") % {"code": args.grading})
            notice = notice_publish_grading(
                grading_round=grading_round, actor=Actor.operator(), days=args.days
            )
        else:
            notice = notice_publish(
                campaign=campaign_get(code=args.campaign), actor=Actor.operator(), days=args.days
            )
        out(_("%(code)s is on public notice until %(ends)s") % {
            "code": notice.code, "ends": notice.ends_at.isoformat()})  # fmt: skip
        return 0
    found = Notice.objects.filter(code=args.code).first()
    if found is None:
        raise CommandError(_("no notice %(code)r") % {"code": args.code})
    notice_finalize(notice=found, actor=Actor.operator())
    out(_("%(code)s is final") % {"code": found.code})
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """P4: e-mail each owner and supervisor the ledger items overdue or due within 7 days."""
    from django.utils import timezone

    from pingyi.accounts.actors import Actor
    from pingyi.rectification.digest import digest_send

    letters = digest_send(today=args.today or timezone.localdate(), actor=Actor.operator())
    out(_("digest sent to %(n)s people") % {"n": len(letters)})
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from pingyi.audit.services import audit_verify
    from pingyi.stages.opinion_verify import opinions_verify
    from pingyi.voting.verify import ballots_verify

    report = audit_verify()
    broken = not report.ok
    if report.ok:
        out(
            _("audit chain intact: %(n)s entries, head %(head)s")
            % {"n": report.entries, "head": report.head}
        )
    elif report.lane is None:
        reason = _(report.reason) if report.reason else ""
        out(
            _("audit chain BROKEN at entry #%(seq)s: %(reason)s")
            % {"seq": report.broken_at, "reason": reason}
        )
    else:
        reason = _(report.reason) if report.reason else ""
        out(
            _("audit chain BROKEN in lane %(lane)s at entry #%(seq)s: %(reason)s")
            % {"lane": report.lane, "seq": report.broken_at, "reason": reason}
        )
    for found in ballots_verify():
        if found.ok:
            out(
                _("ballots of %(code)s reconcile: %(online)s online, %(paper)s on paper")
                % {"code": found.campaign.code, "online": found.online, "paper": found.paper}
            )
            continue
        broken = True
        for problem in found.problems:
            out(
                _("ballots of %(code)s do NOT reconcile: %(problem)s")
                % {"code": found.campaign.code, "problem": _(problem.template) % problem.params}
            )
    for opinions in opinions_verify():
        if opinions.ok:
            out(
                _("opinions of %(code)s reconcile: %(online)s online, %(paper)s on paper")
                % {"code": opinions.campaign.code, "online": opinions.online,
                   "paper": opinions.paper}
            )  # fmt: skip
            continue
        broken = True
        for issue in opinions.problems:
            out(
                _("opinions of %(code)s do NOT reconcile: %(problem)s")
                % {"code": opinions.campaign.code, "problem": _(issue.template) % issue.params}
            )
    return EXIT_INPUT if broken else 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Runs the background jobs (codes, imports, reports) until stopped (R27)."""
    import logging

    from django.conf import settings

    from pingyi.jobs.worker import work

    logs = Path(settings.HOME) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs / "worker.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("pingyi", "django_tasks_db", "django.tasks"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    out(_("worker started; jobs are logged to %(log)s") % {"log": logs / "worker.log"})
    sys.stdout.flush()
    work(interval=args.interval, batch=args.once)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pingyi.demo.run import demo_build

    for line in demo_build(out=args.out, seed=args.seed, actor=actor()):
        out(line)
    return 0


def cmd_demo_account(args: argparse.Namespace) -> int:
    from pingyi.demo.run import demo_account

    username, password = demo_account()
    out(_("demo staff account: %(user)s / %(password)s") % {"user": username, "password": password})
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from django.conf import settings

    path = Path(settings.SECRET_KEY_FILE)
    if not path.exists() and not os.environ.get("PINGYI_SECRET_KEY"):
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
        out(_("wrote a new secret key to %(path)s") % {"path": path})
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pingyi manage", *args.rest])
    return 0


# --------------------------------------------------------------------------- parser


def _rows(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(_("a whole number from 1 to 100000"))
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pingyi", description=_("Pingyi (评议): appraisal campaigns for public organizations")
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("tally", help=_("count a ballots file against a units file (no database)"))
    p.add_argument("--units", type=Path, required=True)
    p.add_argument("--ballots", type=Path, required=True)
    p.add_argument("--scheme", type=Path)
    p.add_argument("--previous", type=Path, help=_("results JSON of the previous campaign"))
    p.add_argument("--json", type=Path, required=True)
    p.add_argument("--xlsx", type=Path)
    p.add_argument("--title", default="", help=_("title of the results workbook"))
    p.set_defaults(func=cmd_tally, db=False)

    p = sub.add_parser("grade", help=_("grade organizations from their scores (no database)"))
    p.add_argument("--orgs", type=Path, required=True)
    p.add_argument("--scores", type=Path, required=True)
    p.add_argument("--scheme", type=Path, help=_("grading scheme (TOML): rubric and quotas"))
    p.add_argument("--json", type=Path, required=True)
    p.add_argument("--xlsx", type=Path)
    p.set_defaults(func=cmd_grade, db=False)

    campaign = sub.add_parser("campaign", help=_("create, open, close and list campaigns"))
    csub = campaign.add_subparsers(dest="action", required=True)
    p = csub.add_parser("create", help=_("create a draft campaign from a units file"))
    p.add_argument("--units", type=Path, required=True)
    p.add_argument("--scheme", type=Path)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--series", default="qianren")
    p.add_argument("--series-name")
    p.add_argument("--name")
    p.add_argument("--code", help=_("campaign code (default SERIES-YEAR)"))
    p.add_argument("--org", default="office")
    p.add_argument("--org-name")
    p.add_argument("--previous", type=Path, help=_("results JSON of the previous campaign"))
    p.set_defaults(func=cmd_campaign_create, db=True)
    for action in ("open", "close"):
        p = csub.add_parser(action)
        p.add_argument("campaign", help=_("campaign code"))
        p.set_defaults(func=cmd_campaign_transition, db=True)
    p = csub.add_parser("list")
    p.set_defaults(func=cmd_campaign_list, db=True)
    p = csub.add_parser(
        "criteria", help=_("show a campaign's criteria, or replace a draft's from a scheme file")
    )
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--scheme", type=Path, help=_("scheme file whose criteria the draft takes"))
    p.set_defaults(func=cmd_campaign_criteria, db=True)

    ballots = sub.add_parser("ballots", help=_("paper ballots: import, entry template, form"))
    bsub = ballots.add_subparsers(dest="action", required=True)
    p = bsub.add_parser("import", help=_("import a paper-ballot data-entry file"))
    p.add_argument("--campaign", required=True)
    p.add_argument("--area", default="", help=_("the area (片区) the batch was collected in"))
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_ballots_import, db=True)
    p = bsub.add_parser("template", help=_("write the .xlsx data-entry template"))
    p.add_argument("--campaign", required=True)
    p.add_argument("--rows", type=_rows, default=1200, help=_("rows to prepare (1 to 100000)"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_ballots_template, db=True)
    p = bsub.add_parser("form", help=_("write the printable paper ballot (PDF)"))
    p.add_argument("--campaign", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_ballots_form, db=True)

    p = sub.add_parser("results", help=_("results of a closed campaign from its stored ballots"))
    p.add_argument("--campaign", required=True)
    p.add_argument("--json", type=Path)
    p.add_argument("--xlsx", type=Path)
    p.set_defaults(func=cmd_results, db=True)

    from pingyi.cli.registry import add_registry_commands  # imports no Django here

    add_registry_commands(sub)

    from pingyi.cli.grading import add_grading_commands  # imports no Django here

    add_grading_commands(sub)

    from pingyi.cli.disclosure import add_disclosure_commands  # imports no Django here

    add_disclosure_commands(sub)

    from pingyi.cli.operations import add_operations_commands  # imports no Django here

    add_operations_commands(sub)

    from pingyi.cli.stages import add_stages_commands  # imports no Django here

    add_stages_commands(sub)

    from pingyi.cli.ledger import add_ledger_commands  # imports no Django here

    add_ledger_commands(sub)

    from pingyi.cli.nominations import add_nominations_commands  # imports no Django here
    from pingyi.cli.yearend import add_yearend_commands  # imports no Django here

    add_yearend_commands(sub)

    add_nominations_commands(sub)

    notice = sub.add_parser("notice", help=_("public notice of a result: publish, make final"))
    nsub = notice.add_subparsers(dest="action", required=True)
    p = nsub.add_parser(
        "publish", help=_("put a closed campaign's result or a grading's grades on public notice")
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--campaign", metavar="CODE", help=_("a closed campaign's code"))
    which.add_argument("--grading", metavar="CODE", help=_("a grading round's code"))
    p.add_argument("--days", type=int, help=_("days on notice (default: the scheme's, 5)"))
    p.set_defaults(func=cmd_notice, db=True)
    p = nsub.add_parser("finalize", help=_("make a notice final (period over, all answered)"))
    p.add_argument("code", help=_("notice code"))
    p.set_defaults(func=cmd_notice, db=True)
    p = sub.add_parser("digest", help=_("e-mail the rectification ledger's due and overdue items"))
    p.add_argument("--today", type=day, help=_("the day to count from (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_digest, db=True)

    p = sub.add_parser("verify", help=_("check the audit chain"))
    p.set_defaults(func=cmd_verify, db=True)

    p = sub.add_parser("worker", help=_("run the background jobs: codes, imports, reports"))
    p.add_argument("--once", action="store_true", help=_("run the waiting jobs, then stop"))
    p.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_worker, db=True)
    p = sub.add_parser("demo", help=_("build the two-year demo of seed 001"))
    p.add_argument("--seed", type=int, default=2023)
    p.add_argument("--out", type=Path, default=Path("var/demo"))
    p.set_defaults(func=cmd_demo, db=True)
    p = sub.add_parser("demo-account", help=_("create or reset the demo staff account"))
    p.set_defaults(func=cmd_demo_account, db=True)

    p = sub.add_parser("init", help=_("write the secret key if there is none"))
    p.set_defaults(func=cmd_init, db=False)
    p = sub.add_parser("manage", help=_("run a Django management command"))
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage, db=True)
    return parser


def _fail(lines: Sequence[str], code: int = EXIT_INPUT) -> NoReturn:
    prefix = _("error: %(message)s")
    sys.stderr.write("".join(f"pingyi: {prefix % {'message': line}}\n" for line in lines))
    sys.exit(code)


def _internal_error(exc: BaseException) -> NoReturn:
    home = Path(os.environ.get("PINGYI_HOME") or Path.cwd() / "var")
    log = home / "logs" / "pingyi-errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as stream:
            stream.write("".join(traceback.format_exception(exc)))
        where = str(log)
    except OSError:
        where = "-"
    _fail(
        [
            _("internal error (%(kind)s); details were written to %(log)s")
            % {"kind": type(exc).__name__, "log": where}
        ],
        EXIT_INTERNAL,
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    setup(database=not arguments or arguments[0] not in FILE_COMMANDS | LATE_COMMANDS)
    from pingyi.rules.errors import InputError, MissingOnMachine, RuleError

    args = _parser().parse_args(arguments)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        if args.db:
            db_ready()
        return func(args)
    except InputError as exc:
        _fail(exc.messages(_))
    except RuleError as exc:
        _fail([exc.message(_)])
    except CommandError as exc:
        _fail([str(exc)])
    except MissingOnMachine as exc:
        _fail([str(exc)])

    except KeyboardInterrupt:
        _fail([_("interrupted; nothing was written")], 130)
    except Exception as exc:
        from django.core.exceptions import PermissionDenied
        from django.db import DatabaseError

        if isinstance(exc, PermissionDenied):  # a service's access module said no
            _fail([str(exc) or _("your role does not allow this")])

        if isinstance(exc, DatabaseError) and "no such table" in str(exc):
            _fail([_("the database is not set up; run `pingyi manage migrate` (make setup)")])
        _internal_error(exc)


if __name__ == "__main__":
    sys.exit(main())
