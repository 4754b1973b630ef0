"""The organizing office's notice pages: publish, work objections, review, make final.

Who: admin and staff of the office act; its viewers read; anyone else finds nothing (404).
Each view parses, calls one service or selector, and answers with a page or a message.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import READ, RUN, organizations_for, role_in
from pingyi.ballots.selectors import campaign_results
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme, campaigns_for
from pingyi.grading.models import GradingRound
from pingyi.notices import access
from pingyi.notices.forms import AnswerForm, AssignForm, NoteForm, PublishForm, ReviewForm
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.hooks import units_to_rectify
from pingyi.notices.models import Notice, Objection
from pingyi.notices.selectors import (
    campaigns_to_publish,
    gradings_to_publish,
    notice_of,
    notice_public_page,
    notices_for,
    objection_get,
    objection_list,
)
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_assign,
    objection_note,
    review_apply,
)
from pingyi.rules import notice as notice_rules
from pingyi.rules.errors import RuleError
from pingyi.web.shared import XLSX, act, confirmation, guarded


def _notice(request: HttpRequest, code: str, roles: tuple[str, ...] = READ) -> Notice:
    """The office's notice; another office's is not found; a role that may not act, 403."""
    notice = notices_for(request.user).filter(code=code).first()
    if notice is None:
        raise Http404
    if role_in(request.user, notice.organization) not in roles:
        raise AccessDenied
    return notice


def _objection(request: HttpRequest, code: str, pk: int, roles: tuple[str, ...]) -> Objection:
    objection = objection_get(_notice(request, code, roles), pk)
    if objection is None:
        raise Http404
    return objection


@guarded
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "notices": notices_for(request.user).order_by("-opens_at"),
        "to_publish": campaigns_to_publish(request.user, RUN),
        "gradings": gradings_to_publish(request.user, RUN),
        "form": PublishForm(),
    }
    return render(request, "pingyi/notices/staff_home.html", context)


def _both_warning(campaign: Campaign) -> list[str]:
    """A line for the units that will be published both 优胜单位 and 重点整改单位 (the seed's
    rule allows it; the notice explains it), so the clerk is not surprised by it."""
    try:
        both = campaign_results(campaign).tally.winners_to_rectify()
    except RuleError:
        return []  # refused for a reason the publishing itself will give
    if not both:
        return []
    names = "、".join(u.spec.name for u in both)
    return [
        ngettext(
            "%(names)s will be both a winner and a key rectification unit: its category has no "
            "more units than winner places. The notice explains it.",
            "%(names)s will be both winners and key rectification units: their categories have "
            "no more units than winner places. The notice explains it.",
            len(both),
        )
        % {"names": names}
    ]


def _plans_line(names: list[str]) -> str:
    """What finalizing opens: a plan and its ledger for each unit named."""
    if not names:
        return _("No unit is flagged for rectification: no plan is made.")
    return ngettext(
        "A rectification plan is made, and its ledger opens, for %(n)s unit: %(names)s.",
        "Rectification plans are made, and their ledgers open, for %(n)s units: %(names)s.",
        len(names),
    ) % {"n": len(names), "names": "、".join(names)}


def _flag_counts(campaign: Campaign) -> list[str]:
    """How many units the result flags, said before publishing."""
    try:
        result = campaign_results(campaign).tally
    except RuleError:
        return []
    return [
        _("It names %(w)s winners, %(l)s last units and %(r)s key rectification units.")
        % {
            "w": len(result.by_flag("winner")),
            "l": len(result.by_flag("last")),
            "r": len(result.by_flag("rectify")),
        }
    ]


def _until(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _publish_page(
    request: HttpRequest,
    *,
    back: str,
    default_days: Callable[[], int],
    title: str,
    consequences: Callable[[int], list[str]],
    publish: Callable[[int | None], Notice],
    done: str,
    published: Notice | None,
) -> HttpResponse:
    """A result put on notice, a campaign's or a grading round's: GET ?days=N is the
    confirmation page (``consequences`` of the days shown, ``default_days()`` when none), POST
    publishes; a bad period or a refusal goes ``back`` with its message, a notice opened to its
    staff page. A result ``published`` already is not offered again: its notice's page shows."""
    if published is not None and request.method == "GET":
        messages.info(request, _("This result is on public notice already."))
        return redirect("notices:staff-notice", code=published.code)
    form = PublishForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("A notice period is 1 to 60 days."))
        return redirect(back)
    days = form.cleaned_data["days"]
    if request.method == "GET":
        return confirmation(
            request,
            title=title,
            consequences=consequences(days or default_days()),
            button=_("Publish"),
            back=back,
            fields={"days": str(days or "")},
        )
    try:
        notice = publish(days)
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect(back)
    messages.success(request, done)
    return redirect("notices:staff-notice", code=notice.code)


