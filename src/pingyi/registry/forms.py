from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.registry.access import Access
from pingyi.registry.models import (
    BasisKind,
    Cleanup,
    Decision,
    Exclusion,
    Level,
    OrganizerKind,
    Project,
    RegisteringUnit,
)
from pingyi.registry.selectors import projects_for
from pingyi.registry.services import CARRY_OVER, ProjectSpec
from pingyi.rules import registry as rules


class CleanupForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    # Checked by the service (rules.check_code): Chinese letters are welcome.
    code = forms.CharField(label=_("Code"), max_length=80)
    name = forms.CharField(label=_("Name"), max_length=200)
    started_on = forms.DateField(
        label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.CharField(label=_("Reduction target"), initial="70%", max_length=30)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Registering unit"), max_length=200)


class MemberForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=RegisteringUnit.objects.none(), label=_("Registering unit")
    )
    username = forms.CharField(label=_("User name"), max_length=150)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[RegisteringUnit]", self.fields["unit"]).queryset = units


class ImportForm(forms.Form):
    KINDS = [
        ("form", _("Registration form (自查登记表)")),
        ("stats", _("Self-check statistics table (自查统计表)")),
    ]
    unit = forms.ModelChoiceField(
        queryset=RegisteringUnit.objects.none(), label=_("Registering unit")
    )
    kind = forms.ChoiceField(label=_("Table"), choices=KINDS)
    file = forms.FileField(label=_("File (.xlsx, .xls or .csv)"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[RegisteringUnit]", self.fields["unit"]).queryset = units


class ProjectForm(forms.Form):
    """One project registered by hand (the registration form's row)."""

    unit = forms.ModelChoiceField(
        queryset=RegisteringUnit.objects.none(), label=_("Registering unit")
    )
    name = forms.CharField(label=_("Project"), max_length=200)
    organizer = forms.CharField(label=_("Organizer"), max_length=200)
    organizer_kind = forms.ChoiceField(label=_("Organizer's system"), choices=OrganizerKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    cycle = forms.CharField(label=_("Cycle"), max_length=60)
    target_group = forms.CharField(label=_("Target group"), max_length=200)
    self_established = forms.BooleanField(label=_("Set up on its own"), required=False)
    basis_kind = forms.ChoiceField(label=_("Basis"), choices=BasisKind.choices)
    basis_title = forms.CharField(label=_("Basis document"), max_length=300, required=False)
    charges_fees = forms.BooleanField(label=_("Charges fees"), required=False)
    burdens_money = forms.BooleanField(label=_("Grassroots pay money"), required=False)
    burdens_goods = forms.BooleanField(label=_("Grassroots give goods"), required=False)
    burdens_labour = forms.BooleanField(label=_("Grassroots give labour"), required=False)
    improper_spending = forms.BooleanField(
        label=_("Hands out money or goods improperly"), required=False
    )
    established_on = forms.DateField(
        label=_("Set up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason to exist"), max_length=4000, widget=forms.Textarea, required=False
    )
    money_saved = forms.DecimalField(
        label=_("Money saved (yuan)"), min_value=Decimal(0), decimal_places=2, required=False
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[RegisteringUnit]", self.fields["unit"]).queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("basis_kind") not in (None, rules.NO_BASIS) and not data.get("basis_title"):
            self.add_error("basis_title", _("Give the title and number of the basis document."))
        return data

    def spec(self) -> ProjectSpec:
        data = dict(self.cleaned_data)
        data.pop("unit")
        return ProjectSpec(**data)


class ProjectChoiceField(forms.ModelChoiceField[Project]):
    def label_from_instance(self, obj: Project) -> str:
        """Two units may register the same name: say whose each one is."""
        return f"{obj.name} ({obj.unit.name})"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    merge_into = ProjectChoiceField(
        queryset=Project.objects.none(), label=_("Merge into"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea, required=False
    )
    money_saved = forms.DecimalField(
        label=_("Money saved (yuan)"), min_value=Decimal(0), decimal_places=2, required=False
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("ProjectChoiceField", self.fields["merge_into"]).queryset = projects


class BulkDecisionForm(forms.Form):
    """One decision for the projects ticked on the clean-up page."""

    CHOICES = [
        *Decision.choices,
        (CARRY_OVER, _("Carry over the earlier round's decision (沿用上一轮意见)")),
    ]
    projects = forms.ModelMultipleChoiceField(queryset=Project.objects.none(), label=_("Projects"))
    decision = forms.ChoiceField(label=_("Decision"), choices=CHOICES)
    merge_into = ProjectChoiceField(
        queryset=Project.objects.none(), label=_("Merge into"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )  # fmt: skip

    def __init__(self, *args: Any, projects: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = cast("forms.ModelMultipleChoiceField[Project]", self.fields["projects"])
        choice.queryset = projects
        cast("ProjectChoiceField", self.fields["merge_into"]).queryset = targets


class ExclusionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why out of scope"), choices=Exclusion.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )  # fmt: skip


class BasisForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=300)
    number = forms.CharField(label=_("Document number (文号)"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, optional)"), required=False)


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason to publish below the target"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}), required=False,
    )  # fmt: skip


def bulk_form(cleanup: Cleanup, access: Access, data: object = None) -> BulkDecisionForm:
    """The projects the user may decide in the current round, in scope."""
    projects = projects_for(cleanup, access).filter(exclusion="")
    if cleanup.round in rules.UNIT_ROUNDS and not access.run:
        projects = projects.filter(unit_id__in=access.units)
    targets = cleanup.projects.filter(exclusion="").select_related("unit").order_by("id")
    form = BulkDecisionForm(data, projects=projects, targets=targets)
    if cleanup.round == rules.SELF_CHECK:  # no earlier round to carry over
        decision = form.fields["decision"]
        decision.choices = [c for c in BulkDecisionForm.CHOICES if c[0] != CARRY_OVER]  # type: ignore[attr-defined]
    return form
