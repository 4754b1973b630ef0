"""The JSON API (django-ninja): the same services and selectors as the pages and the CLI.

OpenAPI schema at /api/openapi.json. No interactive docs page: it would load scripts from a
CDN, and Pingyi runs air-gapped.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import NUL_ERROR, Error, StatusOut, StrictIn, answers
from pingyi.ballots.selectors import campaign_results
from pingyi.campaigns import access
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaigns_for
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.exports.contract_json import result_to_json
from pingyi.rules.errors import RuleError
from pingyi.rules.text import TextRefused, holds_nul
from pingyi.voting import selectors as voting_selectors
from pingyi.voting.services import (
    MarksInvalid,
    TokenRefused,
    ballot_submit,
    receipt_check,
    token_issue,
    token_lookup,
)
from pingyi.web.ratelimit import client_address, code_posts_exceeded, code_refused, hit
from pingyi.web.settings_access import limits


class CachedSchemaAPI(NinjaAPI):
    """django-ninja builds the OpenAPI document anew on each call: every operation's models
    rendered, about a second of a core for Pingyi's hundred operations — on each request for
    /api/openapi.json, and in each test that reads it. Built once per path prefix here (ninja
    refuses a router added once the routes were read, so the document cannot go stale), and
    each caller given a copy of its own to change as it likes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._schemas: dict[str, OpenAPISchema] = {}
        super().__init__(*args, **kwargs)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return copy.deepcopy(self._schemas[path_prefix], {id(self): self})  # the API not copied


api = CachedSchemaAPI(
    title="Pingyi API",
    version="1",
    description="评议 Pingyi: ballots, receipts and campaigns.",
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)


class Refusal(Schema):
    detail: str
    code: str = Field(description="why, for a program: too_few_ballots (R12), refused")


UnitCode = Annotated[str, Field(max_length=60)]  # campaigns.Unit.code
MarkText = Annotated[str, Field(max_length=40)]  # a mark's label or code name


class BallotIn(StrictIn):
    token: str = Field(max_length=64, description="the evaluator's code (评议码)")
    marks: dict[UnitCode, MarkText] = Field(
        description="unit code → mark (满意/基本满意/不满意/弃权 or their codes); omitted = 弃权",
        max_length=2000,
    )


class TokenIn(StrictIn):
    token: str = Field(max_length=64)


class ReceiptOut(Schema):
    receipt: str


class ReceiptCheckOut(Schema):
    counted: bool


class MarkOut(Schema):
    code: str
    label: str


class UnitOut(Schema):
    code: str
    name: str


class CategoryOut(Schema):
    name: str
    units: list[UnitOut]


class CriterionOut(Schema):
    name: str
    description: str
    name_en: str
    description_en: str


class BallotFormOut(Schema):
    campaign: str
    name: str
    marks: list[MarkOut]
    categories: list[CategoryOut]
    criteria: list[CriterionOut]  # what to judge each unit by (seed 001 四), in order


class CampaignOut(Schema):
    code: str
    name: str
    year: int
    status: str
    organization: str


class GroupCollectionOut(Schema):
    name: str
    target_share: str
    tokens_issued: int
    tokens_used: int
    tokens_withdrawn: int
    paper: int
    received: int


class CollectionOut(Schema):
    tokens_issued: int
    tokens_used: int
    tokens_withdrawn: int
    paper: int
    online: int
    received: int
    groups: list[GroupCollectionOut]
    reconciles: bool = Field(description="stored ballots agree with codes used and imports")
    problems: list[str] = Field(description="what does not reconcile (R15)")


class TokensIn(StrictIn):
    group: str = Field(max_length=60, description="evaluator group code or name")
    count: int = Field(ge=1, le=20000)


class TokensOut(Schema):
    batch: int
    codes: list[str]


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "marks", "U1") → field “marks.U1”: as the request names it."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "path", "query"):  # where, then the argument's name
        parts = parts[2:] if len(parts) > 2 and parts[1] == "payload" else parts[1:]
    return _("field %(name)s") % {"name": ".".join(parts)} if parts else _("the request")


