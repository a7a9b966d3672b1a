"""Forms of the staff's pages: one dues payment."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory, DuesPayment
from filon.directory.models import Person


class DuesPaymentForm(forms.Form):
    person = forms.CharField(
        label=_("Membre"),
        help_text=_("Tapez un nom puis choisissez dans la liste, ou saisissez l'identifiant."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "dues-people"}),
    )
    year = forms.IntegerField(label=_("Année"), min_value=1950, max_value=2100)
    amount = forms.DecimalField(
        label=_("Montant (€)"), min_value=0, max_digits=8, decimal_places=2, localize=True
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=DuesCategory.choices, initial=DuesCategory.FULL
    )
    paid_on = forms.DateField(
        label=_("Payée le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = date.today()
        self.fields["year"].initial = today.year
        self.fields["paid_on"].initial = today
        self.person_obj: Person | None = None

    def clean_person(self) -> Person:
        raw = self.cleaned_data["person"].strip().lstrip("#")
        # The datalist shows "123 — Jean Dupont (P58)": the id comes first.
        head = raw.split(" ", 1)[0]
        if not head.isdigit():
            raise forms.ValidationError(
                _("Choisissez un membre dans la liste (ou saisissez son identifiant).")
            )
        person = Person.objects.filter(pk=int(head)).first()
        if person is None:
            raise forms.ValidationError(_("Aucun membre n° %(id)s dans l'annuaire.") % {"id": head})
        self.person_obj = person
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, year = data.get("person"), data.get("year")
        if (
            person is not None
            and year is not None
            and DuesPayment.objects.filter(person=person, year=year).exists()
        ):
            self.add_error(
                "year",
                _("Une cotisation %(year)s est déjà enregistrée pour %(name)s.")
                % {"year": year, "name": person.full_name},
            )
        return data
