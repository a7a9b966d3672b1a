"""Reads for asks, offers, requests and the help ledger, as a given viewer may see them.

Who may see what comes from :mod:`filon.directory.privacy`: asks and offers follow
:func:`~filon.directory.privacy.can_see_outreach`; the people listed are those the viewer
may find (:func:`filon.directory.privacy.findable`). Contact details appear in one
place only, :func:`shared_contact`: to the two people a completed exchange put in touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from filon.directory.models import ContactKind, ContactPoint, Person
from filon.directory.privacy import (
    Viewer,
    can_see_help_counts,
    can_see_outreach,
    findable,
    is_staff,
    viewer_for,
)
from filon.ops.notify import account_of
from filon.outreach.models import (
    INTRO_PENDING,
    Ask,
    AskStatus,
    ContactRequest,
    HelpEntry,
    HelpKind,
    HelpLedger,
    Introduction,
    IntroStatus,
    Offer,
    RequestStatus,
)


def _tags(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.select_related("person").prefetch_related("sectors", "organisations", "skills")


def open_asks(user: Any) -> QuerySet[Ask]:
    """Open asks, deadline not passed, of the people the user may find; newest first."""
    today = timezone.localdate()
    return _tags(
        Ask.objects.filter(status=AskStatus.OPEN, person__in=_authors(user))
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .order_by("-created_at", "-pk")
    )


def active_offers(user: Any) -> QuerySet[Offer]:
    return _tags(
        Offer.objects.filter(is_active=True, person__in=_authors(user)).order_by(
            "-created_at", "-pk"
        )
    )


def ask_for(user: Any, pk: int) -> Ask | None:
    """One ask, whatever its state, when the viewer may see its author's asks."""
    ask = _tags(Ask.objects.filter(pk=pk, person__in=_authors(user))).first()
    if ask is None:
        return None
    # Closed asks stay readable by their author (and staff), not listed to others.
    if ask.status != AskStatus.OPEN and not _author_or_staff(user, ask.person_id):
        return None
    return ask


def _authors(user: Any) -> QuerySet[Person]:
    """Whose asks and offers the user may read: the people they may find, paying or not."""
    return findable(viewer_for(user, with_dues=False))


def _author_or_staff(user: Any, person_id: int) -> bool:
    return person_id == getattr(user, "person_id", None) or is_staff(user)


def offer_for(user: Any, pk: int) -> Offer | None:
    offer = _tags(Offer.objects.filter(pk=pk, person__in=_authors(user))).first()
    if offer is None:
        return None
    if not offer.is_active and not _author_or_staff(user, offer.person_id):
        return None
    return offer


@dataclass(frozen=True)
class ProfileOutreach:
    """What the profile's "entraide" section shows; ``is_empty`` hides the section."""

    asks: list[Ask]
    offers: list[Offer]
    counts: dict[str, int] | None

    @property
    def is_empty(self) -> bool:
        return not self.asks and not self.offers and not self.counts


def help_counts(person: Person) -> dict[str, int]:
    """Help given: introductions made, requests accepted (and how many were thanked)."""
    rows = HelpEntry.objects.filter(helper=person).aggregate(
        introductions=Count("pk", filter=Q(kind=HelpKind.INTRODUCTION)),
        answered=Count("pk", filter=Q(kind=HelpKind.ANSWERED)),
        thanked=Count("pk", filter=Q(thanked_at__isnull=False)),
    )
    return {k: int(v or 0) for k, v in rows.items()}


def shows_counts(person: Person) -> bool:
    return HelpLedger.objects.filter(person=person, show_counts=True).exists()


def profile_outreach(viewer: Viewer, user: Any, person: Person) -> ProfileOutreach:
    """The "entraide" section of a profile; one query when there is nothing to show."""
    if not can_see_outreach(viewer, person):
        return ProfileOutreach([], [], None)
    today = timezone.localdate()
    here = OuterRef("pk")
    found = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            has_asks=Exists(
                Ask.objects.filter(person=here, status=AskStatus.OPEN).filter(
                    Q(deadline__isnull=True) | Q(deadline__gte=today)
                )
            ),
            has_offers=Exists(Offer.objects.filter(person=here, is_active=True)),
            shows=Exists(HelpLedger.objects.filter(person=here, show_counts=True)),
            helped=Exists(HelpEntry.objects.filter(helper=here)),
        )
        .values("has_asks", "has_offers", "shows", "helped")
        .first()
    )
    flags: dict[str, Any] = dict(found) if found else {}
    asks = list(open_asks(user).filter(person=person)) if flags.get("has_asks") else []
    offers = list(active_offers(user).filter(person=person)) if flags.get("has_offers") else []
    counts = None
    if flags.get("helped") and can_see_help_counts(viewer, person, shown=flags["shows"]):
        counts = help_counts(person)
    return ProfileOutreach(asks, offers, counts)


# -- contact details shared by consent -----------------------------------------------------


def shared_email(person: Person) -> str | None:
    """The address given to someone a member accepted to be put in touch with.

    The member's primary e-mail in the directory, else the one they sign in with.
    """
    contact = (
        ContactPoint.objects.filter(person=person, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "pk")
        .first()
    )
    if contact is not None:
        return contact.value
    account = account_of(person)
    return account.email if account is not None else None


