"""Forms of the notice pages: they parse and check shape; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pingyi.notices.models import Notice, NoticeEntry, NoticeKind, Objection
from pingyi.rules import grading as grading_rules
from pingyi.rules import notice as rules
from pingyi.rules.tally import FLAG_ORDER
from pingyi.web.templatetags.pingyi_tags import FLAG_LABELS


class ObjectionForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    text = forms.CharField(
        label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        required=False,
        max_length=200,
        help_text=_("Only the organizing office sees it."),
    )

    def __init__(
        self,
        *args: Any,
        notice: Notice,
        entries: Iterable[NoticeEntry] | None = None,
        **kwargs: Any,
    ) -> None:
        """``entries``: the notice's entries when the caller has them (no second query)."""
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["unit"])
        if notice.kind == NoticeKind.GRADING:
            field.label = _("Party organization")
        rows = entries if entries is not None else notice.entries.order_by("position")
        field.choices = [(e.code, f"{e.name}（{e.group}）") for e in rows]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30)


class PublishForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days on notice"), min_value=1, max_value=rules.MAX_DAYS, required=False
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Investigated by"), queryset=None
    )

    def __init__(self, *args: Any, notice: Notice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Any], self.fields["assignee"])
        field.queryset = (
            get_user_model()
            .objects.filter(memberships__organization=notice.organization_id)
            .order_by("username")
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Investigation note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (public)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class _ObjectionChoice(forms.ModelChoiceField[Objection]):
    def label_from_instance(self, obj: Objection) -> str:
        return f"#{obj.pk} {obj.entry.name}"


VETO_CHOICES = [("", _("unchanged")), ("yes", _("under veto")), ("no", _("no veto"))]


GRADE_CHOICES = [("", _("unchanged")), *((g, g) for g in grading_rules.GRADES)]


class ReviewForm(forms.Form):
    """A review of one unit: any of veto, rank and flags (a campaign) or its grade (a
    grading); a reason and an approver."""

    unit = forms.ChoiceField(label=_("Unit"))
    veto = forms.ChoiceField(label=_("One-vote veto"), choices=VETO_CHOICES, required=False)
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=GRADE_CHOICES, required=False)
    # Ticking a flag sets the unit's flags to those ticked; this box is for setting none.
    set_flags = forms.BooleanField(
        label=_("Remove every flag (tick no flag below)"), required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"),
        choices=[(f, FLAG_LABELS.get(f, f)) for f in FLAG_ORDER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The unit's flags become exactly those ticked; leave all unticked to keep "
            "its flags as they are."
        ),
    )
    reason = forms.CharField(
        label=_("Why the result changes"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approved_by = forms.CharField(label=_("Approved by"), max_length=200)
    objection = _ObjectionChoice(
        label=_("Objection it answers"), queryset=Objection.objects.none(), required=False
    )

    def __init__(self, *args: Any, notice: Notice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ChoiceField, self.fields["unit"])
        unit.choices = [(e.code, f"{e.code} {e.name}") for e in notice.entries.order_by("position")]
        objection = cast(forms.ModelChoiceField[Objection], self.fields["objection"])
        objection.queryset = notice.objections.select_related("entry").order_by("pk")
        grading = notice.kind == NoticeKind.GRADING
        for name in ("veto", "rank", "set_flags", "flags") if grading else ("grade",):
            del self.fields[name]
        if grading:
            unit.label = _("Party organization")

    def clean(self) -> dict[str, Any]:
        """Refuses a review that asks for no change, naming what it can change; a flag ticked
        together with "remove every flag" is a contradiction, said as such."""
        data = super().clean() or {}
        if data.get("set_flags") and data.get("flags"):
            raise forms.ValidationError(
                _("Either tick the flags the unit should have, or “Remove every flag” — not both.")
            )
        asked = [data.get(k) for k in ("veto", "rank", "grade", "set_flags", "flags")]
        if not any(v not in (None, "", []) and v is not False for v in asked):
            raise forms.ValidationError(
                _("Say what the review changes: the grade.")
                if "grade" in self.fields
                else _("Say what the review changes: the one-vote veto, the rank, or the flags.")
            )
        return data

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of review_apply this form asks for: flags ticked set the
        unit's flags to exactly those; "remove every flag" sets none; neither keeps them."""
        data = self.cleaned_data
        veto = {"yes": True, "no": False}.get(data.get("veto") or "")
        flags = list(data.get("flags") or [])
        return {
            "entry_code": data["unit"],
            "veto": veto,
            "rank": data.get("rank"),
            "flags": flags if flags or data.get("set_flags") else None,
            "reason": data["reason"],
            "approved_by": data["approved_by"],
            "objection": data.get("objection"),
            "grade": data.get("grade") or None,
        }
