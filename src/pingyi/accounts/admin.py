from __future__ import annotations

from django.contrib import admin

from pingyi.accounts.models import Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("code", "name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Who works for which organizing office, in which role (R17). Changes apply at once."""

    list_display = ("user", "organization", "role")
    list_filter = ("organization", "role")
    search_fields = ("user__username", "organization__name")