def _problem(error: dict[str, Any]) -> str:
    """One validation error as a sentence in the UI language (pydantic's own are English)."""
    field = _field(error.get("loc", ()))
    if error.get("type") == NUL_ERROR:
        return holds_nul(field).message(_)
    if error.get("type") == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return _("%(field)s is too long; at most %(limit)s characters are allowed") % {
            "field": field,
            "limit": limit,
        }
    if error.get("type") in ("missing", "missing_keyword_argument"):
        return _("%(field)s is missing") % {"field": field}
    return _("%(field)s is not valid here") % {"field": field}


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # The issue's contract: malformed input is 400 (ninja's default would be 422), and the
    # detail says which field and what is expected.
    problems = list(dict.fromkeys(_problem(e) for e in exc.errors))
    detail = "; ".join(problems[:5]) or _("malformed request")
    body = {"detail": detail, "code": "invalid", "errors": exc.errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(TextRefused)
def _unstorable(request: HttpRequest, exc: TextRefused) -> HttpResponse:
    """A text the last check before saving refused (pingyi.web.stored_text)."""
    return api.create_response(request, {"detail": exc.message(_), "code": "invalid"}, status=400)


@api.exception_handler(RuleError)
def _refused_by_rules(request: HttpRequest, exc: RuleError) -> HttpResponse:
    """A step the rules refuse (the state, a deadline, a quota): 409 with the reason. Routes
    that answer a refusal otherwise (a wrong code, marks of a ballot) catch it themselves."""
    return api.create_response(request, {"detail": exc.message(_)}, status=409)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"detail": _("sign in first"), "code": "unauthenticated"}
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("not found"), "code": "not_found"}, status=404)


def _too_many(request: HttpRequest) -> bool:
    """Past either limit for this address: ballot requests per minute, wrong codes per 10 min."""
    return code_posts_exceeded(request, "ballot")


def _refused(request: HttpRequest, exc: RuleError) -> Status[Any]:
    code_refused(request)
    return Status(409, {"detail": exc.message(_)})


def _named(campaigns: QuerySet[Campaign], code: str) -> Campaign | None:
    """The campaign with this code from a URL. No code holds a NUL, and PostgreSQL refuses
    one in a query with an error (a 500), so such a code is simply not found (R23)."""
    if "\x00" in code:
        return None
    return campaigns.filter(code=code).first()


public = Router(tags=["evaluators"])


@public.post(
    "/ballots",
    response={201: ReceiptOut, 400: Error, 409: Error, 429: Error},
    summary="Cast a ballot with a token",
)
def ballots_create(request: HttpRequest, payload: BallotIn) -> Status[Any]:
    if _too_many(request):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    try:
        receipt = ballot_submit(code=payload.token, marks=payload.marks)
    except MarksInvalid as exc:
        return Status(400, {"detail": exc.message(_)})
    except TokenRefused as exc:
        return _refused(request, exc)
    return Status(201, {"receipt": receipt})


@public.post(
    "/ballot-form",
    response={200: BallotFormOut, 400: Error, 409: Error, 429: Error},
    summary="The units a token may mark",
)
def ballot_form(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    if _too_many(request):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    try:
        token = token_lookup(code=payload.token)
    except TokenRefused as exc:
        return _refused(request, exc)
    form = voting_selectors.ballot_form(token.campaign)
    return Status(
        200,
        {
            "campaign": token.campaign.code,
            "name": token.campaign.name,
            "marks": [{"code": m.code, "label": m.label} for m in form.marks],
            "categories": [
                {"name": name, "units": [{"code": u.code, "name": u.name} for u in units]}
                for name, units in form.categories
            ],
            "criteria": [
                {
                    "name": c.name,
                    "description": c.description,
                    "name_en": c.name_en,
                    "description_en": c.description_en,
                }
                for c in form.criteria
            ],
        },
    )


@public.get(
    "/campaigns/{code}/receipts/{receipt}",
    response={200: ReceiptCheckOut, 400: Error, 404: Error, 429: Error},
    summary="Was the ballot with this receipt counted? (presence only)",
)
def receipt_get(request: HttpRequest, code: str, receipt: str) -> Status[Any]:
    if not hit("receipt", client_address(request), limit=limits().ballot_posts, window=60):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    campaign = _named(Campaign.objects.all(), code)
    if campaign is None:
        raise Http404
    return Status(200, {"counted": receipt_check(campaign=campaign, code=receipt)})


staff = Router(tags=["staff"], auth=django_auth)


def _campaign(request: HttpRequest, code: str) -> Campaign:
    """A campaign of the user's organizations, else 404 — another's does not exist (R17)."""
    campaign = _named(campaigns_for(request.user), code)
    if campaign is None:
        raise Http404
    return campaign


@api.exception_handler(PermissionDenied)  # AccessDenied among them; never OSError's PermissionError
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = {"detail": _("your role does not allow this"), "code": "forbidden"}
    return api.create_response(request, body, status=403)


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "year": c.year,
        "status": c.status,
        "organization": c.series.organization.code,
    }


