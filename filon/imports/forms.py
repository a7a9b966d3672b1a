"""The staff's upload form: one form whatever the source."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from filon.imports.models import ImportKind

# One uploaded file at most (the request body limits are set in settings, around it).
MAX_UPLOAD_BYTES: int = settings.UPLOAD_FILE_MAX_BYTES
MAX_MAPPING_BYTES = 100_000


def _mapping_choices() -> list[tuple[str, Any]]:
    from filon.imports.sources import shipped_mappings

    return [("", _("CORDIS (organization.csv)"))] + [(n, n) for n in shipped_mappings()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de fichier"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV de l'annuaire ou des cotisations (UTF-8 ou Windows-1252, « ; », « , » ou "
            "tabulation), vCard (.vcf), Connections.csv de LinkedIn, notices theses.fr (JSON), "
            "ORCID (JSON ou XML), financements (organization.csv de CORDIS ou un CSV décrit)."
        ),
    )
    member = forms.EmailField(
        label=_("Membre (relations LinkedIn)"),
        required=False,
        help_text=_("L'e-mail du membre dont ce sont les relations LinkedIn."),
    )
    funding_layout = forms.ChoiceField(
        label=_("Mise en page (financements)"),
        required=False,
        choices=_mapping_choices,
        help_text=_("CORDIS, ou une description livrée avec Filon pour le fichier d'un financeur."),
    )
    projects = forms.FileField(
        label=_("project.csv de CORDIS (facultatif, financements)"),
        required=False,
        help_text=_("Le fichier des projets qui accompagne organization.csv."),
    )
    mapping = forms.FileField(
        label=_("Description des colonnes (facultatif, annuaire ou financements)"),
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
        kind = data.get("kind")
        if kind == ImportKind.LINKEDIN and not data.get("member"):
            self.add_error("member", _("Indiquez le membre dont ce sont les relations."))
        projects = data.get("projects")
        if projects is not None:
            if kind != ImportKind.FUNDING:
                self.add_error("projects", _("Le fichier des projets ne sert qu'aux financements."))
            elif projects.size > MAX_UPLOAD_BYTES:
                self.add_error("projects", _("Fichier trop volumineux (20 Mo au plus)."))
        if data.get("funding_layout") and kind != ImportKind.FUNDING:
            self.add_error("funding_layout", _("La mise en page ne sert qu'aux financements."))
        mapping = data.get("mapping")
        if mapping is not None:
            if kind not in (ImportKind.ANNUAIRE, ImportKind.FUNDING):
                self.add_error(
                    "mapping",
                    _("La description des colonnes ne sert qu'à l'annuaire et aux financements."),
                )
            elif mapping.size > MAX_MAPPING_BYTES:
                self.add_error("mapping", _("Fichier de description trop volumineux."))
            else:
                from filon.imports.annuaire import Mapping
                from filon.money.importers import FundingMapping

                reader: Any = Mapping if kind == ImportKind.ANNUAIRE else FundingMapping
                try:
                    text = b"".join(mapping.chunks()).decode("utf-8-sig")
                    reader.from_toml(text)
                except (UnicodeDecodeError, ValueError) as exc:
                    self.add_error("mapping", str(exc))
                else:
                    data["mapping_text"] = text
        return data
