"""Forms of the directory: one's own profile and contact points, erasure confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from filon.core.phones import display_phone
from filon.directory.models import ContactKind, ContactPoint, Person, Visibility
from filon.directory.privacy import FIELD_GROUPS, field_visibility


def visibility_field_name(group: str) -> str:
    return f"visibility_{group}"


class ProfileForm(forms.ModelForm):
    """Identity, presentation, who sees each part of the profile, and the two opt-outs."""

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "headline",
            "bio",
            "city",
            "country",
            "directory_opt_out",
            "intermediary_opt_out",
        ]
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "headline": _("En une ligne"),
            "bio": _("Présentation"),
            "city": _("Ville"),
            "country": _("Pays (code à deux lettres)"),
            "directory_opt_out": _("Ne pas apparaître dans l'annuaire"),
            "intermediary_opt_out": _("Ne pas servir d'intermédiaire"),
        }
        help_texts = {
            "headline": _("Ce que vous faites ou proposez, en une phrase."),
            "country": _("FR, DE, NO…"),
            "directory_opt_out": _(
                "Votre fiche n'apparaîtra plus dans les recherches ni sur les pages des autres "
                "membres ; seule l'équipe de l'association la verra. Vos cotisations restent "
                "comptées."
            ),
            "intermediary_opt_out": _(
                "Filon ne vous proposera plus comme maillon d'une mise en relation entre deux "
                "autres membres. Vous restez joignable directement."
            ),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        for group, (label, _default) in FIELD_GROUPS.items():
            self.fields[visibility_field_name(group)] = forms.ChoiceField(
                label=label,
                choices=Visibility.choices,
                initial=field_visibility(self.instance, group),
            )

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise forms.ValidationError(_("Indiquez le code du pays en deux lettres (FR)."))
        return country

    def visibility(self) -> dict[str, str]:
        return {g: self.cleaned_data[visibility_field_name(g)] for g in FIELD_GROUPS}

    def visibility_fields(self) -> list[forms.BoundField]:
        return [self[visibility_field_name(g)] for g in FIELD_GROUPS]


class ContactPointForm(forms.ModelForm):
    class Meta:
        model = ContactPoint
        fields = ["kind", "value", "label", "visibility"]
        labels = {
            "kind": _("Type"),
            "value": _("E-mail ou numéro"),
            "label": _("Libellé"),
            "visibility": _("Visible par"),
        }
        help_texts = {"label": ""}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.kind == ContactKind.PHONE:
            # Stored in E.164, edited the way the member writes it: 06 12 34 56 78.
            self.initial["value"] = display_phone(self.instance.value)

    def has_changed(self) -> bool:
        # The blank row for adding a contact is ignored until a value is typed in it, even
        # though its type and visibility menus always post a choice.
        if (
            self.instance.pk is None
            and not str(self.data.get(self.add_prefix("value"), "")).strip()
        ):
            return False
        return super().has_changed()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value")
        if kind and value:
            # Normalised before the formset looks for duplicates ("06…" and "+33 6…" are one).
            probe = ContactPoint(kind=kind, value=value)
            try:
                probe.clean()
            except ValidationError:
                pass  # the model's own clean() puts the message next to the field
            else:
                data["value"] = probe.value
        return data


class BaseContactFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check: Any) -> str:
        return str(_("Cette coordonnée figure deux fois."))


ContactFormSet = inlineformset_factory(
    Person,
    ContactPoint,
    form=ContactPointForm,
    formset=BaseContactFormSet,
    extra=1,
    can_delete=True,
)


class ErasureForm(forms.Form):
    """Erasure is irreversible: the person's full name, typed exactly, confirms it."""

    full_name = forms.CharField(label=_("Nom complet de la personne"), max_length=210)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_full_name(self) -> str:
        typed = self.cleaned_data["full_name"].strip()
        if typed != self.expected:
            raise forms.ValidationError(
                _("Le nom saisi ne correspond pas exactement : rien n'a été effacé.")
            )
        return typed
