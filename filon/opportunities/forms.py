"""Forms of the opportunities board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filon.opportunities.models import Opportunity
from filon.projects.models import BLOCKS


class OpportunityForm(forms.ModelForm):
    blocks = forms.TypedMultipleChoiceField(
        label=_("Blocs de compétences du doctorat recherchés"),
        choices=list(BLOCKS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(
        label=_("Codes ROME ou ESCO (facultatif)"),
        required=False,
        help_text=_("Séparés par des espaces : appellations ROME, adresses ESCO."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "contract",
            "title",
            "organisation_name",
            "location",
            "closes_on",
            "description",
            "keywords",
            "can_introduce",
        ]
        widgets = {
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["blocks"].initial = self.instance.blocks
            self.fields["skills"].initial = " ".join(
                self.instance.rome_codes + self.instance.esco_uris
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "job" and not data.get("contract"):
            self.add_error("contract", _("Un emploi est en CDI ou en CDD."))
        codes = (data.get("skills") or "").split()
        data["esco_uris"] = [c for c in codes if c.startswith("http")]
        data["rome_codes"] = [c for c in codes if not c.startswith("http")]
        data.pop("skills", None)
        return data


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=500)
