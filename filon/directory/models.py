"""The directory ("l'annuaire"): people, their schools, contact points, positions and theses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filon.core.phones import InvalidPhone, display_phone, to_e164
from filon.core.promo import promo_label
from filon.core.text import fold


class Visibility(models.TextChoices):
    """Who may see a piece of information: widest first."""

    MEMBERS = "members", _("Tous les membres connectés")
    PAYING = "paying", _("Les membres à jour de cotisation")
    PRIVATE = "private", _("Personne (sauf l'équipe)")


class Gender(models.TextChoices):
    FEMALE = "f", _("Femme")
    MALE = "m", _("Homme")
    UNSPECIFIED = "", _("Non précisé")


class Person(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom de famille"), max_length=100)
    name_folded = models.CharField(max_length=210, db_index=True, editable=False)
    gender = models.CharField(
        _("genre"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    headline = models.CharField(_("en une ligne"), max_length=200, blank=True)
    bio = models.TextField(_("présentation"), blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    country = models.CharField(_("pays"), max_length=2, blank=True, default="FR")
    skills = models.ManyToManyField(
        "directory.Skill", verbose_name=_("compétences"), blank=True, related_name="people"
    )
    field_visibility = models.JSONField(
        _("visibilité des rubriques"),
        default=dict,
        blank=True,
        help_text=_("Pour chaque rubrique (ville, parcours, thèse…), qui peut la voir."),
    )
    directory_opt_out = models.BooleanField(
        _("hors annuaire"),
        default=False,
        help_text=_("La personne n'apparaît ni dans l'annuaire ni dans les recherches."),
    )
    intermediary_opt_out = models.BooleanField(
        _("refuse d'être intermédiaire"),
        default=False,
        help_text=_("La personne n'apparaît pas dans les chemins de mise en relation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class School(models.Model):
    code = models.CharField(
        _("lettre"), max_length=1, unique=True, help_text=_("Première lettre des promos : P58.")
    )
    name = models.CharField(_("nom"), max_length=120)
    city = models.CharField(_("ville"), max_length=120)
    organisation = models.OneToOneField(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="school"
    )

    class Meta:
        verbose_name = _("école")
        verbose_name_plural = _("écoles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Track(models.TextChoices):
    INGENIEUR_CIVIL = "ingenieur_civil", _("Ingénieur civil")
    CORPS_DES_MINES = "corps_des_mines", _("Corps des mines")
    DOCTEUR = "docteur", _("Docteur")
    MASTERE_SPECIALISE = "mastere_specialise", _("Mastère spécialisé")
    MASTER = "master", _("Master")
    AUTRE = "autre", _("Autre")


#: Feminine forms of the track labels, used when the person is a woman ("Docteure").
TRACK_FEMININE = {
    Track.INGENIEUR_CIVIL: pgettext_lazy("féminin", "Ingénieure civile"),
    Track.CORPS_DES_MINES: pgettext_lazy("féminin", "Corps des mines"),
    Track.DOCTEUR: pgettext_lazy("féminin", "Docteure"),
    Track.MASTERE_SPECIALISE: pgettext_lazy("féminin", "Mastère spécialisé"),
    Track.MASTER: pgettext_lazy("féminin", "Master"),
    Track.AUTRE: pgettext_lazy("féminin", "Autre"),
}

#: The tracks that the association's figures call "engineers".
ENGINEER_TRACKS = (Track.INGENIEUR_CIVIL, Track.CORPS_DES_MINES)
#: The key of the "engineers" aggregate in the figures, next to the track codes.
ENGINEERS = "engineers"


def track_label(code: str, *, feminine: bool = False) -> str:
    """The display label of a track code, or of the "engineers" aggregate: the one place for it.

    ``feminine`` gives the form used for a woman (:data:`TRACK_FEMININE`); unknown codes are
    returned as they are.
    """
    if code == ENGINEERS:
        return str(_("Ensemble des ingénieurs"))
    try:
        track = Track(code)
    except ValueError:
        return code
    return str(TRACK_FEMININE[track] if feminine else track.label)


class Affiliation(models.Model):
    """A person's diploma from one of the federation's schools."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="affiliations")
    track = models.CharField(_("filière"), max_length=20, choices=Track.choices)
    year = models.PositiveSmallIntegerField(_("année de diplôme"))

    class Meta:
        verbose_name = _("diplôme")
        verbose_name_plural = _("diplômes")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school", "track", "year"], name="affiliation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900) & models.Q(year__lte=2100),
                name="affiliation_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["track", "year"])]

    def __str__(self) -> str:
        return f"{self.promo} {self.get_track_display()}"

    @property
    def track_display(self) -> str:
        """The track's label, in the feminine for a woman ("Docteure")."""
        if self.person.gender == Gender.FEMALE:
            return str(TRACK_FEMININE[Track(self.track)])
        return str(self.get_track_display())

    @property
    def promo(self) -> str:
        return promo_label(self.school.code, self.year)


class ContactKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Téléphone")


