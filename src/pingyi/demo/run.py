"""`pingyi demo`: the two-year series of seed 001 in the database, with its reports."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.ballots.selectors import campaign_results
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme, campaign_units, paper_ballot
from pingyi.campaigns.services import (
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_stages_set,
)
from pingyi.demo.disclosure import demo_disclosure
from pingyi.demo.grading import demo_grading
from pingyi.demo.nominations import demo_nominations
from pingyi.demo.notices import demo_notice
from pingyi.demo.scenario import demo_ballots, demo_units
from pingyi.demo.stages import demo_stage_work, stage_dates
from pingyi.exports.contract_json import result_to_json
from pingyi.exports.outputs import write_outputs
from pingyi.inputs.p1_files import read_ballots
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import BLANK, TallyResult

YEARS = (2025, 2026)
ORG = ("demo-office", "市千人评议机关活动办公室（演示）")
SERIES = ("qianren-demo", "市千人评议机关")
DEMO_USER = "demo"


def _write_ballot_file(path: Path, seed: int, year_index: int) -> None:
    """The paper ballots as the data-entry staff would type them (Chinese labels)."""
    units = demo_units()
    ballots = demo_ballots(units, seed=seed, year_index=year_index)
    labels = [m.label for m in builtin_scheme().marks]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ballot_no", "group", *(u.code for u in units)])
        for no, group, row in zip(ballots.ballot_nos, ballots.groups, ballots.marks, strict=True):
            writer.writerow([no, group, *("" if m == BLANK else labels[m] for m in row)])


def _build_year(year: int, year_index: int, seed: int, out: Path, actor: str) -> Campaign:
    code = f"{SERIES[0]}-{year}"
    existing = Campaign.objects.filter(code=code).first()
    if existing is not None:
        return existing
    who = Actor.operator(actor)  # the demo: the system actor, under the name it was given
    campaign = campaign_create(
        organization_code=ORG[0],
        organization_name=ORG[1],
        series_code=SERIES[0],
        series_name=SERIES[1],
        year=year,
        name=f"{year}年市千人评议机关活动",
        scheme=builtin_scheme(),
        units=demo_units(),
        code=code,
        actor=who,
    )
    campaign_stages_set(campaign=campaign, stages=stage_dates(year), actor=who)
    campaign_open(campaign=campaign, actor=who)
    ballots_file = out / f"paper-ballots-{year}.csv"
    _write_ballot_file(ballots_file, seed, year_index)
    rows = read_ballots(
        ballots_file,
        [u.code for u in campaign_units(campaign)],
        campaign_scheme(campaign),
        str(ballots_file),
    )
    ballots_import(campaign=campaign, rows=rows, actor=who, digest="demo")
    campaign_close(campaign=campaign, actor=who)
    return campaign


def _describe(result: TallyResult) -> Iterator[str]:
    yield _("%(total)s ballots received, %(valid)s valid, %(invalid)s blank (invalid)") % {
        "total": result.total_ballots,
        "valid": result.valid_ballots,
        "invalid": len(result.invalid),
    }
    for group in result.groups:
        target = f"{float(group.target_share):.0%}" if group.target_share is not None else "—"
        yield _("  %(name)s: %(n)s ballots, %(share).1f%% (target %(target)s)") % {
            "name": group.name,
            "n": group.ballots,
            "share": float(group.share) * 100,
            "target": target,
        }
    for category in result.scheme.categories:
        yield f"  【{category.name}】"
        for flag, label in (
            ("winner", _("winners")),
            ("last", _("last")),
            ("rectify", _("key rectification")),
            ("consecutive_last", _("last two years running")),
            ("veto", _("one-vote veto")),
        ):
            names = [
                f"{u.spec.name}({u.rank})"
                for u in sorted(
                    (
                        u
                        for u in result.units
                        if u.spec.category_code == category.code and flag in u.flags
                    ),
                    key=lambda u: u.rank or 0,
                )
            ]
            if names:
                yield "    " + _("%(label)s: %(names)s") % {
                    "label": label,
                    "names": "、".join(names),
                }


def demo_build(*, out: Path, seed: int, actor: str) -> Iterator[str]:
    """Builds (or finds) both demo campaigns and writes their reports into ``out``."""
    from pingyi.exports.outputs import write_atomic
    from pingyi.exports.paper import write_ballot_form, write_entry_template

    out.mkdir(parents=True, exist_ok=True)
    campaigns = [_build_year(year, i, seed, out, actor) for i, year in enumerate(YEARS)]
    for campaign in campaigns:
        result = campaign_results(campaign).tally
        json_path, xlsx_path = (
            out / f"results-{campaign.year}.json",
            out / f"results-{campaign.year}.xlsx",
        )
        write_outputs(
            result,
            json_path=json_path,
            xlsx_path=xlsx_path,
            title=campaign.name,
            data=result_to_json(result),
        )
        yield f"== {campaign.name} ({campaign.code})"
        yield from _describe(result)
    yield from demo_stage_work(campaigns[-1], actor=actor)
    office = campaigns[-1].series.organization
    yield from demo_grading(out=out, seed=seed, actor=actor, office=office)
    yield from demo_nominations(out=out, actor=actor, office=office)
    yield from demo_disclosure(office=office)
    yield from demo_notice(campaigns[-1])
    current = campaigns[-1]
    template, form = out / "entry-template.xlsx", out / "ballot-form.pdf"
    paper = paper_ballot(current)
    write_atomic(template, lambda tmp: write_entry_template(tmp, paper=paper))
    write_atomic(form, lambda tmp: write_ballot_form(tmp, paper=paper))
    yield _("Reports written to %(out)s:") % {"out": out}
    for path in sorted(out.iterdir()):
        if not path.name.startswith("."):
            yield f"  {path}"


def demo_account() -> tuple[str, str]:
    """Creates (or resets) the demo administrator with a fresh random password.

    It administers the demo office (its campaigns in /staff/) and the Django admin.
    """
    password = secrets.token_urlsafe(9)
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    office, _ = Organization.objects.get_or_create(code=ORG[0], defaults={"name": ORG[1]})
    Membership.objects.update_or_create(
        user=user, organization=office, defaults={"role": Role.ADMIN}
    )
    return DEMO_USER, password
