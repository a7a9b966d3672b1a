"""The seeded demo network generator.

``generate_network(n, seed=s)`` returns plain records (no database): organisations, people,
diplomas, contact points, positions, theses with their funders, explicit ties, groups and dues.
The same ``(n, seed)`` always gives the same network, and :meth:`Network.fingerprint` hashes it
so that two runs can be compared.

Calibration (the federation's own figures):

- three schools, vintages 1950–2025, class sizes growing over time;
- 15 % of members are docteurs (some of them engineers of the same school first);
- dues for 2020 paid by 21 % of engineers (``ingenieur_civil`` and ``corps_des_mines``) and
  2.5 % of docteurs. A member counts for a year once graduated (diploma year ≤ that year).
  Payers are drawn exactly to the target rate among the members of each track, and persist
  from year to year (a loyal member pays every year), as in the association's books.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import date
from decimal import Decimal

from faker import Faker

from filon.core.demo import catalogue as cat
from filon.core.text import slug

FIRST_VINTAGE = 1950
LAST_VINTAGE = 2025
AS_OF = date(2025, 12, 31)
DUES_YEARS = tuple(range(2015, 2026))
ENGINEER_TRACKS = ("ingenieur_civil", "corps_des_mines")

#: Target share of payers per year: (engineers, docteurs, other tracks).
DUES_RATES: dict[int, tuple[float, float, float]] = {
    2015: (0.235, 0.020, 0.080),
    2016: (0.230, 0.021, 0.080),
    2017: (0.225, 0.022, 0.078),
    2018: (0.220, 0.023, 0.077),
    2019: (0.215, 0.024, 0.076),
    2020: (0.210, 0.025, 0.075),
    2021: (0.205, 0.026, 0.074),
    2022: (0.205, 0.028, 0.074),
    2023: (0.200, 0.030, 0.073),
    2024: (0.200, 0.034, 0.073),
    2025: (0.198, 0.040, 0.072),
}

# Share of non-docteur members per track.
OTHER_TRACKS = (
    ("ingenieur_civil", 0.74),
    ("corps_des_mines", 0.03),
    ("mastere_specialise", 0.14),
    ("master", 0.06),
    ("autre", 0.03),
)
SCHOOL_SHARES = (("P", 0.45), ("E", 0.30), ("N", 0.25))
DOCTEUR_SHARE = 0.15


@dataclass(frozen=True)
class OrgRec:
    key: str
    name: str
    short_name: str
    kind: str
    sector: str
    city: str
    country: str
    parent: str = ""


@dataclass(frozen=True)
class PersonRec:
    idx: int
    first_name: str
    last_name: str
    gender: str
    city: str
    country: str
    headline: str
    directory_opt_out: bool = False
    intermediary_opt_out: bool = False


@dataclass(frozen=True)
class AffiliationRec:
    person: int
    school: str
    track: str
    year: int


@dataclass(frozen=True)
class ContactRec:
    person: int
    kind: str
    value: str
    label: str
    visibility: str
    is_primary: bool


@dataclass(frozen=True)
class PositionRec:
    person: int
    org: str
    title: str
    kind: str
    start: date
    end: date | None


@dataclass(frozen=True)
class ThesisRec:
    person: int
    title: str
    discipline: str
    year: int
    lab: str
    institution: str
    doctoral_school: str
    advisors: tuple[tuple[int | None, str], ...]
    fundings: tuple[tuple[str, str], ...]  # (funding kind, funder org key)


@dataclass(frozen=True)
class TieRec:
    source: int
    target: int
    kind: str
    strength: float
    since: date | None


@dataclass(frozen=True)
class DuesRec:
    person: int
    year: int
    amount: Decimal
    category: str
    paid_on: date


@dataclass(frozen=True)
class GroupRec:
    key: str
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class MembershipRec:
    group: str
    person: int
    role: str


@dataclass(frozen=True)
class Persona:
    """A person of DESIGN.md woven into the network, with a demo login."""

    role: str  # "docteur", "ingenieur" or "staff"
    email: str
    password: str
    person: int | None  # index in Network.people; None for staff without a directory entry
    first_name: str
    last_name: str


#: The demo logins: (role, e-mail, password, first name, last name).
PERSONAS = (
    ("docteur", "claire.dumas@example.org", "filon-claire", "Claire", "Dumas"),
    ("ingenieur", "bernard.vasseur@example.org", "filon-bernard", "Bernard", "Vasseur"),
    ("staff", "sophie.lambert@example.org", "filon-sophie", "Sophie", "Lambert"),
)


@dataclass
class Network:
    orgs: list[OrgRec] = field(default_factory=list)
    people: list[PersonRec] = field(default_factory=list)
    affiliations: list[AffiliationRec] = field(default_factory=list)
    contacts: list[ContactRec] = field(default_factory=list)
    positions: list[PositionRec] = field(default_factory=list)
    theses: list[ThesisRec] = field(default_factory=list)
    ties: list[TieRec] = field(default_factory=list)
    dues: list[DuesRec] = field(default_factory=list)
    groups: list[GroupRec] = field(default_factory=list)
    memberships: list[MembershipRec] = field(default_factory=list)
    skills: dict[int, tuple[str, ...]] = field(default_factory=dict)
    personas: list[Persona] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A SHA-256 over every person, diploma, position and tie, in generation order."""
        digest = hashlib.sha256()
        for name, rows in (
            ("person", self.people),
            ("affiliation", self.affiliations),
            ("position", self.positions),
            ("tie", self.ties),
        ):
            for row in rows:
                digest.update(name.encode())
                digest.update(json.dumps(astuple(row), default=str, ensure_ascii=False).encode())
                digest.update(b"\n")
        return digest.hexdigest()


