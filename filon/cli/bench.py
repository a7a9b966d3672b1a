"""`filon bench …`: measured performance of Filon's hot paths, each against a baseline.

`filon bench search` runs in a throw-away data folder (SQLite, deleted afterwards) unless
``--data-dir`` names one to keep or to reuse: a folder that already holds a network is used as
it is, an empty one receives the generated demo network. Nothing touches the user's own
database.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err, migrate_db

bench_app = typer.Typer(help="Mesures de performance, chacune face à une référence.")
app.add_typer(bench_app, name="bench")

BENCH_EMAIL = "bench.membre@example.org"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times_ms), 2),
        "p95_ms": round(_percentile(times_ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(times_ms), 2),
        "max_ms": round(max(times_ms), 2),
    }


def _typo(word: str, rng: random.Random) -> str:
    """The word with one letter replaced (never the first: people rarely miss that one)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word))
    letters = [c for c in "aeiourstnlm" if c != word[i].lower()]
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def search_queries(n: int, seed: int = 1) -> list[tuple[str, dict[str, Any]]]:
    """A realistic mix of directory searches, as (category, GET parameters)."""
    from filon.directory.models import Person, Position, Skill, Thesis

    rng = random.Random(seed)
    people = list(
        Person.objects.filter(directory_opt_out=False)
        .order_by("pk")
        .values_list("first_name", "last_name")[:5000]
    )
    orgs = sorted(
        set(
            Position.objects.filter(end__isnull=True).values_list("organisation__name", flat=True)[
                :5000
            ]
        )
    )
    skills = list(Skill.objects.order_by("name").values_list("name", flat=True))
    cities = sorted({c for c in Person.objects.values_list("city", flat=True)[:5000] if c})
    disciplines = sorted(
        {d for d in Thesis.objects.values_list("discipline", flat=True)[:2000] if d}
    )
    words = ["télédétection", "alliages", "apprentissage profond", "hydrogène", "ingénieur R&D"]
    makers: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("nom", lambda: {"q": rng.choice(people)[1]}),
        ("prénom et nom", lambda: {"q": " ".join(rng.choice(people))}),
        ("nom avec une faute", lambda: {"q": _typo(rng.choice(people)[1], rng)}),
        ("début de nom", lambda: {"q": rng.choice(people)[1][:4]}),
        ("organisation", lambda: {"q": rng.choice(orgs)}),
        ("compétence", lambda: {"q": rng.choice(skills)}),
        ("ville", lambda: {"q": rng.choice(cities)}),
        ("thèse", lambda: {"q": rng.choice(disciplines + words)}),
        (
            "texte et facettes",
            lambda: {"q": rng.choice(skills), "school": rng.choice("PEN"), "track": "docteur"},
        ),
        (
            "facettes seules",
            lambda: {
                "school": rng.choice("PEN"),
                "vintage_from": (start := rng.randrange(1950, 2020)),
                "vintage_to": start + 10,
            },
        ),
        ("page suivante", lambda: {"q": rng.choice(cities), "page": rng.randint(2, 5)}),
    ]
    out = []
    for i in range(n):
        category, make = makers[i % len(makers)]
        out.append((category, make()))
    return out