@guarded
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, campaign: str) -> HttpResponse:
    """GET ?days=N: the confirmation page; POST: the notice opens."""
    found = campaigns_for(request.user).filter(code=campaign).first()
    if found is None:
        raise Http404
    if not access.may_run(Actor.of(request.user), found.series.organization):
        raise AccessDenied

    def consequences(shown: int) -> list[str]:
        return [
            _(
                "The result of its %(units)s units goes on public notice for %(days)s days, "
                "until %(until)s: anyone can read it and file an objection."
            )
            % {"units": found.units.count(), "days": shown, "until": _until(shown)},
            _(
                "The campaign becomes “on public notice”: its result changes only through a "
                "recorded review, and the notice cannot be withdrawn."
            ),
            *_flag_counts(found),
            *_both_warning(found),
        ]

    return _publish_page(
        request,
        back=reverse("notices:home"),
        default_days=lambda: campaign_scheme(found).notice_days,
        title=_("Publish the result: %(name)s") % {"name": found.name},
        consequences=consequences,
        publish=lambda days: notice_publish(
            campaign=found, actor=Actor.of(request.user), days=days
        ),
        done=_("The result is on public notice."),
        published=notice_of(campaign=found),
    )


@guarded
@require_http_methods(["GET", "POST"])
def publish_grading(request: HttpRequest, grading_round: str) -> HttpResponse:
    """Publishes a grading round's grades (at its decision step, before filing); GET ?days=N
    is the confirmation page."""
    found = (
        GradingRound.objects.filter(
            code=grading_round, organization__in=organizations_for(request.user, READ)
        )
        .select_related("organization")
        .first()
    )
    if found is None:
        raise Http404
    if not access.may_run(Actor.of(request.user), found.organization):
        raise AccessDenied

    def consequences(shown: int) -> list[str]:
        return [
            _(
                "The grades of its %(orgs)s party organizations go on public notice for "
                "%(days)s days, until %(until)s: anyone can read them and file an objection."
            )
            % {"orgs": found.orgs.count(), "days": shown, "until": _until(shown)},
            _("The notice cannot be withdrawn; a grade then changes only through a review."),
        ]

    return _publish_page(
        request,
        back=reverse("grading:round", kwargs={"code": found.code}),
        default_days=lambda: notice_rules.DEFAULT_DAYS,
        title=_("Publish the grades: %(name)s") % {"name": found.name},
        consequences=consequences,
        publish=lambda days: notice_publish_grading(
            grading_round=found, actor=Actor.of(request.user), days=days
        ),
        done=_("The grades are on public notice."),
        published=notice_of(grading_round=found),
    )


@guarded
def notice_detail(request: HttpRequest, code: str) -> HttpResponse:
    notice = _notice(request, code)
    context: dict[str, Any] = {
        "notice": notice,
        "page": notice_public_page(notice),
        "objections": objection_list(notice),
        "can_run": role_in(request.user, notice.organization) in RUN,
        "review_form": ReviewForm(notice=notice),
    }
    return render(request, "pingyi/notices/staff_notice.html", context)


