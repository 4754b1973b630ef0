"""A job: long work done by `pingyi worker` outside any request (R27).

The queue itself is django_tasks_db's table (a row per attempt); a Job is what the office
sees: whose it is, how far it got, how it ended and what it produced. Files (uploads read by
an import, the ZIP of a batch of codes, a built report) live in PINGYI_HOME/jobs/<id>/, never
in the database.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization


class JobKind(models.TextChoices):
    TOKENS = "tokens", _("Issuing ballot codes")
    PAPER_IMPORT = "paper_import", _("Importing paper ballots")
    CAMPAIGN_CREATE = "campaign_create", _("Creating a campaign from a units file")
    GRADING_IMPORT = "grading_import", _("Importing into a grading round")
    RESULTS_REPORT = "results_report", _("Building the results report")
    GRADING_REPORT = "grading_report", _("Building the grading report tables")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class FileState(models.TextChoices):
    NONE = "none", _("No file")
    READY = "ready", _("Ready to download")
    FETCHED = "fetched", _("Downloaded (deleted from the server)")
    GONE = "gone", _("Deleted")


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    subject = models.CharField(_("subject"), max_length=300)  # e.g. "2026 评议 · 服务对象 × 2000"
    params = models.JSONField(_("parameters"), default=dict)  # ids and numbers, never a code
    language = models.CharField(_("language"), max_length=10)  # the messages are written in it
    created_by = models.CharField(_("started by"), max_length=150)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)  # a msgid
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    task_id = models.CharField(_("queue entry"), max_length=64, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict)  # what the page shows when done
    error = models.TextField(_("why it failed"), blank=True)  # a sentence, never a traceback
    file_name = models.CharField(_("download name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    file_state = models.CharField(
        _("file"), max_length=10, choices=FileState.choices, default=FileState.NONE
    )
    fetched_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    # the apps above name their models by label: jobs imports none of them (issue 11)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    batch = models.OneToOneField(
        "voting.TokenBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="job"
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_beat")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class WorkerBeat(models.Model):
    """A running `pingyi worker`'s sign of life, renewed every few seconds; /readyz looks at
    the newest. A worker stopping cleanly removes its row; a killed one's row grows old."""

    worker = models.CharField(_("worker"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last sign of life"), db_index=True)

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return self.worker
