"""The API's output shapes."""

from __future__ import annotations

from ninja import Schema


class PromoOut(Schema):
    school: str
    track: str
    year: int
    label: str


class PositionOut(Schema):
    title: str
    organisation: str
    organisation_id: int
    start: str | None
    end: str | None


class FundingOut(Schema):
    kind: str
    funder: str
    funder_id: int


class ThesisOut(Schema):
    title: str
    discipline: str
    defence_year: int
    lab: str | None
    advisors: list[str]
    funders: list[FundingOut]


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    headline: str
    city: str
    country: str
    promos: list[PromoOut]
    positions: list[PositionOut]
    theses: list[ThesisOut]


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


class ErrorOut(Schema):
    detail: str
