"""`pingyi yearend …`: the year-end appraisal of seed 001 (八.6, 五(二)) — the areas (片区)
paper ballots are collected in, the kinds of representatives, the on-site supervision and
notarization, and the report of all three. Registered by pingyi.cli; the same services and
selectors as the page and the API."""

from __future__ import annotations

import argparse
from typing import Any

from pingyi.cli.io import _, day, out


def _campaign(code: str) -> Any:
    from pingyi.campaigns.selectors import campaign_get

    return campaign_get(code=code)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def cmd_areas(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.ballots.selectors import paper_by_area
    from pingyi.campaigns.yearend_services import area_add, area_remove

    campaign, operator = _campaign(args.campaign), Actor.operator()
    if args.add:
        area = area_add(campaign=campaign, code=args.add[0], name=args.add[1], actor=operator)
        out(_("area added: %(name)s") % {"name": area.name})
    if args.remove:
        area_remove(campaign=campaign, code=args.remove, actor=operator)
        out(_("area removed: %(code)s") % {"code": args.remove})
    out("\t".join([_("Area"), _("Batches"), _("Paper ballots imported"), _("Of them blank")]))
    for row in paper_by_area(campaign):
        name = row.area or _("No area named")
        out(f"{name}\t{row.batches}\t{row.imported}\t{row.invalid}")
    return 0


def cmd_kinds(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.yearend_services import kind_add, kinds_add_seed

    campaign, operator = _campaign(args.campaign), Actor.operator()
    if args.seed:
        added = kinds_add_seed(campaign=campaign, actor=operator)
        out(_("kinds added: %(n)s") % {"n": len(added)})
    if args.add:
        group, code, name = args.add
        kind_add(campaign=campaign, group=group, code=code, name=name, actor=operator)
        out(_("kind added: %(name)s") % {"name": name})
    groups = list(campaign.groups.order_by("position"))
    for group in (g for g in groups if g.parent_id is None):
        out(f"{group.code}\t{group.name}\t{group.target_share}")
        for kind in (k for k in groups if k.parent_id == group.pk):
            out(f"  {kind.code}\t{kind.name}")
    return 0


def _supervisor(text: str) -> tuple[str, str]:
    name, sep, unit = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(_("write each supervisor as NAME=UNIT"))
    return name.strip(), unit.strip()


def cmd_supervision(args: argparse.Namespace) -> int:
    from pingyi.accounts.actors import Actor
    from pingyi.campaigns.yearend_services import Supervisor, supervision_record

    supervision_record(
        campaign=_campaign(args.campaign),
        supervisors=[Supervisor(name, unit) for name, unit in args.supervisor],
        notary_office=args.office,
        notary_reference=args.reference,
        supervised_on=args.date,
        actor=Actor.operator(),
    )
    out(_("supervision and notarization recorded"))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Areas, supervision and — for a closed campaign, through campaign_results and its k
    rule — the figures per kind (hidden ones say so, never a number)."""
    from pingyi.ballots.selectors import campaign_results
    from pingyi.ballots.yearend_selectors import campaign_yearend
    from pingyi.exports.yearend_sheet import supervision_lines
    from pingyi.rules import phases

    campaign = _campaign(args.campaign)
    kinds = campaign_results(campaign).kinds if campaign.status in phases.RESULTS_VISIBLE else []
    data = campaign_yearend(campaign, kinds)
    out(_("Paper ballots by area"))
    for row in data.areas:
        out(f"  {row.area or _('No area named')}\t{row.batches}\t{row.imported}\t{row.invalid}")
    if campaign.status in phases.RESULTS_VISIBLE:
        out(_("By kind of representatives"))
        for kind in data.kinds:
            if kind.hidden:
                figures = _("not shown (fewer than %(k)s ballots, anonymity)") % {"k": data.k}
            else:
                shares = [kind.share_of_group, kind.share_of_all, kind.rate]
                figures = "\t".join([str(kind.ballots), *map(_percent, shares)])
            out(f"  {kind.group}\t{kind.kind}\t{figures}")
    out(_("On-site supervision and notarization"))
    for label, text in supervision_lines(data):
        out(f"  {label}：{text}")
    return 0


def add_yearend_commands(sub: Any) -> None:
    yearend = sub.add_parser(
        "yearend", help=_("the year-end appraisal: areas, kinds of representatives, supervision")
    )
    ysub = yearend.add_subparsers(dest="action", required=True)
    p = ysub.add_parser("areas", help=_("list a campaign's areas, or add or remove one"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument("--add", nargs=2, metavar=("CODE", "NAME"), help=_("add an area"))
    p.add_argument("--remove", metavar="CODE", help=_("remove an area without batches"))
    p.set_defaults(func=cmd_areas, db=True)
    p = ysub.add_parser("kinds", help=_("list the kinds of representatives, or add some"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument(
        "--add", nargs=3, metavar=("GROUP", "CODE", "NAME"), help=_("add a kind to a group")
    )
    p.add_argument(
        "--seed", action="store_true", help=_("add the four kinds of the implementation plan")
    )
    p.set_defaults(func=cmd_kinds, db=True)
    p = ysub.add_parser("supervision", help=_("record the on-site supervision and notarization"))
    p.add_argument("campaign", help=_("campaign code"))
    p.add_argument(
        "--supervisor",
        type=_supervisor,
        action="append",
        required=True,
        metavar="NAME=UNIT",
        help=_("a supervisor and their unit (repeat for each)"),
    )
    p.add_argument("--office", required=True, help=_("the notary office"))
    p.add_argument("--reference", required=True, help=_("the notarial certificate number"))
    p.add_argument("--date", type=day, required=True, help=_("the date of the vote (YYYY-MM-DD)"))
    p.set_defaults(func=cmd_supervision, db=True)
    p = ysub.add_parser("report", help=_("areas, figures per kind and the supervision"))
    p.add_argument("campaign", help=_("campaign code"))
    p.set_defaults(func=cmd_report, db=True)
