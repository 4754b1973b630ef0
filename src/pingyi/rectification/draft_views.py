"""The plan page's draft items, pre-filled from the opinions fed back to the unit: pre-fill
again, save or confirm a draft, discard it. The unit's owner and the supervising office."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import Actor
from pingyi.rectification.access import EDITORS
from pingyi.rectification.forms import DraftForm
from pingyi.rectification.prefill import item_discard, item_draft_save, plan_prefill
from pingyi.rectification.views import _act, _item, _plan
from pingyi.web.shared import act_on_form, guarded


@guarded
@require_POST
def prefill(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, EDITORS)
    return _act(
        request,
        plan.pk,
        lambda: plan_prefill(plan=plan, actor=Actor.of(request.user)),
        _("Draft items are added from the opinions fed back to the unit."),
    )


@guarded
@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, EDITORS)
    confirm = "confirm" in request.POST
    return act_on_form(
        request,
        DraftForm(request.POST),
        lambda data: item_draft_save(
            item=item, actor=Actor.of(request.user), confirm=confirm, **data
        ),
        _("The item is confirmed.") if confirm else _("The draft is saved."),
        redirect("rectification:plan", pk=item.plan_id),
        invalid=_("Fill in the problem and the deadline."),
    )


@guarded
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, EDITORS)
    return _act(
        request,
        item.plan_id,
        lambda: item_discard(item=item, actor=Actor.of(request.user)),
        _("The draft item is discarded."),
    )
