"""Forms of the events pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filon.events.models import Event


class EventForm(forms.ModelForm):
    link = forms.URLField(label=_("Lien de connexion"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "link",
            "capacity",
            "group",
            "description",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("La fin précède le début."))
        if data.get("kind") == "visio" and not data.get("link"):
            self.add_error("link", _("Une visioconférence a besoin d'un lien."))
        if data.get("kind") != "visio" and not data.get("place") and not data.get("link"):
            self.add_error("place", _("Indiquez un lieu."))
        return data
