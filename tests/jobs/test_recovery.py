"""R27: a worker that dies mid-job loses nothing silently. The job is run again when that
cannot do anything twice, or fails with a message that says what to do; a batch whose codes
were stored but whose sheets were never built is left for the office to withdraw."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pingyi.accounts.actors import Actor
from pingyi.jobs import files
from pingyi.jobs.execute import job_claim
from pingyi.jobs.models import FileState, Job, JobStatus
from pingyi.jobs.services import jobs_recover
from pingyi.voting.models import BallotToken, TokenBatch
from pingyi.voting.selectors import collection_status
from tests.jobs.conftest import Cast, client_for, run_worker, wait_for, worker_process
from tests.jobs.test_token_jobs import _issue

LIVE = pytest.mark.django_db(transaction=True)


def _lost(job: Job, *, minutes: int = 10) -> None:
    """As if a worker took the job and died: the queue entry and the job left running."""
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=timezone.now())
    assert job_claim(str(job.pk), worker="dead-worker") is not None
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


@pytest.mark.slow
@LIVE
def test_a_worker_killed_while_drawing_leaves_a_batch_to_withdraw(
    cast: Cast, _jobs_home: Path
) -> None:
    job = _issue(cast, 2000)
    with worker_process(_jobs_home, PINGYI_JOB_STALE_SECONDS="2") as worker:
        wait_for(lambda: Job.objects.filter(pk=job.pk, batch__isnull=False).exists())
        worker.kill()  # the codes are stored; their sheets exist nowhere
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and files.output_path(job.pk) is None
    with worker_process(_jobs_home, PINGYI_JOB_STALE_SECONDS="2"):
        wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.FAILED, timeout=60)
    job.refresh_from_db()
    assert job.error == (
        "The worker stopped while drawing the sheets of this batch: its 2000 codes were never "
        "delivered and cannot be shown again. Withdraw the batch and issue it again."
    )
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"  # not left running
    client = client_for(cast.alice)
    page = client.get(f"/staff/jobs/{job.pk}/").content.decode()
    assert 'id="job-withdraw"' in page and "Traceback" not in page
    campaign_page = client.get(f"/staff/c/{cast.campaign.code}/").content.decode()
    assert "never delivered: withdraw it and issue again" in campaign_page
    assert collection_status(cast.campaign).tokens_issued == 2000  # until withdrawn
    client.post(f"/staff/c/{cast.campaign.code}/batches/{job.batch_id}/withdraw")
    counts = collection_status(cast.campaign)
    assert (counts.tokens_issued, counts.tokens_withdrawn) == (0, 2000)


@LIVE
def test_a_job_lost_before_its_codes_were_stored_runs_again(cast: Cast) -> None:
    job = _issue(cast, 3)
    _lost(job)
    run_worker()  # finds the lost job at start, queues it again, runs it
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file_state) == (JobStatus.DONE, 2, FileState.READY)
    assert TokenBatch.objects.count() == 1 and BallotToken.objects.count() == 3
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1  # the lost attempt


@LIVE
def test_a_job_lost_after_its_zip_was_saved_is_done(cast: Cast) -> None:
    job = _issue(cast, 3)
    run_worker()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        file_state=FileState.NONE,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert [j.pk for j in jobs_recover()] == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.file_state) == (JobStatus.DONE, FileState.READY)


@LIVE
def test_a_job_lost_three_times_is_not_started_again(cast: Cast) -> None:
    job = _issue(cast, 3)
    _lost(job)
    Job.objects.filter(pk=job.pk).update(attempts=3)
    jobs_recover()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The worker stopped 3 times while running this job")
    assert not BallotToken.objects.exists()


@LIVE
def test_a_failed_job_says_so_in_chinese_and_logs_the_traceback(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("pingyi.exports.token_sheets.write_token_bundle", broken)
    job = _issue(cast, 3)
    with caplog.at_level(logging.ERROR, logger="pingyi.jobs"):
        run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "任务因内部错误而停止" in job.error and str(job.pk) in job.error
    assert "已作废" in job.error  # nobody got the codes: they were withdrawn
    assert BallotToken.objects.filter(void=False).count() == 0
    page = client_for(cast.alice).get(f"/staff/jobs/{job.pk}/").content.decode()
    assert "任务失败" in page and "Traceback" not in page and "OSError" not in page
    assert "disk full" in caplog.text and "Traceback" in caplog.text


@LIVE
def test_a_zip_never_downloaded_is_deleted_once_its_campaign_closed(cast: Cast) -> None:
    from pingyi.campaigns.services import campaign_close
    from pingyi.jobs.services import jobs_prune

    job = _issue(cast, 2)
    run_worker()
    jobs_prune()
    assert files.output_path(job.pk) is not None  # the campaign still takes ballots
    campaign_close(campaign=cast.campaign, actor=Actor.operator("alice"))
    jobs_prune()
    job.refresh_from_db()
    assert files.output_path(job.pk) is None and job.file_state == FileState.GONE
