"""Writes a generated demo network into the database, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction

from filon.accounts.models import Role, User
from filon.association.models import DuesPayment
from filon.audit.actions import record
from filon.core.demo.generator import PERSONAS, Network, Persona, dues_rates, generate_network
from filon.core.text import fold
from filon.demo.accounts import load_demo_accounts
from filon.directory.index_signals import invalidate as invalidate_search
from filon.directory.models import (
    Affiliation,
    ContactPoint,
    Person,
    Position,
    School,
    Skill,
    Thesis,
    ThesisAdvisor,
    ThesisFunding,
)
from filon.groups.demo import load_demo_groups
from filon.money.demo import load_demo_money, load_demo_topic
from filon.network.models import Group, GroupMembership, Tie
from filon.opportunities.demo import load_demo_opportunities
from filon.orgs.models import Organisation, Sector
from filon.outreach.demo import load_demo_outreach
from filon.projects.demo import load_demo_project

BATCH = 2000
M = TypeVar("M", bound=models.Model)


class DatabaseNotEmpty(RuntimeError):
    """The demo network only goes into a directory that has nobody in it yet."""


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str


def _bulk(model: type[M], objs: Sequence[M], tick: Callable[[int], None]) -> list[M]:
    out: list[M] = []
    for i in range(0, len(objs), BATCH):
        chunk = list(objs[i : i + BATCH])
        out += model._default_manager.bulk_create(chunk, batch_size=BATCH)
        tick(len(chunk))
    return out


def row_count(net: Network) -> int:
    """How many rows :func:`load_network` writes, for a progress bar."""
    return (
        len(net.orgs)
        + len(net.people)
        + len(net.affiliations)
        + len(net.contacts)
        + len(net.positions)
        + len(net.theses)
        + sum(len(t.advisors) for t in net.theses)
        + sum(len(t.fundings) for t in net.theses)
        + len(net.ties)
        + len(net.dues)
        + len(net.memberships)
        + sum(len(s) for s in net.skills.values())
    )


def load_network(net: Network, *, tick: Callable[[int], None] | None = None) -> list[Login]:
    """Write the network and the personas' accounts; refuse a directory that is not empty."""
    step = tick or (lambda _n: None)
    with transaction.atomic():
        if Person.objects.exists():
            raise DatabaseNotEmpty(f"the directory already holds {Person.objects.count()} people")
        sectors = set(Sector.objects.values_list("code", flat=True))
        org_ids: dict[str, int] = {
            f"school-{s.code}": s.organisation_id for s in School.objects.all() if s.organisation_id
        }
        schools = {s.code: s.pk for s in School.objects.all()}
        existing = {o.name: o.pk for o in Organisation.objects.all()}
        new_orgs = [o for o in net.orgs if o.name not in existing]
        for o in net.orgs:
            if o.name in existing:
                org_ids[o.key] = existing[o.name]
        step(len(net.orgs) - len(new_orgs))
        created = _bulk(
            Organisation,
            [
                Organisation(
                    name=o.name,
                    name_folded=fold(o.name),
                    short_name=o.short_name,
                    kind=o.kind,
                    sector_id=o.sector if o.sector in sectors else None,
                    city=o.city,
                    country=o.country,
                )
                for o in new_orgs
            ],
            step,
        )
        for rec, obj in zip(new_orgs, created, strict=True):
            org_ids[rec.key] = obj.pk
        parents = [
            Organisation(pk=org_ids[o.key], parent_id=org_ids[o.parent])
            for o in net.orgs
            if o.parent and o.parent in org_ids
        ]
        Organisation.objects.bulk_update(parents, ["parent"], batch_size=BATCH)

        people = _bulk(
            Person,
            [
                Person(
                    first_name=p.first_name,
                    last_name=p.last_name,
                    name_folded=fold(f"{p.first_name} {p.last_name}"),
                    gender=p.gender,
                    headline=p.headline,
                    city=p.city,
                    country=p.country,
                    directory_opt_out=p.directory_opt_out,
                    intermediary_opt_out=p.intermediary_opt_out,
                )
                for p in net.people
            ],
            step,
        )
        pid = [p.pk for p in people]

        _bulk(
            Affiliation,
            [
                Affiliation(
                    person_id=pid[a.person], school_id=schools[a.school], track=a.track, year=a.year
                )
                for a in net.affiliations
            ],
            step,
        )
        _bulk(
            ContactPoint,
            [
                ContactPoint(
                    person_id=pid[c.person],
                    kind=c.kind,
                    value=c.value,
                    label=c.label,
                    visibility=c.visibility,
                    is_primary=c.is_primary,
                )
                for c in net.contacts
            ],
            step,
        )
        _bulk(
            Position,
            [
                Position(
                    person_id=pid[p.person],
                    organisation_id=org_ids[p.org],
                    title=p.title,
                    kind=p.kind,
                    start=p.start,
                    end=p.end,
                )
                for p in net.positions
            ],
            step,
        )
        theses = _bulk(
            Thesis,
            [
                Thesis(
                    person_id=pid[t.person],
                    title=t.title,
                    discipline=t.discipline,
                    defence_year=t.year,
                    lab_id=org_ids.get(t.lab),
                    institution_id=org_ids.get(t.institution),
                    doctoral_school=t.doctoral_school,
                )
                for t in net.theses
            ],
            step,
        )
        advisors: list[ThesisAdvisor] = []
        fundings: list[ThesisFunding] = []
        for thesis_rec, thesis in zip(net.theses, theses, strict=True):
            advisors += [
                ThesisAdvisor(
                    thesis_id=thesis.pk, person_id=pid[p] if p is not None else None, name=name
                )
                for p, name in thesis_rec.advisors
            ]
            fundings += [
                ThesisFunding(thesis_id=thesis.pk, funder_id=org_ids[org], kind=kind)
                for kind, org in thesis_rec.fundings
            ]
        _bulk(ThesisAdvisor, advisors, step)
        _bulk(ThesisFunding, fundings, step)

        _bulk(
            Tie,
            [
                Tie(
                    source_person_id=pid[t.source],
                    target_person_id=pid[t.target],
                    kind=t.kind,
                    strength=t.strength,
                    since=t.since,
                    source="demo",
                )
                for t in net.ties
            ],
            step,
        )
        _bulk(
            DuesPayment,
            [
                DuesPayment(
                    person_id=pid[d.person],
                    year=d.year,
                    amount=d.amount,
                    category=d.category,
                    paid_on=d.paid_on,
                )
                for d in net.dues
            ],
            step,
        )
        groups = {
            g.key: Group.objects.create(name=g.name, kind=g.kind, description=g.description)
            for g in net.groups
        }
        if "x.mines.auteurs" in groups:
            auteurs = Organisation.objects.create(
                name="X-Mines Auteurs",
                name_folded=fold("X-Mines Auteurs"),
                kind="association",
                sector_id="94.99" if "94.99" in sectors else None,
                country="FR",
                city="Paris",
            )
            groups["x.mines.auteurs"].organisation = auteurs
            groups["x.mines.auteurs"].save(update_fields=["organisation"])
        _bulk(
            GroupMembership,
            [
                GroupMembership(group_id=groups[m.group].pk, person_id=pid[m.person], role=m.role)
                for m in net.memberships
            ],
            step,
        )
        names = sorted({s for skills in net.skills.values() for s in skills})
        skill_ids = {
            s.name: s.pk
            for s in _bulk(
                Skill, [Skill(name=n, name_folded=fold(n)) for n in names], lambda _n: None
            )
        }
        through: Any = Person.skills.through
        _bulk(
            through,
            [
                through(person_id=pid[p], skill_id=skill_ids[s])
                for p, skills in net.skills.items()
                for s in skills
            ],
            step,
        )
        logins = [_persona_account(p, pid) for p in net.personas]
        # Member accounts in every state: active, invited, failed address, deactivated.
        load_demo_accounts(pid, {pid[p.person] for p in net.personas if p.person is not None})
        # A few asks, offers and upcoming events, so that the demo's feed is not empty.
        personas = {p.role: pid[p.person] for p in net.personas if p.person is not None}
        load_demo_outreach(personas.get("ingenieur"), personas.get("docteur"))
        # Funders, programmes, projects and grants: "Qui a financé ma thèse ?" has answers.
        load_demo_money(net, org_ids, theses, fundings)
        load_demo_topic(personas.get("docteur"))
        # Claire's professional project: three scenarios, a dozen meetings (filon.projects).
        load_demo_project(personas.get("docteur"), org_ids)
        # Thirty groups and clubs with admins, events and announcements (filon.groups).
        load_demo_groups(personas.get("ingenieur"), personas.get("docteur"))
        # Sixty opportunities posted by engineers, a few fitting Claire's scenarios.
        load_demo_opportunities(personas.get("ingenieur"), org_ids)
        record("demo.generate", people=len(people), fingerprint=net.fingerprint())
        invalidate_search()  # bulk writes send no signal: index everyone, log a full graph change
    return logins


