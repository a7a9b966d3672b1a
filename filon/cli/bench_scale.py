"""`filon bench scale`: the real server measured over HTTP at several directory sizes.

Black-box: for each size, the generator writes a real database (`filon migrate`, then
`filon generate`, as subprocesses), `filon serve` starts on a free port, and everything is
measured from outside, as a browser or a script would see it:

- generation time, boot time (until the login page answers);
- memory of the gunicorn master and of each worker (RSS, PSS, private), read from
  ``/proc/<pid>/smaps_rollup`` after warm-up and again after the writes;
- the search page ``/annuaire/`` (results and facets) over the query mix of
  `filon bench search`, as the demo docteure;
- top-3 introduction paths (``/api/network/paths``) from the docteure to members and
  organisations found by her searches, and the paths page;
- the targeted contacts of her scenarios (``/api/projects/scenarios/{id}/contacts``), and the
  scenario page;
- edit → visible: she changes her city to a new word through the profile form, then searches
  for it until every request finds her; she logs that she met someone at an event (staff create
  the event and mark the attendance through their pages) and asks for paths to that person
  until the direct tie shows;
- the first request after a write against a warm one, CPU time of the server per write, and
  readers' latency under a steady writer.

The rate limits are raised in the server's environment, and four reader accounts are added to
the database before the server starts (the search limit is per account). Only the query mix is
read from the database directly, with the function `filon bench search` uses.

Targets are printed as met or missed; they are never asserted.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import err, progress_bar
from filon.cli.bench import _percentile, bench_app

DOCTEURE = ("claire.dumas@example.org", "filon-claire")
STAFF = ("sophie.lambert@example.org", "filon-sophie")
READERS = 4
READER_EMAIL = "bench.lecteur{}@example.org"
READER_PASSWORD = "filon-bench-lecteur"
QUERIES = 20
MARKER = "bench-scale.json"
HTTP_TIMEOUT = 600.0
# Raised in the server's environment: the benchmark searches far faster than a person.
SERVER_ENV = {
    "FILON_PEOPLE_PER_MINUTE": "1000000",
    "FILON_PEOPLE_PER_DAY": "10000000",
    "FILON_REVEALS_PER_DAY": "10000",
    "FILON_LOG_LEVEL": "WARNING",
}
_RESULT = re.compile(r'class="result-name" href="/annuaire/(\d+)/"')


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run, or `--quick` (fewer rounds and trials)."""

    search_rounds: int
    paths_targets: int
    org_targets: int
    paths_rounds: int
    contacts_rounds: int
    page_rounds: int
    trials: int
    cpu_writes: int
    idle_s: float
    duration: float
    writer_period: float = 2.0


def plan_for(quick: bool, duration: float) -> Plan:
    if quick:
        return Plan(2, 8, 4, 2, 2, 1, 1, 3, 2.0, duration)
    return Plan(5, 20, 10, 5, 5, 2, 3, 10, 20.0, duration)


# -- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    text: str
    headers: Any
    ms: float

    def json(self) -> Any:
        return json.loads(self.text)


class Browser:
    """One signed-in user: cookies, CSRF, one fresh connection per request.

    A fresh connection each time lets gunicorn hand every request to whichever worker accepts
    it, as it does for many users, instead of pinning one kept-alive connection to one worker.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, params: Any = None, data: Any = None) -> Reply:
        if params:
            path += "?" + urllib.parse.urlencode(params, doseq=True)
        headers = {"Connection": "close", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return Reply(response.status, raw.decode("utf-8", "replace"), response.headers, ms)

    def get(self, path: str, params: Any = None) -> Reply:
        return self.request("GET", path, params)

    def post(self, path: str, data: Any) -> Reply:
        """A form post, with the CSRF secret of the session's cookie (Django accepts it)."""
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        fields = [(k, v) for k, v in fields if k != "csrfmiddlewaretoken"]
        fields.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        return self.request("POST", path, data=fields)

    def ok(self, path: str, params: Any = None) -> Reply:
        reply = self.get(path, params)
        if reply.status != 200:
            raise RuntimeError(f"GET {path} {params or ''} answered {reply.status}")
        return reply

    def login(self, email: str, password: str) -> None:
        self.ok("/connexion/")
        reply = self.post("/connexion/", {"username": email, "password": password})
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {email} failed ({reply.status})")


