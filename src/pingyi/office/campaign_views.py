"""The organizing office's pages of a P1 campaign. Each view: parse, call one service or
selector, render. They read ballots, voting and stages beside campaigns, so they are the
office door's (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Role
from pingyi.accounts.selectors import (
    RUN,
    organizations_run,
    public_address,
    role_in,
)
from pingyi.ballots.selectors import CampaignResults, campaign_results, paper_by_area
from pingyi.campaigns import access
from pingyi.campaigns.forms import (
    CampaignForm,
    PaperForm,
    StagesForm,
    TokensForm,
    UnitCodeForm,
    UnitEditForm,
    UnitForm,
)
from pingyi.campaigns.models import Campaign, Supervision
from pingyi.campaigns.selectors import campaign_for, campaign_units, paper_ballot
from pingyi.campaigns.services import (
    campaign_close,
    campaign_open,
    campaign_stages_set,
    unit_add,
    unit_remove,
    unit_update,
    unit_vetoes_set,
)
from pingyi.exports import charts
from pingyi.exports.contract_json import dumps, result_to_json
from pingyi.jobs.models import JobKind
from pingyi.jobs.services import job_enqueue, job_enqueue_upload
from pingyi.rules import phases
from pingyi.rules.address import ballot_page
from pingyi.rules.errors import InputError, RuleError
from pingyi.rules.scheme import MEAN_PLACES, builtin_scheme, scheme_from_toml
from pingyi.stages.selectors import pledges_by_unit
from pingyi.voting.batches import batch_issue_start, batch_rows
from pingyi.voting.selectors import collection_status
from pingyi.web.shared import XLSX, act, act_on_form, confirmation, download, guarded, written


def _campaign(request: HttpRequest, code: str) -> Campaign:
    """The user's organization's campaign; another organization's is simply not found (R17)."""
    return campaign_for(request.user, code)


def _office(request: HttpRequest, code: str) -> tuple[Campaign, Actor]:
    """The campaign and the request's actor, refused before a form is read (campaigns.access)."""
    return access.campaign_office(request.user, code)


def _act(
    request: HttpRequest, campaign: Campaign, run: Callable[[], object], done: str
) -> HttpResponse:
    """Runs one service; its refusal or ``done`` goes back to the campaign page as a message."""
    return act(request, run, done, redirect("campaign", code=campaign.code))


@guarded
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Checks the form and the scheme here; the units file is read, and the campaign created,
    by a job (R27), whose page then leads to the new campaign."""
    organizations = organizations_run(request.user)
    form = CampaignForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user)
        access.check_run(actor, data["organization"])  # the job acts for its starter
        try:
            raw, label = "", ""
            if data["scheme"]:
                raw = data["scheme"].read().decode("utf-8-sig", errors="replace")
                label = data["scheme"].name
                scheme_from_toml(raw, label)  # refused here already, with its key
            units = data["units"]
            job = job_enqueue_upload(
                chunks=units.chunks(),
                suffix=Path(units.name or "units.csv").suffix,
                label=units.name or "units",
                kind=JobKind.CAMPAIGN_CREATE,
                organization=data["organization"],
                actor=actor.name,
                subject=f"{data['name']} ({data['year']})",
                params={
                    "series_code": data["series_code"],
                    "series_name": data["series_name"],
                    "year": data["year"],
                    "name": data["name"],
                    "scheme_toml": raw,
                    "scheme_label": label,
                },
            )
        except InputError as exc:
            for line in exc.messages(_):
                form.add_error(None, line)
        except RuleError as exc:
            form.add_error(None, exc.message(_))
        else:
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "pingyi/staff/campaign_new.html", {"form": form})


@guarded
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    role = role_in(request.user, campaign.series.organization)
    address = public_address(campaign.series.organization)
    context: dict[str, Any] = {
        "campaign": campaign,
        "can_run": role in RUN,
        "units_editable": role in RUN and campaign.status == phases.DRAFT,
        "units": campaign_units(campaign),
        "categories": campaign.categories.order_by("position"),
        "groups": campaign.groups.order_by("position"),
        "tokens_form": TokensForm(campaign=campaign),
        "stages_form": StagesForm(initial=StagesForm.initial_for(campaign)),
        "unit_form": UnitForm(campaign=campaign),
        "paper_form": PaperForm(campaign=campaign),
        "supervision": Supervision.objects.filter(campaign=campaign).first(),
        "collection": collection_status(campaign),
        "batches": batch_rows(campaign),
        "address": address,
        "token_base": ballot_page(address.url)
        if address.url
        else request.build_absolute_uri("/v/"),
        "is_admin": role == Role.ADMIN,
        "results_visible": campaign.status in phases.RESULTS_VISIBLE,
        # a rectification survey (整改满意度测评) has no stages, year-end work or consequences
        # of its own: its page points back to the campaign it surveys
        "survey_of": _surveyed(campaign),
    }
    return render(request, "pingyi/staff/campaign.html", context)


def _surveyed(campaign: Campaign) -> Campaign | None:
    """The campaign whose rectification ``campaign`` surveys, if it is such a survey."""
    return Campaign.objects.filter(rectification_survey__survey=campaign).first()


def _transition_consequences(campaign: Campaign, target: str) -> list[str]:
    """What opening or closing will do, in the office's numbers."""
    collection = collection_status(campaign)
    if target == "open":
        return [
            _(
                "Its %(units)s units, their categories, the one-vote veto marks, the scheme and "
                "the stages are frozen: none of them can change any more."
            )
            % {"units": campaign.units.count()},
            _(
                "Ballots are accepted from now on: online with the %(issued)s codes issued so far, "
                "and on paper."
            )
            % {"issued": collection.tokens_issued},
        ]
    unused = collection.tokens_issued - collection.tokens_used
    return [
        _("No more ballots are accepted, online or on paper."),
        _("%(unused)s of the %(issued)s codes issued are unused: they will no longer work.")
        % {"unused": unused, "issued": collection.tokens_issued},
        _(
            "%(received)s ballots received (%(paper)s on paper) are sealed, and the results "
            "become visible to the office."
        )
        % {"received": collection.received, "paper": collection.paper},
    ]


