"""The association's events: business lunches, afterworks, visios, conferences.

Staff create events, members register (and cancel), staff mark who came. Attendance is a
weak tie between everyone who came (:class:`EventAttendance`, read by the network graph);
afterwards each attendee is asked whom they actually met, which becomes a
``network.Tie`` of kind "event".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LUNCH = "lunch", _("Déjeuner d'affaires")
    AFTERWORK = "afterwork", _("Afterwork")
    VISIO = "visio", _("Visioconférence")
    CONFERENCE = "conference", _("Conférence")


class Event(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=EventKind.choices)
    description = models.TextField(_("présentation"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    link = models.URLField(_("lien de connexion"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    is_cancelled = models.BooleanField(_("annulé"), default=False)
    group = models.ForeignKey(
        "network.Group",
        verbose_name=_("groupe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Le groupe qui organise l'événement, le cas échéant."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Registration(models.Model):
    """A member's registration; cancelling keeps the row (``cancelled_at`` set)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="event_registrations"
    )
    registered_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class EventAttendance(models.Model):
    """Someone came to an event (marked by staff). The network graph reads these rows:
    everyone who attended the same event is weakly tied to the others."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="event_attendances"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    prompted_at = models.DateTimeField(_("invité à noter ses rencontres le"), null=True, blank=True)
    met_logged_at = models.DateTimeField(_("rencontres notées le"), null=True, blank=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"
