"""Money aggregation: exact sums per currency, rankings, trees of programmes, Sankey flows.

Pure and narrow: amounts are :class:`~decimal.Decimal` values rounded to the cent, each with
its ISO 4217 currency code. Totals are ``{currency: Decimal}`` dicts and are never added across
currencies: 10 EUR and 10 NOK stay ``{"EUR": 10, "NOK": 10}``, never 20.

The Django side (:mod:`filon.money.queries`) reads rows from the database and hands them here.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

CENT = Decimal("0.01")
#: Currencies shown first, in this order, when amounts in several currencies are ranked.
PREFERRED = ("EUR",)

Totals = dict[str, Decimal]
K = TypeVar("K", bound=Hashable)


def to_cents(value: Decimal | str | int) -> Decimal:
    """``value`` rounded to the cent, halves away from zero.

    Source files carry float noise; the cent is what was granted.

    >>> to_cents("240574.99999968"), to_cents("144187.49999988"), to_cents(3)
    (Decimal('240575.00'), Decimal('144187.50'), Decimal('3.00'))
    """
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def totals(amounts: Iterable[tuple[Decimal | None, str]]) -> Totals:
    """Sum ``(amount, currency)`` pairs per currency; missing amounts are skipped.

    >>> totals([(Decimal("10.00"), "EUR"), (Decimal("2.50"), "EUR"), (Decimal("7"), "NOK"),
    ...         (None, "EUR")])
    {'EUR': Decimal('12.50'), 'NOK': Decimal('7')}
    >>> totals([(Decimal("1"), "")])
    Traceback (most recent call last):
    ...
    ValueError: an amount without a currency
    """
    out: Totals = {}
    for amount, currency in amounts:
        if amount is None:
            continue
        if not currency:
            raise ValueError("an amount without a currency")
        out[currency] = out.get(currency, Decimal(0)) + amount
    return dict(sorted(out.items()))


def add(*many: Mapping[str, Decimal]) -> Totals:
    """Totals added currency by currency.

    >>> add({"EUR": Decimal("1.10")}, {"EUR": Decimal("2"), "NOK": Decimal("5")})
    {'EUR': Decimal('3.10'), 'NOK': Decimal('5')}
    """
    out: Totals = {}
    for t in many:
        for currency, amount in t.items():
            out[currency] = out.get(currency, Decimal(0)) + amount
    return dict(sorted(out.items()))


def as_strings(t: Mapping[str, Decimal]) -> dict[str, str]:
    """Totals as exact decimal strings, to the cent: what ``--json`` prints.

    >>> as_strings({"NOK": Decimal("7"), "EUR": Decimal("1058422.5")})
    {'EUR': '1058422.50', 'NOK': '7.00'}
    """
    return {c: str(to_cents(a)) for c, a in sorted(t.items())}


def currency_order(currencies: Iterable[str], preferred: Sequence[str] = PREFERRED) -> list[str]:
    """Currencies with the preferred ones first, then the others alphabetically.

    >>> currency_order(["NOK", "USD", "EUR"])
    ['EUR', 'NOK', 'USD']
    """
    found = set(currencies)
    return [c for c in preferred if c in found] + sorted(found - set(preferred))


def rank(
    items: Iterable[tuple[K, Mapping[str, Decimal]]],
    *,
    preferred: Sequence[str] = PREFERRED,
    limit: int | None = None,
) -> list[tuple[K, Mapping[str, Decimal]]]:
    """Items ranked by their totals, largest first, without mixing currencies.

    Items are compared on their amount in the first preferred currency, then the next one,
    then the other currencies alphabetically; an item with nothing in a currency counts 0
    there. Ties keep the order of the keys (as strings), for stable results.

    >>> rank([("a", {"NOK": Decimal(900)}), ("b", {"EUR": Decimal(5)}),
    ...       ("c", {"EUR": Decimal(5), "NOK": Decimal(1)}), ("d", {"EUR": Decimal(7)})])
    [('d', {'EUR': Decimal('7')}), ('c', {'EUR': Decimal('5'), 'NOK': Decimal('1')}), \
('b', {'EUR': Decimal('5')}), ('a', {'NOK': Decimal('900')})]
    """
    pool = list(items)
    order = currency_order({c for _k, t in pool for c in t}, preferred)

    def key(item: tuple[K, Mapping[str, Decimal]]) -> tuple[Any, ...]:
        k, t = item
        return (*(-t.get(c, Decimal(0)) for c in order), str(k))

    if limit is not None:
        return heapq.nsmallest(limit, pool, key=key)
    return sorted(pool, key=key)


def group_totals(rows: Iterable[tuple[K, Decimal | None, str]]) -> dict[K, Totals]:
    """``(key, amount, currency)`` rows summed per key and currency.

    >>> group_totals([(2019, Decimal("1"), "EUR"), (2020, Decimal("2"), "EUR"),
    ...               (2019, Decimal("3"), "EUR"), (2019, Decimal("4"), "NOK")])
    {2019: {'EUR': Decimal('4'), 'NOK': Decimal('4')}, 2020: {'EUR': Decimal('2')}}
    """
    acc: dict[K, list[tuple[Decimal | None, str]]] = defaultdict(list)
    for k, amount, currency in rows:
        acc[k].append((amount, currency))
    return {k: totals(v) for k, v in acc.items()}


def descendants(children: Mapping[K, Iterable[K]], root: K) -> list[K]:
    """``root`` and everything under it in a tree given as ``{node: children}``, depth first.

    Cycles (a bad import) are cut: each node is visited once.

    >>> tree = {"H2020": ["EU.2."], "EU.2.": ["EU.2.1."], "EU.2.1.": ["EU.2.1.6.", "EU.2.1.1."]}
    >>> descendants(tree, "EU.2.")
    ['EU.2.', 'EU.2.1.', 'EU.2.1.6.', 'EU.2.1.1.']
    """
    out: list[K] = []
    seen: set[K] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(reversed(list(children.get(node, ()))))
    return out


def ancestors(parent: Mapping[K, K | None], node: K) -> list[K]:
    """``node`` and its parents up to the root, nearest first (cycles cut).

    >>> ancestors({"EU.2.1.6.": "EU.2.1.", "EU.2.1.": "EU.2.", "EU.2.": None}, "EU.2.1.6.")
    ['EU.2.1.6.', 'EU.2.1.', 'EU.2.']
    """
    out: list[K] = []
    current: K | None = node
    while current is not None and current not in out:
        out.append(current)
        current = parent.get(current)
    return out


def format_amount(amount: Decimal, currency: str = "") -> str:
    """An amount as French readers write it: "1 058 422,50 EUR" (narrow no-break spaces).

    >>> format_amount(Decimal("1058422.5"), "EUR").replace("\\u202f", " ")
    '1 058 422,50 EUR'
    >>> format_amount(Decimal("-12"))
    '-12,00'
    """
    cents = to_cents(amount)
    sign = "-" if cents < 0 else ""
    whole, frac = f"{abs(cents):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{chr(0x202F).join(groups)},{frac}"
    return f"{text} {currency}" if currency else text


# -- Sankey: funder → programme → project → organisation ------------------------------------


@dataclass(frozen=True)
class Flow:
    """Money from one funder, through one programme and one project, to one organisation.

    Each end is ``(key, label)``; keys identify nodes, labels are shown.
    """

    funder: tuple[Hashable, str]
    programme: tuple[Hashable, str]
    project: tuple[Hashable, str]
    organisation: tuple[Hashable, str]
    amount: Decimal


@dataclass(frozen=True)
class Sankey:
    labels: list[str]
    kinds: list[str]  # "funder", "programme", "project", "organisation"
    keys: list[Hashable]
    sources: list[int]
    targets: list[int]
    values: list[Decimal]

    def total(self, kind: str) -> Decimal:
        """What flows out of the nodes of one kind (into them, for organisations)."""
        ends = self.targets if kind == "organisation" else self.sources
        nodes = {i for i, k in enumerate(self.kinds) if k == kind}
        return sum((v for n, v in zip(ends, self.values, strict=True) if n in nodes), Decimal(0))


def sankey(
    flows: Iterable[Flow],
    *,
    max_projects: int = 30,
    max_organisations: int = 30,
    other_projects: str = "other projects",
    other_organisations: str = "other organisations",
) -> Sankey:
    """The nodes and links of a Sankey diagram of ``flows`` (all in one currency).

    The ``max_projects`` largest projects are drawn each on their own; the others are gathered
    into one node per programme (``other_projects``, with their count). The same for
    organisations (one ``other_organisations`` node). Nothing is lost: what leaves the funders
    reaches the organisations, to the cent. Flows of zero are left out.

    Notes
    -----
    O(f log f) for f flows.

    Examples
    --------
    >>> fl = [Flow(("cnes", "CNES"), ("rt", "R&T"), (p, p), (o, o), Decimal(a))
    ...       for p, o, a in [("P1", "TAS", "100"), ("P1", "ACRI", "50"), ("P2", "TAS", "30"),
    ...                       ("P3", "ONERA", "5")]]
    >>> s = sankey(fl, max_projects=2, max_organisations=1)
    >>> s.labels
    ['CNES', 'R&T', 'P1', 'TAS', 'other organisations', 'P2', 'other projects (1)']
    >>> s.total("funder") == s.total("organisation") == Decimal(185)
    True
    """
    pool = [f for f in flows if f.amount]
    by_project: dict[Hashable, Decimal] = defaultdict(Decimal)
    by_org: dict[Hashable, Decimal] = defaultdict(Decimal)
    for f in pool:
        by_project[f.project[0]] += f.amount
        by_org[f.organisation[0]] += f.amount
    top_projects = {
        k for k, _v in heapq.nsmallest(max_projects, by_project.items(), key=lambda kv: -kv[1])
    }
    top_orgs = {
        k for k, _v in heapq.nsmallest(max_organisations, by_org.items(), key=lambda kv: -kv[1])
    }
    others_per_programme: dict[Hashable, set[Hashable]] = defaultdict(set)
    for f in pool:
        if f.project[0] not in top_projects:
            others_per_programme[f.programme[0]].add(f.project[0])

    index: dict[tuple[str, Hashable], int] = {}
    labels: list[str] = []
    kinds: list[str] = []
    keys: list[Hashable] = []
    links: dict[tuple[int, int], Decimal] = defaultdict(Decimal)

    def node(kind: str, key: Hashable, label: str) -> int:
        if (kind, key) not in index:
            index[(kind, key)] = len(labels)
            labels.append(label)
            kinds.append(kind)
            keys.append(key)
        return index[(kind, key)]

    for f in sorted(pool, key=lambda f: (-by_project[f.project[0]], -f.amount)):
        a = node("funder", f.funder[0], f.funder[1])
        b = node("programme", f.programme[0], f.programme[1])
        if f.project[0] in top_projects:
            c = node("project", f.project[0], f.project[1])
        else:
            count = len(others_per_programme[f.programme[0]])
            c = node("project", ("others", f.programme[0]), f"{other_projects} ({count})")
        if f.organisation[0] in top_orgs:
            d = node("organisation", f.organisation[0], f.organisation[1])
        else:
            d = node("organisation", ("others",), other_organisations)
        links[(a, b)] += f.amount
        links[(b, c)] += f.amount
        links[(c, d)] += f.amount
    ordered = list(links.items())
    return Sankey(
        labels,
        kinds,
        keys,
        [s for (s, _t), _v in ordered],
        [t for (_s, t), _v in ordered],
        [v for _k, v in ordered],
    )
