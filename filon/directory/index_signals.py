"""Bulk writes and the indexes that follow writes.

Saves and deletes of single rows reach the indexes through Django's model signals (the search
documents, :mod:`filon.directory.indexing`; the graph's change log, :mod:`filon.network.index`).
Bulk writes (``bulk_create``, ``QuerySet.update``) send no such signal: code that writes in
bulk calls :func:`invalidate` itself, inside its transaction, naming the people it touched.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

#: Sent by :func:`invalidate` with ``person_ids`` (the people touched, or None for "anyone may
#: have changed") and ``organisation_ids`` (organisations created or renamed in bulk).
bulk_write = Signal()


def invalidate(person_ids: Any = None, *, organisation_ids: Any = ()) -> None:
    """Tell every index that a bulk write changed ``person_ids`` (None: possibly anyone) and
    ``organisation_ids`` (a grants import touches organisations only: ``person_ids=()``)."""
    bulk_write.send(
        sender=None,
        person_ids=None if person_ids is None else set(person_ids),
        organisation_ids=set(organisation_ids),
    )
