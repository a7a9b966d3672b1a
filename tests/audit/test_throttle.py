"""The limits: one budget for everything that shows people, exact under concurrency."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from filon.audit import throttle
from filon.audit.models import BudgetCounter
from filon.directory.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def claire_client(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.user("docteur"))
    return client


def _fresh_minute(margin: int = 25) -> None:
    """Wait for a new minute window if this one ends within ``margin`` seconds."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.2)


@override_settings(PEOPLE_PER_MINUTE=3, PEOPLE_PER_DAY=100)
def test_the_limit_passes_exactly_l_then_refuses_with_when_to_retry(make_user) -> None:  # type: ignore[no-untyped-def]
    _fresh_minute(5)
    user = make_user()
    for _ in range(3):
        throttle.spend(user)
    with pytest.raises(throttle.LimitReached) as refused:
        throttle.spend(user)
    assert refused.value.limit == 3
    assert 1 <= refused.value.retry_after <= 60
    assert "Limite atteinte : 3 consultations de l'annuaire par minute" in refused.value.message
    # Another member has a budget of their own.
    throttle.spend(make_user())


@override_settings(PEOPLE_PER_MINUTE=2, PEOPLE_PER_DAY=3)
def test_a_use_refused_by_the_minute_does_not_count_against_the_day(make_user) -> None:  # type: ignore[no-untyped-def]
    _fresh_minute(5)
    user = make_user()
    throttle.spend(user)
    throttle.spend(user)
    for _ in range(5):
        assert not throttle.allowed(user)
    day = BudgetCounter.objects.get(bucket=f"people:u{user.pk}", slot=int(time.time()) // 86_400)
    assert day.n == 2


def test_windows_that_are_over_are_pruned(make_user) -> None:  # type: ignore[no-untyped-def]
    BudgetCounter.objects.create(bucket="people:u1", slot=1, n=5, expires=60)
    throttle.spend(make_user())
    assert throttle.prune() == 1
    assert not BudgetCounter.objects.filter(expires=60).exists()


@override_settings(PEOPLE_PER_MINUTE=4, PEOPLE_PER_DAY=100)
def test_search_profiles_api_and_network_spend_one_budget(claire_client: Client, demo) -> None:  # type: ignore[no-untyped-def]
    """Four surfaces, one budget: the fifth page of any kind is refused."""
    _fresh_minute(10)
    claire = demo.person("docteur")
    other = Person.objects.filter(directory_opt_out=False).exclude(pk=claire.pk).first()
    answers = [
        claire_client.get("/annuaire/", {"q": "dumas"}).status_code,
        claire_client.get(f"/annuaire/{other.pk}/").status_code,
        claire_client.get(f"/api/people/{other.pk}").status_code,
        claire_client.get("/reseau/").status_code,
    ]
    assert answers == [200, 200, 200, 200]
    refused = claire_client.get(f"/api/people/{other.pk}")
    assert refused.status_code == 429
    assert "Limite atteinte" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1
    page = claire_client.get(f"/reseau/chemins/{other.pk}/")
    assert page.status_code == 429 and "Limite atteinte" in page.content.decode()
    # One's own profile is not scraping.
    assert claire_client.get(f"/annuaire/{claire.pk}/").status_code == 200


@override_settings(ASKS_PER_DAY=2, OFFERS_PER_DAY=1)
def test_posting_asks_and_offers_is_capped_per_day(claire_client: Client) -> None:
    ask = {"kind": "information", "title": "Un conseil", "text": "…"}
    codes = [
        claire_client.post("/api/asks", ask, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    offer = {"kind": "cv_review", "title": "Je relis des CV", "text": "…"}
    codes = [
        claire_client.post("/api/offers", offer, content_type="application/json").status_code
        for _ in range(2)
    ]
    assert codes == [201, 429]


def test_counters_in_redis_are_exact_too(make_user) -> None:  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    _fresh_minute(10)
    user = make_user()
    with override_settings(REDIS_URL=url, PEOPLE_PER_MINUTE=7, PEOPLE_PER_DAY=1000):
        throttle.reset()
        with ThreadPoolExecutor(8) as pool:
            passed = sum(pool.map(lambda _: throttle.allowed(user), range(30)))
        throttle.reset()
    assert passed == 7
    assert not BudgetCounter.objects.exists()  # nothing went to the database


# -- concurrent requests against a live server --------------------------------------------


def _session_cookie(live_server: Any, email: str, password: str) -> str:
    client = Client()
    assert client.login(username=email, password=password)
    return client.cookies["sessionid"].value


def _get(live_server: Any, path: str, cookie: str) -> int:
    host, port = live_server.url.removeprefix("http://").split(":")
    conn = HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_pass_exactly_the_limit(live_server, make_user) -> None:  # type: ignore[no-untyped-def]
    """40 requests at once, from threads, on pages and API alike: exactly L pass."""
    limit = 12
    user = make_user()
    cookie = _session_cookie(live_server, user.email, "un-mot-de-passe-de-test")
    paths = ["/annuaire/?q=a", "/api/search?q=a"] * 20
    with override_settings(PEOPLE_PER_MINUTE=limit, PEOPLE_PER_DAY=10_000):
        _fresh_minute()
        start = threading.Barrier(10)

        def one(path: str) -> int:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=5)
            return _get(live_server, path, cookie)

        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(one, paths))
    assert codes.count(200) == limit, codes
    assert codes.count(429) == len(paths) - limit