def naive_page(params: Any, per_page: int = 20) -> Any:
    """The baseline: ORM ``icontains`` filters and facets counted in Python.

    What one writes without an index: one SQL query with joins per search, no ranking
    (sorted by name), no stemming, no typo tolerance, no accent folding outside the name;
    privacy rules are left out, which only makes the baseline cheaper.
    """
    from collections import defaultdict

    from django.db.models import Prefetch, Q

    from filon.core.promo import promo_label
    from filon.core.text import fold
    from filon.directory.models import Affiliation, Person, Position, Thesis
    from filon.directory.search import (
        FACETS,
        DirectoryPage,
        Facet,
        FacetOption,
        ResultRow,
    )

    through: Any = Person.skills.through
    qs = Person.objects.filter(directory_opt_out=False)
    # One IN (subquery) per related table and word: joins would multiply rows per word.
    for token in fold(params.query).split():
        qs = qs.filter(
            Q(name_folded__icontains=token)
            | Q(city__icontains=token)
            | Q(
                pk__in=Position.objects.filter(
                    Q(title__icontains=token) | Q(organisation__name_folded__icontains=token)
                ).values("person_id")
            )
            | Q(
                pk__in=through.objects.filter(skill__name_folded__icontains=token).values(
                    "person_id"
                )
            )
            | Q(pk__in=Thesis.objects.filter(title__icontains=token).values("person_id"))
        )
    f = params.filters
    diplomas = Affiliation.objects.all()
    if f.get("school"):
        diplomas = diplomas.filter(school__code__in=f["school"])
    if f.get("track"):
        diplomas = diplomas.filter(track__in=f["track"])
    if params.vintage_from is not None:
        diplomas = diplomas.filter(year__gte=params.vintage_from)
    if params.vintage_to is not None:
        diplomas = diplomas.filter(year__lte=params.vintage_to)
    if diplomas.query.where:
        qs = qs.filter(pk__in=diplomas.values("person_id"))
    ids = list(qs.values_list("pk", flat=True))
    total = len(ids)
    pairs: dict[str, list[tuple[int, str]]] = defaultdict(list)
    chunks = [ids[i : i + 900] for i in range(0, len(ids), 900)]
    for chunk in chunks:
        for pid, code, track, year in Affiliation.objects.filter(person_id__in=chunk).values_list(
            "person_id", "school__code", "track", "year"
        ):
            pairs["school"].append((pid, code))
            pairs["track"].append((pid, track))
            pairs["decade"].append((pid, str(year // 10 * 10)))
        for pid, oid, sector in Position.objects.filter(
            person_id__in=chunk, end__isnull=True
        ).values_list("person_id", "organisation_id", "organisation__sector_id"):
            pairs["organisation"].append((pid, str(oid)))
            pairs["sector"].append((pid, (sector or "")[:2]))
        for pid, city, country in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "city", "country"
        ):
            pairs["city"].append((pid, city))
            pairs["country"].append((pid, country))
    facets = []
    for key, title in FACETS.items():
        people: dict[str, set[int]] = defaultdict(set)
        for pid, value in pairs[key]:
            people[value].add(pid)
        ranked = sorted(people.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:10]
        facets.append(
            Facet(key, str(title), tuple(FacetOption(v, v, len(p), False) for v, p in ranked))
        )
    pages = max(1, -(-total // per_page))
    page = min(params.page, pages)
    shown = (
        Person.objects.filter(pk__in=qs.values("pk"))
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("school")),
            Prefetch(
                "positions",
                queryset=Position.objects.filter(end__isnull=True).select_related("organisation"),
            ),
        )[(page - 1) * per_page : page * per_page]
    )
    rows = tuple(
        ResultRow(
            p.pk,
            p.full_name,
            tuple(promo_label(a.school.code, a.year) for a in p.affiliations.all()),
            next((f"{x.title} — {x.organisation.name}" for x in p.positions.all()), None),
            (),
        )
        for p in shown
    )
    return DirectoryPage(params, total, page, pages, per_page, rows, tuple(facets))


def _prepare(members: int, seed: int, data_dir: Path | None) -> tuple[Path, bool]:
    """Point Django at the bench's own SQLite database (before it is configured)."""
    throwaway = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="filon-bench-")) if data_dir is None else data_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)  # whitenoise warns when STATIC_ROOT is missing
    os.environ["FILON_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'filon.sqlite3'}"
    return folder, throwaway


@bench_app.command("search")
def bench_search(
    members: Annotated[int, typer.Option(min=50, help="Taille du réseau généré.")] = 30_000,
    queries: Annotated[int, typer.Option(min=1, help="Nombre de recherches mesurées.")] = 200,
    seed: Annotated[int, typer.Option(help="Graine du réseau et des requêtes.")] = 1,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Dossier à garder ou réutiliser (défaut : jetable, effacé à la fin)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """Time GET /annuaire/?q=… through the whole Django stack, against a naive ORM search."""
    folder, throwaway = _prepare(members, seed, data_dir)
    try:
        report = _run_search_bench(members, queries, seed, folder)
    finally:
        if throwaway:
            shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    table = Table(title=f"Recherche dans l'annuaire : {report['people']} personnes")
    for column in ("mesure", "médiane (ms)", "p95 (ms)", "moyenne (ms)"):
        table.add_column(column)
    for label, key in (("vue complète /annuaire/", "view"), ("référence naïve (ORM)", "baseline")):
        s = report[key]
        table.add_row(label, str(s["median_ms"]), str(s["p95_ms"]), str(s["mean_ms"]))
    out.print(table)
    out.print(
        f"Référence / index (médianes) : ×{report['speedup_median']}  ·  lecture des "
        f"colonnes de facettes : {report['build_s']['load_s']} s  ·  une fiche modifiée : "
        f"écrite en {report['build_s']['write_one_ms']} ms, vue par un autre processus en "
        f"{report['build_s']['apply_one_ms']} ms"
    )
    per = Table(title="Vue complète par type de recherche")
    for column in ("type", "n", "médiane (ms)", "résultats (médiane)"):
        per.add_column(column)
    for category, s in report["by_category"].items():
        per.add_row(category, str(s["n"]), str(s["median_ms"]), str(s["median_total"]))
    out.print(per)


def _run_search_bench(members: int, queries: int, seed: int, folder: Path) -> dict[str, Any]:
    django_setup()
    migrate_db()
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings

    from filon.accounts.models import Role, User
    from filon.directory import search as directory_search
    from filon.directory.models import Person
    from filon.directory.privacy import viewer_for
    from filon.directory.search import SearchParams
    from filon.directory.search_views import PAGE_TEMPLATE, _context

    if not Person.objects.exists():
        from filon.cli.core_commands import _generate

        started = time.perf_counter()
        _generate(members, seed)
        err.print(f"Réseau généré et écrit en {time.perf_counter() - started:.1f} s")
    else:
        err.print(f"Réseau existant réutilisé ({Person.objects.count()} personnes)")
    user = User.objects.filter(email="claire.dumas@example.org").first()
    if user is None:
        user = User.objects.filter(email=BENCH_EMAIL).first() or User.objects.create_user(
            BENCH_EMAIL, None, role=Role.MEMBER, person=Person.objects.order_by("pk").first()
        )

    from filon.directory import indexing, search_engine

    # What a process pays once (reading the facet columns), and what one profile edit costs.
    search_engine.forget()
    started = time.perf_counter()
    state = search_engine.state()
    build = {"load_s": round(time.perf_counter() - started, 2)}
    someone = int(Person.objects.order_by("pk").values_list("pk", flat=True)[0])
    started = time.perf_counter()
    indexing.reindex([someone])
    build["write_one_ms"] = round((time.perf_counter() - started) * 1000, 2)
    started = time.perf_counter()
    state.catch_up()
    build["apply_one_ms"] = round((time.perf_counter() - started) * 1000, 2)

    plan = search_queries(queries, seed)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    factory = RequestFactory(HTTP_HOST="localhost")
    view_ms: list[float] = []
    base_ms: list[float] = []
    by_category: dict[str, list[tuple[float, int]]] = {}
    with override_settings(PEOPLE_PER_MINUTE=10**9, PEOPLE_PER_DAY=10**9):
        for _category, params in plan[:5]:  # warm-up: index build, template compilation
            client.get("/annuaire/", params)
        for category, params in plan:
            started = time.perf_counter()
            response = client.get("/annuaire/", params)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"/annuaire/ answered {response.status_code} for {params}")
            view_ms.append(elapsed)
            total = directory_search.search(
                viewer_for(user), SearchParams.from_querydict(_qd(params))
            ).total
            by_category.setdefault(category, []).append((elapsed, total))

            request = factory.get("/annuaire/", params)
            request.user = user
            started = time.perf_counter()
            search = SearchParams.from_querydict(request.GET)
            page = naive_page(search)
            render_to_string(PAGE_TEMPLATE, _context(request, search, page), request=request)
            base_ms.append((time.perf_counter() - started) * 1000)

    view, baseline = _summary(view_ms), _summary(base_ms)
    return {
        "people": Person.objects.count(),
        "queries": len(plan),
        "data_dir": str(folder),
        "build_s": build,
        "view": view,
        "baseline": baseline,
        "baseline_kind": "ORM icontains + facettes en Python + même gabarit (sans middleware)",
        "speedup_median": round(baseline["median_ms"] / view["median_ms"], 1),
        "by_category": {
            category: {
                "n": len(rows),
                "median_ms": round(statistics.median(r[0] for r in rows), 2),
                "median_total": int(statistics.median(r[1] for r in rows)),
            }
            for category, rows in by_category.items()
        },
    }


def _qd(params: dict[str, Any]) -> Any:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = str(value)
    return data


# -- filon bench import ------------------------------------------------------------------------


@bench_app.command("import")
def bench_import(
    rows: Annotated[int, typer.Option(min=100, help="Lignes du fichier de l'annuaire.")] = 30_000,
    seed: Annotated[int, typer.Option(help="Graine du réseau généré.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """Time `filon import annuaire` of a generated file into an empty database, against a plain
    csv.reader parse and a bulk_create of the same rows without any matching."""
    folder, _throwaway = _prepare(0, seed, None)
    try:
        report = _run_import_bench(rows, seed, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    table = Table(title=f"Import de l'annuaire : {report['rows']} lignes, base vide (SQLite)")
    for column in ("mesure", "secondes", "lignes / s"):
        table.add_column(column)
    for label, key in (
        ("filon import annuaire (tout compris)", "import_s"),
        ("référence : csv.reader seul", "csv_reader_s"),
        ("référence : bulk_create sans rapprochement", "bulk_create_s"),
    ):
        table.add_row(label, str(report[key]), str(round(report["rows"] / max(report[key], 1e-9))))
    out.print(table)
    out.print(
        f"Import / bulk_create naïf : ×{report['ratio_bulk_create']} · import / csv.reader : "
        f"×{report['ratio_csv_reader']} · objectif < 30 s : "
        + ("tenu" if report["import_s"] < 30 else "MANQUÉ")
    )
    out.print(f"Résultat : {report['counts']}")


def _run_import_bench(rows: int, seed: int, folder: Path) -> dict[str, Any]:
    import csv

    django_setup()
    migrate_db()
    from filon.core.demo.generator import generate_network
    from filon.imports.annuaire import annuaire_csv, people_from_network

    started = time.perf_counter()
    net = generate_network(rows, seed=seed)
    people, years = people_from_network(net)
    path = folder / "annuaire.csv"
    path.write_text(annuaire_csv(people, years, rows=rows), encoding="utf-8-sig")
    err.print(f"Fichier de {rows} lignes généré en {time.perf_counter() - started:.1f} s : {path}")
    from django.db import transaction

    from filon.directory.models import Affiliation, ContactPoint, Person, School
    from filon.imports.actions import import_file
    from filon.imports.annuaire import AnnuaireImporter

    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        parsed = list(csv.reader(handle, delimiter=";"))
    csv_s = time.perf_counter() - started

    data = path.read_bytes()
    started = time.perf_counter()
    report = import_file(None, AnnuaireImporter(), data, path.name)
    import_s = time.perf_counter() - started
    if report.errors:
        raise RuntimeError(f"the generated file has invalid rows: {report.errors[:3]}")

    class _Rollback(Exception):
        pass

    schools = {s.code: s.pk for s in School.objects.all()}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            header = parsed[0]
            col = {name: i for i, name in enumerate(header)}
            people_objs = [
                Person(first_name=r[col["Prénom"]], last_name=r[col["Nom"]], city=r[col["Ville"]])
                for r in parsed[1:]
            ]
            Person.objects.bulk_create(people_objs, batch_size=2000)
            contacts = [
                ContactPoint(person=p, kind="email", value=r[col["Email"]])
                for p, r in zip(people_objs, parsed[1:], strict=True)
                if r[col["Email"]]
            ]
            ContactPoint.objects.bulk_create(contacts, batch_size=2000)
            affiliations = [
                Affiliation(
                    person=p, school_id=schools[r[col["Promo"]][0]], track="autre", year=2000
                )
                for p, r in zip(people_objs, parsed[1:], strict=True)
                if r[col["Promo"]]
            ]
            Affiliation.objects.bulk_create(affiliations, batch_size=2000)
            raise _Rollback
    except _Rollback:
        pass
    bulk_s = time.perf_counter() - started
    return {
        "rows": rows,
        "people_created": report.counts["created"],
        "import_s": round(import_s, 2),
        "csv_reader_s": round(csv_s, 3),
        "bulk_create_s": round(bulk_s, 2),
        "ratio_csv_reader": round(import_s / csv_s, 1),
        "ratio_bulk_create": round(import_s / bulk_s, 2),
        "counts": report.counts,
        "baseline_kind": "csv.reader seul ; bulk_create Django de Person + e-mail + diplôme, "
        "sans validation, rapprochement ni provenance (annulé ensuite)",
    }


@bench_app.command("paths")
def bench_paths(
    sizes: Annotated[
        str, typer.Option(help="Tailles des réseaux, séparées par des virgules.")
    ] = "30000,1000000",
    queries: Annotated[int, typer.Option(min=1, help="Requêtes mesurées par type.")] = 200,
    nx_queries: Annotated[
        int, typer.Option(min=0, help="Requêtes networkx par type (jusqu'à 100 000 personnes).")
    ] = 20,
    nx_queries_large: Annotated[
        int, typer.Option(min=0, help="Requêtes networkx par type au-delà (secondes chacune).")
    ] = 3,
    rebuild: Annotated[
        bool, typer.Option(help="Mesurer aussi la reconstruction de l'index depuis une base.")
    ] = True,
    seed: Annotated[int, typer.Option(help="Graine des réseaux et des requêtes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """Top-3 introduction paths at 30,000 and 1,000,000 people, against networkx."""
    from filon.ops.extras import MissingExtra, require

    try:
        require("networkx", "filon bench paths")
    except MissingExtra as exc:
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(2) from None
    from filon.cli.bench_paths import run

    report = run(
        [int(s) for s in sizes.split(",") if s.strip()],
        queries=queries,
        nx_queries=nx_queries,
        nx_queries_large=nx_queries_large,
        seed=seed,
        rebuild=rebuild,
    )
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    table = Table(title="Chemins de mise en relation (top 3)")
    for column in ("personnes", "construction (s)", "mémoire (Mo)", "vers une personne",
                   "vers une organisation", "× networkx"):  # fmt: skip
        table.add_column(column)
    for key, size in report.items():
        if not key.isdigit():
            continue
        f = size["filon"]
        table.add_row(
            key,
            str(size["build_s"]),
            str(size["graph_mb"]),
            f"{f['to_person']['median_ms']} ms (p95 {f['to_person']['p95_ms']})",
            f"{f['to_org']['median_ms']} ms (p95 {f['to_org']['p95_ms']})",
            str(size.get("networkx_speedup", "—")),
        )
    out.print(table)


@bench_app.command("contacts")
def bench_contacts(
    sizes: Annotated[
        str, typer.Option(help="Nombres de membres synthétiques, séparés par des virgules.")
    ] = "30000,1000000",
    queries: Annotated[int, typer.Option(min=2, help="Requêtes mesurées par taille.")] = 50,
    seed: Annotated[int, typer.Option(help="Graine.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """Targeted contacts of a scenario (top 20, reasons, best paths), against one sparse
    matrix–vector product over the same matrix."""
    from filon.cli.bench_contacts import run

    report = run([int(s) for s in sizes.split(",") if s.strip()], queries=queries, seed=seed)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    for key, value in report.items():
        out.print(f"{key} = {value}")
