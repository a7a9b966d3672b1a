"""The demo network's money, written by :func:`filon.demo.load.load_network` in its transaction.

Two parts:

- the real H2020 LEIT-SPACE grants of the shipped Norwegian file (44 participations, 32
  projects), imported through the shipped mapping like any grant file;
- the invented French and European projects of :func:`filon.core.demo.money.demo_money`,
  which give the demo's space organisations, and Claire's funders, money to follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from filon.core.demo.generator import Network
from filon.core.demo.money import demo_money
from filon.core.text import fold
from filon.directory.models import Thesis, ThesisFunding
from filon.money.models import Participation, Programme, Project, ThesisGrant
from filon.orgs.models import OrgAlias

DATA = Path(__file__).resolve().parent.parent / "data" / "funding"
NORWAY = DATA / "eu_h2020_norway" / "dataset.csv"
NORWAY_MAPPING = DATA / "mappings" / "eu_h2020_norway.toml"
#: The sub-programme the demo takes from the Norwegian file.
SPACE = "LEIT-SPACE"


def space_rows(path: Path = NORWAY, subprogramme: str = SPACE) -> bytes:
    """The header and the rows of one sub-programme of the Norwegian file (no cell of that
    file spans lines, so lines are rows)."""
    lines = path.read_bytes().splitlines(keepends=True)
    needle = f";{subprogramme};".encode()
    return b"".join([lines[0], *(line for line in lines[1:] if needle in line)])


def load_real_space_grants() -> int:
    """Import the LEIT-SPACE rows of the Norwegian file; returns the participations written."""
    from filon.money.actions import import_funding
    from filon.money.importers import FundingMapping, MappedImporter

    importer = MappedImporter(FundingMapping.from_file(NORWAY_MAPPING))
    report = import_funding(None, importer, space_rows(), NORWAY.name, origin="demo")
    if not report.written:
        raise RuntimeError(f"the demo's H2020 rows do not import: {report.errors[:3]}")
    return int(report.counts["created"])


def load_demo_money(
    net: Network,
    org_ids: dict[str, int],
    theses: Sequence[Thesis],
    fundings: Sequence[ThesisFunding],
) -> None:
    """Write the demo's funding records. ``theses`` and ``fundings`` are the rows the loader
    created, in the order of ``net.theses`` and of each thesis's fundings."""
    money = demo_money(net)
    OrgAlias.objects.bulk_create(
        [
            OrgAlias(organisation_id=org_ids[key], name=name, name_folded=fold(name))
            for key, name in money.aliases
            if key in org_ids
        ]
    )
    programmes: dict[str, Programme] = {}
    for rec in money.programmes:
        programme = Programme(
            code=rec.code,
            name=rec.name,
            short_name=rec.short_name,
            level=rec.level,
            funder_id=org_ids[rec.funder],
            parent=programmes.get(rec.parent),
        )
        programme.save()
        programmes[rec.code] = programme
    projects = {
        p.identifier: p
        for p in Project.objects.bulk_create(
            [
                Project(
                    identifier=rec.identifier,
                    acronym=rec.acronym,
                    title=rec.title,
                    programme=programmes[rec.programme],
                    funder_id=org_ids[rec.funder],
                    topic_code=rec.topic_code,
                    action_type=rec.action_type,
                    status="DEMO",
                    start=rec.start,
                    end=rec.end,
                )
                for rec in money.projects
            ]
        )
    }
    Participation.objects.bulk_create(
        [
            Participation(
                project=projects[rec.project],
                organisation_id=org_ids[rec.org],
                role=rec.role,
                number=rec.number,
                contribution=rec.amount,
                currency=rec.currency,
            )
            for rec in money.participations
        ]
    )
    by_key: dict[tuple[int, str, str], ThesisFunding] = {}
    remaining = iter(fundings)
    for i, (thesis_rec, _thesis) in enumerate(zip(net.theses, theses, strict=True)):
        for kind, funder in thesis_rec.fundings:
            by_key[(i, kind, funder)] = next(remaining)
    ThesisGrant.objects.bulk_create(
        [
            ThesisGrant(
                funding=by_key[(g.thesis, g.kind, g.funder)],
                programme=programmes.get(g.programme),
                amount=g.amount,
                currency=g.currency if g.amount is not None else "",
            )
            for g in money.thesis_grants
            if (g.thesis, g.kind, g.funder) in by_key
        ]
    )
    load_real_space_grants()


#: The demo docteure's thesis abstract, in French and English as theses.fr records carry it:
#: what « Qui paie pour mon sujet ? » (filon.money.topic) reads besides its title.
CLAIRE_ABSTRACT = (
    "Les satellites Sentinel-2 du programme Copernicus observent la Terre tous les cinq jours. "
    "Cette thèse propose des méthodes de détection de changements dans ces séries temporelles "
    "d'images pour le suivi de l'occupation des sols : apprentissage profond, masques de "
    "nuages, cartographie de l'occupation du sol et de la forêt, télédétection multispectrale."
    "\n\n"
    "Copernicus Sentinel-2 satellites observe the Earth every five days. This thesis proposes "
    "change detection methods for satellite image time series to monitor land use and land "
    "cover: deep learning, cloud masking, land cover and forest mapping, multispectral remote "
    "sensing and Earth observation services."
)


def load_demo_topic(claire: int | None) -> None:
    """Give the demo docteure's thesis its abstract (the generated network has none)."""
    if claire is not None:
        Thesis.objects.filter(person_id=claire).update(abstract=CLAIRE_ABSTRACT)
