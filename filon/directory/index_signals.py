"""Keeping the search index fresh: any change to what it holds replaces its version token.

The token lives in Django's cache, which is the database cache (settings.CACHES): every server
process reads the same token, and the token is written in the same transaction as the change,
so no process can rebuild from data older than the token it sees. A random token rather than
a counter: a cleared cache (or a test's rolled-back transaction) then never brings an older
index back to life.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signal: code that writes in bulk
calls :func:`invalidate` itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

VERSION_KEY = "directory:version"

#: Sent by code that writes in bulk (imports, merges, the demo), inside its transaction, with
#: ``person_ids`` (the people touched, or None for "anyone may have changed"). The indexes
#: that follow writes (search documents, the graph's change log) connect to it.
bulk_write = Signal()


def invalidate(person_ids: Any = None, *, people_changed: bool = True) -> None:
    """Tell every index that a bulk write changed ``person_ids`` (None: possibly anyone).

    ``people_changed=False``: only organisations changed (a grants import), which the graph
    holds and the search documents do not.
    """
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    bulk_write.send(
        sender=None,
        person_ids=None if person_ids is None else set(person_ids),
        people_changed=people_changed,
    )


def current_version() -> str:
    """The version token of the directory's searchable data."""
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    return str(token)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(**_kwargs: Any) -> None:
    _bump()


def _skills_changed(action: str = "", **_kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _bump()


def connect() -> None:
    """Called once from the directory's AppConfig.ready()."""
    from filon.directory.models import Affiliation, Person, Position, School, Skill, Thesis
    from filon.orgs.models import Organisation

    # The outreach app builds on the directory: its models are imported here, late, only.
    from filon.outreach.models import Offer

    for model in (Person, Affiliation, Position, Thesis, Skill, School, Organisation, Offer):
        uid = f"directory-search-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _skills_changed, sender=Person.skills.through, dispatch_uid="directory-search-skills"
    )
