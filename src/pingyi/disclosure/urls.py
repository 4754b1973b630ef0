"""The disclosure pages, named `disclosure:<name>`; access matrix in tests/disclosure/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "disclosure"

urlpatterns: list[URLPattern] = []