@guarded
@require_http_methods(["GET", "POST"])
def campaign_transition(request: HttpRequest, code: str) -> HttpResponse:
    """GET ?to=open|close: the confirmation page, with what the step does; POST: the step."""
    campaign, actor = _office(request, code)
    target = (request.POST if request.method == "POST" else request.GET).get("to", "")
    action = {"open": campaign_open, "close": campaign_close}.get(target)
    if action is None:
        return HttpResponse(status=400)
    if request.method == "GET":
        title = _("Open the campaign") if target == "open" else _("Close the campaign")
        return confirmation(
            request,
            title=f"{title}: {campaign.name}",
            consequences=_transition_consequences(campaign, target),
            button=title,
            back=reverse("campaign", kwargs={"code": campaign.code}),
            fields={"to": target},
        )
    try:
        action(campaign=campaign, actor=actor)
        messages.success(
            request,
            _("The campaign is now: %(status)s") % {"status": campaign.get_status_display()},
        )
        if target == "close":
            _warn_winners_to_rectify(request, campaign)
    except RuleError as exc:
        messages.error(request, exc.message(_))
    return redirect("campaign", code=campaign.code)


def _warn_winners_to_rectify(request: HttpRequest, campaign: Campaign) -> None:
    """At close, say at once when a unit comes out both 优胜单位 and 重点整改单位 (the seed's
    rule, kept; the results page explains it)."""
    try:
        both = campaign_results(campaign).tally.winners_to_rectify()
    except RuleError:
        return  # too few ballots: the results page says so
    if both:
        names = "、".join(u.spec.name for u in both)
        messages.warning(
            request,
            ngettext(
                "%(names)s is both a winner and a key rectification unit: its category has "
                "no more units than winner places. The results page explains it.",
                "%(names)s are both winners and key rectification units: their categories "
                "have no more units than winner places. The results page explains it.",
                len(both),
            )
            % {"names": names},
        )


@guarded
@require_POST
def units_veto(request: HttpRequest, code: str) -> HttpResponse:
    """The one-vote veto marks, set while the campaign is a draft (frozen after, R13)."""
    campaign, actor = _office(request, code)
    vetoed = set(request.POST.getlist("veto"))
    return _act(
        request,
        campaign,
        lambda: unit_vetoes_set(campaign=campaign, vetoed=vetoed, actor=actor),
        _("One-vote veto marks saved."),
    )


