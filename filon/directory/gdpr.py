"""Personal data by registry (GDPR): what each app exports of a person, and how it erases them.

Each app declares its part in a ``gdpr.py`` module of its own, with :func:`register`: the key of
its section in the export, the models it answers for, an ``export`` and an ``erase`` function,
and, in words, what erasure keeps and why. The directory finds these modules when Django starts
(:func:`discover`, the way the admin finds ``admin.py``) and never imports the apps above it.

:func:`export` and :func:`erase` run every part; a test lists every model with a foreign key to
a person or an account and fails if no part claims it, so a new app cannot forget its data.

A :class:`Subject` is who the request is about: their account, their person (either may be
missing) and the strings that identify them (names, e-mail addresses, phone numbers), which
erasure scrubs from free text (audit details, import reports, the outbox).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class Subject:
    account: Any | None
    person: Any | None
    #: Names, e-mails and phones as they may appear in free text; longest first.
    strings: list[str] = field(default_factory=list)
    #: Set by the directory's part once the person is anonymised (erasure only).
    erased: bool = False


@dataclass(frozen=True)
class Part:
    key: str
    #: The models this part answers for, as ``app_label.ModelName``.
    models: tuple[str, ...]
    export: Callable[[Subject], Any]
    erase: Callable[[Subject], Any]
    #: What erasure keeps, and why (shown in the README's privacy section and the erase page).
    kept: str = ""
    #: Parts run in this order (lowest first): the directory's own part runs last on erasure,
    #: so that the others still see the person's data they need to find their rows.
    order: int = 50
    #: The strings that identify the subject in this part's data (names, e-mails, phones).
    strings: Callable[[Subject], set[str]] | None = None
    #: The export's sections are this part's own keys, at the top level (else under ``key``).
    inline: bool = False


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    """Declare an app's part; registering a key again replaces it."""
    _parts[part.key] = part


def parts() -> list[Part]:
    return sorted(_parts.values(), key=lambda p: (p.order, p.key))


def claimed_models() -> set[str]:
    return {label for part in _parts.values() for label in part.models}


def discover() -> None:
    """Import every installed app's ``gdpr`` module (each registers its part)."""
    autodiscover_modules("gdpr")


def identifying_strings(subject: Subject) -> list[str]:
    """Every part's identifying strings, long enough to identify, longest first."""
    found: set[str] = set()
    for part in parts():
        if part.strings is not None:
            found |= {s.strip() for s in part.strings(subject) if s}
    # Too short to be identifying, and would blank out unrelated words.
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


def export(subject: Subject) -> dict[str, Any]:
    """Every part's section, by key (an inline part's keys at the top level)."""
    data: dict[str, Any] = {}
    for part in parts():
        section = part.export(subject)
        if part.inline and isinstance(section, dict):
            data.update(section)
        elif not part.inline:
            data[part.key] = section
    return data


def erase(subject: Subject) -> dict[str, Any]:
    """Run every part's erasure (inside the caller's transaction); returns what each did."""
    done: dict[str, Any] = {}
    for part in parts():
        done[part.key] = part.erase(subject)
    return done


# -- helpers for the parts -------------------------------------------------------------------


ERASED_TEXT = "[effacé]"


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def scrub(value: Any, strings: list[str]) -> Any:
    """``value`` with every string (or JSON value) holding one of ``strings`` replaced."""
    if isinstance(value, dict):
        return {k: scrub(v, strings) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, strings) for v in value]
    if isinstance(value, str):
        folded = value.casefold()
        if any(s.casefold() in folded for s in strings):
            return ERASED_TEXT
    return value


def needles(strings: list[str]) -> set[str]:
    """The strings as they may be stored in a JSON column (non-ASCII escaped, or not)."""
    import json

    return {s for text in strings for s in (text, json.dumps(text)[1:-1])}


# -- the directory's own part ----------------------------------------------------------------


