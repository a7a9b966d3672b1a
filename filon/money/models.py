"""Follow the money: programmes, funded projects, who takes part and what each one receives.

- A :class:`Programme` is a node of a funder's tree (H2020 → Industrial Leadership → LEIT →
  LEIT-SPACE; CNES → R&T). Its funder is an :class:`~filon.orgs.models.Organisation` (kind
  funder or agency), set on the root and inherited below.
- A :class:`Project` is one grant (grant agreement number, acronym, title, topic, dates, total
  cost) under one programme.
- A :class:`Participation` is an organisation in a project, coordinator or participant, with
  the contribution it receives: an exact :class:`~decimal.Decimal` and its currency. Amounts
  are never summed across currencies (:mod:`filon.core.money`).
- Thesis funding stays :class:`filon.directory.models.ThesisFunding` (who funded which thesis);
  a :class:`ThesisGrant` only adds, when known, the programme, project and amount behind it.
- The fundings people declare on ORCID (:class:`filon.imports.models.PersonFunding`) are not
  referenced by a key: they are a person's own statement, which no privacy rule yet lets other
  members see, while this app holds organisation-level grants read from the funders' files.
  Only the viewer's own declarations are read, as more of *their* funders on "Qui a financé ma
  thèse ?", and matched to a project by grant number (:func:`filon.money.queries.my_funders`).
- :class:`OrgMatchCandidate`: an organisation a grant file named that looks like one already in
  Filon without being surely the same; the staff decide on the merge-review page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.core.text import fold


class ProgrammeLevel(models.TextChoices):
    FRAMEWORK = "framework", _("Programme-cadre")
    PILLAR = "pillar", _("Pilier")
    PROGRAMME = "programme", _("Programme")
    SUBPROGRAMME = "subprogramme", _("Sous-programme")
    CALL = "call", _("Appel")


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    name_fr = models.CharField(_("nom en français"), max_length=255, blank=True)
    short_name = models.CharField(_("nom court"), max_length=80, blank=True)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    level = models.CharField(_("niveau"), max_length=12, choices=ProgrammeLevel.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("programme parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    funder = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("financeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme de financement")
        verbose_name_plural = _("programmes de financement")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(f"{self.short_name} {self.name} {self.name_fr}")[:255]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        """The short name and the (French, if known) name: "LEIT-SPACE — Space"."""
        name = self.name_fr or self.name
        if self.short_name and self.short_name != name:
            return f"{self.short_name} — {name}"
        return name


class Project(models.Model):
    identifier = models.CharField(
        _("numéro"), max_length=64, unique=True, help_text=_("Numéro de convention de subvention.")
    )
    acronym = models.CharField(_("acronyme"), max_length=100, blank=True)
    title = models.CharField(_("titre"), max_length=500, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    funder = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("financeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_projects",
    )
    topic_code = models.CharField(_("code du thème"), max_length=120, blank=True)
    topic = models.CharField(_("thème"), max_length=500, blank=True)
    call = models.CharField(_("appel"), max_length=120, blank=True)
    objective = models.TextField(
        _("objectif"), blank=True, help_text=_("Le résumé du projet, quand la source en donne un.")
    )
    action_type = models.CharField(_("type d'action"), max_length=60, blank=True)
    status = models.CharField(_("état"), max_length=30, blank=True)
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    signed = models.DateField(_("signé le"), null=True, blank=True)
    total_cost = models.DecimalField(
        _("coût total"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("projet financé")
        verbose_name_plural = _("projets financés")
        ordering = ["-start", "identifier"]
        indexes = [models.Index(fields=["acronym"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.acronym or self.title} ({self.identifier})"

    @property
    def year(self) -> int | None:
        day = self.start or self.signed
        return day.year if day else None


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinateur")
    PARTICIPANT = "participant", _("Participant")
    ASSOCIATED = "associated", _("Partenaire associé")
    THIRD_PARTY = "third_party", _("Tiers lié")


class Participation(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)
    number = models.PositiveIntegerField(
        _("rang"), null=True, blank=True, help_text=_("Numéro du participant dans le projet.")
    )
    contribution = models.DecimalField(
        _("contribution reçue"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    activity_type = models.CharField(
        _("type (CORDIS)"), max_length=3, blank=True, help_text=_("HES, REC, PRC, PUB ou OTH.")
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["project", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "number"], name="participation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(contribution__isnull=True) | ~models.Q(currency=""),
                name="participation_amount_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.project}"


class ThesisGrant(models.Model):
    """What is known of the money behind one thesis funding: its programme, project, amount."""

    funding = models.OneToOneField(
        "directory.ThesisFunding",
        verbose_name=_("financement de thèse"),
        on_delete=models.CASCADE,
        related_name="grant",
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="thesis_grants"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="thesis_grants"
    )
    amount = models.DecimalField(
        _("montant"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("montant d'un financement de thèse")
        verbose_name_plural = _("montants des financements de thèse")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | ~models.Q(currency=""),
                name="thesis_grant_amount_has_currency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funding} — {self.programme or ''}"


class OrgMatchStatus(models.TextChoices):
    PENDING = "pending", _("À examiner")
    SEPARATE = "separate", _("Organisations distinctes")


class OrgMatchCandidate(models.Model):
    """Two organisations an import found alike but not surely the same.

    ``incoming`` was created by the import, ``existing`` was there before. A merge deletes the
    candidate (the audit log keeps the decision); "keep separate" keeps it, so that the pair is
    never proposed again.
    """

    existing = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    incoming = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("ressemblance"))
    reason = models.CharField(_("motif"), max_length=200)
    run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line = models.PositiveIntegerField(_("ligne"), default=0)
    status = models.CharField(
        _("décision"),
        max_length=8,
        choices=OrgMatchStatus.choices,
        default=OrgMatchStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation en double possible")
        verbose_name_plural = _("organisations en double possibles")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["existing", "incoming"], name="org_match_pair_unique"),
            models.CheckConstraint(
                condition=~models.Q(existing=models.F("incoming")), name="org_match_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.existing_id} ~ {self.incoming_id} ({self.score:.0f})"
