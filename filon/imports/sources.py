"""The importers by kind, built from the options a page or a command gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from filon.imports.annuaire import AnnuaireImporter, Mapping
from filon.imports.base import Importer
from filon.imports.dues import DuesImporter
from filon.imports.linkedin import LinkedInImporter
from filon.imports.orcid import OrcidImporter
from filon.imports.theses import ThesesImporter
from filon.imports.vcard import VCardImporter

IMPORTERS: dict[str, type[Importer]] = {
    "annuaire": AnnuaireImporter,
    "vcard": VCardImporter,
    "linkedin": LinkedInImporter,
    "theses": ThesesImporter,
    "orcid": OrcidImporter,
    "dues": DuesImporter,
}


def upload_dir() -> Path:
    """Where uploaded files wait for their confirmation."""
    folder = Path(settings.MEDIA_ROOT) / "imports" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shipped_mappings() -> dict[str, Path]:
    """The grant-file mappings shipped with Filon, by name (the file's stem)."""
    from filon.money.importers import MAPPINGS

    return {p.stem: p for p in sorted(MAPPINGS.glob("*.toml"))}


def make_importer(kind: str, options: dict[str, Any]) -> Importer:
    """An importer for ``kind``; ``options`` as stored with an upload (JSON values only).

    ``mapping``: the text of a mapping file (annuaire or grants; raises ValueError when
    invalid); ``member``: the e-mail of the member whose LinkedIn connections these are;
    grants: ``mapping_name`` (a shipped mapping), ``projects`` (the stored name of CORDIS's
    project.csv uploaded with organization.csv) and ``projects_name``.
    """
    if kind == "annuaire":
        text = options.get("mapping") or ""
        rest = {k: v for k, v in options.items() if k != "mapping"}
        return AnnuaireImporter(mapping=Mapping.from_toml(text) if text else None, **rest)
    if kind == "linkedin":
        from filon.imports.queries import member_by_email

        email = options.get("member") or ""
        person = member_by_email(email) if email else None
        return LinkedInImporter(
            member_id=person.pk if person else None, member_label=email, **options
        )
    if kind == "funding":
        from filon.money.importers import FundingMapping
        from filon.money.importers import make_importer as funding_importer

        mapping = None
        if options.get("mapping"):
            mapping = FundingMapping.from_toml(options["mapping"])
        elif options.get("mapping_name"):
            path = shipped_mappings().get(options["mapping_name"])
            if path is None:
                raise ValueError(f"mapping « {options['mapping_name']} » ?")
            mapping = FundingMapping.from_file(path)
        projects = None
        if options.get("projects"):
            stored = upload_dir() / Path(options["projects"]).name
            projects = stored.read_bytes() if stored.exists() else None
        return funding_importer(
            mapping=mapping,
            projects=projects,
            projects_name=options.get("projects_name") or "project.csv",
        )
    return IMPORTERS[kind](**options)
