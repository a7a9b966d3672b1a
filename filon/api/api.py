"""The JSON API, mounted at /api/. Its OpenAPI 3 schema is served at /api/openapi.json.

Two ways in: the browser session (with its CSRF token), or an ``Authorization: Bearer``
token created with ``filon token create``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from filon import __version__
from filon.accounts.models import ApiToken
from filon.api.schemas import ErrorOut, MeOut, PersonOut
from filon.directory.models import Person
from filon.directory.queries import profile_for, with_profile


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Filon API",
    version=__version__,
    description="L'API de Filon : annuaire, réseau, financements, scénarios d'offre.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def person_out(person: Person) -> dict[str, Any]:
    """A person as the API shows them; the caller has already checked the viewer may see them."""
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "headline": person.headline,
        "city": person.city,
        "country": person.country,
        "promos": [
            {"school": a.school.name, "track": a.track, "year": a.year, "label": a.promo}
            for a in person.affiliations.all()
        ],
        "positions": [
            {
                "title": p.title,
                "organisation": p.organisation.name,
                "organisation_id": p.organisation_id,
                "start": p.start.isoformat() if p.start else None,
                "end": p.end.isoformat() if p.end else None,
            }
            for p in person.positions.all()
        ],
        "theses": [
            {
                "title": t.title,
                "discipline": t.discipline,
                "defence_year": t.defence_year,
                "lab": t.lab.name if t.lab else None,
                "advisors": [a.name for a in t.advisors.all()],
                "funders": [
                    {"kind": f.kind, "funder": f.funder.name, "funder_id": f.funder_id}
                    for f in t.fundings.all()
                ],
            }
            for t in person.theses.all()
        ],
    }


@api.get("/me", response=MeOut, summary="Le compte connecté et sa fiche")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    person = None
    contacts: list[dict[str, str]] = []
    if user.person_id:
        found = with_profile(Person.objects.filter(pk=user.person_id)).first()
        if found is not None:
            person = person_out(found)
            contacts = [
                {"kind": c.kind, "value": c.value, "label": c.label, "visibility": c.visibility}
                for c in found.contact_points.all()
            ]
    return {
        "email": user.email,
        "role": user.role,
        "language": user.language,
        "person": person,
        "contacts": contacts,
    }


@api.get(
    "/people/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    summary="Une fiche de l'annuaire (sans coordonnées)",
)
def person_detail(request: HttpRequest, person_id: int) -> Any:
    person = profile_for(request.user, person_id)
    if person is None:
        # The same answer for "does not exist" and "may not see": no probing.
        raise HttpError(404, "Personne introuvable.")
    return person_out(person)
