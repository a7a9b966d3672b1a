"""Asks, offers of help, contact requests, double-opt-in introductions and the help ledger.

"Si vous ne demandez rien, personne ne vous aidera": a member says what they look for (an
:class:`Ask`) and what they can do for others (an :class:`Offer`). Contact requests and
introductions put two members in touch only once the people concerned have accepted; until
then, nobody's contact details travel. Each e-mail answer goes through an :class:`ActionLink`
(signed, expiring, single-use).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AskKind(models.TextChoices):
    JOB = "job", _("Un emploi")
    CLIENTS = "clients", _("Des clients")
    SUPPLIERS = "suppliers", _("Des fournisseurs ou partenaires")
    INFORMATION = "information", _("Des informations")
    FUNDING = "funding", _("Un financement")
    MARKET = "market", _("Un marché")
    IDEA = "idea", _("Une idée, un avis")
    FAVOUR = "favour", _("Un coup de main")
    INTRODUCTION = "introduction", _("Une mise en relation")


class AskStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    FULFILLED = "fulfilled", _("Trouvé")
    CLOSED = "closed", _("Retiré")


class OfferKind(models.TextChoices):
    INDUSTRY = "industry", _("Répondre à des questions sur mon secteur")
    CV_REVIEW = "cv_review", _("Relire un CV")
    COMPANY_INTRO = "company_intro", _("Présenter à mon entreprise")
    CIFRE = "cifre", _("Accueillir une thèse CIFRE")
    MENTORING = "mentoring", _("Parrainer, conseiller")
    OTHER = "other", _("Autre aide")


#: The kinds of offer that serve each kind of ask (matching adds points for them).
SERVES: dict[str, frozenset[str]] = {
    AskKind.JOB: frozenset(
        {OfferKind.CV_REVIEW, OfferKind.COMPANY_INTRO, OfferKind.MENTORING, OfferKind.INDUSTRY}
    ),
    AskKind.CLIENTS: frozenset({OfferKind.COMPANY_INTRO, OfferKind.INDUSTRY}),
    AskKind.SUPPLIERS: frozenset({OfferKind.COMPANY_INTRO, OfferKind.INDUSTRY}),
    AskKind.INFORMATION: frozenset({OfferKind.INDUSTRY, OfferKind.MENTORING}),
    AskKind.FUNDING: frozenset({OfferKind.CIFRE, OfferKind.COMPANY_INTRO}),
    AskKind.MARKET: frozenset({OfferKind.INDUSTRY, OfferKind.COMPANY_INTRO}),
    AskKind.IDEA: frozenset({OfferKind.MENTORING, OfferKind.INDUSTRY}),
    AskKind.FAVOUR: frozenset({OfferKind.OTHER, OfferKind.MENTORING}),
    AskKind.INTRODUCTION: frozenset({OfferKind.COMPANY_INTRO}),
}


class Tagged(models.Model):
    """What asks and offers share: a text and tags (sectors, organisations, skills)."""

    title = models.CharField(_("en une phrase"), max_length=200)
    text = models.TextField(_("en quelques lignes"), blank=True)
    sectors = models.ManyToManyField(
        "orgs.Sector", verbose_name=_("secteurs"), blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    skills = models.ManyToManyField(
        "directory.Skill", verbose_name=_("compétences"), blank=True, related_name="+"
    )
    #: Organisations named by the member that the directory does not know (yet), as written.
    other_organisations = models.JSONField(_("autres organisations"), default=list, blank=True)
    created_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Ask(Tagged):
    """ "Ce que je cherche": what a member looks for, until a deadline."""

    person = models.ForeignKey(
        "directory.Person", verbose_name=_("membre"), on_delete=models.CASCADE, related_name="asks"
    )
    kind = models.CharField(_("je cherche"), max_length=12, choices=AskKind.choices)
    deadline = models.DateField(_("avant le"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=9, choices=AskStatus.choices, default=AskStatus.OPEN
    )

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    @property
    def is_open(self) -> bool:
        return self.status == AskStatus.OPEN and (
            self.deadline is None or self.deadline >= timezone.localdate()
        )


class Offer(Tagged):
    """ "Je peux aider": what a member is willing to do for others, and how often."""

    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    kind = models.CharField(_("je peux"), max_length=13, choices=OfferKind.choices)
    capacity_per_month = models.PositiveSmallIntegerField(_("combien de fois par mois"), default=2)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("offre d'aide")
        verbose_name_plural = _("offres d'aide")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_per_month__gte=1)
                & models.Q(capacity_per_month__lte=50),
                name="offer_capacity_range",
            )
        ]


class Answer(models.TextChoices):
    """What the person asked can answer, on the site or from an e-mail."""

    ACCEPT = "accept", _("Accepter")
    DECLINE = "decline", _("Décliner")
    LATER = "later", _("Pas maintenant")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    EXPIRED = "expired", _("Expirée")
    WITHDRAWN = "withdrawn", _("Retirée")


class FollowThrough(models.Model):
    """After two people are put in touch: the meeting to log, the helper to thank."""

    met_on = models.DateField(_("rencontre le"), null=True, blank=True)
    meeting_note = models.TextField(_("ce que j'en retiens"), blank=True)
    thanked_at = models.DateTimeField(_("remercié le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ContactRequest(FollowThrough):
    """A member writes to another through Filon ("because we are from the same school").

    Neither side sees the other's contact details until the recipient accepts.
    """

    sender = models.ForeignKey(
        "directory.Person",
        verbose_name=_("de"),
        on_delete=models.CASCADE,
        related_name="contact_requests_sent",
    )
    recipient = models.ForeignKey(
        "directory.Person",
        verbose_name=_("à"),
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    ask = models.ForeignKey(
        Ask,
        verbose_name=_("au sujet de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_requests",
    )
    message = models.TextField(_("message"))
    language = models.CharField(_("langue du message"), max_length=5, default="fr")
    status = models.CharField(
        _("état"), max_length=9, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("à relancer le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de contact")
        verbose_name_plural = _("demandes de contact")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")), name="contact_request_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} ({self.status})"


class IntroStatus(models.TextChoices):
    ASKING_CONNECTOR = "connector", _("En attente de l'intermédiaire")
    ASKING_TARGET = "target", _("En attente de la personne à rencontrer")
    CONNECTED = "connected", _("Mise en relation faite")
    CONNECTOR_DECLINED = "connector_no", _("Déclinée par l'intermédiaire")
    TARGET_DECLINED = "target_no", _("Déclinée par la personne à rencontrer")
    EXPIRED = "expired", _("Expirée")
    WITHDRAWN = "withdrawn", _("Retirée")


#: The states in which an introduction still waits for someone's answer.
INTRO_PENDING = (IntroStatus.ASKING_CONNECTOR, IntroStatus.ASKING_TARGET)


class Introduction(FollowThrough):
    """A asks B to introduce them to C: B accepts, then C accepts, then A and C are in touch.

    ``requester`` is A, ``connector`` B, ``target`` C. Contact details are shared between A
    and C only in the ``connected`` state; B's are never part of it.
    """

    requester = models.ForeignKey(
        "directory.Person",
        verbose_name=_("demandée par"),
        on_delete=models.CASCADE,
        related_name="introductions_requested",
    )
    connector = models.ForeignKey(
        "directory.Person",
        verbose_name=_("intermédiaire"),
        on_delete=models.CASCADE,
        related_name="introductions_brokered",
    )
    target = models.ForeignKey(
        "directory.Person",
        verbose_name=_("personne à rencontrer"),
        on_delete=models.CASCADE,
        related_name="introductions_received",
    )
    ask = models.ForeignKey(
        Ask,
        verbose_name=_("au sujet de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions",
    )
    reason = models.TextField(_("pourquoi cette rencontre"))
    connector_note = models.TextField(_("mot de l'intermédiaire"), blank=True)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=IntroStatus.choices,
        default=IntroStatus.ASKING_CONNECTOR,
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("l'étape en cours expire le"))
    connector_answered_at = models.DateTimeField(null=True, blank=True)
    target_answered_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(_("mis en relation le"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("à relancer le"), null=True, blank=True)
    tie = models.ForeignKey(
        "network.Tie", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("connector"))
                & ~models.Q(requester=models.F("target"))
                & ~models.Q(connector=models.F("target")),
                name="introduction_three_people",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.connector} → {self.target} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in INTRO_PENDING

    def awaiting(self) -> int | None:
        """The person whose answer the introduction waits for, if any."""
        if self.status == IntroStatus.ASKING_CONNECTOR:
            return self.connector_id
        if self.status == IntroStatus.ASKING_TARGET:
            return self.target_id
        return None


class LinkPurpose(models.TextChoices):
    CONTACT = "contact", _("Réponse à une demande de contact")
    CONNECTOR = "connector", _("Réponse de l'intermédiaire")
    TARGET = "target", _("Réponse de la personne à rencontrer")


class ActionLink(models.Model):
    """One e-mail's one-click answer links: signed, expiring, and usable once.

    The link carries ``TimestampSigner().sign(nonce)``; only the nonce is stored. A link
    works while its signature checks, before ``expires_at``, and until ``used_at`` is set.
    """

    nonce = models.CharField(max_length=43, unique=True)
    purpose = models.CharField(max_length=9, choices=LinkPurpose.choices)
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="action_links"
    )
    contact_request = models.ForeignKey(
        ContactRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    introduction = models.ForeignKey(
        Introduction, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.CharField(max_length=7, blank=True, choices=Answer.choices)

    class Meta:
        verbose_name = _("lien de réponse")
        verbose_name_plural = _("liens de réponse")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_request__isnull=False, introduction__isnull=True)
                | models.Q(contact_request__isnull=True, introduction__isnull=False),
                name="action_link_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.pk}"


class HelpKind(models.TextChoices):
    INTRODUCTION = "introduction", _("Mise en relation faite")
    ANSWERED = "answered", _("Demande acceptée")


class HelpEntry(models.Model):
    """One line of the help ledger: ``helper`` did something for ``helped``."""

    helper = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="help_given"
    )
    helped = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="help_received"
    )
    kind = models.CharField(_("aide"), max_length=12, choices=HelpKind.choices)
    contact_request = models.ForeignKey(
        ContactRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    introduction = models.ForeignKey(
        Introduction, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    thanked_at = models.DateTimeField(_("remercié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("aide apportée")
        verbose_name_plural = _("aides apportées")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["helper", "contact_request"],
                condition=models.Q(contact_request__isnull=False),
                name="help_entry_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["helper", "introduction"],
                condition=models.Q(introduction__isnull=False),
                name="help_entry_once_per_introduction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.helped} ({self.kind})"


class HelpLedger(models.Model):
    """A member's choices about their help ledger (one row, created when first needed)."""

    person = models.OneToOneField(
        "directory.Person", on_delete=models.CASCADE, related_name="help_ledger"
    )
    show_counts = models.BooleanField(
        _("afficher mon bilan d'entraide sur mon profil"),
        default=False,
        help_text=_("Le nombre de mises en relation faites et de demandes acceptées."),
    )

    class Meta:
        verbose_name = _("bilan d'entraide")
        verbose_name_plural = _("bilans d'entraide")

    def __str__(self) -> str:
        return str(self.person)
