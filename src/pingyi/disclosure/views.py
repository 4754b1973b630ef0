"""Disclosure pages: staff draft, carry items through the approval chain, answer feedback;
readers read published versions and leave feedback. Each view: parse, call one service or
selector, render. An item a reader may not read is simply not found (R17)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization, Role
from pingyi.accounts.selectors import RUN, organizations_for, organizations_run, role_in
from pingyi.disclosure import access, services
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.forms import (
    AnswerForm,
    FeedbackForm,
    ItemForm,
    OpinionForm,
    PhaseForm,
    RemarkForm,
    StepForm,
    SupervisorForm,
    TextForm,
    TrackForm,
)
from pingyi.disclosure.models import Feedback, Item, Status
from pingyi.rules import disclosure as rules
from pingyi.rules.errors import RuleError
from pingyi.web.ratelimit import client_address, hit
from pingyi.web.shared import act, act_on_form, create_page, guarded

FEEDBACK_WINDOW = 3600  # seconds
TRACK_LOOKUPS = 30  # tracking-code lookups per address and hour: guessing stays hopeless


def _item(request: HttpRequest, pk: int, *, staff: bool = False) -> Item:
    """An item the user may read (else 404); ``staff``: one they may change, asked of
    disclosure.access before the form is read (the service asks again)."""
    item = sel.items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    if staff:
        access.check_run(Actor.of(request.user), item.organization)
    return item


def _here(item: Item) -> str:
    return reverse("disclosure:item", kwargs={"pk": item.pk})


# --------------------------------------------------------------------------- staff


@guarded
def home(request: HttpRequest) -> HttpResponse:
    items = sel.items_for(request.user)
    today = timezone.localdate()
    day, due = sel.calendar_for(items, today)
    context = {
        "items": items.prefetch_related("phases").order_by("status", "-created_on", "-id"),
        "today": today,
        "day": day,
        "due": due,
        "open_feedback": sel.open_feedback_count(items),
        "open_opinions": sel.open_opinion_count(request.user),
        "open_remarks": sel.remarks_for(request.user).filter(answered_at__isnull=True).count(),
        "supervising": sel.supervisions(request.user, today),
        "can_create": organizations_for(request.user, RUN).exists(),
    }
    return render(request, "pingyi/disclosure/home.html", context)


@guarded
def item_new(request: HttpRequest) -> HttpResponse:
    organizations = organizations_run(request.user)
    form = ItemForm(request.POST or None, organizations=organizations)
    return create_page(
        request,
        form,
        lambda data: services.item_create(**data, actor=Actor.of(request.user)),
        done=_("Item drafted."),
        to=_here,
        template="pingyi/disclosure/item_new.html",
    )


@guarded
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    role = role_in(request.user, item.organization)
    target = rules.next_status(item.scope, item.status)
    may = target is not None and access.may_advance(role, target)
    versions = sel.versions(item)
    phases = sel.phase_rows(item, versions)
    context: dict[str, Any] = {
        "item": item,
        "can_run": role in RUN,
        "next": target,
        "next_label": Status(target).label if target else None,
        "may_advance": may,
        "refusal": sel.step_refusal(item, request.user.get_username()) if may else None,
        "branch_chain": item.scope == rules.INTERNAL,
        "text_form": TextForm(initial={"title": item.title, "body": item.body}),
        "versions": versions,
        "phases": phases,
        "current_phase": next((r.phase for r in phases if r.phase.number == item.phase), None),
        "may_next_phase": role in RUN
        and item.status == Status.PUBLISHED
        and item.phase is not None
        and item.phase < len(phases),
        "phase_form": PhaseForm(auto_id="phase_%s"),  # beside the text form: ids of its own
        "steps": item.steps.order_by("id"),
        "feedback": sel.feedback_for(item),
        "answer_form": AnswerForm(),
        "may_release": item.scope == rules.INTERNAL_THEN_EXTERNAL
        and item.released_at is None
        and item.last_published_on is not None,
    }
    return render(request, "pingyi/disclosure/item.html", context)


@guarded
@require_POST
def item_advance(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = StepForm(request.POST)
    target = str(request.POST.get("to", ""))
    if not form.is_valid() or target not in rules.STATUSES:
        return HttpResponse(status=400)
    actor = Actor.of(request.user)
    access.check_advance(actor, item.organization, target)
    return act(
        request,
        lambda: services.item_advance(
            item=item, target=target, note=form.cleaned_data["note"], actor=actor
        ),
        _("The item is now: %(status)s") % {"status": Status(target).label},
        _here(item),
    )


@guarded
@require_POST
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves a drafted item's text, or revises a published one (back through the chain)."""
    item = _item(request, pk, staff=True)
    revise = item.status == Status.PUBLISHED
    step = services.item_revise if revise else services.item_edit
    return act_on_form(
        request,
        TextForm(request.POST),
        lambda data: step(item=item, **data, actor=Actor.of(request.user)),
        _("Revision drafted: it is published after the office meeting and the approval.")
        if revise
        else _("Text saved."),
        _here(item),
        invalid=_("Give the item a title and a text."),
    )


