"""The API's shapes: what it reads (bounded numbers, storable text), what it answers, and the
one body of every error.

Input is checked here, at the boundary, so that no query ever sees a number a column cannot
hold or text a database cannot store: a bad value answers 422 with :class:`ErrorOut`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field

from filon.core.text import unstorable

# -- what the API reads ----------------------------------------------------------------------

#: The largest key a bigint column holds, on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1

#: A row's id: larger numbers would overflow the database's integers (a 500, not a 404).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

NUL_REFUSED = "caractère NUL interdit (NUL character not allowed)"
SURROGATE_REFUSED = (
    "caractère invalide : moitié de paire UTF-16 isolée (lone UTF-16 surrogate not allowed)"
)


def _storable(value: str) -> str:
    problem = unstorable(value)
    if problem == "NUL":
        raise ValueError(NUL_REFUSED)
    if problem:
        raise ValueError(SURROGATE_REFUSED)
    return value


#: Text the API reads (query, path or body): no NUL character (PostgreSQL refuses it) and no
#: lone UTF-16 surrogate (no UTF-8 encoder writes it). The pattern tells clients the first rule;
#: the second is a property of every valid UTF-8 request.
Text = Annotated[
    str, AfterValidator(_storable), Field(json_schema_extra={"pattern": "^[^\\x00]*$"})
]


# -- errors ----------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    """One refused value: where it is (``query.person_id``, ``body.title``…) and why."""

    field: str
    message: str


class ErrorOut(Schema):
    """The body of every error answer (400, 401, 403, 404, 409, 422, 429)."""

    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


def answers(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """An operation's responses: ``ok`` under ``status``, :class:`ErrorOut` under each error
    code, and always 401 (no session or token)."""
    return {status: ok, **{code: ErrorOut for code in sorted({401, *errors})}}


# -- the directory ---------------------------------------------------------------------------


class PromoOut(Schema):
    school: str
    school_code: str
    track: str
    track_label: str
    year: int
    label: str


class PositionOut(Schema):
    title: str
    kind: str
    kind_label: str
    organisation: str
    organisation_id: int
    start: date | None
    end: date | None
    is_current: bool


class FundingOut(Schema):
    kind: str
    kind_label: str
    funder: str
    funder_id: int


class AdvisorOut(Schema):
    name: str
    person_id: int | None  # set only when the advisor is a member the caller may see


class ThesisOut(Schema):
    title: str
    discipline: str
    defence_year: int
    doctoral_school: str
    lab: str | None
    lab_id: int | None
    institution: str | None
    advisors: list[AdvisorOut]
    funders: list[FundingOut]


class PersonOut(Schema):
    """A profile as the caller may see it: a group hidden from them is null (not empty)."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    headline: str
    promos: list[PromoOut]
    city: str | None
    country: str | None
    bio: str | None
    positions: list[PositionOut] | None
    theses: list[ThesisOut] | None
    skills: list[str] | None


class ContactOut(Schema):
    kind: str
    value: str
    label: str
    visibility: str


class MeOut(Schema):
    email: str
    role: str
    language: str
    person: PersonOut | None
    contacts: list[ContactOut]


class RevealedContactOut(Schema):
    kind: str
    value: str  # e-mail, or phone in E.164
    display: str  # phone in the French national format
    label: str
    is_primary: bool


class RevealOut(Schema):
    person_id: int
    contacts: list[RevealedContactOut]