class ContactPoint(models.Model):
    """An e-mail address or a phone number (E.164), each with who may see it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("type"), max_length=5, choices=ContactKind.choices)
    value = models.CharField(_("valeur"), max_length=254)
    label = models.CharField(_("libellé"), max_length=40, blank=True, help_text=_("perso, pro…"))
    is_primary = models.BooleanField(_("principal"), default=False)
    visibility = models.CharField(
        _("visible par"), max_length=8, choices=Visibility.choices, default=Visibility.PAYING
    )

    class Meta:
        verbose_name = _("coordonnée")
        verbose_name_plural = _("coordonnées")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="contact_unique")
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return display_phone(self.value) if self.kind == ContactKind.PHONE else self.value

    def clean(self) -> None:
        if self.kind == ContactKind.PHONE:
            try:
                self.value = to_e164(self.value)
            except InvalidPhone:
                raise ValidationError(
                    {"value": _("Numéro de téléphone invalide : %(v)s") % {"v": self.value}}
                ) from None
        elif self.kind == ContactKind.EMAIL:
            from django.core.validators import validate_email

            self.value = self.value.strip().lower()
            try:
                validate_email(self.value)
            except ValidationError:
                raise ValidationError(
                    {"value": _("Adresse e-mail invalide : %(v)s") % {"v": self.value}}
                ) from None


class Skill(models.Model):
    name = models.CharField(_("compétence"), max_length=200, unique=True)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    esco_uri = models.URLField(_("ESCO"), blank=True)
    rome_code = models.CharField(_("ROME"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PositionKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Emploi")
    PHD = "phd", _("Doctorat")
    POSTDOC = "postdoc", _("Post-doctorat")
    INTERNSHIP = "internship", _("Stage")
    BOARD = "board", _("Mandat")
    FOUNDER = "founder", _("Fondation")


class Position(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("fonction"), max_length=200)
    kind = models.CharField(
        _("nature"), max_length=12, choices=PositionKind.choices, default=PositionKind.EMPLOYMENT
    )
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("poste")
        verbose_name_plural = _("postes")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="position_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.end is None


class Thesis(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("docteur"), on_delete=models.CASCADE, related_name="theses"
    )
    title = models.CharField(_("titre"), max_length=500)
    discipline = models.CharField(_("discipline"), max_length=200, blank=True)
    defence_year = models.PositiveSmallIntegerField(_("année de soutenance"))
    nnt = models.CharField(
        _("NNT"), max_length=20, blank=True, help_text=_("Numéro national de thèse.")
    )
    lab = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("laboratoire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="theses",
    )
    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("établissement de soutenance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="theses_defended",
    )
    doctoral_school = models.CharField(_("école doctorale"), max_length=200, blank=True)
    abstract = models.TextField(_("résumé"), blank=True)

    class Meta:
        verbose_name = _("thèse")
        verbose_name_plural = _("thèses")
        ordering = ["-defence_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["nnt"], condition=~models.Q(nnt=""), name="thesis_nnt_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ThesisAdvisor(models.Model):
    """A thesis supervisor: a person of the directory when known, else just a name."""

    thesis = models.ForeignKey(Thesis, on_delete=models.CASCADE, related_name="advisors")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="advised"
    )
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("directeur de thèse")
        verbose_name_plural = _("directeurs de thèse")

    def __str__(self) -> str:
        return self.name


class FundingKind(models.TextChoices):
    CIFRE = "cifre", _("CIFRE (entreprise)")
    DOCTORAL_CONTRACT = "contrat_doctoral", _("Contrat doctoral")
    ANR = "anr", "ANR"
    ERC = "erc", "ERC"
    H2020 = "h2020", _("Horizon 2020 / Horizon Europe")
    AGENCY = "agency", _("Agence nationale")
    REGION = "region", _("Région")
    COMPANY = "company", _("Entreprise (hors CIFRE)")
    OTHER = "other", _("Autre")


class ThesisFunding(models.Model):
    thesis = models.ForeignKey(Thesis, on_delete=models.CASCADE, related_name="fundings")
    funder = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("financeur"),
        on_delete=models.PROTECT,
        related_name="funded_theses",
    )
    kind = models.CharField(_("dispositif"), max_length=16, choices=FundingKind.choices)

    class Meta:
        verbose_name = _("financement de thèse")
        verbose_name_plural = _("financements de thèse")
        constraints = [
            models.UniqueConstraint(fields=["thesis", "funder", "kind"], name="funding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.funder}"


class ContactReveal(models.Model):
    """One member asking to see someone's contact details: the audit trail and the daily limit."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consulté par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="contact_reveals",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("coordonnées de"),
        on_delete=models.CASCADE,
        related_name="contact_reveals",
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation de coordonnées")
        verbose_name_plural = _("consultations de coordonnées")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["viewer", "at"]),
            models.Index(fields=["person", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.person_id} ({self.at:%Y-%m-%d %H:%M})"


# -- the search documents: what each audience may find of a person, kept by every write ----


class SearchDocument(models.Model):
    """One person as one audience level may find them (0 members, 1 paying, 2 staff).

    Written in the same transaction as the change it reflects (:mod:`filon.directory.indexing`);
    the text itself lives in the database's full-text engine (an FTS5 table per level on
    SQLite, the ``tsv`` column on PostgreSQL), the rest here. ``seq`` orders the changes: each
    server process reads the documents changed since the last one it applied.
    ``person_id`` is a plain number, not a key: the document of an erased person stays as a
    tombstone (``hidden``) so that every process learns of the erasure.
    """

    person_id = models.BigIntegerField()
    level = models.PositiveSmallIntegerField()
    hidden = models.BooleanField(default=False)
    sort_key = models.CharField(max_length=210, blank=True)
    #: Field texts as shown (name, organisations, titles, thesis, skills, labs, city).
    fields = models.JSONField(default=dict)
    #: What a result shows: {"name", "promos", "position"}.
    display = models.JSONField(default=dict)
    #: The person's facet values (ids of SearchFacetValue), packed int32 (see indexing.SLOTS).
    facets = models.BinaryField(default=b"")
    seq = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_id", "level"], name="search_doc_person_level")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.level}"


class SearchFacetValue(models.Model):
    """A facet value ("school" "P", "city" "saint etienne"…) and the number standing for it."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_facet_value")
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchSequence(models.Model):
    """The counter behind SearchDocument.seq: one row, incremented inside each write.

    Its row lock makes writers take numbers in commit order, so a reader that has seen
    number N has seen every number below it.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
