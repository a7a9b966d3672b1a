"""Writing to the audit log. Callers run inside the transaction of the action they log."""

from __future__ import annotations

from typing import Any

from django.db import models

from filon.audit.models import AuditEntry


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    **details: Any,
) -> AuditEntry:
    """Append one row to the audit log."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )
