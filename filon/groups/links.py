"""The one-click unsubscribe link of a group's e-mails (RFC 8058).

The link carries ``group.person`` signed with the site's key (as the outreach links are, with
their own salt): it cannot be forged, needs no login, and never expires — an unsubscribe link
must keep working as long as the mail it came in. Replaying it is harmless: it only ever turns
the group's mail off. Opening it (GET) shows a confirmation page; only a POST unsubscribes, so a
mail scanner following links changes nothing.
"""

from __future__ import annotations

from django.core import signing

from filon.ops.notify import site_url

SALT = "filon.groups.unsubscribe"


class LinkRefused(Exception):
    pass


def token(group_id: int, person_id: int) -> str:
    return signing.Signer(salt=SALT).sign(f"{group_id}.{person_id}")


def read(value: str) -> tuple[int, int]:
    try:
        raw = signing.Signer(salt=SALT).unsign(value)
        group_id, person_id = raw.split(".")
        return int(group_id), int(person_id)
    except (signing.BadSignature, ValueError):
        raise LinkRefused from None


def unsubscribe_url(group_id: int, person_id: int) -> str:
    return site_url("groups:unsubscribe", token(group_id, person_id))
