"""GDPR: download everything Filon holds about me; erasure that keeps the association's counts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from filon.accounts.actions import issue_api_token
from filon.accounts.models import ApiToken, User
from filon.association.models import DuesPayment
from filon.association.queries import dues_rates, member_counts
from filon.audit.actions import record
from filon.audit.models import AuditEntry
from filon.directory.models import (
    Affiliation,
    ContactPoint,
    ContactReveal,
    Person,
    Position,
    Thesis,
    ThesisAdvisor,
)
from filon.network.models import Group, GroupMembership, Tie
from tests.directory.conftest import EMAIL_MEMBERS, EMAIL_PRIVATE, PHONE_PAYING, Cast

EXPORT = "/profil/mes-donnees.json"
ERASE = "/profil/effacer/"


@pytest.fixture
def rich(cast: Cast) -> Cast:
    """Hélène with ties both ways, a group, dues, reveals both ways, a token and audit rows."""
    helene, marc, paule = cast.person, cast.member.person, cast.paying.person
    assert marc is not None and paule is not None
    Tie.objects.create(source_person=helene, target_person=marc, kind="colleague", strength=0.7)
    Tie.objects.create(source_person=paule, target_person=helene, kind="mentor", strength=0.9)
    club = Group.objects.create(name="Club Matériaux", kind="club")
    GroupMembership.objects.create(group=club, person=helene, role="leader")
    DuesPayment.objects.create(
        person=helene, year=2020, amount=Decimal("30.00"), paid_on=date(2020, 2, 1)
    )
    ContactReveal.objects.create(viewer=cast.member, person=helene)
    ContactReveal.objects.create(viewer=cast.owner, person=paule)
    issue_api_token(cast.owner, "mon script")
    record("note.test", actor=cast.staff, target=helene, about="Appel à Hélène Durand")
    record("note.mail", actor=cast.staff, email=EMAIL_PRIVATE, list=[PHONE_PAYING, "ok"])
    record("note.other", actor=cast.staff, about="Marc Membre")
    return cast


def export(client: Client) -> dict[str, Any]:
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="filon-mes-donnees-')
    return json.loads(response.content)


# -- export ---------------------------------------------------------------------------------


def test_export_holds_everything_about_me(rich: Cast) -> None:
    data = export(rich.client("owner"))
    assert data["account"]["email"] == "helene@example.org"
    assert "password" not in data["account"]
    person = data["person"]
    assert (person["first_name"], person["last_name"]) == ("Hélène", "Durand")
    assert person["city"] == "Grenoble"
    assert person["skills"] == ["Métallurgie des poudres"]
    assert {p["organisation"] for p in person["positions"]} >= {"Forges de Niaux"}
    thesis = person["theses"][0]
    assert thesis["advisors"][0]["name"] == "Paul Directeur"
    assert thesis["funders"][0]["kind"] == "anr"
    assert [a["label"] for a in data["affiliations"]] == ["P19"]
    assert {c["value"] for c in data["contact_points"]} == {
        EMAIL_MEMBERS,
        PHONE_PAYING,
        EMAIL_PRIVATE,
    }
    assert [t["person"] for t in data["ties_out"]] == ["Marc Membre"]
    assert [t["person"] for t in data["ties_in"]] == ["Paule Cotisante"]
    assert data["groups"] == [
        {
            "group": "Club Matériaux",
            "kind": "club",
            "role": "leader",
            "start": None,
            "end": None,
            "admin": False,
            "mail_opt_out": False,
        }
    ]
    assert [d["year"] for d in data["dues"]] == [2020]
    assert [r["by"] for r in data["reveals_of_my_details"]] == ["Marc Membre"]
    assert [r["person"] for r in data["reveals_made"]] == ["Paule Cotisante"]
    assert data["api_tokens"][0]["name"] == "mon script"
    actions = {e["action"] for e in data["audit_entries"]}
    assert {"api_token.create", "note.test"} <= actions
    assert "note.other" not in actions


def test_export_holds_no_secret_and_no_one_elses_contact_details(rich: Cast) -> None:
    response = rich.client("owner").get(EXPORT)
    text = response.content.decode()
    token = ApiToken.objects.get(user=rich.owner)
    assert token.key_hash not in text
    assert rich.owner.password not in text
    for other in (rich.member, rich.paying):
        assert other.person is not None
        for contact in ContactPoint.objects.filter(person=other.person):
            assert contact.value not in text
        assert other.email not in text


def test_export_is_logged(rich: Cast) -> None:
    export(rich.client("owner"))
    entry = AuditEntry.objects.get(action="gdpr.export")
    assert entry.actor == rich.owner
    assert entry.target_type == "directory.person"
    assert entry.target_id == str(rich.person.pk)


def test_export_of_an_account_without_a_person(cast: Cast) -> None:
    data = export(cast.client("staff"))
    assert data["account"]["email"] == "equipe@example.org"
    assert data["person"] is None


def test_export_is_not_for_outsider(cast: Cast) -> None:
    response = cast.client("outsider").get(EXPORT)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={EXPORT}"


# -- erasure --------------------------------------------------------------------------------


def test_the_erasure_page_asks_for_the_exact_name(cast: Cast) -> None:
    html = cast.client("owner").get(ERASE).content.decode()
    assert "Pour confirmer, tapez exactement : Hélène Durand" in html
    assert 'name="full_name"' in html


@pytest.mark.parametrize("typed", ["", "helene durand", "Hélène", "Hélène  Durand", "Durand"])
def test_a_name_mismatch_erases_nothing(rich: Cast, typed: str) -> None:
    response = rich.client("owner").post(ERASE, {"full_name": typed})
    assert response.status_code == 400
    if typed:
        assert "Le nom saisi ne correspond pas exactement" in response.content.decode()
    person = Person.objects.get(pk=rich.person.pk)
    assert person.full_name == "Hélène Durand"
    assert ContactPoint.objects.filter(person=person).count() == 3
    assert User.objects.get(pk=rich.owner.pk).is_active
    assert not AuditEntry.objects.filter(action="gdpr.erase").exists()


def test_self_erasure_removes_personal_data_and_logs_out(rich: Cast) -> None:
    pk = rich.person.pk
    thesis_ids = list(Thesis.objects.filter(person_id=pk).values_list("pk", flat=True))
    client = rich.client("owner")
    response = client.post(ERASE, {"full_name": "Hélène Durand"})
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302

    person = Person.objects.get(pk=pk)
    assert person.full_name == "Personne effacée"
    assert (person.headline, person.bio, person.city) == ("", "", "")
    assert person.field_visibility == {}
    assert person.directory_opt_out and person.intermediary_opt_out
    assert not ContactPoint.objects.filter(person_id=pk).exists()
    assert not Position.objects.filter(person_id=pk).exists()
    assert not Thesis.objects.filter(pk__in=thesis_ids).exists()
    assert not ThesisAdvisor.objects.filter(thesis_id__in=thesis_ids).exists()
    assert not person.skills.exists()
    assert not GroupMembership.objects.filter(person_id=pk).exists()
    assert not ContactReveal.objects.filter(person_id=pk).exists()
    assert not ContactReveal.objects.filter(viewer=rich.owner).exists()

    account = User.objects.get(pk=rich.owner.pk)
    assert not account.is_active
    assert not account.has_usable_password()
    assert account.email.endswith("@efface.invalid")
    assert "helene" not in account.email
    assert not ApiToken.objects.filter(user=account).exists()


def test_erasure_keeps_affiliations_dues_and_the_association_counts(rich: Cast) -> None:
    counts, rates = member_counts(), dues_rates(2020)
    affiliations = list(
        Affiliation.objects.filter(person=rich.person).values("school", "track", "year")
    )
    rich.client("owner").post(ERASE, {"full_name": "Hélène Durand"})
    assert list(
        Affiliation.objects.filter(person=rich.person).values("school", "track", "year")
    ) == (affiliations)
    assert DuesPayment.objects.filter(person=rich.person, year=2020).exists()
    assert member_counts() == counts
    assert dues_rates(2020) == rates


def test_erasure_anonymises_ties_and_the_audit_log(rich: Cast) -> None:
    ties = set(Tie.objects.values_list("pk", flat=True))
    rich.client("owner").post(ERASE, {"full_name": "Hélène Durand"})
    assert set(Tie.objects.values_list("pk", flat=True)) == ties
    assert Tie.objects.get(kind="mentor").target_person.full_name == "Personne effacée"

    dump = json.dumps(list(AuditEntry.objects.values("details")), ensure_ascii=False)
    for secret in ("Hélène Durand", EMAIL_PRIVATE, PHONE_PAYING, "helene@example.org"):
        assert secret not in dump
    assert AuditEntry.objects.get(action="note.test").details == {"about": "[effacé]"}
    assert AuditEntry.objects.get(action="note.mail").details == {
        "email": "[effacé]",
        "list": ["[effacé]", "ok"],
    }
    # Other people's entries are left alone.
    assert AuditEntry.objects.get(action="note.other").details == {"about": "Marc Membre"}


def test_erasure_is_logged_with_its_actor(rich: Cast) -> None:
    rich.client("owner").post(ERASE, {"full_name": "Hélène Durand"})
    entry = AuditEntry.objects.get(action="gdpr.erase")
    assert entry.actor_id == rich.owner.pk
    assert entry.target_type == "directory.person"
    assert entry.target_id == str(rich.person.pk)
    assert "Hélène" not in json.dumps(entry.details, ensure_ascii=False)


def test_staff_erase_a_person_and_are_logged_as_the_actor(rich: Cast) -> None:
    url = f"/annuaire/{rich.person.pk}/effacer/"
    assert rich.client("staff").get(url).status_code == 200
    response = rich.client("staff").post(url, {"full_name": "Hélène Durand"})
    assert response.status_code == 302
    assert Person.objects.get(pk=rich.person.pk).full_name == "Personne effacée"
    assert AuditEntry.objects.get(action="gdpr.erase").actor == rich.staff
    # The erased person is no longer found by members.
    assert rich.client("member").get(f"/annuaire/{rich.person.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["member", "paying"])
def test_members_cannot_erase_someone_else(rich: Cast, role: str) -> None:
    url = f"/annuaire/{rich.person.pk}/effacer/"
    assert rich.client(role).get(url).status_code == 404
    assert rich.client(role).post(url, {"full_name": "Hélène Durand"}).status_code == 404
    assert Person.objects.get(pk=rich.person.pk).full_name == "Hélène Durand"


def test_erasure_urls_send_outsider_to_the_login_page(cast: Cast) -> None:
    for url in (ERASE, f"/annuaire/{cast.person.pk}/effacer/"):
        response = cast.client("outsider").post(url, {"full_name": "Hélène Durand"})
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    assert Person.objects.get(pk=cast.person.pk).full_name == "Hélène Durand"


def test_two_erased_accounts_get_distinct_placeholders(cast: Cast) -> None:
    cast.client("owner").post(ERASE, {"full_name": "Hélène Durand"})
    cast.client("member").post(ERASE, {"full_name": "Marc Membre"})
    emails = list(
        User.objects.filter(pk__in=[cast.owner.pk, cast.member.pk]).values_list("email", flat=True)
    )
    assert len(set(emails)) == 2
    assert all(e.endswith("@efface.invalid") for e in emails)


# -- the command line (staff) ---------------------------------------------------------------


def test_cli_exports_an_account_and_logs_it(cast: Cast, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from filon.cli import app

    out = tmp_path / "export.json"
    result = CliRunner().invoke(app, ["gdpr", "export", "helene@example.org", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["full_name"] == "Hélène Durand"
    assert AuditEntry.objects.get(action="gdpr.export").actor == cast.owner


def test_cli_erases_only_with_the_exact_name_and_a_staff_account(cast: Cast) -> None:
    from typer.testing import CliRunner

    from filon.cli import app

    cli = CliRunner()
    pk = str(cast.person.pk)
    wrong = cli.invoke(app, ["gdpr", "erase", pk, "--by", "equipe@example.org", "--confirm", "X"])
    assert wrong.exit_code == 1
    member = cast.member.email
    refused = cli.invoke(app, ["gdpr", "erase", pk, "--by", member, "--confirm", "Hélène Durand"])
    assert refused.exit_code == 1
    assert Person.objects.get(pk=cast.person.pk).full_name == "Hélène Durand"
    done = cli.invoke(
        app, ["gdpr", "erase", pk, "--by", "equipe@example.org", "--confirm", "Hélène Durand"]
    )
    assert done.exit_code == 0, done.output
    assert Person.objects.get(pk=cast.person.pk).full_name == "Personne effacée"
    assert AuditEntry.objects.get(action="gdpr.erase").actor == cast.staff