@guarded
@require_POST
def unit_new(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = UnitForm(request.POST, campaign=campaign)
    return act_on_form(
        request,
        form,
        lambda data: unit_add(
            campaign=campaign,
            code=data["code"].strip(),
            name=data["name"].strip(),
            category=data["category"],
            veto=data["veto"],
            actor=actor,
        ),
        _("Unit added."),
        redirect("campaign", code=campaign.code),
        invalid=_("Give the unit a code, a name and a category."),
    )


@guarded
@require_POST
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = UnitEditForm(request.POST, campaign=campaign)
    return act_on_form(
        request,
        form,
        lambda data: unit_update(
            campaign=campaign,
            code=data["code"],
            name=data["name"].strip(),
            category=data["category"],
            actor=actor,
        ),
        _("Unit saved."),
        redirect("campaign", code=campaign.code),
        invalid=_("Give the unit a name and a category."),
    )


@guarded
@require_POST
def unit_delete(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = UnitCodeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    unit = form.cleaned_data["code"]
    return _act(
        request,
        campaign,
        lambda: unit_remove(campaign=campaign, code=unit, actor=actor),
        _("Unit removed."),
    )


@guarded
@require_POST
def stages_set(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = StagesForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: campaign_stages_set(campaign=campaign, stages=form.stages(), actor=actor),
        _("Stages saved."),
        redirect("campaign", code=campaign.code),
        invalid=_("Give each stage a start and an end date, or leave both empty."),
    )


@guarded
@require_POST
def tokens_issue(request: HttpRequest, code: str) -> HttpResponse:
    """Starts the job that issues a batch and draws its sheets; its page shows the progress
    and then the ZIP (printable A4 sheets and a CSV for SMS), downloadable once (R27)."""
    campaign, actor = _office(request, code)
    form = TokensForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, _("Choose a group and a number of tokens (1 to 20,000 a batch)."))
        return redirect("campaign", code=campaign.code)
    address = public_address(campaign.series.organization)
    base = ballot_page(address.url) if address.url else request.build_absolute_uri("/v/")
    try:
        job = batch_issue_start(
            campaign=campaign,
            group=form.cleaned_data["group"],
            count=form.cleaned_data["count"],
            base_url=base,
            actor=actor,
        )
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect("campaign", code=campaign.code)
    return redirect("jobs:detail", job_id=job.pk)


@guarded
@require_POST
def paper_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Starts the job that imports a paper-ballot file; its page shows the row-by-row report."""
    campaign, actor = _office(request, code)  # the job acts for its starter
    form = PaperForm(request.POST, request.FILES, campaign=campaign)
    if not form.is_valid():
        problem = _("Choose a file to upload, and the area its ballots come from.")
        context = {"campaign": campaign, "problems": [problem]}
        return render(request, "pingyi/staff/paper_report.html", context, status=400)
    upload = form.cleaned_data["file"]
    area = form.cleaned_data.get("area") or ""
    job = job_enqueue_upload(
        chunks=upload.chunks(),
        suffix=Path(upload.name or "ballots.csv").suffix,
        label=upload.name or "ballots",
        kind=JobKind.PAPER_IMPORT,
        organization=campaign.series.organization,
        actor=actor.name,
        subject=f"{campaign.name} · {upload.name}",
        params={"campaign": campaign.pk, "area": area},
        campaign=campaign,
    )
    return redirect("jobs:detail", job_id=job.pk)


@guarded
def units_template(request: HttpRequest) -> HttpResponse:
    """The units file of a new campaign, its categories those of the built-in scheme."""
    from pingyi.exports.input_templates import write_units_template

    organizations_run(request.user)
    scheme = builtin_scheme()
    content = written(lambda p: write_units_template(p, scheme=scheme), ".xlsx")
    return download(content, "units-template.xlsx", XLSX)


@guarded
def entry_template(request: HttpRequest, code: str) -> HttpResponse:
    from pingyi.exports.paper import write_entry_template

    campaign, _actor = _office(request, code)
    paper = paper_ballot(campaign)
    content = written(lambda p: write_entry_template(p, paper=paper), ".xlsx")
    return download(content, f"{campaign.code}-entry.xlsx", XLSX)


@guarded
def ballot_form_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from pingyi.exports.paper import write_ballot_form

    campaign = _campaign(request, code)
    paper = paper_ballot(campaign)
    content = written(lambda p: write_ballot_form(p, paper=paper), ".pdf")
    return download(content, f"{campaign.code}-ballot.pdf", "application/pdf")


def _results_or_message(request: HttpRequest, campaign: Campaign) -> CampaignResults | None:
    """campaign_results, or None with the refusal as a message (open: R12 embargo; fewer than
    k valid ballots: R12 small groups) — the same refusal the API and the CLI give."""
    try:
        return campaign_results(campaign)
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return None


@guarded
def results(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    found = _results_or_message(request, campaign)
    if found is None:
        return redirect("campaign", code=campaign.code)
    result = found.tally
    by_category = [
        (
            category,
            sorted(
                (u for u in result.units if u.spec.category_code == category.code),
                key=lambda u: (u.rank is None, u.rank or 0),
            ),
        )
        for category in result.scheme.categories
    ]
    context = {
        "campaign": campaign,
        "result": result,
        "by_category": by_category,
        "marks": result.scheme.marks,
        "charts": _charts(found),
        "both": result.winners_to_rectify(),
        "mean_places": MEAN_PLACES,
        "rate_places": result.scheme.rate_places,
        "both_names": "、".join(u.spec.name for u in result.winners_to_rectify()),
        "threshold": result.scheme.rectify_below,
        "pledges": pledges_by_unit(campaign),
        "kinds": found.kinds,
        "areas": paper_by_area(campaign),
    }
    return render(request, "pingyi/staff/results.html", context)


def _charts(found: CampaignResults) -> list[charts.Chart]:
    drawn = charts.results_charts(found.tally)
    by_group = charts.group_rates_chart(found.tally, found.group_rates)
    return [*drawn, by_group] if by_group else drawn


@guarded
def results_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    campaign = _campaign(request, code)
    found = _results_or_message(request, campaign)
    if found is None:
        return redirect("campaign", code=campaign.code)
    result = found.tally
    if fmt == "json":
        return download(
            dumps(result_to_json(result)).encode(), f"{campaign.code}.json", "application/json"
        )
    if fmt in ("xlsx", "pdf"):  # built by a job (R27): its page offers the download
        job = job_enqueue(
            kind=JobKind.RESULTS_REPORT,
            organization=campaign.series.organization,
            actor=request.user.get_username(),
            subject=f"{campaign.name} · {fmt}",
            params={"campaign": campaign.pk, "format": fmt},
            campaign=campaign,
        )
        return redirect("jobs:detail", job_id=job.pk)
    raise Http404