def other_party(viewer: Viewer, obj: ContactRequest | Introduction) -> Person | None:
    """The person this viewer was put in touch with by ``obj``, once both agreed; else None.

    A contact request: accepted, between its sender and recipient. An introduction:
    connected, between the requester and the target. The connector, staff and anybody else
    get None: consent to share was given to one person, not to onlookers.
    """
    me = viewer.person_id
    if me is None:
        return None
    if isinstance(obj, ContactRequest):
        if obj.status != RequestStatus.ACCEPTED:
            return None
        if me == obj.sender_id:
            return obj.recipient
        if me == obj.recipient_id:
            return obj.sender
        return None
    if obj.status != IntroStatus.CONNECTED:
        return None
    if me == obj.requester_id:
        return obj.target
    if me == obj.target_id:
        return obj.requester
    return None


def shared_contact(viewer: Viewer, obj: ContactRequest | Introduction) -> dict[str, Any] | None:
    """The other party's name and e-mail, only for the two people put in touch."""
    person = other_party(viewer, obj)
    if person is None:
        return None
    return {"person_id": person.pk, "name": person.full_name, "email": shared_email(person)}


# -- a member's exchanges ------------------------------------------------------------------


def role_in(viewer: Viewer, obj: ContactRequest | Introduction) -> str | None:
    """The viewer's part in an exchange: sender/recipient, requester/connector/target."""
    me = viewer.person_id
    if isinstance(obj, ContactRequest):
        roles = {obj.sender_id: "sender", obj.recipient_id: "recipient"}
    else:
        roles = {
            obj.requester_id: "requester",
            obj.connector_id: "connector",
            obj.target_id: "target",
        }
    if me is not None and me in roles:
        return roles[me]
    return "staff" if viewer.is_staff else None


def contact_request_for(viewer: Viewer, pk: int) -> ContactRequest | None:
    found = (
        ContactRequest.objects.select_related("sender", "recipient", "ask").filter(pk=pk).first()
    )
    return found if found is not None and role_in(viewer, found) else None


def introduction_for(viewer: Viewer, pk: int) -> Introduction | None:
    found = (
        Introduction.objects.select_related("requester", "connector", "target", "ask")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return None
    role = role_in(viewer, found)
    if role == "target" and not target_informed(found):
        return None
    return found if role else None


def target_informed(intro: Introduction) -> bool:
    """The target learns of an introduction only once the connector has passed it on."""
    return (
        intro.connector_answered_at is not None and intro.status != IntroStatus.CONNECTOR_DECLINED
    )


def contact_requests_of(person_id: int) -> dict[str, list[ContactRequest]]:
    base = ContactRequest.objects.select_related("sender", "recipient", "ask")
    return {
        "to_answer": list(
            base.filter(recipient_id=person_id, status=RequestStatus.PENDING).order_by("expires_at")
        ),
        "received": list(
            base.filter(recipient_id=person_id).exclude(status=RequestStatus.PENDING)[:50]
        ),
        "sent": list(base.filter(sender_id=person_id)[:50]),
    }


def introductions_of(person_id: int) -> dict[str, list[Introduction]]:
    base = Introduction.objects.select_related("requester", "connector", "target", "ask")
    return {
        "to_answer": list(
            base.filter(
                Q(connector_id=person_id, status=IntroStatus.ASKING_CONNECTOR)
                | Q(target_id=person_id, status=IntroStatus.ASKING_TARGET)
            ).order_by("expires_at")
        ),
        "requested": list(base.filter(requester_id=person_id)[:50]),
        "brokered": list(
            base.filter(connector_id=person_id).exclude(status=IntroStatus.ASKING_CONNECTOR)[:50]
        ),
        "received": list(
            base.filter(target_id=person_id, connector_answered_at__isnull=False)
            .exclude(status__in=(IntroStatus.ASKING_TARGET, IntroStatus.CONNECTOR_DECLINED))
            .order_by("-created_at")[:50]
        ),
    }


def to_answer_count(person_id: int) -> int:
    return (
        ContactRequest.objects.filter(recipient_id=person_id, status=RequestStatus.PENDING).count()
        + Introduction.objects.filter(
            Q(connector_id=person_id, status=IntroStatus.ASKING_CONNECTOR)
            | Q(target_id=person_id, status=IntroStatus.ASKING_TARGET)
        ).count()
    )


def follow_ups(person_id: int) -> list[ContactRequest | Introduction]:
    """Exchanges the member started that put them in touch, with a meeting or thanks to log."""
    todo = Q(met_on__isnull=True) | Q(thanked_at__isnull=True)
    requests = ContactRequest.objects.select_related("recipient").filter(
        todo, sender_id=person_id, status=RequestStatus.ACCEPTED
    )
    intros = Introduction.objects.select_related("target", "connector").filter(
        todo, requester_id=person_id, status=IntroStatus.CONNECTED
    )
    return [*requests[:10], *intros[:10]]


def pending_between(sender_id: int, recipient_id: int) -> bool:
    return ContactRequest.objects.filter(
        sender_id=sender_id, recipient_id=recipient_id, status=RequestStatus.PENDING
    ).exists()


def pending_introduction(requester_id: int, target_id: int) -> bool:
    return Introduction.objects.filter(
        requester_id=requester_id, target_id=target_id, status__in=INTRO_PENDING
    ).exists()


def ledger_of(person: Person) -> dict[str, Any]:
    """The member's help ledger: given and received, with the counts and their setting."""
    base = HelpEntry.objects.select_related("helper", "helped")
    ledger = HelpLedger.objects.filter(person=person).first()
    return {
        "given": list(base.filter(helper=person)[:100]),
        "received": list(base.filter(helped=person)[:100]),
        "counts": help_counts(person),
        "show_counts": ledger.show_counts if ledger is not None else False,
    }
