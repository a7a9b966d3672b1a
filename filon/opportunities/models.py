"""The opportunities board: what members' organisations need — a job, a mission, a call for
projects, a need for expertise — posted by the people who know it, answered by docteurs.

An opportunity names its organisation in free text, matched to the directory's organisations
when it can be (:attr:`Opportunity.organisation`); it asks for competences in the vocabulary of
the docteurs' competences (ROME appellations, ESCO skills, the six blocks of the doctorate).
It closes by itself after its closing date.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OpportunityKind(models.TextChoices):
    JOB = "job", _("Emploi")
    MISSION = "mission", _("Mission ou conseil")
    CALL = "call", _("Appel à projets")
    EXPERTISE = "expertise", _("Besoin d'expertise")


class Contract(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close par son auteur")
    REMOVED = "removed", _("retirée par l'équipe")


class Opportunity(models.Model):
    poster = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="opportunities"
    )
    kind = models.CharField(_("type"), max_length=10, choices=OpportunityKind.choices)
    contract = models.CharField(_("contrat"), max_length=3, choices=Contract.choices, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    location = models.CharField(_("lieu"), max_length=120, blank=True)
    closes_on = models.DateField(_("date de clôture"))
    rome_codes = models.JSONField(_("appellations ROME"), default=list, blank=True)
    esco_uris = models.JSONField(_("compétences ESCO"), default=list, blank=True)
    blocks = models.JSONField(_("blocs du doctorat (1 à 6)"), default=list, blank=True)
    keywords = models.CharField(_("compétences recherchées"), max_length=300, blank=True)
    can_introduce = models.BooleanField(_("je peux présenter des candidats"), default=False)
    status = models.CharField(
        _("statut"), max_length=8, choices=OpportunityStatus.choices, default="open"
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opportunité")
        verbose_name_plural = _("opportunités")
        ordering = ["closes_on", "pk"]
        indexes = [models.Index(fields=["status", "closes_on"], name="opportunity_open")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: date | None = None) -> bool:
        return self.status == OpportunityStatus.OPEN and self.closes_on >= (
            today or timezone.localdate()
        )


class Interest(models.Model):
    """A docteur's « Je suis intéressé(e) »: a contact request to the poster, with the offer
    sheet of one of their scenarios."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="opportunity_answers"
    )
    scenario = models.ForeignKey(
        "projects.Scenario", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_request = models.ForeignKey(
        "outreach.ContactRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réponse à une opportunité")
        verbose_name_plural = _("réponses aux opportunités")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="interest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.opportunity}"


class Report(models.Model):
    """A member flags an opportunity for the staff (spam, not an opportunity, offensive…)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="opportunity_reports"
    )
    reason = models.CharField(_("motif"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "reporter"], name="report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} ⚑ {self.opportunity}"
