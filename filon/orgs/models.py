"""Organisations: companies, start-ups, labs, schools, agencies, funders, associations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from filon.core.text import fold


class Sector(models.Model):
    """A NACE Rev. 2 entry (section, division, group or class), loaded from the shipped list."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    level = models.PositiveSmallIntegerField(_("niveau"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    label = models.CharField(_("libellé"), max_length=255)

    class Meta:
        verbose_name = _("secteur (NACE)")
        verbose_name_plural = _("secteurs (NACE)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class OrgKind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    STARTUP = "startup", _("Start-up")
    LAB = "lab", _("Laboratoire")
    UNIVERSITY = "university", _("Université ou école")
    AGENCY = "agency", _("Agence publique")
    FUNDER = "funder", _("Financeur")
    ASSOCIATION = "association", _("Association")


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    short_name = models.CharField(_("sigle"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=OrgKind.choices)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("secteur (NACE)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    country = models.CharField(_("pays"), max_length=2, blank=True, help_text=_("Code ISO 3166."))
    city = models.CharField(_("ville"), max_length=120, blank=True)
    website = models.URLField(_("site web"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rattachement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text=_("Par exemple l'école ou l'université dont dépend un laboratoire."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class IdScheme(models.TextChoices):
    SIREN = "siren", "SIREN"
    SIRET = "siret", "SIRET"
    PIC = "pic", _("PIC (Commission européenne)")
    ROR = "ror", "ROR"
    RNSR = "rnsr", "RNSR"
    ORGNR = "orgnr", _("Numéro d'organisation (Norvège)")
    OTHER = "other", _("Autre")


class OrgIdentifier(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("référentiel"), max_length=8, choices=IdScheme.choices)
    value = models.CharField(_("identifiant"), max_length=64)

    class Meta:
        verbose_name = _("identifiant")
        verbose_name_plural = _("identifiants")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="org_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class OrgAlias(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("autre nom"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("autre nom")
        verbose_name_plural = _("autres noms")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
