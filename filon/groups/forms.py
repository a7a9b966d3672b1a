"""Forms of the groups pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from filon.network.models import Group


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "admission", "place", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 8}))
