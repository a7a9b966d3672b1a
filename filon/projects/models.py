"""A member's professional project as an offer: competences, desires, offer scenarios, their
hypotheses, and the meetings that test them (capabilities C5–C7 of the design brief).

Everything here is private to the member it belongs to (:mod:`filon.projects.queries`):
not even the association's staff read it — it is a career plan with notes on other people,
and nothing in running the association needs it. The states of hypotheses are never stored:
they are computed from the meetings by :mod:`filon.core.evidence`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The six blocks of the doctorate's competence framework (arrêté du 22 février 2019, annexe).
BLOCKS: dict[int, Any] = {
    1: _("Conception et élaboration d'une démarche de R&D, d'études et prospective"),
    2: _("Mise en œuvre d'une démarche de R&D, d'études et prospective"),
    3: _("Valorisation et transfert des résultats d'une démarche R&D, d'études et prospective"),
    4: _("Veille scientifique et technologique à l'échelle internationale"),
    5: _("Formation et diffusion de la culture scientifique et technique"),
    6: _("Encadrement d'équipes dédiées à des activités de R&D, d'études et prospective"),
}


class Competence(models.Model):
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="project_competences"
    )
    statement = models.CharField(_("compétence"), max_length=300)
    evidence = models.TextField(_("preuve (une anecdote)"), blank=True)
    blocks = models.JSONField(_("blocs du doctorat (1 à 6)"), default=list, blank=True)
    rome_codes = models.JSONField(_("appellations ROME"), default=list, blank=True)
    esco_uris = models.JSONField(_("compétences ESCO"), default=list, blank=True)

    class Meta:
        verbose_name = _("compétence")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.statement


class DesireKind(models.TextChoices):
    ACTIVITY = "activity", _("type d'activité")
    SECTOR = "sector", _("secteur")
    STATUS = "status", _("statut (salarié, indépendant, fondateur)")
    PLACE = "place", _("lieu")


class Desire(models.Model):
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="project_desires"
    )
    kind = models.CharField(_("type"), max_length=10, choices=DesireKind.choices)
    text = models.CharField(_("envie"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("poids (1 à 5)"), default=3)

    class Meta:
        verbose_name = _("envie")
        ordering = ["-weight", "pk"]

    def __str__(self) -> str:
        return self.text


class OfferType(models.TextChoices):
    STUDY = "study", _("étude")
    RND = "rnd", _("prestation de R&D")
    EXPERTISE = "expertise", _("expertise, conseil")
    TRAINING = "training", _("formation")
    LICENCE = "licence", _("licence, transfert")
    JOB = "job", _("emploi salarié")
    COMPANY = "company", _("création d'entreprise")


class Distance(models.TextChoices):
    DIRECT = "direct", _("directe")
    ADJACENT = "adjacent", _("voisine")
    DISTANT = "distant", _("lointaine")
    NEW = "new", _("à inventer")


class PriceModel(models.TextChoices):
    DAILY = "daily", _("taux journalier")
    FIXED = "fixed", _("forfait")
    SUBSCRIPTION = "subscription", _("abonnement")
    SALARY = "salary", _("salaire annuel")
    LICENCE = "licence", _("licence")


class Scenario(models.Model):
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="project_scenarios"
    )
    title = models.CharField(_("titre"), max_length=200)
    one_liner = models.CharField(_("l'offre en une phrase"), max_length=300, blank=True)
    offer_type = models.CharField(
        _("type d'offre"), max_length=10, choices=OfferType.choices, default=OfferType.EXPERTISE
    )
    expertise_link = models.TextField(_("lien entre mon expertise et l'application"), blank=True)
    distance = models.CharField(
        _("distance à l'application"), max_length=10, choices=Distance.choices, blank=True
    )
    # Who buys
    segment = models.CharField(_("segment de clients"), max_length=200, blank=True)
    buyer_role = models.CharField(_("qui décide d'acheter"), max_length=200, blank=True)
    nace_codes = models.JSONField(_("secteurs (codes NACE)"), default=list, blank=True)
    buyer_organisations = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("organisations exemples"),
        blank=True,
        related_name="+",
    )
    # Why
    problem = models.TextField(_("leur problème"), blank=True)
    current_solution = models.TextField(_("ce qu'ils utilisent aujourd'hui"), blank=True)
    # At what price
    price_model = models.CharField(
        _("modèle de prix"), max_length=12, choices=PriceModel.choices, blank=True
    )
    price_min = models.PositiveIntegerField(_("prix bas (€)"), null=True, blank=True)
    price_max = models.PositiveIntegerField(_("prix haut (€)"), null=True, blank=True)
    price_today = models.CharField(_("ce qu'ils paient aujourd'hui"), max_length=300, blank=True)
    # The money trail
    funders = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("qui finance déjà ce travail"),
        blank=True,
        related_name="+",
    )
    money_note = models.TextField(_("piste de l'argent"), blank=True)
    parked = models.BooleanField(_("mis de côté"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scénario d'offre")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Dimension(models.TextChoices):
    WHO = "who", _("Qui achète")
    WHY = "why", _("Pourquoi")
    PRICE = "price", _("À quel prix")
    FEASIBILITY = "feasibility", _("Faisabilité")


class Hypothesis(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="hypotheses")
    dimension = models.CharField(_("question"), max_length=12, choices=Dimension.choices)
    statement = models.TextField(_("hypothèse"))
    criterion = models.TextField(_("nous avons raison si…"), blank=True)
    criticality = models.PositiveSmallIntegerField(_("importance (1 à 5)"), default=3)

    class Meta:
        verbose_name = _("hypothèse")
        ordering = ["scenario_id", "dimension", "pk"]

    def __str__(self) -> str:
        return self.statement[:80]


class MeetingFormat(models.TextChoices):
    CONTACT = "contact", _("prise de contact")
    PHONE = "phone", _("téléphone")
    VIDEO = "video", _("visio")
    LUNCH = "lunch", _("déjeuner")
    AFTERWORK = "afterwork", _("afterwork")
    EVENT = "event", _("événement")


class Meeting(models.Model):
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="project_meetings"
    )
    contact = models.ForeignKey(
        "directory.Person",
        verbose_name=_("personne rencontrée (annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("personne rencontrée"), max_length=200)
    organisation = models.CharField(_("son organisation"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    format = models.CharField(_("forme"), max_length=10, choices=MeetingFormat.choices)
    scenarios = models.ManyToManyField(Scenario, blank=True, related_name="meetings")
    goals = models.TextField(_("mes trois questions"), blank=True)
    next_step = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    next_step_date = models.DateField(_("date de la prochaine étape"), null=True, blank=True)
    next_step_done = models.BooleanField(_("fait"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rencontre")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} — {self.contact_name}"


class NoteKind(models.TextChoices):
    FACT = "fact", pgettext_lazy("type de note", "fait")
    PAST = "past", _("comportement passé")
    SPEND = "spend", _("dépense")
    PAIN = "pain", _("difficulté")
    WORKAROUND = "workaround", _("solution de contournement")
    COMPLIMENT = "compliment", _("compliment")
    FLUFF = "fluff", _("généralité, promesse vague")
    IDEA = "idea", _("idée")


class Note(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("type"), max_length=10, choices=NoteKind.choices)
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class CommitmentKind(models.TextChoices):
    TIME = "time", _("temps")
    REPUTATION = "reputation", _("réputation")
    MONEY = "money", _("argent")


class Commitment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("engagement"), max_length=10, choices=CommitmentKind.choices)
    detail = models.CharField(_("détail"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.kind


class Effect(models.TextChoices):
    SUPPORTS = "supports", _("confirme")
    REFUTES = "refutes", _("infirme")
    NEUTRAL = "neutral", _("neutre")


class Verdict(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="verdicts")
    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="verdicts")
    effect = models.CharField(_("verdict"), max_length=10, choices=Effect.choices)
    strength = models.PositiveSmallIntegerField(_("force (1 à 3)"), default=2)
    quote = models.CharField(_("ce qui a été dit ou fait"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "hypothesis"], name="verdict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.effect} ({self.strength})"


class Referral(models.Model):
    """Someone recommended during a meeting: the next link of the referral chain."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="referrals")
    contact = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("personne recommandée"), max_length=200)
    organisation = models.CharField(_("son organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
