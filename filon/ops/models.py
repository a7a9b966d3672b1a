"""What the worker keeps: when each periodic job runs next, and the e-mails that bounced."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """One periodic job's schedule, shared by every worker: the first to move ``next_run``
    forward (one conditional UPDATE) runs it, so two workers never run it twice."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run = models.DateTimeField()
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name


class BounceKind(models.TextChoices):
    REJECTED = "rejected", _("refusé par le serveur")
    GAVE_UP = "gave_up", _("abandonné après plusieurs essais")


class EmailBounce(models.Model):
    """An e-mail that did not go out: refused for good, or given up after its retries."""

    address = models.CharField(max_length=254)
    message = models.CharField(max_length=64, help_text=_("Le modèle du message."))
    kind = models.CharField(max_length=16, choices=BounceKind.choices)
    code = models.IntegerField(null=True, blank=True, help_text=_("Code SMTP, s'il y en a un."))
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("e-mail non remis")
        verbose_name_plural = _("e-mails non remis")

    def __str__(self) -> str:
        return f"{self.message} ({self.kind})"
