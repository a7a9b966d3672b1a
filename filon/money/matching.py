"""Which organisation of Filon a grant file means: identifiers first, then normalised names.

Surest first:

1. an identifier (PIC, Norwegian organisation number, SIREN…) already known;
2. the same name once normalised (:func:`filon.imports.matching.org_key`: case, accents, word
   order and legal forms ignored), as the organisation's name, short name or another name;
3. the same name without the country it is registered in ("THALES ALENIA SPACE FRANCE SAS" is
   the "Thales Alenia Space" where members work): :func:`core_key`;
4. a name that contains the other one (two words at least) or differs by a typo: *uncertain*.
   A new organisation is created and the pair goes to the staff's merge review.

Two organisations whose identifiers differ in the same scheme are never matched by name
("SINTEF AS" and "SINTEF OCEAN AS" are two companies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from filon.core.text import fold
from filon.imports.matching import org_key
from filon.orgs.models import Organisation

#: Country names and adjectives that grant files add to a group's name ("… FRANCE SAS").
COUNTRY_WORDS = frozenset(
    {
        "france", "francaise", "francais", "italia", "italy", "italiana", "deutschland",
        "germany", "espana", "spain", "espanola", "uk", "nederland", "netherlands", "belgium",
        "belgique", "belgie", "norge", "norway", "sverige", "sweden", "danmark", "denmark",
        "suisse", "schweiz", "switzerland", "osterreich", "austria", "polska", "poland",
        "portugal", "hellas", "greece", "ireland", "luxembourg", "finland", "suomi", "canada",
        "usa",
    }
)  # fmt: skip

#: How close (0–100) two names must be to be sent to the staff as a possible duplicate.
TYPO_SCORE = 92.0


@lru_cache(maxsize=65536)
def core_key(name: str) -> str:
    """:func:`org_key` without country words; "" when fewer than two words would remain.

    >>> core_key("THALES ALENIA SPACE FRANCE SAS") == core_key("Thales Alenia Space")
    True
    >>> core_key("Airbus France"), core_key("Thales Alenia Space Italia SpA")
    ('', 'alenia space thales')
    """
    words = [w for w in org_key(name).split() if w not in COUNTRY_WORDS]
    return " ".join(words) if len(words) >= 2 else ""


@dataclass(frozen=True)
class OrgFact:
    """An organisation as a grant file names it."""

    name: str
    short_name: str = ""
    kind: str = "company"
    identifiers: tuple[tuple[str, str], ...] = ()  # (orgs.IdScheme, value)
    city: str = ""
    country: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(eq=False)
class Slot:
    """An organisation this run knows: an existing one (``pk``) or a new one (``obj``)."""

    name: str
    pk: int | None = None
    obj: Organisation | None = None
    ids: dict[str, str] = field(default_factory=dict)  # scheme → value
    line: int = 0  # the line that created it

    @property
    def is_new(self) -> bool:
        return self.pk is None

    def fk(self, name: str = "organisation") -> dict[str, object]:
        return {f"{name}_id": self.pk} if self.pk is not None else {name: self.obj}

    @property
    def id(self) -> int | None:
        return self.pk if self.pk is not None else (self.obj.pk if self.obj else None)


@dataclass
class Resolution:
    slot: Slot
    how: str  # "identifier", "name", "country", "new", "doubt"
    existing: Slot | None = None  # the look-alike, for "doubt"
    score: float = 0.0
    reason: str = ""
    new_ids: list[tuple[str, str]] = field(default_factory=list)  # identifiers to attach


class OrgIndex:
    """Every organisation of Filon, indexed by identifier, name key and core key."""

    def __init__(
        self,
        orgs: list[tuple[int, str, str]],
        identifiers: list[tuple[int, str, str]],
        aliases: list[tuple[int, str]],
    ) -> None:
        self.slots: dict[int, Slot] = {pk: Slot(name, pk) for pk, name, _short in orgs}
        self.by_id: dict[tuple[str, str], Slot] = {}
        for pk, scheme, value in identifiers:
            slot = self.slots.get(pk)
            if slot is not None:
                slot.ids.setdefault(scheme, value)
                self.by_id[(scheme, value)] = slot
        self.by_key: dict[str, list[Slot]] = {}
        self.by_core: dict[str, list[Slot]] = {}
        self.fuzzy_keys: list[str] = []
        self.fuzzy_slots: list[Slot] = []
        for pk, name, short in orgs:
            self._index_name(self.slots[pk], name)
            if short and len(fold(short)) >= 3:
                self.by_key.setdefault(org_key(short), []).append(self.slots[pk])
        for pk, name in aliases:
            if pk in self.slots:
                self._index_name(self.slots[pk], name)

    @classmethod
    def from_db(cls) -> OrgIndex:
        from filon.orgs.models import OrgAlias, OrgIdentifier

        return cls(
            list(Organisation.objects.values_list("pk", "name", "short_name")),
            list(OrgIdentifier.objects.values_list("organisation_id", "scheme", "value")),
            list(OrgAlias.objects.values_list("organisation_id", "name")),
        )

    def _index_name(self, slot: Slot, name: str) -> None:
        key = org_key(name)
        if not key:
            return
        bucket = self.by_key.setdefault(key, [])
        if slot not in bucket:
            bucket.append(slot)
            self.fuzzy_keys.append(key)
            self.fuzzy_slots.append(slot)
        core = core_key(name)
        if core:
            bucket = self.by_core.setdefault(core, [])
            if slot not in bucket:
                bucket.append(slot)

    @staticmethod
    def _conflicts(slot: Slot, fact: OrgFact) -> bool:
        """Both sides carry an identifier of one scheme, and the values differ."""
        return any(slot.ids.get(scheme, value) != value for scheme, value in fact.identifiers)

    def _first(self, slots: list[Slot], fact: OrgFact) -> Slot | None:
        return next((s for s in slots if not self._conflicts(s, fact)), None)

    def resolve(self, fact: OrgFact) -> Resolution:
        """Find the organisation ``fact`` names, or say a new one is needed (not created here)."""
        for ident in fact.identifiers:
            if ident in self.by_id:
                slot = self.by_id[ident]
                return Resolution(slot, "identifier", new_ids=self._missing(slot, fact))
        for name in (fact.name, *fact.aliases):
            found = self._first(self.by_key.get(org_key(name), []), fact)
            if found is not None:
                return Resolution(found, "name", new_ids=self._missing(found, fact))
        core = core_key(fact.name)
        if core:
            found = self._first(self.by_core.get(core, []), fact)
            if found is not None:
                return Resolution(found, "country", new_ids=self._missing(found, fact))
        doubt = self._look_alike(fact)
        if doubt is not None:
            existing, score, reason = doubt
            return Resolution(Slot(fact.name), "doubt", existing, score, reason)
        return Resolution(Slot(fact.name), "new")

    def _missing(self, slot: Slot, fact: OrgFact) -> list[tuple[str, str]]:
        return [
            (scheme, value)
            for scheme, value in fact.identifiers
            if scheme not in slot.ids and (scheme, value) not in self.by_id
        ]

    def _look_alike(self, fact: OrgFact) -> tuple[Slot, float, str] | None:
        key = core_key(fact.name) or org_key(fact.name)
        if not key or not self.fuzzy_keys:
            return None
        words = set(key.split())
        for choice, score, i in process.extract(
            key, self.fuzzy_keys, scorer=fuzz.token_set_ratio, score_cutoff=100, limit=10
        ):
            other = set(choice.split())
            slot = self.fuzzy_slots[i]
            contained = words <= other or other <= words
            if min(len(words), len(other)) >= 2 and contained and not self._conflicts(slot, fact):
                return slot, float(score), "un nom contient l'autre"
        typo = process.extractOne(key, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        if typo is not None:
            slot = self.fuzzy_slots[typo[2]]
            if not self._conflicts(slot, fact):
                return slot, float(typo[1]), "noms presque identiques"
        return None

    def add(self, slot: Slot, fact: OrgFact) -> None:
        """Index an organisation this run creates, so that later lines find it."""
        for scheme, value in fact.identifiers:
            slot.ids.setdefault(scheme, value)
            self.by_id.setdefault((scheme, value), slot)
        self._index_name(slot, fact.name)
        for alias in fact.aliases:
            self._index_name(slot, alias)

    def attach(self, slot: Slot, identifiers: list[tuple[str, str]]) -> None:
        for scheme, value in identifiers:
            slot.ids.setdefault(scheme, value)
            self.by_id.setdefault((scheme, value), slot)

    def remember_name(self, slot: Slot, name: str) -> None:
        self._index_name(slot, name)
