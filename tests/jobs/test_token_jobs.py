"""R27 for codes: issuing is a job; its ZIP is built by the worker, downloaded once, and a
batch can be withdrawn. Issue 12, item 2."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from pingyi.audit.models import AuditEntry
from pingyi.jobs import files
from pingyi.jobs.models import FileState, Job, JobKind, JobStatus
from pingyi.voting.models import BallotToken, TokenBatch
from pingyi.voting.selectors import collection_status
from tests.jobs.conftest import (
    PUBLIC,
    Cast,
    client_for,
    fetch,
    run_worker,
    wait_for,
    worker_process,
    zip_codes,
)

LIVE = pytest.mark.django_db(transaction=True)


def _issue(cast: Cast, count: int, user: Any = None) -> Job:
    group = cast.campaign.groups.get(name="服务对象")
    response = client_for(user or cast.alice).post(
        f"/staff/c/{cast.campaign.code}/tokens", {"group": group.pk, "count": count}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/jobs/{job.pk}/"
    return job


@pytest.mark.django_db
def test_issuing_2000_codes_returns_at_once_with_a_waiting_job(cast: Cast) -> None:
    job = _issue(cast, 2000)
    # Nothing was drawn in the request: no code exists yet, the job waits in the queue.
    assert (job.kind, job.status, job.progress) == (JobKind.TOKENS, JobStatus.QUEUED, 0)
    assert BallotToken.objects.count() == 0
    entry = DBTaskResult.objects.get(pk=job.task_id)
    assert (entry.status, entry.args_kwargs["args"]) == ("READY", [str(job.pk)])
    page = client_for(cast.alice).get(f"/staff/jobs/{job.pk}/")
    assert 'id="job-progress"' in page.content.decode()
    status = client_for(cast.alice).get(f"/staff/jobs/{job.pk}/status").json()
    assert status == {
        "status": "queued",
        "label": "Waiting for the worker",
        "progress": 0,
        "step": "",
        "finished": False,
    }


@pytest.mark.django_db
def test_a_refused_batch_is_refused_at_once_and_nothing_is_queued(cast: Cast) -> None:
    cast.campaign.status = "closed"
    cast.campaign.save()
    group = cast.campaign.groups.get(name="服务对象")
    client = client_for(cast.alice)
    response = client.post(
        f"/staff/c/{cast.campaign.code}/tokens", {"group": group.pk, "count": 5}, follow=True
    )
    assert "ballots are accepted only while the campaign is open" in response.content.decode()
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.slow
@LIVE
def test_a_worker_process_builds_2000_codes_with_visible_progress_and_one_download(
    cast: Cast, _jobs_home: Path, settings: Any
) -> None:
    settings.PINGYI_PUBLIC_URL = PUBLIC
    job = _issue(cast, 2000)
    seen: set[int] = set()
    client = client_for(cast.alice)
    with worker_process(_jobs_home):

        def finished() -> bool:
            state = client.get(f"/staff/jobs/{job.pk}/status").json()
            seen.add(state["progress"])
            return bool(state["finished"])

        wait_for(finished, timeout=600, every=0.3)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert any(0 < p < 100 for p in seen), seen  # the bar moved while the sheets were drawn
    assert job.file_state == FileState.READY and job.batch is not None
    folder = files.job_folder(job.pk)
    assert [p.name for p in folder.iterdir()] == ["output.zip"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "output.zip").stat().st_mode & 0o777) == "0o600"

    status, data = fetch(client, job)
    assert status == 200
    rows = zip_codes(data)
    assert len(rows) == 2000 == job.batch.size
    assert {r["link"].split("#")[0] for r in rows} == {f"{PUBLIC}/v/"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(n.rsplit(".", 1)[1] for n in archive.namelist()) == ["csv", "pdf"]

    # Downloaded once: the file is gone from disk and a second download is refused.
    assert not folder.exists()
    job.refresh_from_db()
    assert job.file_state == FileState.FETCHED and job.fetched_at is not None
    again, body = fetch(client, job)
    assert again == 410
    assert "deleted from the server" in body.decode()
    assert not list(Path(files.job_folder(job.pk)).parent.glob("**/*.zip"))


@LIVE
def test_only_the_issuer_downloads_and_a_broken_off_download_keeps_the_file(
    cast: Cast, settings: Any
) -> None:
    from pingyi.accounts.models import Membership, Role

    job = _issue(cast, 3)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    colleague = cast.bob
    Membership.objects.filter(user=colleague).update(role=Role.STAFF)
    assert fetch(client_for(colleague), job)[0] == 403
    assert fetch(client_for(cast.charlie), job)[0] == 404  # another office: not found
    response = client_for(cast.alice).get(f"/staff/jobs/{job.pk}/download")
    stream = iter(response.streaming_content)  # type: ignore[attr-defined]
    next(stream)  # the browser went away after the first chunk
    response.close()
    assert files.output_path(job.pk) is not None
    job.refresh_from_db()
    assert job.file_state == FileState.READY
    assert fetch(client_for(cast.alice), job)[0] == 200
    assert files.output_path(job.pk) is None


def _vote(code: str) -> int:
    cache.clear()
    from django.test import Client

    response = Client().post(
        "/api/ballots", {"token": code, "marks": {"L1": "满意"}}, content_type="application/json"
    )
    return response.status_code


@LIVE
def test_a_withdrawn_batch_is_refused_at_the_ballot_endpoint_and_no_longer_counted(
    cast: Cast,
) -> None:
    job = _issue(cast, 5)
    run_worker()
    codes = [r["code"] for r in zip_codes(fetch(client_for(cast.alice), Job.objects.get())[1])]
    assert _vote(codes[0]) == 201
    batch = TokenBatch.objects.get()
    client = client_for(cast.alice)
    url = f"/staff/c/{cast.campaign.code}/batches/{batch.pk}/withdraw"

    confirm = client.get(url).content.decode()
    assert "4 unused codes of this batch will be voided." in confirm
    assert "1 code was already used: its ballot stays counted." in confirm
    assert BallotToken.objects.filter(void=True).count() == 0  # asking is not doing

    done = client.post(url, follow=True).content.decode()
    assert "Batch withdrawn: 4 unused codes voided." in done
    assert [_vote(code) for code in codes] == [409] * 5
    counts = collection_status(cast.campaign)
    assert (counts.tokens_issued, counts.tokens_used, counts.tokens_withdrawn) == (1, 1, 4)
    page = client.get(f"/staff/c/{cast.campaign.code}/").content.decode()
    assert 'id="withdrawn"' in page and "<b>4</b>" in page
    entry = AuditEntry.objects.filter(action="voting.tokens.withdrawn").get()
    assert entry.data == {"batch": batch.pk, "count": 4}
    again = client.post(url, follow=True).content.decode()
    assert "this batch has no unused code left to withdraw" in again
    del job


@LIVE
def test_withdrawing_a_batch_before_its_download_deletes_its_zip(cast: Cast) -> None:
    job = _issue(cast, 4)
    run_worker()
    job.refresh_from_db()
    assert files.output_path(job.pk) is not None
    url = f"/staff/c/{cast.campaign.code}/batches/{job.batch_id}/withdraw"
    page = client_for(cast.alice).get(url).content.decode()
    assert "The ZIP of this batch, not yet downloaded, is deleted." in page
    client_for(cast.alice).post(url)
    assert files.output_path(job.pk) is None
    job.refresh_from_db()
    assert job.file_state == FileState.GONE
    assert fetch(client_for(cast.alice), job)[0] == 410


@pytest.mark.django_db
def test_a_viewer_and_another_office_cannot_withdraw(cast: Cast, issued: Any) -> None:
    url = f"/staff/c/{cast.campaign.code}/batches/{issued.batch.pk}/withdraw"
    assert client_for(cast.bob).post(url).status_code == 403
    assert client_for(cast.charlie).post(url).status_code == 404
    assert BallotToken.objects.filter(void=True).count() == 0
