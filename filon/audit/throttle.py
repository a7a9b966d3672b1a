"""The limits on what one member may do: one budget for everything that lists or shows people,
and daily caps on what they post. Every limit of the site is declared here, once.

A limit is a named budget counted in fixed windows (aligned on multiples of the window's length)
per account. Counting is one atomic statement: an ``INSERT … ON CONFLICT DO UPDATE SET n = n + 1
RETURNING n`` on the ``audit_budgetcounter`` table (SQLite 3.35+ and PostgreSQL alike), or an
``INCR`` in Redis when ``FILON_REDIS_URL`` is set. Many processes and threads may spend the same
budget at once: at a limit of L exactly L uses pass in a window, never more, never fewer.

A budget with several windows (a burst per minute, a total per day) is spent shortest window
first; a use refused by one window does not count against the longer ones.

>>> sorted(BUDGETS)
['asks', 'offers', 'opportunities', 'people', 'requests']
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Window:
    seconds: int
    setting: str  # the Django setting holding the limit (from the FILON_* variable of that name)

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting))


@dataclass(frozen=True)
class Budget:
    name: str
    label: Any  # what is counted, for the messages
    windows: tuple[Window, ...]


MINUTE, DAY = 60, 86_400

#: Every limit of the site. ``people`` is the scraping budget: search, profiles, the API's
#: people, the network map, paths, who works where, the alumni lists of the money pages and the
#: targeted contacts all spend it, one unit per page or answer.
BUDGETS: dict[str, Budget] = {
    "people": Budget(
        "people",
        _("consultations de l'annuaire"),
        (Window(MINUTE, "PEOPLE_PER_MINUTE"), Window(DAY, "PEOPLE_PER_DAY")),
    ),
    "asks": Budget("asks", _("demandes d'aide publiées"), (Window(DAY, "ASKS_PER_DAY"),)),
    "offers": Budget("offers", _("offres d'aide publiées"), (Window(DAY, "OFFERS_PER_DAY"),)),
    "requests": Budget(
        "requests",
        _("demandes de contact ou de présentation"),
        (Window(DAY, "REQUESTS_PER_DAY"),),
    ),
    "opportunities": Budget(
        "opportunities",
        _("opportunités publiées"),
        (Window(DAY, "OPPORTUNITIES_PER_DAY"),),
    ),
}


class LimitReached(Exception):
    """A member used up a budget; ``retry_after`` is the number of seconds until it refills."""

    def __init__(self, budget: Budget, window: Window, retry_after: int) -> None:
        super().__init__(f"{budget.name}: {window.limit} per {window.seconds} s")
        self.budget, self.window, self.retry_after = budget, window, max(1, retry_after)

    @property
    def limit(self) -> int:
        return self.window.limit

    @property
    def message(self) -> str:
        """What the member reads: the limit, and when they may go on."""
        if self.window.seconds <= MINUTE:
            when = ngettext(
                "Réessayez dans %(n)d seconde.", "Réessayez dans %(n)d secondes.", self.retry_after
            ) % {"n": self.retry_after}
            per = _("par minute")
        else:
            hours = max(1, round(self.retry_after / 3600))
            when = ngettext(
                "Vous pourrez recommencer dans environ %(n)d heure.",
                "Vous pourrez recommencer dans environ %(n)d heures.",
                hours,
            ) % {"n": hours}
            per = _("par jour")
        return str(
            _("Limite atteinte : %(limit)d %(what)s %(per)s. %(when)s")
            % {"limit": self.limit, "what": self.budget.label, "per": per, "when": when}
        )


def spend(user: Any, budget: str = "people") -> None:
    """Count one use of ``budget`` by ``user``; raise :class:`LimitReached` past the limit.

    Anonymous users spend nothing here: every page that shows people requires a login.
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return
    spend_key(f"u{user_id}", BUDGETS[budget])


def allowed(user: Any, budget: str = "people") -> bool:
    """:func:`spend` as a yes or no."""
    try:
        spend(user, budget)
    except LimitReached:
        return False
    return True


def spend_key(key: str, budget: Budget) -> None:
    now = int(time.time())
    for window in budget.windows:
        slot = now // window.seconds
        count = _counter().incr(f"{budget.name}:{key}", window.seconds, slot)
        if count > window.limit:
            raise LimitReached(budget, window, (slot + 1) * window.seconds - now)


def limited(budget: str = "people") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: spend one unit of ``budget`` before the view runs.

    Past the limit the view does not run; :class:`LimitReached` propagates, and
    :class:`filon.audit.middleware.LimitMiddleware` answers 429 with the message and a
    ``Retry-After`` header (JSON under ``/api/``, a page elsewhere).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            spend(request.user, budget)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def prune() -> int:
    """Delete the counters of windows that are over; return how many rows went."""
    return _counter().prune()


def reset() -> None:
    """Forget every counter (tests)."""
    _counter().reset()


# -- where the counts live --------------------------------------------------------------------


class _DatabaseCounter:
    TABLE = "audit_budgetcounter"

    def incr(self, bucket: str, seconds: int, slot: int) -> int:
        expires = (slot + 1) * seconds
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.TABLE} (bucket, slot, n, expires) VALUES (%s, %s, 1, %s) "
                f"ON CONFLICT (bucket, slot) DO UPDATE SET n = {self.TABLE}.n + 1 RETURNING n",
                [bucket, slot, expires],
            )
            (count,) = cursor.fetchone()
        if random.random() < 1 / 512:  # windows that are over go, now and then
            self.prune()
        return int(count)

    def prune(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE} WHERE expires < %s", [int(time.time())])
            return max(cursor.rowcount, 0)

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE}")


class _RedisCounter:
    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = "filon:budget:"

    def incr(self, bucket: str, seconds: int, slot: int) -> int:
        key = f"{self.prefix}{bucket}:{slot}"
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, seconds + 5, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def prune(self) -> int:
        return 0  # keys expire by themselves

    def reset(self) -> None:
        for key in self.redis.scan_iter(f"{self.prefix}*"):
            self.redis.delete(key)


@cache
def _redis_counter(url: str) -> _RedisCounter:
    return _RedisCounter(url)


_DATABASE = _DatabaseCounter()


def _counter() -> _DatabaseCounter | _RedisCounter:
    url = getattr(settings, "REDIS_URL", "")
    return _redis_counter(url) if url else _DATABASE
