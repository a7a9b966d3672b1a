"""`filon import …`: the importers, one sub-command per source.

Every importer reads its file, reports every invalid row with the file name and the line number
an editor shows, and writes all or nothing: on any invalid row nothing is written and the exit
code is 1. ``--dry-run`` writes nothing; ``--json`` prints the report for a script.
Other importers register on :data:`import_app` from their own module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from filon.cli.base import app, django_setup, migrate_db

#: ``filon import --help``: every accepted form, one paragraph each (rich reflows them).
IMPORT_HELP = "\n\n".join(
    [
        "Importer des données : annuaire, cotisations, vCard, LinkedIn, theses.fr, ORCID, "
        "financements. Chaque import lit tout le fichier et écrit tout ou rien (une ligne "
        "invalide : rien n'est écrit, code de sortie 1) ; --dry-run n'écrit rien, --json donne "
        "le compte rendu. Ce qui est accepté, la même règle pour tous les imports :",
        "• Fichier : CSV UTF-8 (avec ou sans BOM), UTF-16, Windows-1252 ou Latin-1 ; séparateur "
        "« ; », « , » ou tabulation, détecté ; la première ligne non vide est l'en-tête. Un "
        "fichier d'un autre format (une image PNG, un classeur .xlsx, du JSON pour un CSV…) est "
        "refusé en une ligne.",
        "• Cotisation (« Cotisation 2020 », « montant ») : vide, non, n, 0, -, ✗ = pas de "
        "paiement ; oui, x, ✓, ✔, « à jour », payé, une année (2020), une date (15/01/2020) = "
        "payée, montant inconnu ; un montant (120, 120,50, 1 200,50 €) = payée ce montant ; "
        "suivi de « (réduit) », « (retraité) » ou « (à vie) » : la catégorie.",
        "• Montant : 120 · 120,50 · 120.50 · 1 200,50 € · 1.200,50 · 1,200.50 · 1 200 euros.",
        "• Date : 2020-01-15 · 15/01/2020 · 15.01.2020 · 15-01-2020 · 15 janvier 2020 · "
        "15 Jan 2020.",
        "• Oui/non : oui, o, x, ✓, yes, vrai, 1 · non, n, no, faux, 0, -, vide.",
        "• Téléphone : 06 12 34 56 78, +33 6 12 34 56 78, 0033612345678, stocké en E.164 ; un "
        "numéro possible mais non attribué (07 12 70 91 08) est laissé de côté avec un "
        "avertissement, la ligne est gardée ; ce qui n'est pas un numéro refuse la ligne "
        "(annuaire) ou est laissé de côté (vCard).",
        "• Avertissements (ligne gardée, une valeur laissée de côté) et erreurs (ligne refusée) "
        "sont listés à part. Détails et exemples : README, section « Imports ».",
    ]
)

import_app = typer.Typer(help=IMPORT_HELP, no_args_is_help=True)
app.add_typer(import_app, name="import")

#: Files with more lines than this get a progress bar.
PROGRESS_FROM_LINES = 2000
#: Rows listed on the terminal in --dry-run (the --json report lists them all).
SHOWN_ROWS = 50

FileArg = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Le fichier CSV à importer."),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Tout vérifier sans rien écrire.")]
AsJson = Annotated[bool, typer.Option("--json", help="Le compte rendu en JSON sur la sortie.")]


@import_app.command("dues")
def import_dues(file: FileArg, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Import dues payments (email or id, année, montant, date, catégorie).

    The montant cell may hold an amount (120, 120,50 €, 30,00 (réduit)), oui / x / ✓ /
    « à jour » / a year / a date (paid, amount unknown), or non / empty (no payment: the row is
    skipped with a warning).
    """
    django_setup()
    migrate_db()
    from filon.cli.import_sources import run_import
    from filon.imports.dues import DuesImporter

    run_import(DuesImporter(), file, dry_run=dry_run, as_json=as_json)
