"""The jobs that import paper ballots and build the results report (registered with jobs in
BallotsConfig.ready())."""

from __future__ import annotations

from pingyi.campaigns.models import Campaign
from pingyi.jobs import files
from pingyi.jobs.handlers import (
    STEP_BUILDING,
    STEP_COUNTING,
    STEP_READING,
    Handler,
    Output,
    starter,
    upload,
    upload_kept,
)
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress


def _results_report(job: Job, progress: Progress) -> Output:
    from pingyi.ballots.selectors import campaign_results

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    fmt = job.params["format"]
    progress.set(5, STEP_COUNTING)
    found = campaign_results(campaign)  # the one door: refuses under k (R12)
    result = found.tally
    progress.set(30, STEP_BUILDING)
    part, final = files.output_part(job.pk, f".{fmt}")
    if fmt == "xlsx":
        from pingyi.ballots.yearend_selectors import campaign_yearend
        from pingyi.exports.results_workbook import write_results_workbook

        yearend = campaign_yearend(campaign, found.kinds)
        write_results_workbook(part, result, title=campaign.name, yearend=yearend)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        from pingyi.exports.results_pdf import write_results_pdf

        progress.expect(8, until=95)
        write_results_pdf(part, result, title=campaign.name)
        content_type = "application/pdf"
    files.output_publish(part, final)
    return Output(file_name=f"{campaign.code}.{fmt}", content_type=content_type)


def _paper_import(job: Job, progress: Progress) -> Output:
    from pingyi.ballots.services import ballots_import_file

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    progress.set(5, STEP_READING)
    report = ballots_import_file(
        campaign=campaign,
        path=upload(job),
        label=job.params["label"],
        actor=starter(job),
        area=job.params.get("area", ""),
    )
    rejected = [{"row": r.row, "ballot_no": r.ballot_no} for r in report.rejected]
    return Output(
        outcome={"imported": report.imported, "invalid": report.invalid, "rejected": rejected}
    )


HANDLERS: dict[str, Handler] = {
    JobKind.RESULTS_REPORT: Handler(run=_results_report),
    JobKind.PAPER_IMPORT: Handler(run=_paper_import, restartable=upload_kept),
}