def _export_directory(subject: Subject) -> dict[str, Any]:
    from filon.directory.models import ContactPoint, ContactReveal, Person
    from filon.directory.privacy import as_person
    from filon.directory.queries import (
        jsonable,
        profile_data,
        revealer_name,
        reveals_of,
        with_profile,
    )

    data: dict[str, Any] = {"person": None, "reveals_made": []}
    if subject.account is not None:
        data["reveals_made"] = [
            {"person_id": r.person_id, "person": r.person.full_name, "at": iso(r.at), "ip": r.ip}
            for r in ContactReveal.objects.filter(viewer=subject.account).select_related("person")
        ]
    if subject.person is None:
        return data
    person = (
        with_profile(Person.objects.filter(pk=subject.person.pk)).prefetch_related("skills").get()
    )
    profile = profile_data(as_person(person.pk, with_dues=False), person)
    profile.pop("directory_opt_out")
    data["person"] = {
        **jsonable(profile),
        "gender": person.gender,
        "field_visibility": person.field_visibility,
        "directory_opt_out": person.directory_opt_out,
        "intermediary_opt_out": person.intermediary_opt_out,
        "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
    }
    data["affiliations"] = data["person"].pop("promos")
    data["contact_points"] = [
        {
            "kind": c.kind,
            "value": c.value,
            "label": c.label,
            "is_primary": c.is_primary,
            "visibility": c.visibility,
        }
        for c in ContactPoint.objects.filter(person=person).order_by("pk")
    ]
    data["reveals_of_my_details"] = [
        {"by": revealer_name(r), "at": iso(r.at)} for r in reveals_of(person)
    ]
    return data


ERASED_NAME = ("Personne", "effacée")


def _erase_directory(subject: Subject) -> dict[str, int]:
    from filon.directory.models import ContactReveal, Person, ThesisAdvisor

    done: dict[str, int] = {}
    if subject.account is not None:
        done["reveals_made"] = ContactReveal.objects.filter(viewer=subject.account).delete()[0]
    if subject.person is None:
        return done
    person = Person.objects.select_for_update().get(pk=subject.person.pk)
    done["contact_points"] = person.contact_points.all().delete()[0]
    done["positions"] = person.positions.all().delete()[0]
    done["theses"] = person.theses.all().delete()[0]
    person.skills.clear()
    done["reveals_of"] = ContactReveal.objects.filter(person=person).delete()[0]
    ThesisAdvisor.objects.filter(person=person).update(name=" ".join(ERASED_NAME))
    person.first_name, person.last_name = ERASED_NAME
    person.headline = person.bio = person.city = ""
    person.field_visibility = {}
    person.directory_opt_out = True
    person.intermediary_opt_out = True
    person.save()  # the search documents are rewritten in this transaction
    from django.db import connection

    from filon.directory.fulltext_sql import purge_sql

    with connection.cursor() as cursor:
        for statement in purge_sql(connection.vendor):
            cursor.execute(statement)
    subject.person = person
    subject.erased = True
    return done


def _directory_strings(subject: Subject) -> set[str]:
    from filon.directory.models import ContactKind

    found: set[str] = set()
    person = subject.person
    if person is not None:
        found |= {person.full_name, f"{person.last_name} {person.first_name}"}
        for contact in person.contact_points.all():
            found.add(contact.value)
            if contact.kind == ContactKind.PHONE:
                found.add(contact.display)  # 06 12 34 56 78
                found.add("".join(ch for ch in contact.display if ch.isdigit()))
    return found


register(
    Part(
        key="directory",
        models=(
            "directory.Person",
            "directory.Affiliation",
            "directory.ContactPoint",
            "directory.Position",
            "directory.Thesis",
            "directory.ThesisAdvisor",
            "directory.ContactReveal",
        ),
        export=_export_directory,
        erase=_erase_directory,
        kept=(
            "La fiche anonymisée (« Personne effacée »), hors annuaire, et ses diplômes (école, "
            "filière, année) : ils comptent dans les statistiques de l'association."
        ),
        order=90,
        strings=_directory_strings,
        inline=True,
    )
)
