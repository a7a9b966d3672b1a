"""Template helpers of the money app: amounts as French readers write them, and two sections
other apps include (an organisation's money on its network page, look-alike organisations on
the staff's merge review)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html_join

from filon.core.money import currency_order, format_amount

register = template.Library()


@register.filter
def money(totals: Any) -> str:
    """``{"EUR": Decimal(…), "NOK": …}`` → "1 058 422,50 EUR · 7,00 NOK" (never added up)."""
    if not totals:
        return "—"
    return " · ".join(format_amount(totals[c], c) for c in currency_order(totals))


@register.simple_tag
def amount(value: Decimal | None, currency: str = "") -> str:
    return "—" if value is None else format_amount(value, currency)


@register.simple_tag
def money_lines(totals: Any) -> str:
    """One currency per line."""
    if not totals:
        return "—"
    return format_html_join(
        "",
        '<span class="money-line">{}</span>',
        ((format_amount(totals[c], c),) for c in currency_order(totals)),
    )


@register.inclusion_tag("money/_org_section.html", takes_context=True)
def org_money_section(context: dict[str, Any], org: Any) -> dict[str, Any]:
    """An organisation's money, in brief, for its page in the network (/organisations/<id>/)."""
    from filon.money import queries

    data = queries.organisation_money(org, top=5) if org.participations.exists() else None
    gives = queries.is_funder(org)
    return {"org": org, "data": data, "gives": gives, "request": context.get("request")}


@register.inclusion_tag("money/_org_merges.html", takes_context=True)
def org_merge_candidates(context: dict[str, Any]) -> dict[str, Any]:
    """Look-alike organisations awaiting the staff's decision, for /imports/fusions/."""
    from filon.money.models import OrgMatchCandidate, OrgMatchStatus

    pending = list(
        OrgMatchCandidate.objects.filter(status=OrgMatchStatus.PENDING)
        .select_related("existing", "incoming", "run")
        .order_by("-score", "pk")[:100]
    )
    sides = []
    for c in pending:
        sides.append((c, _side(c.existing), _side(c.incoming)))
    return {
        "candidates": sides,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


def _side(org: Any) -> dict[str, Any]:
    return {
        "org": org,
        "identifiers": [str(i) for i in org.identifiers.all()],
        "aliases": [a.name for a in org.aliases.all()],
        "positions": org.positions.count(),
        "participations": org.participations.count(),
    }
