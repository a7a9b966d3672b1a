"""`--mapping`: another funder's export (a second currency), mapping errors, bad rows, atomicity."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from filon.core.money import rank
from filon.imports.models import ImportRun
from filon.money import queries
from filon.money.actions import import_funding
from filon.money.demo import space_rows
from filon.money.importers import FundingMapping, MappedImporter
from filon.money.models import Participation, Programme, Project
from filon.orgs.models import Organisation
from tests.money.conftest import FIXTURES, NORWAY, NORWAY_MAPPING, import_norway

pytestmark = pytest.mark.django_db

RCN = FIXTURES / "rcn"


def _rcn(data: bytes | None = None, *, dry_run: bool = False):  # type: ignore[no-untyped-def]
    importer = MappedImporter(FundingMapping.from_file(RCN / "rcn.toml"))
    raw = (RCN / "granted.csv").read_bytes() if data is None else data
    return import_funding(None, importer, raw, "granted.csv", dry_run=dry_run)


def test_a_second_funder_in_another_currency_is_never_added_to_euros() -> None:
    import_norway(space_rows(NORWAY))
    report = _rcn()
    assert report.written, report.errors
    assert report.rows == 12
    assert report.as_dict(items=False)["funding"]["total"] == {"NOK": "44873124.00"}
    # The quoted multi-line titles of this CSV are read whole.
    statnett = queries.project_money(queries.find_project("225873"))
    assert statnett["total"] == {"NOK": Decimal("6978124.00")}
    assert statnett["coordinator"] == "STATNETT SF"
    assert statnett["start"].year == 2013
    assert Programme.objects.get(code="RCN-ENERGIX").parent.code == "RCN-Store programmer"
    # CICERO is in both files, found again by its organisation number: two currencies.
    cicero = queries.find_organisation("CICERO SENTER FOR KLIMAFORSKNING")
    money = queries.organisation_money(cicero)
    assert set(money["received"]) == {"EUR", "NOK"}
    assert money["received"]["NOK"] == Decimal("4499000.00")
    assert {f["name"] for f in money["funders"]} == {
        "Commission européenne",
        "Norges forskningsråd",
    }
    # Rankings put euros first and never add the currencies up.
    ranked = rank([("eur", {"EUR": Decimal(1)}), ("nok", {"NOK": Decimal(10**9)})])
    assert [k for k, _t in ranked] == ["eur", "nok"]
    overview = queries.overview()
    assert set(overview["total"]) == {"EUR", "NOK"}


def test_invalid_rows_are_all_reported_then_nothing_is_written() -> None:
    lines = NORWAY.read_bytes().decode("utf-8").splitlines()
    header, rows = lines[0], lines[1:40]
    rows[4] = rows[4].rsplit(";", 1)[0] + ";12,5x"  # line 6: amount
    rows[9] = rows[9].replace(";01.", ";32.", 1)  # line 11: a date
    rows[14] = (
        rows[14].replace(";PARTICIPANT;", ";OBSERVER;").replace(";COORDINATOR;", ";OBSERVER;")
    )  # line 16: role
    report = import_norway("\r\n".join([header, *rows]).encode())
    assert not report.written
    assert report.rejected_lines == [6, 11, 16]
    by_line = {e.line: e for e in report.errors}
    assert by_line[6].field == "Innvilget beløp organisasjon EUR" and by_line[6].value == "12,5x"
    assert "31.12.2020 00:00" in by_line[11].expected
    assert by_line[16].value == "OBSERVER"
    assert Participation.objects.count() == Project.objects.count() == 0
    assert not Organisation.objects.filter(identifiers__isnull=False).exists()
    assert ImportRun.objects.count() == 0


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from filon.money import loader

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader.FundingLoader, "_update_projects", broken)
    with pytest.raises(RuntimeError):
        import_norway(space_rows(NORWAY))
    assert Participation.objects.count() == Project.objects.count() == 0
    assert Programme.objects.count() == ImportRun.objects.count() == 0
    assert not Organisation.objects.filter(name="METEOROLOGISK INSTITUTT").exists()


def test_a_column_the_file_lacks_is_reported_at_its_header() -> None:
    text = NORWAY_MAPPING.read_text(encoding="utf-8").replace(
        'amount = "Innvilget beløp organisasjon EUR"', 'amount = "Beløp NOK"'
    )
    importer = MappedImporter(FundingMapping.from_toml(text))
    report = import_funding(None, importer, space_rows(NORWAY), "dataset.csv")
    assert not report.written
    assert report.errors[0].line == 1 and report.errors[0].value == "Beløp NOK"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[project]\nidentifier = 'id'\n[organisation]\nname='n'\n[participation]\namount='a'",
            "une devise est obligatoire",
        ),
        (
            "currency='EUR'\n[project]\nidentifier = 'id'\n[organisation]\nname='n'\n"
            "[participation]\namount='a'\nrole='r'\n[roles]\nX='sponsor'",
            "rôle inconnu",
        ),
        ("currency='EURO'\n[project]\nidentifier='id'", "currency"),
        ("colonnes = 1", "clé inconnue"),
        ("currency='EUR'\n[project]\nacronym='a'", "identifier"),
        (
            "currency='EUR'\ndecimal=';'\n[project]\nidentifier='id'\n[organisation]\nname='n'\n"
            "[participation]\namount='a'",
            "decimal",
        ),
        ("currency = ", "TOML"),
    ],
)
def test_a_bad_mapping_says_what_is_wrong(toml: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FundingMapping.from_toml(toml)


def test_the_shipped_mapping_reads() -> None:
    mapping = FundingMapping.from_file(Path(NORWAY_MAPPING))
    assert mapping.delimiter == ";" and mapping.date_formats == ("%d.%m.%Y %H:%M",)
    assert mapping.funder is not None and mapping.funder.name == "Commission européenne"
    assert [level.code_prefix for level in mapping.programmes][1:] == ["H2020-"] * 4
