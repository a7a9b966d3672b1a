"""Two `filon serve` hosts on one database: a write through one is found through the other.

Each host has its own data folder (its own graph snapshot and secret key), as two web hosts
would; they share only the database (SQLite file or PostgreSQL, as ``DATABASE_URL`` says).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from filon.cli.bench_scale import (
    DOCTEURE,
    Browser,
    Server,
    form_with,
    prepare,
    release,
    replace,
)

WORD = "Zyxkoville"


def test_a_write_through_one_host_is_found_through_the_other() -> None:
    ds = prepare(300, 1, None)
    other = Path(tempfile.mkdtemp(prefix="filon-host-b-"))
    servers: list[Server] = []
    try:
        env_a = dict(ds.env, FILON_PEOPLE_PER_MINUTE="100000", FILON_PEOPLE_PER_DAY="1000000")
        database = ds.env.get("DATABASE_URL") or f"sqlite:///{ds.folder / 'filon.sqlite3'}"
        env_b = dict(env_a, FILON_DATA_DIR=str(other), DATABASE_URL=database)
        for env in (env_a, env_b):
            servers.append(Server(env, 1, Path(env["FILON_DATA_DIR"]) / "serve.log"))
        for server in servers:
            server.wait_ready(180)
        a, b = Browser(servers[0].port), Browser(servers[1].port)
        a.login(*DOCTEURE)
        b.login(*DOCTEURE)
        assert "0 résultat" in b.ok("/annuaire/", {"q": WORD}).text
        profile = form_with(a.ok("/profil/modifier/").text, "city")
        assert a.post("/profil/modifier/", replace(profile, city=WORD)).status == 302
        written = time.perf_counter()
        while "1 résultat" not in b.ok("/annuaire/", {"q": WORD}).text:
            assert time.perf_counter() - written < 30, "host B never found the edit"
            time.sleep(0.05)
        page = b.ok("/annuaire/", {"q": WORD}).text
        assert f"<mark>{WORD}</mark>" in page and "Claire" in page
    finally:
        for server in servers:
            server.stop()
        release(ds)
        shutil.rmtree(other, ignore_errors=True)