@guarded
@require_http_methods(["GET", "POST"])
def finalize(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the confirmation page; POST: the result becomes final."""
    notice = _notice(request, code, RUN)
    if request.method == "GET":
        filed = objection_list(notice).count()
        return confirmation(
            request,
            title=_("Make the result final: %(name)s") % {"name": notice.title},
            consequences=[
                _(
                    "The result becomes final: no review can change it any more, and the "
                    "notice shows it as final."
                ),
                _plans_line(units_to_rectify(notice)),
                ngettext(
                    "%(n)s objection was filed; it must have its answer before this step.",
                    "%(n)s objections were filed; each must have its answer before this step.",
                    filed,
                )
                % {"n": filed},
            ],
            button=_("Make the result final"),
            back=reverse("notices:staff-notice", kwargs={"code": notice.code}),
        )
    return act(
        request,
        lambda: notice_finalize(notice=notice, actor=Actor.of(request.user)),
        _("The result is final; rectification plans were made for its weak units."),
        redirect("notices:staff-notice", code=notice.code),
    )


@guarded
@require_POST
def review(request: HttpRequest, code: str) -> HttpResponse:
    notice = _notice(request, code, RUN)
    form = ReviewForm(request.POST, notice=notice)
    back = redirect("notices:staff-notice", code=notice.code)
    if not form.is_valid():
        problems = [str(p) for p in form.non_field_errors()]
        for problem in problems or [_("Choose a unit, and give the reason and the approver.")]:
            messages.error(request, problem)
        return back
    return act(
        request,
        lambda: review_apply(notice=notice, actor=Actor.of(request.user), **form.changes()),
        _("The review changed the result; the change is recorded."),
        back,
    )


@guarded
def objection_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    objection = _objection(request, code, pk, READ)
    notice = objection.notice
    context = {
        "notice": notice,
        "objection": objection,
        "notes": objection.notes.all(),
        "reviews": objection.reviews.all(),
        "can_run": role_in(request.user, notice.organization) in RUN,
        "assign_form": AssignForm(notice=notice),
        "note_form": NoteForm(),
        "answer_form": AnswerForm(),
    }
    return render(request, "pingyi/notices/staff_objection.html", context)


def _objection_action(
    request: HttpRequest, code: str, pk: int, form_class: type[Any], action: str
) -> HttpResponse:
    objection = _objection(request, code, pk, RUN)
    back = redirect("notices:staff-objection", code=code, pk=objection.pk)
    kwargs = {"notice": objection.notice} if form_class is AssignForm else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        messages.error(request, _("Fill in the form."))
        return back
    actor, data = Actor.of(request.user), form.cleaned_data
    runs: dict[str, tuple[Callable[[], object], str]] = {
        "assign": (
            lambda: objection_assign(objection=objection, assignee=data["assignee"], actor=actor),
            _("Assigned."),
        ),
        "note": (
            lambda: objection_note(objection=objection, text=data["text"], actor=actor),
            _("Note saved."),
        ),
        "answer": (
            lambda: objection_answer(objection=objection, answer=data["answer"], actor=actor),
            _("Answered. The answer is public."),
        ),
    }
    run, done = runs[action]
    return act(request, run, done, back)


@guarded
@require_POST
def objection_assign_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _objection_action(request, code, pk, AssignForm, "assign")


@guarded
@require_POST
def objection_note_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _objection_action(request, code, pk, NoteForm, "note")


@guarded
@require_POST
def objection_answer_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _objection_action(request, code, pk, AnswerForm, "answer")


@guarded
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The result as it now stands (reviews applied), as the results workbook."""
    from pingyi.notices.exports import write_notice_xlsx

    notice = _notice(request, code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.xlsx"
        write_notice_xlsx(path, notice)
        content = path.read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{notice.code}.xlsx"'
    return response
