from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pingyi.audit import actions
from pingyi.audit.models import AuditEntry, LaneEntry


class ActionFilter(admin.SimpleListFilter):
    """The actions the log holds, by their labels; an action's old names are listed with it."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        stored = model_admin.model.objects.values_list("action", flat=True).distinct()
        current = {actions.current(name) for name in stored}
        return sorted(((name, actions.label(name)) for name in current), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(action__in=actions.names(actions.current(value)))


class _ReadOnly(admin.ModelAdmin[Any]):
    """The audit log is read-only for everyone, administrators included."""

    readonly_fields = (
        "seq",
        "at",
        "actor",
        "action",
        "action_label",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    )

    @admin.display(description=_("what was done"), ordering="action")
    def action_label(self, entry: AuditEntry | LaneEntry) -> str:
        return actions.label(entry.action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnly):
    list_display = ("seq", "at", "actor", "action_label", "object_type", "object_id")
    list_filter = (ActionFilter,)


@admin.register(LaneEntry)
class LaneEntryAdmin(_ReadOnly):
    """The casts' lanes: read-only like the main chain."""

    list_display = ("lane", "seq", "at", "action_label", "object_type", "object_id")
    list_filter = ("lane", ActionFilter)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("lane", *_ReadOnly.readonly_fields)
