"""The `filon` command: one entry point for the demo, the server and the staff's scripts.

Each domain registers its commands on the shared Typer app in its own module here.
Progress bars and messages go to standard error, so that ``--json`` output on standard
output can be read by a script.
"""

from filon.cli import (
    accounts,  # noqa: F401  (filon accounts invite, filon bench invitations)
    association,  # noqa: F401  (filon stats dues / members)
    bench,  # noqa: F401  (the `filon bench …` group)
    bench_scale,  # noqa: F401  (filon bench scale)
    bench_topic,  # noqa: F401  (filon bench topic)
    core_commands,  # noqa: F401  (registers its commands)
    directory,  # noqa: F401  (filon search)
    exports,  # noqa: F401  (the `filon export …` group)
    gdpr,  # noqa: F401  (filon gdpr export / erase)
    groups,  # noqa: F401  (filon groups list / show / members)
    import_sources,  # noqa: F401  (filon import annuaire / vcard / linkedin / theses / orcid)
    imports,  # noqa: F401  (the `filon import …` group)
    index,  # noqa: F401  (filon index compact / status)
    money,  # noqa: F401  (filon money …, filon import funding, filon export ftm)
    network,  # noqa: F401  (filon paths, filon who-at)
    ops,  # noqa: F401  (filon worker, backup, restore, doctor)
    outreach,  # noqa: F401  (filon outreach expire / remind)
    projects,  # noqa: F401  (filon scenarios, filon contacts)
)
from filon.cli.base import app


def main() -> None:
    app()


__all__ = ["app", "main"]
