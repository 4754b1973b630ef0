"""The admin shows campaigns and their rosters; it never shows ballots (R12)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pingyi.campaigns.models import Campaign, Category, EvaluatorGroup, Series, Unit


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin[Series]):
    list_display = ("code", "name", "organization")


class _RosterInline(admin.TabularInline[Any, Campaign]):
    """The roster is frozen once a campaign opens (R13): it is shown, never edited here."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False


class UnitInline(_RosterInline):
    model = Unit
    fields = ("position", "code", "name", "category", "veto")


class CategoryInline(_RosterInline):
    model = Category
    fields = ("position", "code", "name", "winner_places")


class GroupInline(_RosterInline):
    model = EvaluatorGroup
    fields = ("position", "code", "name", "target_share")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    """Read-only here: campaigns change only through their services (phases, audit)."""

    list_display = ("code", "name", "year", "status", "series")
    list_filter = ("status", "series")
    inlines = (CategoryInline, GroupInline, UnitInline)
    readonly_fields = ("series", "code", "year", "name", "status", "scheme", "previous_last")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False
