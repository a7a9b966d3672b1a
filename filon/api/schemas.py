"""The API's output shapes."""

from __future__ import annotations

from datetime import date

from ninja import Schema


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


class ErrorOut(Schema):
    detail: str


class RevealedContactOut(Schema):
    kind: str
    value: str  # e-mail, or phone in E.164
    display: str  # phone in the French national format
    label: str
    is_primary: bool


class RevealOut(Schema):
    person_id: int
    contacts: list[RevealedContactOut]
