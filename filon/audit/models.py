"""The audit log: every write that matters, and every view of someone's contact details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("objet"), max_length=60, blank=True)
    target_id = models.CharField(_("identifiant"), max_length=40, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class BudgetCounter(models.Model):
    """How many times one account used one budget in one window (see filon.audit.throttle).

    Written only by the atomic upsert of :mod:`filon.audit.throttle`; rows of windows that are
    over are pruned.
    """

    bucket = models.CharField(max_length=120)
    slot = models.BigIntegerField()
    n = models.IntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "slot"], name="audit_budget_bucket_slot")
        ]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.slot}: {self.n}"
