"""`filon bench scale`: the harness runs end to end on a small directory, and its pieces hold."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from filon.cli.bench_scale import evaluate, form_with, replace, stats

EDIT_PAGE = """
<form action="/i18n/setlang/" method="post"><input type="hidden" name="next" value="/"></form>
<form method="post" class="profile-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="text" name="city" value="Sophia Antipolis">
  <textarea name="bio">
Deux lignes
de présentation</textarea>
  <select name="visibility_city"><option value="members">Membres</option>
    <option value="paying" selected>Cotisants</option></select>
  <select name="contacts-0-kind"><option value="email">E-mail</option></select>
  <input type="checkbox" name="directory_opt_out">
  <input type="checkbox" name="contacts-0-DELETE" checked>
  <button type="submit">Enregistrer</button>
</form>
"""


def test_the_profile_form_is_submitted_as_a_browser_would():
    fields = form_with(EDIT_PAGE, "city")
    assert fields == [
        ("csrfmiddlewaretoken", "tok"),
        ("city", "Sophia Antipolis"),
        ("bio", "Deux lignes\nde présentation"),
        ("visibility_city", "paying"),
        ("contacts-0-kind", "email"),
        ("contacts-0-DELETE", "on"),
    ]
    assert ("city", "zqnouveau") in replace(fields, city="zqnouveau")


def test_stats_and_targets():
    assert stats([]) == {"n": 0, "median_ms": None, "p95_ms": None, "p99_ms": None,
                         "mean_ms": None}  # fmt: skip
    summary = stats([float(i) for i in range(1, 101)])
    assert summary["median_ms"] == 50.5 and summary["p95_ms"] == 95.05
    size = {
        "edit_to_search_s": 0.4,
        "edit_to_paths_s": None,
        "first_after_write_ratio": 3.0,
        "cpu_ms_per_write": 10.0,
        "mixed": {"p95_ratio": 1.5},
        "search": {"median_ms": 40.0, "p95_ms": 60.0},
        "paths": {"median_ms": 5.0, "p95_ms": 9.0},
        "contacts": {"median_ms": 50.0, "p95_ms": 70.0},
        "boot_s": 3.0,
        "memory": {"after_warm_up": {"max_worker_private_mb": 90.0, "total_rss_mb": 500.0}},
    }
    targets = evaluate({"30000": size}, workers=2)
    assert targets["edit_to_search_s@30000"]["met"] is True
    assert targets["edit_to_paths_s@30000"]["met"] is None
    assert targets["first_after_write_ratio@30000"]["met"] is False
    assert targets["mixed_p95_ratio@30000"]["met"] is True
    assert targets["search_median_ms@30000"] == {
        "value": 40.0, "limit": 30.0, "unit": "ms", "met": False,
    }  # fmt: skip
    assert targets["paths_median_ms@30000"]["met"] is True
    assert targets["search_median_ms@300000"]["met"] is None  # not measured


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


def test_the_whole_benchmark_runs_on_a_small_directory(tmp_path: Path):
    # DATABASE_URL stays: on PostgreSQL the benchmark creates and drops its own database.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILON_", "DJANGO_"))}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "filon.cli",
            "bench",
            "scale",
            "--sizes",
            "1000",
            "--duration",
            "2",
            "--quick",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    size = report["sizes"]["1000"]

    assert _finite(size["generate_s"]) and size["generate_s"] > 0
    assert 0 < size["boot_s"] < 120
    for moment in ("after_warm_up", "after_writes"):
        memory = size["memory"][moment]
        assert len(memory["workers"]) == 2
        assert memory["master"]["rss_mb"] > 20
        assert all(0 < w["private_mb"] <= w["rss_mb"] for w in memory["workers"])
        assert memory["total_rss_mb"] >= memory["total_pss_mb"] > 0
    assert size["search"]["n"] == 40 and 0 < size["search"]["median_ms"] <= size["search"]["p95_ms"]
    assert size["paths"]["n"] > 0 and size["paths"]["median_ms"] > 0
    assert size["paths"]["to_org"]["n"] > 0
    assert size["contacts"]["scenarios"] > 0 and size["contacts"]["median_ms"] > 0
    # The edited city was found by search, and the logged meeting by the paths.
    assert size["edit_to_search"]["found"] is True and _finite(size["edit_to_search_s"])
    assert size["edit_to_paths"]["found"] is True and _finite(size["edit_to_paths_s"])
    assert size["first_after_write_ratio"] > 0
    assert math.isfinite(size["cpu_ms_per_write"]) and size["cpu"]["writes"] == 3
    for phase in ("readers_alone", "with_writer"):
        assert size["mixed"][phase]["n"] > 0 and size["mixed"][phase]["errors"] == 0
    assert size["mixed"]["with_writer"]["writes"] >= 1
    assert size["mixed"]["p95_ratio"] > 0
    assert report["targets"]["edit_to_search_s@1000"]["value"] == size["edit_to_search_s"]
    assert report["targets"]["boot_s@300000"]["met"] is None
    # The throw-away data folder is gone.
    assert not list(tmp_path.glob("filon-scale-*"))
