"""What the imports keep: the runs, where each imported fact came from, the people's identifiers
in other systems, the matches waiting for a staff decision, and the fundings read from ORCID."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ANNUAIRE = "annuaire", _("Annuaire de l'association (CSV)")
    VCARD = "vcard", _("Carnet d'adresses (vCard)")
    LINKEDIN = "linkedin", _("Relations LinkedIn (Connections.csv)")
    THESES = "theses", _("Thèses (theses.fr, JSON)")
    ORCID = "orcid", _("Notices ORCID (JSON ou XML)")
    DUES = "dues", _("Cotisations (CSV)")
    FUNDING = "funding", _("Financements (CORDIS ou CSV et description)")


class RunStatus(models.TextChoices):
    PREVIEW = "preview", _("Aperçu, en attente de confirmation")
    DONE = "done", _("Importé")
    REFUSED = "refused", _("Refusé")


class ImportRun(models.Model):
    """One import of one file: from the command line, or uploaded, previewed and confirmed."""

    kind = models.CharField(_("source"), max_length=12, choices=ImportKind.choices)
    filename = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )
    origin = models.CharField(_("depuis"), max_length=8, default="web")  # "web" or "cli"
    status = models.CharField(
        _("état"), max_length=8, choices=RunStatus.choices, default=RunStatus.PREVIEW
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)  # the uploaded file, kept until done
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.filename}"


class Provenance(models.Model):
    """Where one imported fact comes from: the run (file, date) and the line of the file.

    ``content_object`` is the fact (a person, a contact point, a diploma, a position…);
    ``field`` names the field an import changed on an existing row ("" when it created the row).
    ``record_key`` identifies the record in its source, so that importing it again finds the
    person it made even when it carries no e-mail, phone or identifier.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="provenance")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="provenance",
    )
    line = models.PositiveIntegerField(_("ligne"))
    field = models.CharField(_("champ"), max_length=40, blank=True)
    record_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.run.filename}:{self.line}"


class IdScheme(models.TextChoices):
    ORCID = "orcid", "ORCID"
    IDREF = "idref", _("IdRef (theses.fr)")
    LINKEDIN = "linkedin", _("Profil LinkedIn")
    VCARD = "vcard", _("UID vCard")


class PersonIdentifier(models.Model):
    """A person's identifier in another system: the surest way to recognise them again."""

    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="external_ids"
    )
    scheme = models.CharField(_("référentiel"), max_length=10, choices=IdScheme.choices)
    value = models.CharField(_("identifiant"), max_length=200)

    class Meta:
        verbose_name = _("identifiant externe")
        verbose_name_plural = _("identifiants externes")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="person_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", _("À examiner")
    SEPARATE = "separate", _("Personnes distinctes")


class MatchCandidate(models.Model):
    """Two directory entries that an import found alike but not surely the same person.

    ``incoming`` was created by the import; ``existing`` was there before. A merge deletes
    the candidate (the audit log keeps the decision); "keep separate" keeps it, so that the
    same pair is never proposed again.
    """

    existing = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="match_candidates_existing"
    )
    incoming = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="match_candidates_incoming"
    )
    score = models.FloatField(_("ressemblance"))
    reason = models.CharField(_("motif"), max_length=200)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    line = models.PositiveIntegerField(_("ligne"), default=0)
    status = models.CharField(
        _("décision"), max_length=8, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("doublon possible")
        verbose_name_plural = _("doublons possibles")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["existing", "incoming"], name="match_pair_unique"),
            models.CheckConstraint(
                condition=~models.Q(existing=models.F("incoming")), name="match_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.existing_id} ~ {self.incoming_id} ({self.score:.0f})"


class FundingType(models.TextChoices):
    GRANT = "grant", _("Subvention")
    CONTRACT = "contract", _("Contrat")
    AWARD = "award", _("Prix")
    SALARY_AWARD = "salary-award", _("Financement de salaire")


class PersonFunding(models.Model):
    """A funding a person received, as their ORCID record declares it."""

    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="declared_fundings"
    )
    funder = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("financeur"),
        on_delete=models.PROTECT,
        related_name="declared_fundings",
    )
    title = models.CharField(_("titre"), max_length=500)
    kind = models.CharField(_("type"), max_length=12, choices=FundingType.choices)
    grant_number = models.CharField(_("numéro de convention"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("montant"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("financement déclaré")
        verbose_name_plural = _("financements déclarés")
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.title