class _Forms(HTMLParser):
    """The fields a browser would submit for each form of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option is None and self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            if self.forms and chosen:
                self.forms[-1].append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self.forms:
                self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def _close_option(self) -> None:
        if self._option is not None or self._option_text:
            value = self._option if self._option is not None else "".join(self._option_text)
            self._options.append((value.strip() if self._option is None else value,
                                  self._option_selected))  # fmt: skip
        self._option, self._option_selected, self._option_text = None, False, []


def form_with(html: str, name: str) -> list[tuple[str, str]]:
    """The fields of the page's form that has a field ``name``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(k == name for k, _v in form):
            return form
    raise RuntimeError(f"no form with a field {name!r}")


def replace(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(k, values.get(k, v)) for k, v in fields]


# -- Processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(x) for x in (task / "children").read_text().split()]
    return sorted(set(found))


def memory_of(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of one process, in MB, from /proc/<pid>/smaps_rollup."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            values[parts[0][:-1]] = int(parts[1])
    mb = 1024.0
    return {
        "rss_mb": round(values.get("Rss", 0) / mb, 1),
        "pss_mb": round(values.get("Pss", 0) / mb, 1),
        "private_mb": round(
            (values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)) / mb, 1
        ),
    }


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds, from /proc/<pid>/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
    return total / tick