def dues_rates(network: Network, year: int) -> dict[str, dict[str, float | int]]:
    """Members, payers and rate per track for one year, computed from the records.

    A member counts in every track they hold a diploma of, dated that year or earlier.

    >>> net = generate_network(300, seed=3)
    >>> rates = dues_rates(net, 2020)
    >>> sorted(rates)[:2]
    ['autre', 'corps_des_mines']
    """
    members: dict[str, set[int]] = defaultdict(set)
    for a in network.affiliations:
        if a.year <= year:
            members[a.track].add(a.person)
    paid = {d.person for d in network.dues if d.year == year}
    out: dict[str, dict[str, float | int]] = {}
    for track in sorted(members):
        n = len(members[track])
        k = len(members[track] & paid)
        out[track] = {"members": n, "paid": k, "rate": round(k / n, 4) if n else 0.0}
    engineers = members["ingenieur_civil"] | members["corps_des_mines"]
    if engineers:
        k = len(engineers & paid)
        out["engineers"] = {
            "members": len(engineers),
            "paid": k,
            "rate": round(k / len(engineers), 4),
        }
    return out


class _Builder:
    def __init__(self, members: int, seed: int, progress: Callable[[int], None] | None) -> None:
        if members < 50:
            raise ValueError("the demo network needs at least 50 members")
        self.n = members
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.progress = progress or (lambda _n: None)
        self.net = Network()
        self.org_keys: set[str] = set()
        self.people_at_org: dict[str, list[tuple[int, date, date | None]]] = defaultdict(list)
        self.cohort: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.docteurs_by_lab: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.used_emails: set[str] = set()

    # -- organisations -------------------------------------------------------------------
    def add_org(self, rec: OrgRec) -> None:
        if rec.key not in self.org_keys:
            self.org_keys.add(rec.key)
            self.net.orgs.append(rec)

    def build_orgs(self) -> None:
        for key, name, short, kind, nace, city, country, _w in cat.COMPANIES:
            self.add_org(OrgRec(key, name, short, kind, nace, city, country))
        for key, name, short, kind, nace, _fk in cat.FUNDERS:
            city = "Bruxelles" if key in {"erc", "ec"} else "Paris"
            country = "BE" if key in {"erc", "ec"} else "FR"
            self.add_org(OrgRec(key, name, short, kind, nace, city, country))
        for key, name, short, school, city, _d, _w in cat.LABS:
            self.add_org(
                OrgRec(key, name, short, "lab", "72.19", city, "FR", parent=f"school-{school}")
            )
        self.companies = [c[0] for c in cat.COMPANIES]
        self.company_weights = [c[7] for c in cat.COMPANIES]
        self.city_names = [c[0] for c in cat.CITIES]
        self.city_weights = [c[2] for c in cat.CITIES]
        self.city_country = {c[0]: c[1] for c in cat.CITIES}

    # -- people --------------------------------------------------------------------------
    def vintage(self, lo: int, hi: int) -> int:
        # Class sizes grow roughly linearly over the decades.
        while True:
            y = self.rng.randint(lo, hi)
            if self.rng.random() < (1 + (y - FIRST_VINTAGE) / 25) / (1 + (hi - FIRST_VINTAGE) / 25):
                return y

    def pick_school(self) -> str:
        r = self.rng.random()
        acc = 0.0
        for code, share in SCHOOL_SHARES:
            acc += share
            if r < acc:
                return code
        return SCHOOL_SHARES[-1][0]

    def pick_track(self) -> str:
        r = self.rng.random()
        acc = 0.0
        for track, share in OTHER_TRACKS:
            acc += share
            if r < acc:
                return track
        return OTHER_TRACKS[0][0]

    def email_for(self, first: str, last: str) -> str:
        base = f"{slug(first)}.{slug(last)}".replace("..", ".")
        domain = self.rng.choice(("example.org", "example.net", "example.com"))
        email = f"{base}@{domain}"
        i = 2
        while email in self.used_emails:
            email = f"{base}{i}@{domain}"
            i += 1
        self.used_emails.add(email)
        return email

    def add_person(
        self,
        first: str,
        last: str,
        gender: str,
        city: str,
        headline: str,
        *,
        opt_out: bool = False,
        no_intermediary: bool = False,
    ) -> int:
        idx = len(self.net.people)
        self.net.people.append(
            PersonRec(
                idx,
                first,
                last,
                gender,
                city,
                self.city_country.get(city, "FR"),
                headline,
                opt_out,
                no_intermediary,
            )
        )
        return idx

    def add_contacts(self, idx: int, first: str, last: str, *, phone: bool) -> None:
        vis = self.rng.choices(("paying", "members", "private"), (6, 3, 1))[0]
        self.net.contacts.append(
            ContactRec(idx, "email", self.email_for(first, last), "perso", vis, True)
        )
        if phone:
            digits = "".join(str(self.rng.randint(0, 9)) for _ in range(8))
            mobile = _valid_mobile(self.rng.choice("67"), digits)
            self.net.contacts.append(ContactRec(idx, "phone", mobile, "mobile", vis, True))

    def add_position(self, rec: PositionRec) -> None:
        self.net.positions.append(rec)
        self.people_at_org[rec.org].append((rec.person, rec.start, rec.end))

    def career(
        self, idx: int, start_year: int, titles: tuple[str, ...], prefer: tuple[str, ...]
    ) -> str:
        """Successive positions from start_year; the last is current unless retired."""
        year = start_year
        retire = start_year + self.rng.randint(38, 43)
        headline = ""
        n_jobs = self.rng.choices((1, 2, 3, 4), (3, 4, 3, 2))[0]
        for j in range(n_jobs):
            if year > AS_OF.year:
                break
            if prefer and self.rng.random() < 0.55:
                org = self.rng.choice(prefer)
            else:
                org = self.rng.choices(self.companies, self.company_weights)[0]
            title = self.rng.choice(titles)
            last = j == n_jobs - 1
            length = self.rng.randint(3, 12)
            end_year = min(year + length, retire)
            start = date(year, self.rng.randint(1, 12), 1)
            if last and end_year >= AS_OF.year and retire > AS_OF.year:
                end = None
            else:
                end_year = max(end_year, year + 1)
                if last:
                    end_year = min(retire, AS_OF.year) if retire <= AS_OF.year else end_year
                end_year = max(end_year, year + 1)
                if end_year > AS_OF.year:
                    end = None
                else:
                    end = date(end_year, self.rng.randint(1, 12), 28)
                    if end < start:
                        end = date(start.year + 1, start.month, 28)
            self.add_position(PositionRec(idx, org, title, "employment", start, end))
            if end is None:
                headline = f"{title}, {self.org_name(org)}"
            year = end.year if end else AS_OF.year + 1
        return headline

    def org_name(self, key: str) -> str:
        org = next(o for o in self.net.orgs if o.key == key)
        return org.short_name or org.name

    def build_people(self) -> None:
        n_doc = round(self.n * DOCTEUR_SHARE)
        docteur_slots = set(self.rng.sample(range(self.n), n_doc))
        labs = list(cat.LABS)
        lab_weights = [lab[6] for lab in labs]
        for i in range(self.n):
            if i % 500 == 0:
                self.progress(500 if i else 0)
            female = self.rng.random() < (0.38 if i in docteur_slots else 0.25)
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            last = self.fake.last_name()
            city = self.rng.choices(self.city_names, self.city_weights)[0]
            opt_out = self.rng.random() < 0.02
            no_inter = self.rng.random() < 0.05
            if i in docteur_slots:
                lab = self.rng.choices(labs, lab_weights)[0]
                lab_key, _ln, _ls, school, _city, discs, _w = lab
                disc = self.rng.choice(discs)
                year = self.vintage(1975, LAST_VINTAGE)
                idx = self.add_person(
                    first,
                    last,
                    "f" if female else "m",
                    city,
                    "",
                    opt_out=opt_out,
                    no_intermediary=no_inter,
                )
                if self.rng.random() < 0.10 and year - 4 >= FIRST_VINTAGE:
                    self.net.affiliations.append(
                        AffiliationRec(idx, school, "ingenieur_civil", year - 4)
                    )
                    self.cohort[(school, year - 4)].append(idx)
                self.net.affiliations.append(AffiliationRec(idx, school, "docteur", year))
                self.cohort[(school, year)].append(idx)
                headline = self.docteur_path(idx, lab_key, school, disc, year)
            else:
                school = self.pick_school()
                track = self.pick_track()
                year = self.vintage(FIRST_VINTAGE, LAST_VINTAGE)
                idx = self.add_person(
                    first,
                    last,
                    "f" if female else "m",
                    city,
                    "",
                    opt_out=opt_out,
                    no_intermediary=no_inter,
                )
                self.net.affiliations.append(AffiliationRec(idx, school, track, year))
                self.cohort[(school, year)].append(idx)
                disc = self.rng.choice(tuple(cat.DISCIPLINES))
                headline = self.career(idx, year, cat.ENGINEER_TITLES, cat.DISCIPLINES[disc][4])
                self.skills_for(idx, disc, 2)
            self.add_contacts(idx, first, last, phone=self.rng.random() < 0.7)
            if headline:
                self.net.people[idx] = _with_headline(self.net.people[idx], headline)
        self.progress(self.n % 500 or 500)

    def skills_for(self, idx: int, disc: str, k: int) -> None:
        pool = cat.DISCIPLINES[disc][3]
        self.net.skills[idx] = tuple(sorted(self.rng.sample(pool, min(k, len(pool)))))

    def docteur_path(self, idx: int, lab: str, school: str, disc: str, year: int) -> str:
        label, methods, objects, _skills, employers = cat.DISCIPLINES[disc]
        start = date(year - 3, 10, 1)
        defence = date(year, self.rng.randint(3, 12), 15)
        self.add_position(PositionRec(idx, lab, "Doctorant", "phd", start, defence))
        self.docteurs_by_lab[lab].append((idx, year))
        title = f"{self.rng.choice(methods)} {self.rng.choice(objects)}"
        fundings = self.thesis_fundings(school, employers)
        advisors = self.advisors(lab, year)
        self.net.theses.append(
            ThesisRec(
                idx,
                title,
                label,
                year,
                lab,
                f"school-{school}",
                "ED 621 ISMME" if school == "P" else "ED SIS",
                advisors,
                fundings,
            )
        )
        self.skills_for(idx, disc, 3)
        next_year = year
        if self.rng.random() < 0.3 and year < AS_OF.year:
            other = self.rng.choice([lb[0] for lb in cat.LABS if disc in lb[5]])
            end = date(min(year + 2, AS_OF.year), 9, 30)
            self.add_position(
                PositionRec(idx, other, "Post-doctorant", "postdoc", date(year, 11, 1), end)
            )
            next_year = end.year
        if next_year >= AS_OF.year:
            return f"Docteur en {label.lower()}"
        if self.rng.random() < 0.25:
            titles: tuple[str, ...] = cat.ACADEMIC_TITLES
            prefer: tuple[str, ...] = ("cnrs", "cea", "inria", lab)
        else:
            titles, prefer = cat.DOCTEUR_TITLES, employers
        return self.career(idx, next_year + 1, titles, prefer) or f"Docteur en {label.lower()}"

    def thesis_fundings(
        self, school: str, employers: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        kind = self.rng.choices(
            ("contrat_doctoral", "cifre", "anr", "h2020", "erc", "agency", "region"),
            (35, 25, 15, 6, 2, 9, 8),
        )[0]
        out: list[tuple[str, str]] = []
        if kind == "cifre":
            out.append(("cifre", self.rng.choice([e for e in employers if e in self.org_keys])))
        elif kind == "contrat_doctoral":
            out.append(("contrat_doctoral", "mesr"))
        elif kind == "anr":
            out.append(("anr", "anr"))
        elif kind == "h2020":
            out.append(("h2020", "ec"))
        elif kind == "erc":
            out.append(("erc", "erc"))
        elif kind == "agency":
            out.append(("agency", self.rng.choice(("cnes", "ademe"))))
        else:
            out.append(("region", cat.SCHOOL_REGION[school]))
        if self.rng.random() < 0.2:
            extra = self.rng.choice(
                (("region", cat.SCHOOL_REGION[school]), ("other", "carnot"), ("anr", "anr"))
            )
            if extra not in out:
                out.append(extra)
        return tuple(out)

    def advisors(self, lab: str, year: int) -> tuple[tuple[int | None, str], ...]:
        out: list[tuple[int | None, str]] = []
        seniors = [p for p, y in self.docteurs_by_lab[lab] if y <= year - 8]
        if seniors and self.rng.random() < 0.4:
            p = self.rng.choice(seniors)
            rec = self.net.people[p]
            out.append((p, f"{rec.first_name} {rec.last_name}"))
        while len(out) < self.rng.choice((1, 2)):
            out.append((None, f"{self.fake.first_name()} {self.fake.last_name()}"))
        return tuple(out)

    # -- personas ------------------------------------------------------------------------
    def build_personas(self) -> None:
        claire = self.add_person(
            "Claire",
            "Dumas",
            "f",
            "Sophia Antipolis",
            "Docteure en télédétection, traitement d'images satellitaires",
        )
        self.net.affiliations.append(AffiliationRec(claire, "P", "docteur", 2019))
        self.cohort[("P", 2019)].append(claire)
        self.add_position(
            PositionRec(claire, "oie", "Doctorante", "phd", date(2016, 10, 1), date(2019, 11, 28))
        )
        self.add_position(
            PositionRec(
                claire, "oie", "Post-doctorante", "postdoc", date(2020, 1, 1), date(2021, 12, 31)
            )
        )
        self.add_position(
            PositionRec(
                claire,
                "acri-st",
                "Ingénieure de recherche en traitement d'images",
                "employment",
                date(2022, 2, 1),
                None,
            )
        )
        advisors = self.advisors("oie", 2019) or ((None, "Lucien Wald"),)
        self.net.theses.append(
            ThesisRec(
                claire,
                "Détection de changements dans les séries temporelles d'images Sentinel-2 "
                "pour le suivi de l'occupation des sols",
                "Télédétection",
                2019,
                "oie",
                "school-P",
                "ED 621 ISMME",
                advisors,
                (("cifre", "tas"), ("agency", "cnes")),
            )
        )
        self.net.skills[claire] = (
            "Apprentissage profond",
            "Python",
            "Traitement d'images",
            "Télédétection",
        )
        self.net.contacts.append(
            ContactRec(claire, "email", "claire.dumas@example.org", "perso", "members", True)
        )
        self.net.contacts.append(
            ContactRec(claire, "phone", "+33612345678", "mobile", "paying", True)
        )
        self.used_emails.add("claire.dumas@example.org")

        bernard = self.add_person(
            "Bernard",
            "Vasseur",
            "m",
            "Versailles",
            "Ingénieur P58, alliages d'aluminium, fondateur de X-Mines Auteurs",
        )
        self.net.affiliations.append(AffiliationRec(bernard, "P", "ingenieur_civil", 1958))
        self.cohort[("P", 1958)].append(bernard)
        self.add_org(OrgRec("pechiney", "Pechiney", "", "company", "24.42", "Voreppe", "FR"))
        self.add_position(
            PositionRec(
                bernard,
                "pechiney",
                "Ingénieur de recherche, alliages d'aluminium",
                "employment",
                date(1960, 9, 1),
                date(1978, 6, 30),
            )
        )
        self.add_position(
            PositionRec(
                bernard,
                "pechiney",
                "Directeur du centre de recherche de Voreppe",
                "employment",
                date(1978, 7, 1),
                date(1999, 12, 31),
            )
        )
        self.net.skills[bernard] = ("Essais mécaniques", "Métallurgie")
        self.net.contacts.append(
            ContactRec(bernard, "email", "bernard.vasseur@example.org", "perso", "members", True)
        )
        self.net.contacts.append(
            ContactRec(bernard, "phone", "+33139501234", "fixe", "members", False)
        )
        self.used_emails.add("bernard.vasseur@example.org")

        index = {"docteur": claire, "ingenieur": bernard}
        self.net.personas = [
            Persona(role, email, password, index.get(role), first, last)
            for role, email, password, first, last in PERSONAS
        ]
        self.claire, self.bernard = claire, bernard

    # -- ties and groups -----------------------------------------------------------------
    def build_ties(self) -> None:
        seen: set[tuple[int, int, str]] = set()
        people_orgs: dict[int, list[str]] = defaultdict(list)
        for p in self.net.positions:
            people_orgs[p.person].append(p.org)
        cohort_of: dict[int, tuple[str, int]] = {}
        for a in self.net.affiliations:
            cohort_of.setdefault(a.person, (a.school, a.year))

        def add(a: int, b: int, kind: str, strength: float, since: date | None) -> None:
            if a == b or (a, b, kind) in seen or (b, a, kind) in seen:
                return
            seen.add((a, b, kind))
            self.net.ties.append(TieRec(a, b, kind, round(strength, 2), since))

        for idx in range(len(self.net.people)):
            for _ in range(self.rng.choices((0, 1, 2, 3), (3, 4, 2, 1))[0]):
                r = self.rng.random()
                orgs = people_orgs.get(idx)
                if r < 0.4 and idx in cohort_of:
                    school, year = cohort_of[idx]
                    other = self.rng.choice(self.cohort[(school, year)])
                    add(idx, other, "declared", self.rng.uniform(0.4, 0.9), date(year, 6, 30))
                elif r < 0.8 and orgs:
                    org = self.rng.choice(orgs)
                    other, start, _end = self.rng.choice(self.people_at_org[org])
                    kind = "coauthor" if org in {lab[0] for lab in cat.LABS} else "colleague"
                    add(idx, other, kind, self.rng.uniform(0.3, 0.9), start)
                elif r < 0.9:
                    other = self.rng.randrange(len(self.net.people))
                    add(idx, other, "mentor", self.rng.uniform(0.5, 0.9), None)
                else:
                    other = self.rng.randrange(len(self.net.people))
                    add(idx, other, "declared", self.rng.uniform(0.2, 0.6), None)
        # The personas' own circles: Claire's lab mates and a few alumni at her CIFRE company.
        for other, _s, _e in self.people_at_org["oie"][:6]:
            add(self.claire, other, "coauthor", 0.8, date(2017, 1, 1))
        for other, _s, end in self.people_at_org["tas"][:3]:
            if end is None:
                add(self.claire, other, "colleague", 0.6, date(2017, 1, 1))
        for other in self.cohort[("P", 1958)][:5]:
            add(self.bernard, other, "declared", 0.9, date(1958, 6, 30))

    def build_groups(self) -> None:
        for name, kind, desc in cat.GROUPS:
            key = slug(name)
            self.net.groups.append(GroupRec(key, name, kind, desc))
        keys = [g.key for g in self.net.groups]
        docteurs = {a.person for a in self.net.affiliations if a.track == "docteur"}
        members: set[tuple[str, int]] = set()
        for idx in range(len(self.net.people)):
            if self.rng.random() < 0.08:
                for g in self.rng.sample(keys, self.rng.choice((1, 2))):
                    members.add((g, idx))
            if idx in docteurs and self.rng.random() < 0.1:
                members.add((slug("Docteurs des Mines"), idx))
        members.discard((slug("X-Mines Auteurs"), self.bernard))
        for g, idx in sorted(members):
            self.net.memberships.append(MembershipRec(g, idx, "member"))
        self.net.memberships.append(MembershipRec(slug("X-Mines Auteurs"), self.bernard, "founder"))

    # -- dues ----------------------------------------------------------------------------
    def build_dues(self) -> None:
        loyalty = [self.rng.random() for _ in self.net.people]
        diplomas: dict[int, list[AffiliationRec]] = defaultdict(list)
        for a in self.net.affiliations:
            diplomas[a.person].append(a)
        loyalty[self.bernard] = -1.0  # always among the first to pay
        never = {self.claire}
        for year in DUES_YEARS:
            eng_rate, doc_rate, other_rate = DUES_RATES[year]
            docs: list[int] = []
            engs: dict[str, list[int]] = {t: [] for t in ENGINEER_TRACKS}
            others: list[int] = []
            held_by: dict[int, set[str]] = {}
            for p, affs in diplomas.items():
                held = {a.track for a in affs if a.year <= year}
                if not held:
                    continue
                held_by[p] = held
                if "docteur" in held:
                    docs.append(p)
                elif held & set(ENGINEER_TRACKS):
                    engs[min(held & set(ENGINEER_TRACKS))].append(p)
                else:
                    others.append(p)
            payers = _quota(docs, doc_rate, loyalty, never)
            for track, pool in engs.items():
                # Docteurs who are engineers too count in this track: their payments are
                # already decided, so the quota of the others makes up the difference.
                dual = [p for p in docs if track in held_by[p]]
                already = sum(1 for p in dual if p in payers)
                target = max(0, round(eng_rate * (len(pool) + len(dual))) - already)
                payers |= _quota(pool, target / len(pool) if pool else 0.0, loyalty, never)
            payers |= _quota(others, other_rate, loyalty, never)
            for p in sorted(payers):
                first_year = min(a.year for a in diplomas[p])
                if year - first_year >= 42:
                    amount, category = Decimal("60.00"), "retired"
                elif year - first_year <= 3:
                    amount, category = Decimal("30.00"), "reduced"
                else:
                    amount, category = Decimal("120.00"), "full"
                paid_on = date(year, self.rng.randint(1, 6), self.rng.randint(1, 28))
                self.net.dues.append(DuesRec(p, year, amount, category, paid_on))

    def build(self) -> Network:
        self.build_orgs()
        self.build_people()
        self.build_personas()
        self.build_ties()
        self.build_groups()
        self.build_dues()
        return self.net


def _valid_mobile(first: str, digits: str) -> str:
    """A French mobile number in E.164 that phonenumbers accepts as valid.

    Only 06 (except 069x, overseas) and 073–079 are allocated: the two digits after 6 or 7
    are moved into those ranges without drawing anything more from the generator.

    >>> _valid_mobile("7", "01234567"), _valid_mobile("6", "91234567")
    ('+33741234567', '+33611234567')
    """
    if first == "7" and digits[0] in "012":
        digits = str(3 + int(digits[1]) % 7) + digits[1:]
    elif first == "6" and digits[0] == "9":
        digits = "1" + digits[1:]
    elif first == "6" and digits[:2] == "39":
        digits = "38" + digits[2:]
    return f"+33{first}{digits}"


def _quota(pool: list[int], rate: float, loyalty: list[float], never: set[int]) -> set[int]:
    """The round(rate × len(pool)) most loyal members of the pool."""
    k = round(rate * len(pool))
    ranked = sorted((p for p in pool if p not in never), key=lambda p: loyalty[p])
    return set(ranked[:k])


def _with_headline(p: PersonRec, headline: str) -> PersonRec:
    return PersonRec(
        p.idx,
        p.first_name,
        p.last_name,
        p.gender,
        p.city,
        p.country,
        headline,
        p.directory_opt_out,
        p.intermediary_opt_out,
    )


def generate_network(
    members: int, *, seed: int = 1, progress: Callable[[int], None] | None = None
) -> Network:
    """Generate a demo network of ``members`` people (the personas included).

    ``progress`` is called with the number of people generated since its last call.

    >>> net = generate_network(200, seed=7)
    >>> len(net.people)
    200
    >>> net.fingerprint() == generate_network(200, seed=7).fingerprint()
    True
    >>> [p.role for p in net.personas]
    ['docteur', 'ingenieur', 'staff']
    """
    # The two personas with a directory entry are part of the requested count.
    builder = _Builder(members - 2, seed, progress)
    network = builder.build()
    if progress:
        progress(2)
    return network
