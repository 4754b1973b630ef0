"""The job that creates a campaign from a units file (registered with jobs in
CampaignsConfig.ready())."""

from __future__ import annotations

from pingyi.jobs.handlers import STEP_READING, Handler, Output, starter, upload, upload_kept
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress


def _campaign_create(job: Job, progress: Progress) -> Output:
    from pingyi.accounts.models import Organization
    from pingyi.campaigns.services import campaign_create_from_file
    from pingyi.rules.scheme import builtin_scheme, scheme_from_toml

    params = job.params
    progress.set(5, STEP_READING)
    scheme = builtin_scheme()
    if params.get("scheme_toml"):
        scheme = scheme_from_toml(params["scheme_toml"], params["scheme_label"])
    organization = Organization.objects.get(pk=job.organization_id)
    campaign = campaign_create_from_file(
        units_file=upload(job),
        label=params["label"],
        scheme=scheme,
        actor=starter(job),
        organization_code=organization.code,
        organization_name=organization.name,
        series_code=params["series_code"],
        series_name=params["series_name"],
        year=int(params["year"]),
        name=params["name"],
    )
    Job.objects.filter(pk=job.pk).update(campaign=campaign)
    return Output(outcome={"campaign": campaign.code, "units": campaign.units.count()})


HANDLERS: dict[str, Handler] = {
    JobKind.CAMPAIGN_CREATE: Handler(run=_campaign_create, restartable=upload_kept)
}
