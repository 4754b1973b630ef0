"""`pingyi backup`, `pingyi restore` and `pingyi check-deploy`. Registered by pingyi.cli.

`restore` is set up late: it checks the archive before Django starts, then starts Django with
the archive's secret key, so that starting up writes no key of its own into the empty home.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pingyi.cli.io import _, out

EXIT_PROBLEMS = 1


def cmd_backup(args: argparse.Namespace) -> int:
    from pingyi.operations.backup import backup_create

    done = backup_create(out=args.out)
    out(
        _("wrote %(path)s: the %(engine)s database, the secret key and %(files)s evidence files")
        % {"path": done.path, "engine": done.engine, "files": done.files}
    )
    out(_("audit head at the backup: %(head)s") % {"head": done.head})
    out(_("SHA-256 of the archive: %(sha)s") % {"sha": done.sha256})
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pingyi.cli.io import db_ready, setup
    from pingyi.operations.backup import archive_check, restore, restore_key

    checked = archive_check(args.file)  # everything read and checked; nothing written yet
    restore_key(checked)
    setup(database=True)
    db_ready()
    done = restore(checked=checked)
    out(
        _("restored the %(engine)s database, the secret key and %(files)s evidence files")
        % {"engine": done.engine, "files": done.files}
    )
    out(_("audit head %(head)s, as at the backup; run `pingyi verify`") % {"head": done.head})
    for code, what, template, params in done.problems:
        label = _("ballots") if what == "ballots" else _("opinions")
        out(
            _("%(what)s of %(code)s do NOT reconcile: %(problem)s")
            % {"what": label, "code": code, "problem": _(template) % params}
        )
    return EXIT_PROBLEMS if done.problems else 0


def cmd_check_deploy(args: argparse.Namespace) -> int:
    from pingyi.operations.checks import deploy_problems

    problems = deploy_problems()
    for problem in problems:
        out(_("problem: %(text)s") % {"text": _(problem.template) % problem.params})
    if problems:
        out(_("%(n)s problems: not ready for production") % {"n": len(problems)})
        return EXIT_PROBLEMS
    out(_("no problems: ready for production"))
    return 0


def add_operations_commands(sub: Any) -> None:
    p = sub.add_parser(
        "backup", help=_("write one archive: database, evidence files, secret key, manifest")
    )
    p.add_argument("--out", type=Path, required=True, help=_("the archive to write (.tar)"))
    p.set_defaults(func=cmd_backup, db=True)
    p = sub.add_parser(
        "restore", help=_("restore a backup archive into an empty home and an empty database")
    )
    p.add_argument("file", type=Path, help=_("the archive `pingyi backup` wrote"))
    p.set_defaults(func=cmd_restore, db=False)
    p = sub.add_parser(
        "check-deploy", help=_("check the production settings; exit 1 listing each problem")
    )
    p.set_defaults(func=cmd_check_deploy, db=True)
