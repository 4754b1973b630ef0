"""The grading pages, named `grading:<name>`; access matrix in tests/grading/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "grading"

urlpatterns: list[URLPattern] = []
