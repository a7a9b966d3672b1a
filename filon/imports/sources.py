"""The importers by kind, built from the options a page or a command gives."""

from __future__ import annotations

from typing import Any

from filon.imports.annuaire import AnnuaireImporter, Mapping
from filon.imports.base import Importer
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
}


def make_importer(kind: str, options: dict[str, Any]) -> Importer:
    """An importer for ``kind``; ``options`` as stored with an upload (JSON values only).

    ``mapping``: the text of an annuaire mapping file (raises ValueError when invalid);
    ``member``: the e-mail of the member whose LinkedIn connections these are.
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
    return IMPORTERS[kind](**options)
