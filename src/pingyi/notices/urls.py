"""The notices pages, named `notices:<name>`; access matrix in tests/notices/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "notices"

urlpatterns: list[URLPattern] = []
