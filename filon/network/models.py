"""Explicit ties between people, and the groups (clubs, regional groups) they belong to.

Ties implied by shared positions, labs or cohorts are derived by the graph index, not stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TieKind(models.TextChoices):
    DECLARED = "declared", _("Relation déclarée")
    MENTOR = "mentor", _("Mentorat")
    COLLEAGUE = "colleague", _("Collègue")
    COAUTHOR = "coauthor", _("Co-auteur")
    LINKEDIN = "linkedin", _("Relation LinkedIn")
    INTRODUCTION = "introduction", _("Mise en relation")
    EVENT = "event", _("Rencontre lors d'un événement")


class Tie(models.Model):
    """A relation stated by someone or imported, from one person to another.

    ``strength`` runs from 0 (barely know) to 1 (know well); ``source`` says where it came from.
    """

    source_person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="ties_out"
    )
    target_person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="ties_in"
    )
    kind = models.CharField(_("nature"), max_length=12, choices=TieKind.choices)
    strength = models.FloatField(_("force"), default=0.5)
    source = models.CharField(_("origine"), max_length=120, blank=True)
    since = models.DateField(_("depuis"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_person", "target_person", "kind"], name="tie_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source_person=models.F("target_person")), name="tie_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(strength__gte=0) & models.Q(strength__lte=1),
                name="tie_strength_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_person} → {self.target_person} ({self.get_kind_display()})"


class GroupKind(models.TextChoices):
    # "club" is a professional group (a sector, a technology); "association" a club or an
    # association of members (a hobby, a cause); cohorts are not groups (they are promotions).
    CLUB = "club", _("Groupe professionnel")
    REGIONAL = "regional", _("Groupe régional")
    ASSOCIATION = "association", _("Club ou association")
    INTEREST = "interest", _("Groupe d'intérêt")


class Admission(models.TextChoices):
    OPEN = "open", _("Ouvert : on le rejoint d'un clic")
    APPROVAL = "approval", _("Sur demande : un animateur accepte")


class Group(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True)
    admission = models.CharField(
        _("adhésion"), max_length=8, choices=Admission.choices, default=Admission.OPEN
    )
    place = models.CharField(
        _("lieu"), max_length=120, blank=True, help_text=_("Une ville, une région ou un pays.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
        help_text=_("L'association déclarée qui porte le groupe, le cas échéant."),
    )

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    MEMBER = "member", _("Membre")
    FOUNDER = "founder", _("Fondateur")
    LEADER = "leader", _("Animateur")


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("rôle"), max_length=8, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    start = models.DateField(_("depuis"), null=True, blank=True)
    end = models.DateField(_("jusqu'au"), null=True, blank=True)
    is_admin = models.BooleanField(_("administre le groupe"), default=False)
    #: Unsubscribed from the group's announcements (the one-click link of its e-mails).
    mail_opt_out = models.BooleanField(_("ne reçoit plus les annonces"), default=False)

    class Meta:
        verbose_name = _("adhésion à un groupe")
        verbose_name_plural = _("adhésions à un groupe")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="group_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.group}"


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    APPROVED = "approved", _("acceptée")
    DECLINED = "declined", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée")


class GroupJoinRequest(models.Model):
    """A member asks to join a group whose admission is on approval; an admin decides."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="group_join_requests"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        _("statut"), max_length=9, choices=JoinStatus.choices, default=JoinStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(status="pending"),
                name="group_join_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.group} ({self.status})"


class GroupAnnouncement(models.Model):
    """An announcement of a group's admins: kept on the group's page, mailed to its members."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_announcements",
    )
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    created_at = models.DateTimeField(default=timezone.now)
    #: How many members the e-mail was queued for (set by the background job).
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class GraphChangeKind(models.TextChoices):
    # Internal bookkeeping, never shown to members: the labels are not translated.
    PERSON = "person", "person"
    PLACE = "place", "organisation"
    GROUP = "group", "group"
    FULL = "full", "full rebuild"
    ORIGIN = "origin", "origin of the log"


class GraphChange(models.Model):
    """One line of the network graph's change log, written in the transaction of the change.

    Every server process applies the lines after the last one it knows to its copy of the
    graph (see :mod:`filon.network.index`). ``ref`` is the primary key of the person, the
    organisation or the group that changed; for the ``origin`` line, a random number that tells
    this database (and this state of it) from any other a graph snapshot may come from.
    """

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=8, choices=GraphChangeKind.choices)
    ref = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "graph change"
        indexes = [models.Index(fields=["kind", "seq"], name="graph_change_kind_seq")]

    def __str__(self) -> str:
        return f"{self.seq} {self.kind} {self.ref}"
