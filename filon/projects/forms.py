"""Forms of the project pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filon.projects.models import (
    BLOCKS,
    CommitmentKind,
    Competence,
    Desire,
    Dimension,
    Effect,
    Hypothesis,
    Meeting,
    MeetingFormat,
    NoteKind,
    Scenario,
)

NOTE_ROWS = 5
REFERRAL_ROWS = 3


class CompetenceForm(forms.ModelForm):
    blocks = forms.TypedMultipleChoiceField(
        label=_("Blocs de compétences du doctorat"),
        choices=list(BLOCKS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    taxonomy = forms.CharField(
        label=_("Métiers ROME ou compétences ESCO (libellés, séparés par des virgules)"),
        required=False,
        help_text=_("Par exemple : géomaticien, data scientist, teaching and training."),
    )

    class Meta:
        model = Competence
        fields = ["statement", "evidence", "blocks"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}


class DesireForm(forms.ModelForm):
    class Meta:
        model = Desire
        fields = ["kind", "text", "weight"]


class ScenarioForm(forms.ModelForm):
    nace = forms.CharField(
        label=_("Secteurs (codes NACE, séparés par des virgules)"), required=False
    )
    buyers = forms.CharField(
        label=_("Organisations exemples (noms, séparés par des virgules)"), required=False
    )
    funder_names = forms.CharField(
        label=_("Qui finance déjà ce travail (noms, séparés par des virgules)"), required=False
    )

    class Meta:
        model = Scenario
        fields = [
            "title",
            "one_liner",
            "offer_type",
            "expertise_link",
            "distance",
            "segment",
            "buyer_role",
            "problem",
            "current_solution",
            "price_model",
            "price_min",
            "price_max",
            "price_today",
            "money_note",
            "parked",
        ]
        widgets = {
            "expertise_link": forms.Textarea(attrs={"rows": 2}),
            "problem": forms.Textarea(attrs={"rows": 2}),
            "current_solution": forms.Textarea(attrs={"rows": 2}),
            "money_note": forms.Textarea(attrs={"rows": 2}),
        }


class HypothesisForm(forms.ModelForm):
    class Meta:
        model = Hypothesis
        fields = ["dimension", "statement", "criterion", "criticality"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "criterion": forms.Textarea(attrs={"rows": 2}),
        }


_NOTE_CHOICES = [("", "—"), *NoteKind.choices]
_EFFECT_CHOICES = [("", "—"), *Effect.choices]
_COMMIT_CHOICES = [("", _("aucun")), *CommitmentKind.choices]


class MeetingForm(forms.Form):
    contact_name = forms.CharField(label=_("Personne rencontrée"), max_length=200)
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organisation = forms.CharField(label=_("Son organisation"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Forme"), choices=MeetingFormat.choices)
    goals = forms.CharField(
        label=_("Mes trois questions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    commitment = forms.ChoiceField(label=_("Engagement obtenu"), choices=_COMMIT_CHOICES,
                                   required=False)  # fmt: skip
    commitment_detail = forms.CharField(label=_("Détail de l'engagement"), required=False)
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=300, required=False)
    next_step_date = forms.DateField(
        label=_("Date de la prochaine étape"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, hypotheses: list[Hypothesis] = (),  # type: ignore[assignment]
        note_rows: int = NOTE_ROWS, referral_rows: int = REFERRAL_ROWS, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.hypotheses = list(hypotheses)
        self.note_count = max(NOTE_ROWS, note_rows)
        self.referral_count = max(REFERRAL_ROWS, referral_rows)
        for i in range(1, self.note_count + 1):
            self.fields[f"note_kind_{i}"] = forms.ChoiceField(
                label=_("Type de note %(n)s") % {"n": i}, choices=_NOTE_CHOICES, required=False
            )
            self.fields[f"note_text_{i}"] = forms.CharField(
                label=_("Note %(n)s") % {"n": i}, required=False
            )
        for h in self.hypotheses:
            self.fields[f"verdict_{h.pk}"] = forms.ChoiceField(
                label=h.statement[:120], choices=_EFFECT_CHOICES, required=False
            )
            self.fields[f"strength_{h.pk}"] = forms.TypedChoiceField(
                label=_("Force"),
                choices=[(1, "1"), (2, "2"), (3, "3")],
                coerce=int,
                initial=2,
                required=False,
            )
            self.fields[f"quote_{h.pk}"] = forms.CharField(
                label=_("Ce qui a été dit ou fait"), required=False
            )
        for i in range(1, self.referral_count + 1):
            self.fields[f"referral_name_{i}"] = forms.CharField(
                label=_("Personne recommandée %(n)s") % {"n": i}, required=False
            )
            self.fields[f"referral_org_{i}"] = forms.CharField(
                label=_("Son organisation"), required=False
            )

    def notes(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [
            (d[f"note_kind_{i}"], d[f"note_text_{i}"])
            for i in range(1, self.note_count + 1)
            if d.get(f"note_kind_{i}") and d.get(f"note_text_{i}", "").strip()
        ]

    def verdicts(self) -> list[tuple[Hypothesis, str, int, str]]:
        d = self.cleaned_data
        return [
            (h, d[f"verdict_{h.pk}"], d.get(f"strength_{h.pk}") or 2, d.get(f"quote_{h.pk}", ""))
            for h in self.hypotheses
            if d.get(f"verdict_{h.pk}")
        ]

    def referrals(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [
            (d[f"referral_name_{i}"].strip(), d.get(f"referral_org_{i}", "").strip())
            for i in range(1, self.referral_count + 1)
            if d.get(f"referral_name_{i}", "").strip()
        ]

    def note_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"note_kind_{i}"], self[f"note_text_{i}"]) for i in range(1, self.note_count + 1)
        ]

    def verdict_rows(self) -> list[tuple[Hypothesis, Any, Any, Any]]:
        return [
            (h, self[f"verdict_{h.pk}"], self[f"strength_{h.pk}"], self[f"quote_{h.pk}"])
            for h in self.hypotheses
        ]

    def referral_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"referral_name_{i}"], self[f"referral_org_{i}"])
            for i in range(1, self.referral_count + 1)
        ]


DIMENSION_LABELS = dict(Dimension.choices)


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    """The values of a logged meeting, as initial data of a :class:`MeetingForm`."""
    initial: dict[str, Any] = {
        "contact_name": meeting.contact_name,
        "contact_id": meeting.contact_id,
        "organisation": meeting.organisation,
        "date": meeting.date,
        "format": meeting.format,
        "goals": meeting.goals,
        "next_step": meeting.next_step,
        "next_step_date": meeting.next_step_date,
    }
    commitment = meeting.commitments.first()
    if commitment is not None:
        initial["commitment"], initial["commitment_detail"] = commitment.kind, commitment.detail
    for i, n in enumerate(meeting.notes.all(), start=1):
        initial[f"note_kind_{i}"], initial[f"note_text_{i}"] = n.kind, n.text
    for v in meeting.verdicts.all():
        initial[f"verdict_{v.hypothesis_id}"] = v.effect
        initial[f"strength_{v.hypothesis_id}"] = v.strength
        initial[f"quote_{v.hypothesis_id}"] = v.quote
    for i, r in enumerate(meeting.referrals.all(), start=1):
        initial[f"referral_name_{i}"], initial[f"referral_org_{i}"] = r.name, r.organisation
    return initial