@guarded
@require_POST
def phase_next(request: HttpRequest, pk: int) -> HttpResponse:
    """Opens a staged item's next phase with its stage report (back through the chain)."""
    item = _item(request, pk, staff=True)
    form = PhaseForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.phase_next(item=item, **data, actor=Actor.of(request.user)),
        _("Next phase drafted: it is published through the same approval chain."),
        _here(item),
        invalid=_("Give the stage report a title and a text."),
    )


@guarded
@require_POST
def item_release(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, staff=True)
    return act(
        request,
        lambda: services.item_release(item=item, actor=Actor.of(request.user)),
        _("The item is now open to the public."),
        _here(item),
    )


@guarded
@require_POST
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = Feedback.objects.filter(item__in=sel.items_for(request.user), pk=pk).first()
    if feedback is None:
        raise Http404
    item = _item(request, feedback.item_id, staff=True)
    form = AnswerForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.feedback_answer(
            feedback=feedback, answer=data["answer"], actor=Actor.of(request.user)
        ),
        _("Answer saved."),
        _here(item),
        invalid=_("Write the answer first."),
    )


@guarded
def opinions(request: HttpRequest) -> HttpResponse:
    """The opinion-box letters of the user's organizations, open ones first."""
    context = {
        "opinions": sel.opinions_for(request.user),
        "runs": set(organizations_for(request.user, RUN).values_list("pk", flat=True)),
        "answer_form": AnswerForm(),
    }
    return render(request, "pingyi/disclosure/opinions.html", context)


