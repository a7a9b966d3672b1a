"""Forms of the outreach pages: asks, offers, messages, answers, follow-through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.core.text import fold
from filon.orgs.models import OrgAlias, Organisation, Sector
from filon.outreach.models import Answer, Ask, AskKind, Offer, OfferKind

MAX_TAGS = 10


def _split(value: str) -> list[str]:
    parts = [p.strip() for p in (value or "").replace(";", ",").split(",")]
    return list(dict.fromkeys(p for p in parts if p))


def sector_choices() -> list[tuple[str, Any]]:
    """NACE sections, each with its divisions: enough to say where one looks, short enough
    to pick from."""
    rows = list(Sector.objects.filter(level__lte=2).values_list("code", "label", "parent_id"))
    sections = sorted((code, label) for code, label, parent in rows if parent is None)
    out: list[tuple[str, Any]] = []
    for section, label in sections:
        divisions = sorted((c, f"{c} — {lab}") for c, lab, p in rows if p == section)
        out.append((f"{section} — {label}", [(section, f"{section} — {label}"), *divisions]))
    return out


def match_organisation(name: str) -> Organisation | None:
    """The directory's organisation a member means by ``name``, if any."""
    key = fold(name)
    org = (
        Organisation.objects.filter(name_folded=key).order_by("pk").first()
        or Organisation.objects.filter(short_name__iexact=name).order_by("pk").first()
    )
    if org is None:
        first = OrgAlias.objects.filter(name_folded=key).select_related("organisation").first()
        org = first.organisation if first is not None else None
    return org


class TaggedForm(forms.Form):
    title = forms.CharField(label=_("En une phrase"), max_length=200)
    text = forms.CharField(
        label=_("En quelques lignes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Secteurs"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_(
            "Sections et divisions de la nomenclature NACE (Ctrl pour en choisir plusieurs)."
        ),
    )
    organisations = forms.CharField(
        label=_("Organisations"),
        required=False,
        help_text=_(
            "Entreprises, laboratoires, financeurs… séparés par des virgules. Celles que "
            "l'annuaire connaît sont reconnues ; les autres sont gardées telles quelles."
        ),
    )
    skills = forms.CharField(
        label=_("Compétences"),
        required=False,
        help_text=_("Séparées par des virgules, par exemple : Télédétection, Python."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = sector_choices()  # type: ignore[attr-defined]

    def clean_sectors(self) -> list[Sector]:
        codes = self.cleaned_data["sectors"][:MAX_TAGS]
        return list(Sector.objects.filter(code__in=codes))

    def clean_organisations(self) -> list[Organisation | str]:
        """Each name: the directory's organisation when one matches (name, short name or
        alias), else the name as written — a member may ask about a place nobody knows yet."""
        out: list[Organisation | str] = []
        for name in _split(self.cleaned_data["organisations"])[:MAX_TAGS]:
            org = match_organisation(name)
            value: Organisation | str = org if org is not None else name[:200]
            if value not in out:
                out.append(value)
        return out

    def clean_skills(self) -> list[str]:
        names = [n[:200] for n in _split(self.cleaned_data["skills"])]
        return names[:MAX_TAGS]

    @staticmethod
    def initial_for(obj: Ask | Offer) -> dict[str, Any]:
        return {
            "title": obj.title,
            "text": obj.text,
            "sectors": [s.code for s in obj.sectors.all()],
            "organisations": ", ".join(
                [*(o.name for o in obj.organisations.all()), *(obj.other_organisations or ())]
            ),
            "skills": ", ".join(s.name for s in obj.skills.all()),
        }


class AskForm(TaggedForm):
    kind = forms.ChoiceField(label=_("Je cherche"), choices=AskKind.choices)
    deadline = forms.DateField(
        label=_("Avant le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Facultatif : la demande disparaît du fil après cette date."),
    )
    field_order = ["kind", "title", "text", "deadline", "sectors", "organisations", "skills"]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError(_("La date est déjà passée."))
        return deadline

    @classmethod
    def for_ask(cls, ask: Ask, data: Any = None) -> AskForm:
        initial = {**cls.initial_for(ask), "kind": ask.kind, "deadline": ask.deadline}
        return cls(data, initial=initial)


class OfferForm(TaggedForm):
    kind = forms.ChoiceField(label=_("Je peux"), choices=OfferKind.choices)
    capacity_per_month = forms.IntegerField(
        label=_("Combien de fois par mois"), min_value=1, max_value=50, initial=2
    )
    field_order = [
        "kind",
        "title",
        "text",
        "capacity_per_month",
        "sectors",
        "organisations",
        "skills",
    ]

    @classmethod
    def for_offer(cls, offer: Offer, data: Any = None) -> OfferForm:
        initial = {
            **cls.initial_for(offer),
            "kind": offer.kind,
            "capacity_per_month": offer.capacity_per_month,
        }
        return cls(data, initial=initial)


class ContactRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=3000,
    )
    language = forms.ChoiceField(
        choices=[("fr", "Français"), ("en", "English")], widget=forms.HiddenInput
    )
    ask = forms.IntegerField(required=False, widget=forms.HiddenInput)


class IntroductionForm(forms.Form):
    connector = forms.IntegerField(label=_("Qui peut vous présenter ?"))
    reason = forms.CharField(
        label=_("Pourquoi voulez-vous rencontrer cette personne ?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=_("L'intermédiaire lira ce texte, puis la personne si l'intermédiaire accepte."),
    )
    ask = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=Answer.choices)
    note = forms.CharField(
        label=_("Un mot pour la personne à rencontrer (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )


class MeetingForm(forms.Form):
    met_on = forms.DateField(
        label=_("Nous nous sommes parlé le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Ce que j'en retiens"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )

    def clean_met_on(self) -> Any:
        met_on = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError(_("Cette date est dans le futur."))
        return met_on


class ThanksForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message de remerciement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        initial=_("Merci beaucoup pour votre aide !"),
    )


class LedgerForm(forms.Form):
    show_counts = forms.BooleanField(
        label=_("Afficher mon bilan d'entraide sur mon profil"),
        required=False,
        help_text=_("Le nombre de mises en relation faites et de demandes acceptées."),
    )
