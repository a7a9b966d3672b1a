"""ORCID records (API v3.0), as JSON or XML: the person, their employments, educations and
fundings.

A file holds one full record (``/record``: ``person`` and ``activities-summary``), several
(a JSON array, or one JSON record per line), or the activities of one known person (an
``employments``, ``educations`` or ``fundings`` document, or one funding), whose ORCID iD is
read from its ``path``. XML is parsed with defusedxml (files come from outside) and turned into
the same shape as the JSON, so one reader serves both.

- employments → positions (current when there is no end date) at their organisation, found
  by its disambiguated identifier (ROR, RINGGOLD, GRID, FUNDREF) or name;
- educations → a doctorate position (kind "phd") when the role says so ("PhD", "doctorat"…),
  a diploma when the organisation is one of the federation's schools, a warning otherwise;
- fundings → :class:`~filon.imports.models.PersonFunding` with the funder, type, grant number,
  dates and, when the record has it, the amount and currency.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import ElementTree
from django.utils.translation import gettext_lazy as _

from filon.core.text import fold
from filon.imports.base import (
    FundingFact,
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    PositionFact,
    clean_email,
    decode,
    parse_country,
)
from filon.imports.models import FundingType, IdScheme
from filon.imports.theses import json_lines

ORCID_ID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_PHD = re.compile(r"\b(ph\.? ?d|doctora[lt]|doctorat|docteur|doctor|dphil|these|thesis)\b")
_ORG_SCHEMES = {
    "ROR": "ror",
    "RINGGOLD": "other",
    "GRID": "other",
    "FUNDREF": "other",
    "LEI": "other",
}


# -- XML to the JSON shape ---------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xml_to_dict(element: Any) -> Any:
    """An element as the ORCID JSON writes it: children by local name (a list when repeated),
    attributes as keys, text-only elements as strings."""
    children = list(element)
    if not children and not element.attrib:
        return (element.text or "").strip()
    out: dict[str, Any] = {_local(k): v for k, v in element.attrib.items()}
    for child in children:
        key = _local(child.tag)
        value = xml_to_dict(child)
        if key in out:
            if not isinstance(out[key], list) or key not in _LISTS:
                out[key] = [out[key]] if not isinstance(out[key], list) else out[key]
            out[key].append(value)
        else:
            out[key] = [value] if key in _LISTS else value
    if not children and element.text and element.text.strip():
        out["value"] = element.text.strip()
    return out


_LISTS = {"affiliation-group", "group", "funding-summary", "email", "external-id", "summaries"}


def _val(x: Any) -> str:
    if isinstance(x, list):
        x = x[0] if x else ""
    if isinstance(x, dict):
        x = x.get("value", "")
    return str(x or "").strip()


def _list(x: Any) -> list[Any]:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _date(x: Any) -> date | None:
    if not isinstance(x, dict):
        return None
    year = _val(x.get("year"))
    if not year.isdigit():
        return None
    month = _val(x.get("month")) or "1"
    day = _val(x.get("day")) or "1"
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return date(int(year), 1, 1)


def _org(org: Any, kind: str) -> OrgRef | None:
    if not isinstance(org, dict) or not _val(org.get("name")):
        return None
    idents: tuple[tuple[str, str], ...] = ()
    dis = org.get("disambiguated-organization")
    if isinstance(dis, dict):
        source = _val(dis.get("disambiguation-source")).upper()
        value = _val(dis.get("disambiguated-organization-identifier"))
        if source and value:
            if source == "ROR":
                idents = (("ror", value.rsplit("/", 1)[-1]),)
            else:
                idents = (("other", f"{source.lower()}:{value}"),)
    address = org.get("address") or {}
    country = ""
    try:
        country = parse_country(_val(address.get("country")))
    except ValueError:
        country = ""
    return OrgRef(_val(org["name"])[:255], kind, idents, _val(address.get("city"))[:120], country)


# -- the importer ------------------------------------------------------------------------------


class OrcidImporter(Importer):
    kind = "orcid"
    formats = ("json", "xml")
    strict_phones = False

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        text, report.encoding = decode(data)
        if text.lstrip().startswith("<"):
            try:
                root = ElementTree.fromstring(text.encode("utf-8"))
            except ElementTree.ParseError as exc:
                report.error(exc.position[0], "XML", str(exc)[:80], _("XML bien formé attendu"))
                return []
            except Exception as exc:  # defusedxml refuses entities, DTDs…
                report.error(1, "XML", type(exc).__name__, _("XML sans entités ni DTD attendu"))
                return []
            docs = [(1, {_local(root.tag): xml_to_dict(root)})]
        else:
            docs = json_lines(text, report)
        out = []
        for line, doc in docs:
            report.rows += 1
            rec = self._document(line, doc, report)
            if rec is not None:
                out.append(rec)
        return out

    def _document(self, line: int, doc: Any, report: ImportReport) -> PersonRecord | None:
        if not isinstance(doc, dict):
            report.error(line, "JSON", str(doc)[:60], _("une notice ORCID attendue"))
            return None
        if len(doc) == 1:
            ((name, inner),) = doc.items()
            if isinstance(inner, dict) and name in {
                "record",
                "employments",
                "educations",
                "fundings",
                "funding",
                "activities-summary",
            }:
                doc = inner if name == "record" else {name: inner, "path": inner.get("path", "")}
        path = _val(doc.get("path")) or _val((doc.get("orcid-identifier") or {}).get("path"))
        if not path and isinstance(doc.get("funding"), dict):
            # A lone funding names no owner: its source, when a person, asserted it themself.
            source = doc["funding"].get("source") or {}
            path = _val((source.get("source-orcid") or {}).get("path"))
        found = ORCID_ID.search(path)
        if found is None:
            report.error(
                line,
                "orcid-identifier",
                path,
                _("un iD ORCID (0000-0000-0000-0000) attendu dans la notice"),
            )
            return None
        orcid = found.group(0)
        person = doc.get("person")
        activities = doc.get("activities-summary") or {
            k: doc[k] for k in ("employments", "educations", "fundings") if k in doc
        }
        if "funding" in doc:
            activities = {"fundings": {"group": [{"funding-summary": [doc["funding"]]}]}}
        if isinstance(person, dict):
            name = person.get("name") or {}
            rec = PersonRecord(
                line, _val(name.get("given-names"))[:100], _val(name.get("family-name"))[:100]
            )
            if not rec.last_name:
                credit = _val(name.get("credit-name"))
                rec.first_name, _sp, rec.last_name = credit.rpartition(" ")
            if not rec.last_name:
                report.error(line, "person.name.family-name", "", _("nom de la personne attendu"))
                return None
            for entry in _list((person.get("emails") or {}).get("email")):
                try:
                    rec.emails.append(clean_email(_val(entry.get("email"))))
                except (ValueError, AttributeError):
                    report.warn(line, "email", str(entry)[:60], _("adresse ignorée"))
        else:
            from filon.imports.models import PersonIdentifier

            owner = PersonIdentifier.objects.filter(scheme=IdScheme.ORCID, value=orcid).first()
            if owner is None:
                report.error(
                    line,
                    "path",
                    orcid,
                    _(
                        "une personne déjà importée avec cet iD ORCID : "
                        "importez d'abord sa notice complète"
                    ),
                )
                return None
            rec = PersonRecord(line, owner.person.first_name, owner.person.last_name)
            rec.existing_person_id = owner.person_id
        rec.external_ids.append((IdScheme.ORCID, orcid))
        rec.key = orcid
        self._affiliations(rec, activities, "employments", "employment-summary", report)
        self._affiliations(rec, activities, "educations", "education-summary", report)
        self._fundings(rec, activities, report)
        return rec

    def _summaries(self, section: Any, key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if not isinstance(section, dict):
            return out
        for group in _list(section.get("affiliation-group")):
            if not isinstance(group, dict):
                continue
            for summary in _list(group.get("summaries")):  # JSON wraps each summary
                if isinstance(summary, dict) and isinstance(summary.get(key), dict):
                    out.append(summary[key])
            out += [s for s in _list(group.get(key)) if isinstance(s, dict)]  # XML does not
        for summary in _list(section.get(key)):  # older layouts list the summaries directly
            if isinstance(summary, dict):
                out.append(summary)
        return out

    def _affiliations(
        self, rec: PersonRecord, activities: Any, section: str, key: str, report: ImportReport
    ) -> None:
        for s in self._summaries((activities or {}).get(section), key):
            org = _org(
                s.get("organization"), "company" if section == "employments" else "university"
            )
            if org is None:
                report.warn(
                    rec.line, f"{section}.organization", "", _("organisation sans nom : ignorée")
                )
                continue
            role = _val(s.get("role-title"))
            department = _val(s.get("department-name"))
            start, end = _date(s.get("start-date")), _date(s.get("end-date"))
            if section == "employments":
                title = role or department or "—"
                if department and role and fold(department) not in fold(role):
                    title = f"{role} ({department})"
                rec.positions.append(
                    PositionFact(org, title[:200], "employment", start, end, end is None)
                )
            elif _PHD.search(fold(role)):
                rec.positions.append(PositionFact(org, role[:200], "phd", start, end, end is None))
            else:
                report.warn(
                    rec.line,
                    "education",
                    f"{role or '?'} — {org.name}",
                    _("formation autre qu'un doctorat : non reprise"),
                )

    def _fundings(self, rec: PersonRecord, activities: Any, report: ImportReport) -> None:
        section = (activities or {}).get("fundings")
        if not isinstance(section, dict):
            return
        for group in _list(section.get("group")):
            for f in _list(group.get("funding-summary") if isinstance(group, dict) else None):
                if not isinstance(f, dict):
                    continue
                funder = _org(f.get("organization"), "funder")
                title = _val((f.get("title") or {}).get("title"))
                if funder is None or not title:
                    report.warn(
                        rec.line,
                        "funding",
                        title,
                        _("financement sans financeur ou sans titre : ignoré"),
                    )
                    continue
                kind = _val(f.get("type")).lower()
                if kind not in FundingType.values:
                    kind = FundingType.GRANT
                grant = next(
                    (
                        _val(e.get("external-id-value"))
                        for e in _list((f.get("external-ids") or {}).get("external-id"))
                        if isinstance(e, dict) and _val(e.get("external-id-type")) == "grant_number"
                    ),
                    "",
                )
                amount = None
                currency = ""
                raw = f.get("amount")
                if isinstance(raw, dict) and _val(raw):
                    try:
                        amount = Decimal(_val(raw).replace(",", "")).quantize(Decimal("0.01"))
                        currency = str(raw.get("currency-code") or "")[:3]
                    except InvalidOperation:
                        report.warn(
                            rec.line, "funding.amount", _val(raw), _("montant illisible : ignoré")
                        )
                rec.fundings.append(
                    FundingFact(
                        funder,
                        title[:500],
                        kind,
                        grant[:100],
                        amount,
                        currency,
                        _date(f.get("start-date")),
                        _date(f.get("end-date")),
                    )
                )
