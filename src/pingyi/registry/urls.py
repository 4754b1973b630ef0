"""The registry pages, named `registry:<name>`; access matrix in tests/registry/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "registry"

urlpatterns: list[URLPattern] = []
