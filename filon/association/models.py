"""The association's own records: dues ("cotisations")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DuesCategory(models.TextChoices):
    FULL = "full", _("Plein tarif")
    REDUCED = "reduced", _("Tarif réduit (jeunes diplômés, doctorants)")
    RETIRED = "retired", _("Retraité")
    LIFE = "life", _("Membre à vie")


class DuesPayment(models.Model):
    """One year's dues paid by one member."""

    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="dues_payments"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    # None: paid, amount unknown (an export's « oui », « x » or « ✓ »).
    amount = models.DecimalField(
        _("montant"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    category = models.CharField(
        _("catégorie"), max_length=8, choices=DuesCategory.choices, default=DuesCategory.FULL
    )
    paid_on = models.DateField(_("payée le"))

    class Meta:
        verbose_name = _("cotisation")
        verbose_name_plural = _("cotisations")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="dues_one_per_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="dues_amount_positive"),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.person} {self.year} : {self.amount} {self.currency}"
