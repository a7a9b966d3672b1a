"""The JSON API, mounted at /api/. Its OpenAPI 3 schema is served at /api/openapi.json.

Two ways in: the browser session (with its CSRF token), or an ``Authorization: Bearer``
token created with ``filon token create``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from filon import __version__
from filon.accounts.models import ApiToken
from filon.api.directory import router as directory_router
from filon.api.groups import opportunities_router
from filon.api.groups import router as groups_router
from filon.api.money import router as money_router
from filon.api.network import router as network_router
from filon.api.outreach import router as outreach_router
from filon.api.projects import router as projects_router
from filon.api.schemas import MeOut, answers
from filon.api.search import router as search_router
from filon.directory.privacy import viewer_for
from filon.directory.queries import find_person, profile_data


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

UNAUTHENTICATED = "Connexion requise : session ou jeton « Authorization: Bearer » (login required)."
UNREADABLE_BODY = "Corps de la requête illisible : JSON attendu (request body is not valid JSON)."
INVALID = "Requête invalide (invalid request)"


def _where(loc: Any) -> str:
    """Where a refused value is, ``query.person_id`` or ``body.title``: without the name of the
    view's body argument nor the positions in a list."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        del parts[1:2]
    return ".".join(str(p) for p in parts if not isinstance(p, int)) or "body"


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with one message per refused value, in the shape of every error (:class:`ErrorOut`)."""
    errors = [
        {"field": _where(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors
    ]
    detail = f"{INVALID} : " + " ; ".join(f"{e['field']} : {e['message']}" for e in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(HttpError)
def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """The API's own refusals, and ninja's (no credentials, an unreadable body), in French and
    English."""
    message = str(exc)
    if isinstance(exc, AuthenticationError):
        message = UNAUTHENTICATED
    elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = UNREADABLE_BODY
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.get("/me", response=answers(MeOut), summary="Le compte connecté et sa fiche")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    person = None
    contacts: list[dict[str, str]] = []
    if user.person_id:
        viewer = viewer_for(user)
        found = find_person(viewer, user.person_id)
        if found is not None:
            # The same serialisation as the profile page and /api/people/{id}.
            person = profile_data(viewer, found)
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


# The directory's endpoints (profiles with field visibility, contact reveals, GDPR export).
api.add_router("", directory_router)
# The directory search (same index, visibility rules and rate limit as /annuaire/).
api.add_router("", search_router)
# The network: introduction paths, who we know at an organisation, the ego map.
api.add_router("", network_router)
# Asks, offers, contact requests and introductions (the same rules as /entraide/).
api.add_router("", outreach_router)
# Follow the money: organisations, projects, programmes, who funded my thesis, the trail.
api.add_router("", money_router)
# A member's own offer scenarios and their targeted contacts (private to the member).
api.add_router("", projects_router)
api.add_router("", groups_router)
api.add_router("", opportunities_router)
