from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pingyi.audit.models import AuditEntry, LaneEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """The audit log is read-only for everyone, administrators included."""

    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = (
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(LaneEntry)
class LaneEntryAdmin(admin.ModelAdmin[LaneEntry]):
    """The casts' lanes: read-only like the main chain."""

    list_display = ("lane", "seq", "at", "action", "object_type", "object_id")
    list_filter = ("lane", "action")
    readonly_fields = ("lane", *AuditEntryAdmin.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LaneEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LaneEntry | None = None) -> bool:
        return False
