"""The staff's upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from filon.imports.models import ImportKind

# One uploaded file at most (the request body limits are set in settings, around it).
MAX_UPLOAD_BYTES: int = settings.UPLOAD_FILE_MAX_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de fichier"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV de l'annuaire (UTF-8 ou Windows-1252, « ; », « , » ou tabulation), vCard (.vcf), "
            "Connections.csv de LinkedIn, notices theses.fr (JSON) ou ORCID (JSON ou XML)."
        ),
    )
    member = forms.EmailField(
        label=_("Membre (relations LinkedIn)"),
        required=False,
        help_text=_("L'e-mail du membre dont ce sont les relations LinkedIn."),
    )
    mapping = forms.FileField(
        label=_("Description des colonnes (facultatif, annuaire)"),
        required=False,
        help_text=_(
            "Un fichier TOML qui dit quelle colonne contient quoi, pour une autre mise en page."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Fichier trop volumineux (20 Mo au plus)."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ImportKind.LINKEDIN and not data.get("member"):
            self.add_error("member", _("Indiquez le membre dont ce sont les relations."))
        mapping = data.get("mapping")
        if mapping is not None:
            if data.get("kind") != ImportKind.ANNUAIRE:
                self.add_error("mapping", _("La description des colonnes ne sert qu'à l'annuaire."))
            elif mapping.size > 100_000:
                self.add_error("mapping", _("Fichier de description trop volumineux."))
            else:
                from filon.imports.annuaire import Mapping

                try:
                    text = b"".join(mapping.chunks()).decode("utf-8-sig")
                    Mapping.from_toml(text)
                except (UnicodeDecodeError, ValueError) as exc:
                    self.add_error("mapping", str(exc))
                else:
                    data["mapping_text"] = text
        return data