class Server:
    """`filon serve` as a subprocess; its pid becomes gunicorn's master (serve execs it)."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.workers = workers
        self.log = log
        self._log_file = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "filon.cli", "serve", *self._options(workers)],
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def _options(self, workers: int) -> list[str]:
        return ["--port", str(self.port), "--workers", str(workers)]

    def wait_ready(self, timeout: float) -> float:
        """Seconds from launch until the login page answers."""
        probe = Browser(self.port)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped at start-up:\n{self.tail()}")
            with contextlib.suppress(OSError):
                if probe.get("/connexion/").status == 200:
                    return time.perf_counter() - self.started
            if time.perf_counter() - self.started > timeout:
                raise RuntimeError(f"the server did not answer within {timeout:.0f} s")
            time.sleep(0.05)

    def pids(self) -> list[int]:
        return [self.proc.pid, *children(self.proc.pid)]

    def memory(self) -> dict[str, Any]:
        master = memory_of(self.proc.pid)
        workers = [memory_of(pid) for pid in children(self.proc.pid)]
        every = [master, *workers]
        return {
            "master": master,
            "workers": workers,
            "total_rss_mb": round(sum(m["rss_mb"] for m in every), 1),
            "total_pss_mb": round(sum(m["pss_mb"] for m in every), 1),
            "max_worker_private_mb": max((w["private_mb"] for w in workers), default=0.0),
        }

    def cpu(self) -> float:
        return cpu_seconds(self.pids())

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


# -- Data ----------------------------------------------------------------------------------------


@dataclass
class Dataset:
    members: int
    folder: Path
    env: dict[str, str]
    generate_s: float
    reused: bool
    database: str
    pg_admin_url: str | None = None
    pg_name: str | None = None
    throwaway: bool = True
    queries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _pg_url(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _pg(admin_url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "filon.cli", *args], env=env, stdout=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode})")


def prepare(members: int, seed: int, keep: Path | None) -> Dataset:
    """A generated database of ``members`` people: reused from ``keep`` or written now."""
    if keep is None:
        folder = Path(tempfile.mkdtemp(prefix=f"filon-scale-{members}-"))
    else:
        folder = keep / str(members)
        folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FILON_DATA_DIR"] = str(folder)
    env.pop("FILON_WARM_UP", None)
    base_url = os.environ.get("DATABASE_URL", "")
    marker = folder / MARKER
    previous = json.loads(marker.read_text()) if marker.exists() else None
    reused = previous is not None and previous.get("members") == members
    ds = Dataset(members, folder, env, 0.0, reused, "sqlite", throwaway=keep is None)
    if base_url.startswith(("postgres://", "postgresql://")):
        ds.database = "postgresql"
        ds.pg_name = f"filon_bench_{members}"
        ds.pg_admin_url = _pg_url(base_url, "postgres")
        env["DATABASE_URL"] = _pg_url(base_url, ds.pg_name)
        if not reused:
            _pg(ds.pg_admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", ds.pg_name)
            _pg(ds.pg_admin_url, "CREATE DATABASE {}", ds.pg_name)
    if reused:
        assert previous is not None
        ds.generate_s = float(previous["generate_s"])
        err.print(f"[{members}] base générée réutilisée : {folder}")
        return ds
    sqlite = folder / "filon.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    err.print(f"[{members}] génération dans {folder}…")
    _run(["migrate"], env, "filon migrate")
    started = time.perf_counter()
    _run(["generate", "--members", str(members), "--seed", str(seed)], env, "filon generate")
    ds.generate_s = round(time.perf_counter() - started, 2)
    marker.write_text(json.dumps({"members": members, "seed": seed, "generate_s": ds.generate_s}))
    return ds


def release(ds: Dataset) -> None:
    if ds.throwaway:
        if ds.pg_admin_url and ds.pg_name:
            with contextlib.suppress(Exception):
                _pg(ds.pg_admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", ds.pg_name)
        shutil.rmtree(ds.folder, ignore_errors=True)


def setup_main() -> None:
    """In a subprocess on the bench's database: the query mix, and the reader accounts."""
    from filon.cli.base import django_setup

    django_setup()
    from filon.accounts.models import Role, User
    from filon.cli.bench import search_queries
    from filon.directory.models import Person

    seed = int(os.environ.get("FILON_BENCH_SEED", "1"))
    taken = set(User.objects.exclude(person=None).values_list("person_id", flat=True))
    free = (
        p
        for p in Person.objects.filter(directory_opt_out=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator()
        if p not in taken
    )
    for i in range(1, READERS + 1):
        email = READER_EMAIL.format(i)
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(email, READER_PASSWORD, role=Role.MEMBER, person_id=next(free))
    print(json.dumps(search_queries(QUERIES, seed), ensure_ascii=False, default=str))


def _setup(ds: Dataset, seed: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from filon.cli.bench_scale import setup_main; setup_main()"],
        env=dict(ds.env, FILON_BENCH_SEED=str(seed)),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench setup failed:\n{done.stderr[-2000:]}")
    ds.queries = [(c, p) for c, p in json.loads(done.stdout.strip().splitlines()[-1])]


# -- Measures ------------------------------------------------------------------------------------


def stats(ms: list[float]) -> dict[str, Any]:
    if not ms:
        return {"n": 0, "median_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(_percentile(ms, 0.95), 2),
        "p99_ms": round(_percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def _word(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(9))


class Run:
    """Every measure of one size against one running server."""

    def __init__(self, ds: Dataset, server: Server, plan: Plan, seed: int) -> None:
        self.ds, self.server, self.plan = ds, server, plan
        self.rng = random.Random(seed)
        self.tag = f"[{ds.members}]"
        self.claire = Browser(server.port)
        self.claire.login(*DOCTEURE)
        self.staff = Browser(server.port)
        self.staff.login(*STAFF)
        me = self.claire.ok("/api/me").json()
        self.me = int(me["person"]["id"])
        self.city = str(me["person"].get("city") or "")
        self.profile = form_with(self.claire.ok("/profil/modifier/").text, "city")
        self.targets: list[int] = []
        self.orgs: list[str] = []

    # Writes ------------------------------------------------------------------------------------

    def edit_city(self, city: str, browser: Browser | None = None) -> Reply:
        reply = (browser or self.claire).post("/profil/modifier/", replace(self.profile, city=city))
        if reply.status != 302:
            raise RuntimeError(f"the profile form answered {reply.status}")
        return reply

    def meet(self, target: int) -> None:
        """Staff create a past event and mark both present; the docteure logs the meeting."""
        start = datetime.now() - timedelta(days=1)
        reply = self.staff.post(
            "/evenements/nouveau/",
            {
                "title": f"Rencontre de mesure {_word(self.rng)}",
                "kind": "afterwork",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "place": "Paris",
                "link": "",
                "capacity": "",
                "description": "",
            },
        )
        found = re.search(r"/evenements/(\d+)/", reply.headers.get("Location", ""))
        if reply.status != 302 or found is None:
            raise RuntimeError(f"the event form answered {reply.status}")
        event = found.group(1)
        reply = self.staff.post(
            f"/evenements/{event}/presences/", [("present", str(self.me)), ("present", str(target))]
        )
        if reply.status != 302:
            raise RuntimeError(f"the attendance form answered {reply.status}")
        self.met_reply = self.claire.post(f"/evenements/{event}/rencontres/", {"met": str(target)})
        if self.met_reply.status != 302:
            raise RuntimeError(f"the 'whom I met' form answered {self.met_reply.status}")

    # Reads -------------------------------------------------------------------------------------

    def search(self, params: dict[str, Any], browser: Browser | None = None) -> Reply:
        return (browser or self.claire).ok("/annuaire/", params)

    def paths(self, target: int) -> Reply:
        return self.claire.ok("/api/network/paths", {"to": target, "k": 3})

    def finds_me(self, word: str) -> bool:
        return str(self.me) in _RESULT.findall(self.search({"q": word}).text)

    def direct_path(self, target: int) -> bool:
        return any(
            len(p["hops"]) == 1 and p["hops"][0]["to"]["id"] == target
            for p in self.paths(target).json()["paths"]
        )

    def timed(self, label: str, calls: Sequence[Callable[[], Reply]], rounds: int) -> list[float]:
        times: list[float] = []
        with progress_bar() as bar:
            task = bar.add_task(f"{self.tag} {label}", total=rounds * len(calls))
            for _ in range(rounds):
                for call in calls:
                    times.append(call().ms)
                    bar.advance(task)
        return times

    # Phases ------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Every query once; collects the path targets from what the searches find."""
        people: dict[int, None] = {}
        orgs: dict[str, None] = {}
        for _category, params in self.ds.queries:
            self.search(params)
            found = self.claire.ok("/api/search", params).json()
            for row in found["results"]:
                if row["id"] != self.me:
                    people[row["id"]] = None
            for option in found["facets"].get("organisation", []):
                orgs[option["value"]] = None
        self.targets = list(people)[: self.plan.paths_targets]
        self.orgs = list(orgs)[: self.plan.org_targets]
        for target in self.targets:
            self.paths(target)
        if not self.targets:
            raise RuntimeError("the searches found nobody to ask paths to")

    def search_view(self) -> dict[str, Any]:
        calls = [partial(self.search, p) for _c, p in self.ds.queries]
        return stats(self.timed("page de recherche", calls, self.plan.search_rounds)) | {
            "queries": len(calls),
            "rounds": self.plan.search_rounds,
        }

    def paths_measure(self) -> dict[str, Any]:
        people = [partial(self.paths, t) for t in self.targets]
        to_person = self.timed("chemins vers une personne", people, self.plan.paths_rounds)
        orgs = [
            partial(self.claire.ok, "/api/network/paths", {"to_org": o, "k": 3}) for o in self.orgs
        ]
        to_org = self.timed("chemins vers une organisation", orgs, self.plan.paths_rounds)
        pages = [partial(self.claire.ok, f"/reseau/chemins/{t}/") for t in self.targets]
        page = self.timed("page des chemins", pages, self.plan.page_rounds)
        return stats(to_person) | {"to_org": stats(to_org), "page": stats(page)}

    def contacts(self) -> dict[str, Any]:
        found = self.claire.ok("/api/projects/scenarios").json()["scenarios"]
        ids = [s["id"] for s in found]
        if not ids:
            return stats([]) | {"scenarios": 0}
        calls = [
            partial(self.claire.ok, f"/api/projects/scenarios/{s}/contacts", {"top": 20})
            for s in ids
        ]
        for call in calls:
            call()
        api = self.timed("contacts ciblés", calls, self.plan.contacts_rounds)
        pages = [partial(self.claire.ok, f"/projet/scenarios/{s}/") for s in ids]
        page = self.timed("page du scénario", pages, self.plan.page_rounds)
        return stats(api) | {"scenarios": len(ids), "page": stats(page)}

    def until(self, check: Callable[[], bool], since: float) -> tuple[float | None, int]:
        """Seconds from ``since`` until ``check`` holds on every one of several fresh requests
        in a row (each may land on any worker), and how many requests it took."""
        need = 3 * self.server.workers + 1
        deadline = time.perf_counter() + 30 + self.ds.members / 20_000
        run_started: float | None = None
        streak = tries = 0
        while time.perf_counter() < deadline:
            ok = check()
            tries += 1
            now = time.perf_counter()
            if ok:
                if streak == 0:
                    run_started = now
                streak += 1
                if streak >= need:
                    assert run_started is not None
                    return round(run_started - since, 3), tries
            else:
                streak = 0
            time.sleep(0.01)
        return None, tries

    def edit_to_search(self) -> dict[str, Any]:
        seconds: list[float | None] = []
        for _ in range(self.plan.trials):
            word = _word(self.rng)
            self.edit_city(word)
            found, _tries = self.until(partial(self.finds_me, word), time.perf_counter())
            seconds.append(found)
        err.print(f"{self.tag} modification → recherche : {seconds} s")
        return {"seconds": seconds, "found": all(s is not None for s in seconds)}

    def edit_to_paths(self) -> dict[str, Any]:
        seconds: list[float | None] = []
        candidates = iter(self.targets)
        for _ in range(self.plan.trials):
            target = next(
                (
                    t
                    for t in candidates
                    if not (p := self.paths(t).json()["paths"]) or len(p[0]["hops"]) > 1
                ),
                None,
            )
            if target is None:
                break
            self.meet(target)
            found, _tries = self.until(partial(self.direct_path, target), time.perf_counter())
            seconds.append(found)
        err.print(f"{self.tag} rencontre → chemins : {seconds} s")
        return {"seconds": seconds, "found": bool(seconds) and all(s is not None for s in seconds)}

    def first_after_write(self) -> dict[str, Any]:
        query = next(p for c, p in self.ds.queries if p.get("q"))
        target = self.targets[0]
        out: dict[str, Any] = {}
        for name, call in (
            ("search", lambda: self.search(query)),
            ("paths", lambda: self.paths(target)),
        ):
            warm = statistics.median(call().ms for _ in range(5))
            first = []
            for _ in range(max(3, self.plan.trials)):
                self.edit_city(_word(self.rng))
                first.append(call().ms)
                for _ in range(2 * self.server.workers):  # the other workers catch up
                    call()
            out[name] = {
                "warm_ms": round(warm, 2),
                "first_ms": round(statistics.median(first), 2),
                "ratio": round(statistics.median(first) / warm, 2),
            }
        out["ratio"] = max(out["search"]["ratio"], out["paths"]["ratio"])
        err.print(f"{self.tag} premier appel après écriture : ×{out['ratio']}")
        return out

    def cpu_per_write(self) -> dict[str, Any]:
        """Server CPU of K edits made visible, minus the same reads without edits, minus idle."""
        k = self.plan.cpu_writes
        target = self.targets[0]
        reads = 2 * self.server.workers

        def cycle(word: str) -> None:
            for _ in range(reads):
                self.search({"q": word})
                self.paths(target)

        def phase(edit: bool) -> tuple[float, float]:
            word = _word(self.rng)
            cpu0, t0 = self.server.cpu(), time.perf_counter()
            for _ in range(k):
                if edit:
                    word = _word(self.rng)
                    self.edit_city(word)
                cycle(word)
            return self.server.cpu() - cpu0, time.perf_counter() - t0

        cycle(_word(self.rng))
        cpu_w, dur_w = phase(edit=True)
        cycle(_word(self.rng))
        cycle(_word(self.rng))
        cpu_r, dur_r = phase(edit=False)
        idle_window = min(max(dur_w, 2.0), self.plan.idle_s)
        cpu0 = self.server.cpu()
        time.sleep(idle_window)
        idle_rate = (self.server.cpu() - cpu0) / idle_window
        per_write = (cpu_w - cpu_r - idle_rate * (dur_w - dur_r)) / k * 1000
        err.print(f"{self.tag} CPU par écriture : {per_write:.1f} ms")
        return {
            "cpu_ms_per_write": round(per_write, 1),
            "writes": k,
            "write_phase": {"cpu_ms": round(cpu_w * 1000, 1), "seconds": round(dur_w, 2)},
            "read_phase": {"cpu_ms": round(cpu_r * 1000, 1), "seconds": round(dur_r, 2)},
            "idle_ms_per_s": round(idle_rate * 1000, 2),
        }

    def mixed(self) -> dict[str, Any]:
        readers = []
        for i in range(1, READERS + 1):
            browser = Browser(self.server.port)
            browser.login(READER_EMAIL.format(i), READER_PASSWORD)
            readers.append(browser)
        alone = self._load(readers, writer=False)
        with_writer = self._load(readers, writer=True)
        ratio = (
            round(with_writer["p95_ms"] / alone["p95_ms"], 2)
            if alone["p95_ms"] and with_writer["p95_ms"]
            else None
        )
        err.print(f"{self.tag} charge mixte : p95 ×{ratio} avec un rédacteur")
        return {"readers_alone": alone, "with_writer": with_writer, "p95_ratio": ratio}

    def _load(self, readers: list[Browser], *, writer: bool) -> dict[str, Any]:
        stop = threading.Event()
        times: list[list[float]] = [[] for _ in readers]
        errors = [0] * len(readers)
        writes: list[float] = []
        queries = [p for _c, p in self.ds.queries]

        def read(i: int) -> None:
            j = i * 5
            while not stop.is_set():
                try:
                    reply = self.search(queries[j % len(queries)], readers[i])
                    times[i].append(reply.ms)
                except (OSError, RuntimeError):
                    errors[i] += 1
                j += 1

        def write() -> None:
            writer_browser = self.claire
            while not stop.is_set():
                started = time.perf_counter()
                writes.append(self.edit_city(_word(self.rng), writer_browser).ms)
                stop.wait(max(0.0, self.plan.writer_period - (time.perf_counter() - started)))

        threads = [threading.Thread(target=read, args=(i,)) for i in range(len(readers))]
        if writer:
            threads.append(threading.Thread(target=write))
        label = "lecteurs et un rédacteur" if writer else "lecteurs seuls"
        err.print(f"{self.tag} charge : {len(readers)} {label}, {self.plan.duration:.0f} s…")
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(self.plan.duration)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        every = [t for ts in times for t in ts]
        out = stats(every) | {
            "requests_per_s": round(len(every) / elapsed, 1),
            "errors": sum(errors),
        }
        if writer:
            out["writes"] = len(writes)
            out["write_median_ms"] = round(statistics.median(writes), 2) if writes else None
        return out


def measure(ds: Dataset, workers: int, plan: Plan, seed: int) -> dict[str, Any]:
    tag = f"[{ds.members}]"
    _setup(ds, seed)
    env = dict(ds.env, **SERVER_ENV)
    server = Server(env, workers, ds.folder / "serve.log")
    try:
        boot = server.wait_ready(timeout=120 + ds.members / 2_000)
        err.print(f"{tag} serveur prêt en {boot:.1f} s (port {server.port}, {workers} workers)")
        run = Run(ds, server, plan, seed)
        try:
            run.warm_up()
            memory_warm = server.memory()
            search = run.search_view()
            paths = run.paths_measure()
            contacts = run.contacts()
            to_search = run.edit_to_search()
            to_paths = run.edit_to_paths()
            first = run.first_after_write()
            cpu = run.cpu_per_write()
            memory_writes = server.memory()
            mixed = run.mixed()
        finally:
            with contextlib.suppress(Exception):
                run.edit_city(run.city)
    except Exception:
        err.print(f"{tag} journal du serveur :\n{server.tail()}")
        raise
    finally:
        server.stop()

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return round(statistics.median(known), 3) if known and len(known) == len(values) else None

    return {
        "members": ds.members,
        "database": ds.database,
        "workers": workers,
        "generate_s": ds.generate_s,
        "generated_now": not ds.reused,
        "boot_s": round(boot, 2),
        "memory": {"after_warm_up": memory_warm, "after_writes": memory_writes},
        "search": search,
        "paths": paths,
        "contacts": contacts,
        "edit_to_search_s": median(to_search["seconds"]),
        "edit_to_search": to_search,
        "edit_to_paths_s": median(to_paths["seconds"]),
        "edit_to_paths": to_paths,
        "first_after_write_ratio": first["ratio"],
        "first_after_write": first,
        "cpu_ms_per_write": cpu["cpu_ms_per_write"],
        "cpu": cpu,
        "mixed": mixed,
    }


# -- Targets -------------------------------------------------------------------------------------


def _worker_private(size: dict[str, Any]) -> float:
    return max(m["max_worker_private_mb"] for m in size["memory"].values())


# (name, size or None for every size, what is compared, limit, unit)
TARGETS: list[tuple[str, int | None, Callable[[dict[str, Any]], Any], float, str]] = [
    ("edit_to_search_s", None, lambda s: s["edit_to_search_s"], 1.0, "s"),
    ("edit_to_paths_s", None, lambda s: s["edit_to_paths_s"], 1.0, "s"),
    ("first_after_write_ratio", None, lambda s: s["first_after_write_ratio"], 2.0, "×"),
    ("cpu_ms_per_write", None, lambda s: s["cpu_ms_per_write"], 50.0, "ms"),
    ("mixed_p95_ratio", None, lambda s: s["mixed"]["p95_ratio"], 1.5, "×"),
    ("search_median_ms", 30_000, lambda s: s["search"]["median_ms"], 30.0, "ms"),
    ("search_median_ms", 300_000, lambda s: s["search"]["median_ms"], 80.0, "ms"),
    ("search_p95_ms", 300_000, lambda s: s["search"]["p95_ms"], 250.0, "ms"),
    ("search_median_ms", 1_000_000, lambda s: s["search"]["median_ms"], 150.0, "ms"),
    (
        "worker_private_mb",
        300_000,
        _worker_private,
        300.0,
        "MB",
    ),
    (
        "total_rss_mb",
        1_000_000,
        lambda s: max(m["total_rss_mb"] for m in s["memory"].values()),
        4096.0,
        "MB",
    ),
    ("boot_s", 300_000, lambda s: s["boot_s"], 10.0, "s"),
    ("paths_median_ms", 30_000, lambda s: s["paths"]["median_ms"], 10.0, "ms"),
    ("paths_median_ms", 1_000_000, lambda s: s["paths"]["median_ms"], 100.0, "ms"),
    ("paths_p95_ms", 1_000_000, lambda s: s["paths"]["p95_ms"], 300.0, "ms"),
    ("contacts_median_ms", 1_000_000, lambda s: s["contacts"]["median_ms"], 300.0, "ms"),
    ("contacts_p95_ms", 1_000_000, lambda s: s["contacts"]["p95_ms"], 400.0, "ms"),
]


def evaluate(sizes: dict[str, dict[str, Any]], workers: int) -> dict[str, Any]:
    """Each target at each size it applies to: measured value, limit, met (None: not measured)."""
    out: dict[str, Any] = {}
    for name, size, read, limit, unit in TARGETS:
        applies = [int(k) for k in sizes] if size is None else [size]
        for n in applies:
            measured = sizes.get(str(n))
            value = read(measured) if measured is not None else None
            met = None if value is None else bool(value < limit or (unit == "×" and value == limit))
            if name == "total_rss_mb" and workers != 2:
                met = None  # the target is stated for 2 workers
            out[f"{name}@{n}"] = {"value": value, "limit": limit, "unit": unit, "met": met}
    return out


# -- Command -------------------------------------------------------------------------------------


@bench_app.command("scale")
def bench_scale(
    sizes: Annotated[
        str, typer.Option(help="Tailles de l'annuaire, séparées par des virgules.")
    ] = "30000,300000,1000000",
    workers: Annotated[int, typer.Option(min=1, max=32, help="Processus gunicorn.")] = 2,
    duration: Annotated[
        float, typer.Option(min=1, help="Secondes de chaque phase de charge mixte.")
    ] = 60.0,
    quick: Annotated[bool, typer.Option("--quick", help="Moins de tours et d'essais.")] = False,
    keep: Annotated[
        Path | None,
        typer.Option(help="Dossier où garder (ou reprendre) les bases générées, une par taille."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Graine du réseau et des requêtes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """The real server over HTTP at several directory sizes: boot, memory, search page, paths,
    contacts, edit → visible, CPU per write, readers under a writer."""
    plan = plan_for(quick, duration)
    results: dict[str, dict[str, Any]] = {}
    for n in [int(s) for s in sizes.split(",") if s.strip()]:
        ds = prepare(n, seed, keep.resolve() if keep else None)
        try:
            results[str(n)] = measure(ds, workers, plan, seed)
        finally:
            release(ds)
    report = {
        "sizes": results,
        "targets": evaluate(results, workers),
        "workers": workers,
        "quick": quick,
        "duration_s": duration,
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    print_report(report)


def print_report(report: dict[str, Any]) -> None:
    out = Console()
    table = Table(title="Filon mesuré par HTTP")
    table.add_column("mesure")
    for n in report["sizes"]:
        table.add_column(f"{int(n):,}".replace(",", " "), justify="right")

    def both(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda s: f"{s[key]['median_ms']} / {s[key]['p95_ms']}"

    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("génération (s)", lambda s: s["generate_s"]),
        ("démarrage (s)", lambda s: s["boot_s"]),
        ("RSS totale (Mo)", lambda s: s["memory"]["after_writes"]["total_rss_mb"]),
        ("privée max. par worker (Mo)", lambda s: _worker_private(s)),
        ("recherche médiane / p95 (ms)", both("search")),
        ("chemins médiane / p95 (ms)", both("paths")),
        ("contacts médiane / p95 (ms)", both("contacts")),
        ("modification → recherche (s)", lambda s: s["edit_to_search_s"]),
        ("rencontre → chemins (s)", lambda s: s["edit_to_paths_s"]),
        ("1er appel après écriture (×)", lambda s: s["first_after_write_ratio"]),
        ("CPU par écriture (ms)", lambda s: s["cpu_ms_per_write"]),
        ("p95 lecteurs seuls (ms)", lambda s: s["mixed"]["readers_alone"]["p95_ms"]),
        ("p95 avec rédacteur (ms)", lambda s: s["mixed"]["with_writer"]["p95_ms"]),
    ]
    for label, read in rows:
        table.add_row(label, *(str(read(s)) for s in report["sizes"].values()))
    out.print(table)
    targets = Table(title="Objectifs")
    for column in ("objectif", "mesuré", "limite", "tenu"):
        targets.add_column(column)
    for key, t in report["targets"].items():
        verdict = {True: "[green]oui[/green]", False: "[red]NON[/red]", None: "non mesuré"}
        targets.add_row(key, str(t["value"]), f"< {t['limit']} {t['unit']}", verdict[t["met"]])
    out.print(targets)