@guarded
@require_POST
def opinion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = sel.opinions_for(request.user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return _answer(
        request,
        opinion.organization,
        lambda actor, answer: services.opinion_answer(opinion=opinion, answer=answer, actor=actor),
        reverse("disclosure:opinions"),
    )


def _answer(
    request: HttpRequest,
    organization: Organization,
    run: Callable[[Actor, str], object],
    here: str,
) -> HttpResponse:
    """The office's answer to what someone wrote it (an opinion, a supervisor's remark):
    those who run ``organization`` (403 for others) post it, back to ``here``."""
    actor = Actor.of(request.user)
    access.check_run(actor, organization)
    return act_on_form(
        request,
        AnswerForm(request.POST),
        lambda data: run(actor, data["answer"]),
        _("Answer saved."),
        here,
        invalid=_("Write the answer first."),
    )


# --------------------------------------------------------------------------- readers


def _organization(code: str) -> Organization:
    return get_object_or_404(Organization, code=code)


def public_list(request: HttpRequest, org: str) -> HttpResponse:
    organization = _organization(org)
    items = sel.readable_items(request.user, organization)
    context = {
        "organization": organization,
        "items": items,
        "member": sel.insider(request.user, organization),
        "supervising": sel.supervisor_of(request.user, organization) is not None,
        "supervisors": sel.serving_supervisors(organization, timezone.localdate()),
    }
    return render(request, "pingyi/disclosure/public_list.html", context)


def _readable(request: HttpRequest, org: str, pk: int) -> Item:
    item = sel.readable_item(request.user, _organization(org), pk)
    if item is None:
        raise Http404
    return item


def public_item(request: HttpRequest, org: str, pk: int, number: int | None = None) -> HttpResponse:
    item = _readable(request, org, pk)
    versions = sel.versions(item)
    shown = (
        versions[0] if number is None else next((v for v in versions if v.number == number), None)
    )
    if shown is None:
        raise Http404
    context = {
        "item": item,
        "version": shown,
        "versions": versions,
        "latest": shown.number == versions[0].number,
        "phases": sel.phase_rows(item, versions),
        "form": FeedbackForm(),
        "answered": sel.answered_feedback(item),
    }
    return render(request, "pingyi/disclosure/public_item.html", context)


@require_POST
def feedback_post(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    item = _readable(request, org, pk)
    limit = settings.PINGYI_FEEDBACK_POSTS
    if not hit("disclosure-feedback", client_address(request), limit=limit, window=FEEDBACK_WINDOW):
        return render(request, "pingyi/vote/limited.html", status=429)
    form = FeedbackForm(request.POST)
    here = reverse("disclosure:public-item", kwargs={"org": org, "pk": item.pk})
    if not form.is_valid():
        messages.error(request, _("Write your feedback first (at most 2,000 characters)."))
        return redirect(here)
    author = request.user.get_username() if request.user.is_authenticated else ""
    try:
        receipt = services.feedback_leave(item=item, **form.cleaned_data, author=author)
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect(here)
    # The code is shown once, on this page; only its digest is kept.
    context = {"item": item, "code": receipt.grouped, "organization": item.organization}
    response = render(request, "pingyi/disclosure/receipt.html", context)
    response["Cache-Control"] = "no-store"
    return response


def track(request: HttpRequest, org: str) -> HttpResponse:
    """Anyone holding a tracking code reads what they wrote and the answer: no sign-in."""
    organization = _organization(org)
    form = TrackForm(request.POST or None)
    found: sel.Tracked | None = None
    looked = False
    if request.method == "POST":
        if not hit("disclosure-track", client_address(request), limit=TRACK_LOOKUPS, window=3600):
            return render(request, "pingyi/vote/limited.html", status=429)
        if form.is_valid():
            looked = True
            found = sel.tracked_by_code(organization, form.cleaned_data["code"])
    context = {"organization": organization, "form": form, "found": found, "looked": looked}
    response = render(request, "pingyi/disclosure/track.html", context)
    response["Cache-Control"] = "no-store"
    return response


def opinion_box(request: HttpRequest, org: str) -> HttpResponse:
    """The organization's opinion box (意见箱): anyone writes, gets a tracking code once."""
    organization = _organization(org)
    form = OpinionForm(request.POST or None)
    if request.method == "POST":
        limit = settings.PINGYI_FEEDBACK_POSTS
        address = client_address(request)
        if not hit("disclosure-feedback", address, limit=limit, window=FEEDBACK_WINDOW):
            return render(request, "pingyi/vote/limited.html", status=429)
        if form.is_valid():
            author = request.user.get_username() if request.user.is_authenticated else ""
            try:
                receipt = services.opinion_leave(
                    organization=organization, **form.cleaned_data, author=author
                )
            except RuleError as exc:
                form.add_error(None, exc.message(_))
            else:
                context = {"organization": organization, "item": None, "code": receipt.grouped}
                response = render(request, "pingyi/disclosure/receipt.html", context)
                response["Cache-Control"] = "no-store"
                return response
    return render(
        request, "pingyi/disclosure/opinion_box.html", {"organization": organization, "form": form}
    )


# --------------------------------------------------------------------------- supervisors


@guarded
def supervisors(request: HttpRequest) -> HttpResponse:
    """The supervisors of the user's organizations and their remarks, open ones first;
    administrators appoint supervisors here, staff answer the remarks."""
    admin_of = organizations_for(request.user, (Role.ADMIN,))
    context = {
        "supervisors": sel.supervisors_for(request.user),
        "remarks": sel.remarks_for(request.user),
        "runs": set(organizations_for(request.user, RUN).values_list("pk", flat=True)),
        "today": timezone.localdate(),
        "form": SupervisorForm(organizations=admin_of) if admin_of.exists() else None,
        "answer_form": AnswerForm(),
    }
    return render(request, "pingyi/disclosure/supervisors.html", context)


@guarded
@require_POST
def supervisor_new(request: HttpRequest) -> HttpResponse:
    admin_of = organizations_for(request.user, (Role.ADMIN,))
    if not admin_of.exists():
        raise AccessDenied
    form = SupervisorForm(request.POST, organizations=admin_of)
    here = reverse("disclosure:supervisors")
    if not form.is_valid():
        messages.error(request, _("Give the name, unit and term of the supervisor."))
        return redirect(here)
    data = dict(form.cleaned_data)
    username = data.pop("username")
    user = None
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            messages.error(request, _("No active account %(name)s.") % {"name": username})
            return redirect(here)
    return act(
        request,
        lambda: services.supervisor_appoint(**data, user=user, actor=Actor.of(request.user)),
        _("Supervisor appointed."),
        here,
    )


@guarded
@require_POST
def remark_answer(request: HttpRequest, pk: int) -> HttpResponse:
    remark = sel.remarks_for(request.user).filter(pk=pk).first()
    if remark is None:
        raise Http404
    return _answer(
        request,
        remark.supervisor.organization,
        lambda actor, answer: services.remark_answer(remark=remark, answer=answer, actor=actor),
        reverse("disclosure:supervisors"),
    )


@guarded
def supervise(request: HttpRequest, org: str) -> HttpResponse:
    """A serving supervisor's page: the organization's register, a remark, their remarks and
    the answers. Anyone else finds nothing."""
    organization = _organization(org)
    supervisor = sel.supervisor_of(request.user, organization)
    if supervisor is None:
        raise Http404
    items = sel.register(organization)
    form = RemarkForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        item = (
            items.filter(pk=form.cleaned_data["item"]).first()
            if form.cleaned_data["item"]
            else None
        )
        try:
            services.remark_leave(
                supervisor=supervisor,
                item=item,
                text=form.cleaned_data["text"],
                actor=Actor.of(request.user),
            )
        except RuleError as exc:
            form.add_error(None, exc.message(_))
        else:
            messages.success(request, _("Remark sent: the office answers it here."))
            return redirect(reverse("disclosure:supervise", kwargs={"org": org}))
    context = {
        "organization": organization,
        "supervisor": supervisor,
        "items": items,
        "readable": set(
            sel.readable_items(request.user, organization).values_list("pk", flat=True)
        ),
        "remarks": sel.remarks_of(supervisor),
        "form": form,
    }
    return render(request, "pingyi/disclosure/supervise.html", context)