def _persona_account(persona: Persona, pid: list[int]) -> Login:
    role = Role.STAFF if persona.role == "staff" else Role.MEMBER
    user = User.objects.create_user(
        persona.email,
        persona.password,
        role=role,
        first_name=persona.first_name,
        last_name=persona.last_name,
        person_id=pid[persona.person] if persona.person is not None else None,
    )
    record("account.create", actor=None, target=user, reason="demo persona")
    return Login(persona.role, persona.email, persona.password)


def demo_logins() -> list[Login]:
    """The personas' logins, as created by :func:`load_network`."""
    return [Login(role, email, password) for role, email, password, _f, _l in PERSONAS]


def summary(net: Network) -> dict[str, Any]:
    """The figures `filon generate --json` prints, computed from the generated records."""
    docteurs = {a.person for a in net.affiliations if a.track == "docteur"}
    rates = dues_rates(net, 2020)
    return {
        "members": len(net.people),
        "docteur_share": round(len(docteurs) / len(net.people), 4),
        "dues_rate_2020": {track: figures["rate"] for track, figures in rates.items()},
        "fingerprint": net.fingerprint(),
    }


def generate_and_load(
    members: int,
    seed: int,
    *,
    on_generate: Callable[[int], None] | None = None,
    on_start_load: Callable[[int], None] | None = None,
    on_load: Callable[[int], None] | None = None,
) -> tuple[Network, list[Login]]:
    net = generate_network(members, seed=seed, progress=on_generate)
    if on_start_load:
        on_start_load(row_count(net))
    return net, load_network(net, tick=on_load)
