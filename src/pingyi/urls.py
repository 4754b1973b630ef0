from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from pingyi.api import api
from pingyi.jobs import urls as jobs_urls
from pingyi.office import campaign_views as staff_views
from pingyi.office import consequence_views, yearend_views
from pingyi.office import views as office_views
from pingyi.operations import health
from pingyi.stages import opinion_views
from pingyi.voting import batch_views
from pingyi.voting import views as vote_views

handler500 = "pingyi.web.middleware.handler500"  # an outage outside a view: still a 503

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", vote_views.vote, name="home"),
    path("v/", vote_views.vote, name="vote"),
    path("v/review", vote_views.review, name="vote-review"),
    path("v/submit", vote_views.submit, name="vote-submit"),
    path("v/done", vote_views.done, name="vote-done"),
    path("receipt/", vote_views.receipt, name="receipt"),
    # the opinion form (征求意见表) with its code: no login, no code in a URL
    path("o/", opinion_views.opinion_start, name="opinion-start"),
    path("o/send", opinion_views.opinion_send_view, name="opinion-send"),
    path("o/done", opinion_views.opinion_done, name="opinion-done"),
    # The pages and endpoints under load come first: Django tries the patterns in order, and
    # each include("") a path falls through costs it a list of every pattern tried (the
    # ballots' endpoint after all the staff pages took 0.15 ms a request only to be found).
    path("api/", api.urls),
    path("", include("pingyi.notices.urls")),
    path("accounts/login/", office_views.Login.as_view(), name="login"),
    path("accounts/logout/", office_views.logout_view, name="logout"),
    path("staff/", office_views.home, name="staff-home"),
    path("staff/new", staff_views.campaign_new, name="campaign-new"),
    path("staff/units-template.xlsx", staff_views.units_template, name="units-template"),
    path("staff/c/<slug:code>/", staff_views.campaign_detail, name="campaign"),
    path(
        "staff/c/<slug:code>/transition",
        staff_views.campaign_transition,
        name="campaign-transition",
    ),
    path("staff/c/<slug:code>/tokens", staff_views.tokens_issue, name="campaign-tokens"),
    path("staff/c/<slug:code>/veto", staff_views.units_veto, name="campaign-veto"),
    path("staff/c/<slug:code>/units", staff_views.unit_new, name="campaign-unit-new"),
    path("staff/c/<slug:code>/units/edit", staff_views.unit_edit, name="campaign-unit-edit"),
    path("staff/c/<slug:code>/units/remove", staff_views.unit_delete, name="campaign-unit-remove"),
    path("staff/c/<slug:code>/stages", staff_views.stages_set, name="campaign-stages"),
    path("staff/c/<slug:code>/paper", staff_views.paper_upload, name="campaign-paper"),
    path("staff/c/<slug:code>/template.xlsx", staff_views.entry_template, name="campaign-template"),
    path("staff/c/<slug:code>/form.pdf", staff_views.ballot_form_pdf, name="campaign-form"),
    path("staff/c/<slug:code>/yearend", yearend_views.yearend, name="campaign-yearend"),
    path("staff/c/<slug:code>/yearend/areas", yearend_views.area_new, name="campaign-area-new"),
    path(
        "staff/c/<slug:code>/yearend/areas/remove",
        yearend_views.area_delete,
        name="campaign-area-remove",
    ),
    path("staff/c/<slug:code>/yearend/kinds", yearend_views.kind_new, name="campaign-kind-new"),
    path(
        "staff/c/<slug:code>/yearend/supervision",
        yearend_views.supervision_set,
        name="campaign-supervision",
    ),
    path("staff/c/<slug:code>/results", staff_views.results, name="campaign-results"),
    path(
        "staff/c/<slug:code>/results.<str:fmt>",
        staff_views.results_download,
        name="campaign-results-download",
    ),
    path(
        "staff/c/<slug:code>/consequences",
        consequence_views.board,
        name="campaign-consequences",
    ),
    path(
        "staff/c/<slug:code>/consequences/apply",
        consequence_views.apply,
        name="campaign-consequences-apply",
    ),
    path(
        "staff/c/<slug:code>/consequences/<int:pk>/done",
        consequence_views.done,
        name="campaign-consequence-done",
    ),
    path(
        "staff/c/<slug:code>/consequences/<int:pk>/report",
        consequence_views.report_file,
        name="campaign-consequence-report",
    ),
    path(
        "staff/c/<slug:code>/consequences.xlsx",
        consequence_views.workbook,
        name="campaign-consequences-workbook",
    ),
    path("", include("pingyi.grading.urls")),
    path("", include("pingyi.rectification.urls")),
    path("", include("pingyi.registry.urls")),
    path("", include("pingyi.disclosure.urls")),
    path("", include("pingyi.stages.urls")),
    path("", include("pingyi.nominations.urls")),
    # a batch's withdrawal is voting's page, named in the jobs namespace like the job it follows
    path(
        "",
        include(
            (
                [
                    *jobs_urls.urlpatterns,
                    path(
                        "staff/c/<slug:code>/batches/<int:batch_id>/withdraw",
                        batch_views.batch_withdraw,
                        name="batch-withdraw",
                    ),
                ],
                jobs_urls.app_name,
            )
        ),
    ),
    path("", include("pingyi.accounts.urls")),
    path("", include("pingyi.office.people_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Pingyi's own error pages, in the UI language; JSON under /api/ (pingyi.web.errors).
handler400 = "pingyi.web.errors.bad_request"
handler403 = "pingyi.web.errors.forbidden"
handler404 = "pingyi.web.errors.not_found"
handler500 = "pingyi.web.errors.server_error"

if settings.PINGYI_BENCH:
    # The benchmark's floor: a bare view storing one row (never in production), first, so
    # that finding it costs the floor nothing either.
    from pingyi.web.bench_views import bare

    urlpatterns.insert(0, path("bench/bare", bare))
