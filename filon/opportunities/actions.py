"""Writes on the opportunities board: one transaction and one audit row each.

Posting spends the member's daily ``opportunities`` budget (:mod:`filon.audit.throttle`);
« Je suis intéressé(e) » is a contact request to the poster
(:func:`filon.outreach.actions.send_contact_request`, with its own daily budget), whose message
carries the link to the docteur's offer sheet; staff moderate what members report.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from filon.audit import throttle
from filon.audit.actions import record
from filon.core.text import fold
from filon.directory.privacy import is_staff
from filon.opportunities.models import Interest, Opportunity, OpportunityStatus, Report
from filon.ops.notify import site_url
from filon.orgs.models import OrgAlias, Organisation
from filon.outreach import actions as outreach
from filon.projects.models import Scenario

FIELDS = (
    "kind",
    "contract",
    "title",
    "description",
    "organisation_name",
    "location",
    "closes_on",
    "rome_codes",
    "esco_uris",
    "blocks",
    "keywords",
    "can_introduce",
)


class OpportunityError(Exception):
    message: Any = _("Cette action n'est pas possible.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotAllowed(OpportunityError):
    message = _("Vous ne pouvez pas modifier cette opportunité.")


class NoPerson(OpportunityError):
    message = _("Ce compte n'est relié à aucune fiche de l'annuaire.")


class Closed(OpportunityError):
    message = _("Cette opportunité est close.")


class AlreadyAnswered(OpportunityError):
    message = _("Vous avez déjà répondu à cette opportunité.")


def _person_id(user: Any) -> int:
    pid = getattr(user, "person_id", None)
    if pid is None:
        raise NoPerson
    return int(pid)


def match_organisation(name: str) -> Organisation | None:
    """The directory's organisation of that exact name (accents, case, short or other name)."""
    folded = fold(name).strip()
    if not folded:
        return None
    found = Organisation.objects.filter(name_folded=folded).order_by("pk").first()
    if found is None:
        found = Organisation.objects.filter(short_name__iexact=name.strip()).order_by("pk").first()
    if found is None:
        alias = OrgAlias.objects.filter(name_folded=folded).select_related("organisation").first()
        found = alias.organisation if alias else None
    return found


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    data = {k: fields[k] for k in FIELDS if k in fields}
    if "blocks" in data:
        data["blocks"] = sorted({int(b) for b in data["blocks"] if 1 <= int(b) <= 6})
    for key in ("rome_codes", "esco_uris"):
        if key in data:
            data[key] = [str(v).strip() for v in data[key] if str(v).strip()][:20]
    if data.get("kind") != "job":
        data["contract"] = ""
    return data


def post(user: Any, **fields: Any) -> Opportunity:
    pid = _person_id(user)
    data = _clean(fields)
    if data["closes_on"] < timezone.localdate():
        raise OpportunityError(_("La date de clôture est passée."))
    throttle.spend(user, "opportunities")
    with transaction.atomic():
        opp = Opportunity.objects.create(
            poster_id=pid, organisation=match_organisation(data["organisation_name"]), **data
        )
        record("opportunities.post", actor=user, target=opp, kind=opp.kind)
    return opp


def update(user: Any, opp: Opportunity, **fields: Any) -> Opportunity:
    if opp.poster_id != getattr(user, "person_id", None):
        raise NotAllowed
    data = _clean(fields)
    with transaction.atomic():
        for k, v in data.items():
            setattr(opp, k, v)
        opp.organisation = match_organisation(opp.organisation_name)
        opp.save()
        record("opportunities.update", actor=user, target=opp)
    return opp


def close(user: Any, opp: Opportunity) -> Opportunity:
    if opp.poster_id != getattr(user, "person_id", None):
        raise NotAllowed
    with transaction.atomic():
        Opportunity.objects.filter(pk=opp.pk).update(status=OpportunityStatus.CLOSED)
        opp.status = OpportunityStatus.CLOSED
        record("opportunities.close", actor=user, target=opp)
    return opp


def interested(
    user: Any, opp: Opportunity, *, scenario: Scenario | None = None, note: str = ""
) -> Interest:
    """« Je suis intéressé(e) »: a contact request to the poster, with the offer sheet's link."""
    pid = _person_id(user)
    if opp.poster_id == pid:
        raise OpportunityError(_("C'est votre propre opportunité."))
    if not opp.is_open():
        raise Closed
    if scenario is not None and scenario.person_id != pid:
        scenario = None
    if Interest.objects.filter(opportunity=opp, person_id=pid).exists():
        raise AlreadyAnswered
    language = getattr(user, "language", "fr") or "fr"
    with transaction.atomic():
        interest = Interest.objects.create(opportunity=opp, person_id=pid, scenario=scenario)
        with override(language if language in ("fr", "en") else "fr"):
            lines = [
                _("Je suis intéressé(e) par votre opportunité « %(title)s » (%(org)s).")
                % {"title": opp.title, "org": opp.organisation_name}
            ]
            if scenario is not None:
                lines.append(
                    _("Ma fiche d'offre « %(title)s » : %(url)s")
                    % {
                        "title": scenario.title,
                        "url": site_url("opportunities:sheet", interest.pk),
                    }
                )
            if note.strip():
                lines.append(note.strip()[:1500])
        request = outreach.send_contact_request(
            user, opp.poster, message="\n\n".join(lines), language=language
        )
        Interest.objects.filter(pk=interest.pk).update(contact_request=request)
        interest.contact_request = request
        record("opportunities.interest", actor=user, target=opp, interest_id=interest.pk)
    return interest


def report(user: Any, opp: Opportunity, *, reason: str) -> Report:
    pid = _person_id(user)
    reason = " ".join(reason.split())[:500] or str(_("Sans motif"))
    with transaction.atomic():
        found, created = Report.objects.get_or_create(
            opportunity=opp, reporter_id=pid, defaults={"reason": reason}
        )
        if created:
            record("opportunities.report", actor=user, target=opp)
    return found


def moderate(user: Any, opp: Opportunity, *, remove: bool) -> Opportunity:
    """Staff remove a reported opportunity from the board (or keep it); reports are resolved."""
    if not is_staff(user):
        raise NotAllowed(_("Réservé à l'équipe de l'association."))
    now = timezone.now()
    with transaction.atomic():
        if remove:
            opp.status = OpportunityStatus.REMOVED
        elif opp.status == OpportunityStatus.REMOVED:
            opp.status = OpportunityStatus.OPEN
        opp.moderated_by, opp.moderated_at = user, now
        opp.save(update_fields=["status", "moderated_by", "moderated_at"])
        Report.objects.filter(opportunity=opp, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=user
        )
        record("opportunities.moderate", actor=user, target=opp, removed=remove)
    return opp
