"""The rectification pages, named `rectification:<name>`; access matrix in tests/rectification/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "rectification"

urlpatterns: list[URLPattern] = []
