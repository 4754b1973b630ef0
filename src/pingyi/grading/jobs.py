"""The jobs that import into a grading round and build its report tables (registered with
jobs in GradingConfig.ready())."""

from __future__ import annotations

from pingyi.jobs import files
from pingyi.jobs.handlers import (
    STEP_BUILDING,
    STEP_COUNTING,
    STEP_WRITING,
    Handler,
    Output,
    starter,
    upload,
    upload_kept,
)
from pingyi.jobs.models import Job, JobKind
from pingyi.jobs.progress import Progress


def _grading_report(job: Job, progress: Progress) -> Output:
    from pingyi.exports.grading_pdf import write_grading_pdf
    from pingyi.exports.grading_workbook import write_grading_workbook
    from pingyi.grading.models import Committee, GradingRound
    from pingyi.grading.selectors import grading_reports, round_scheme

    grading_round = GradingRound.objects.get(pk=job.params["round"])
    fmt = job.params["format"]
    progress.set(5, STEP_COUNTING)
    committees = job.params.get("committees")  # a committee's own files: its organizations
    rows = grading_reports(grading_round, committees)
    progress.set(30, STEP_BUILDING)
    part, final = files.output_part(job.pk, f".{fmt}")
    scheme, title = round_scheme(grading_round), grading_round.name
    names = ""
    if committees:  # the committee's files say whose they are, inside and in their name
        found = Committee.objects.filter(pk__in=committees).order_by("position")
        names = "、".join(found.values_list("name", flat=True))
        title = f"{title} · {names}"
    if fmt == "xlsx":
        write_grading_workbook(part, rows, scheme=scheme, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        progress.expect(8, until=95)
        write_grading_pdf(part, rows, scheme=scheme, title=title)
        content_type = "application/pdf"
    files.output_publish(part, final)
    suffix = f"-{names}" if names else ""
    return Output(
        file_name=f"{grading_round.code}-grading{suffix}.{fmt}", content_type=content_type
    )


def _grading_import(job: Job, progress: Progress) -> Output:
    from pingyi.grading import services
    from pingyi.grading.models import GradingRound

    service = {"orgs": services.orgs_import, "scores": services.assessments_import}[
        job.params["what"]
    ]
    grading_round = GradingRound.objects.get(pk=job.params["round"])
    progress.set(10, STEP_WRITING)
    count = service(
        grading_round=grading_round,
        path=upload(job),
        label=job.params["label"],
        actor=starter(job),
    )
    return Output(outcome={"rows": count, "round": grading_round.code})


HANDLERS: dict[str, Handler] = {
    JobKind.GRADING_REPORT: Handler(run=_grading_report),
    JobKind.GRADING_IMPORT: Handler(run=_grading_import, restartable=upload_kept),
}