@staff.get("/campaigns", response={200: list[CampaignOut], 401: Error})
def campaigns_list(request: HttpRequest) -> Status[Any]:
    return Status(200, [_campaign_out(c) for c in campaigns_for(request.user).order_by("code")])


@staff.get("/campaigns/{code}", response={200: CampaignOut, 401: Error, 404: Error})
def campaigns_get(request: HttpRequest, code: str) -> Status[Any]:
    return Status(200, _campaign_out(_campaign(request, code)))


def _transition(request: HttpRequest, code: str, action: Any) -> Status[Any]:
    campaign = _campaign(request, code)
    try:
        action(campaign=campaign, actor=Actor.of(request.user))  # 403: campaigns.access
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_)})
    return Status(200, {"code": campaign.code, "status": campaign.status})


@staff.post(
    "/campaigns/{code}/open",
    response={200: StatusOut, 401: Error, 403: Error, 404: Error, 409: Error},
)
def campaigns_open(request: HttpRequest, code: str) -> Status[Any]:
    return _transition(request, code, campaign_open)


@staff.post(
    "/campaigns/{code}/close",
    response={200: StatusOut, 401: Error, 403: Error, 404: Error, 409: Error},
)
def campaigns_close(request: HttpRequest, code: str) -> Status[Any]:
    return _transition(request, code, campaign_close)


@staff.get("/campaigns/{code}/collection", response={200: CollectionOut, 401: Error, 404: Error})
def campaigns_collection(request: HttpRequest, code: str) -> Status[Any]:
    return Status(200, voting_selectors.collection_status(_campaign(request, code)))


@staff.get(
    "/campaigns/{code}/results",
    response={200: dict[str, Any], 401: Error, 404: Error, 409: Refusal},
    summary="Results (SPEC's JSON) of a closed campaign",
)
def campaigns_results(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    try:
        return Status(200, result_to_json(campaign_results(campaign).tally))
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_), "code": getattr(exc, "code", "refused")})


@staff.post(
    "/campaigns/{code}/tokens",
    response=answers(TokensOut, 201),
    summary="Issue tokens for an evaluator group (the codes are returned once)",
)
def campaigns_tokens(request: HttpRequest, code: str, payload: TokensIn) -> Status[Any]:
    campaign, actor = _campaign(request, code), Actor.of(request.user)
    access.check_campaign(actor, campaign)  # 403 before the body is read; token_issue asks again
    group = next((g for g in campaign.groups.all() if payload.group in (g.code, g.name)), None)
    if group is None:
        return Status(400, {"detail": _("no evaluator group %(group)r") % {"group": payload.group}})
    try:
        issued = token_issue(campaign=campaign, group=group, count=payload.count, actor=actor)
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_)})
    return Status(201, {"batch": issued.batch.pk, "codes": issued.codes})


api.add_router("", public)
api.add_router("", staff)

# P5: the registry and disclosure keep their routers beside their pages; registered in one
# block here so that each app's entry stays a two-line change.
from pingyi.disclosure.api import router as disclosure_router  # noqa: E402
from pingyi.registry.api import router as registry_router  # noqa: E402

api.add_router("/registry", registry_router)
api.add_router("/disclosure", disclosure_router)

# Nominations under a kept commendation project (seed 002), beside its pages.
from pingyi.nominations.api import router as nominations_router  # noqa: E402

api.add_router("/nominations", nominations_router)

# P3: the notice's public and staff operations live beside its pages (pingyi.notices.api).
from pingyi.notices.api import router as notices_router  # noqa: E402

api.add_router("", notices_router)

# The campaign's stages (seed 001 八): public page, board, pledges, self-inspection.
from pingyi.stages.api import router as stages_router  # noqa: E402

api.add_router("", stages_router)

# 征求意见 and 集中整改: the opinion forms, sorting, feedback, answers, rectification reports.
from pingyi.stages.opinion_api import router as opinions_router  # noqa: E402

api.add_router("", opinions_router)

# 集中整改's satisfaction survey: start the linked campaign, record its rates on the stage.
from pingyi.stages.survey_api import router as survey_router  # noqa: E402

api.add_router("", survey_router)

# P4: the ledger's acceptance with its panel, and the drafts from the fed-back opinions.
from pingyi.rectification.api import router as rectification_router  # noqa: E402

api.add_router("", rectification_router)

# P2: the grade vote and the participant lists (seed 003), beside their pages.
from pingyi.grading.api import router as grading_router  # noqa: E402

api.add_router("", grading_router)

# The year-end appraisal (seed 001 八.6, 五(二)): areas, kinds, supervision, paper by area.
from pingyi.ballots.yearend_api import router as yearend_router  # noqa: E402

api.add_router("", yearend_router)
