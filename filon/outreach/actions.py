"""Writes on asks, offers, contact requests and introductions: one transaction and one audit
row each; e-mails leave only once the transaction has committed.

Nobody's contact details travel before both people concerned have agreed: e-mails sent
before that name people but never give an address, and the details are recorded as
revealed (``directory.ContactReveal``) when they are shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.audit import throttle
from filon.audit.actions import record
from filon.core.text import fold
from filon.directory.models import ContactReveal, Person, Skill
from filon.directory.privacy import can_find, may_introduce, viewer_for
from filon.network.models import Tie, TieKind
from filon.ops.notify import account_of, recipient_for, send_to, site_url
from filon.orgs.models import Organisation, Sector
from filon.outreach import links
from filon.outreach.models import (
    INTRO_PENDING,
    ActionLink,
    Answer,
    Ask,
    AskStatus,
    ContactRequest,
    HelpEntry,
    HelpKind,
    HelpLedger,
    Introduction,
    IntroStatus,
    LinkPurpose,
    Offer,
    RequestStatus,
)
from filon.outreach.queries import pending_between, pending_introduction, shared_email

#: Follow-up reminders sent at most, REMINDER_DAYS apart.
MAX_REMINDERS = 2
#: Strength of the tie an introduction creates (0 to 1): a first, vouched-for contact.
INTRODUCTION_STRENGTH = 0.3
MAX_MESSAGE = 3000


class OutreachError(Exception):
    """A refused write; ``message`` says why, in words for the member."""

    message: Any = _("Cette action n'est pas possible.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotAllowed(OutreachError):
    """Not this member's to do (pages answer 404, so as not to confirm what exists)."""

    message = _("Introuvable.")


class Closed(OutreachError):
    message = _("Cette demande n'attend plus de réponse.")


class Unreachable(OutreachError):
    message = _("Filon n'a pas d'adresse e-mail pour joindre cette personne.")


class Duplicate(OutreachError):
    message = _("Une demande est déjà en attente de réponse.")


class TooMany(OutreachError):
    message = _("Vous avez envoyé beaucoup de demandes aujourd'hui : réessayez demain.")


def _now() -> datetime:
    return timezone.now()


def step_deadline(now: datetime | None = None) -> datetime:
    return (now or _now()) + timedelta(days=settings.OUTREACH_EXPIRY_DAYS)


def _person_of(user: Any) -> Person:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        raise NotAllowed(_("Votre compte n'est relié à aucune fiche de l'annuaire."))
    return Person.objects.get(pk=person_id)


def _count_request(user: Any) -> None:
    """Spend one contact or introduction request of the member's day (FILON_REQUESTS_PER_DAY)."""
    try:
        throttle.spend(user, "requests")
    except throttle.LimitReached as exc:
        raise TooMany(exc.message) from None


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise OutreachError(_("Le message ne peut pas être vide."))
    return text[:MAX_MESSAGE]


# -- asks and offers -------------------------------------------------------------------------


def _set_tags(
    obj: Ask | Offer,
    sectors: Iterable[Sector] | None,
    organisations: Iterable[Organisation | str] | None,
    skills: Iterable[Skill | str] | None,
) -> None:
    """Set the tags; an organisation given as a string is one the directory does not know."""
    if sectors is not None:
        obj.sectors.set(list(sectors))
    if organisations is not None:
        values = list(organisations)
        obj.organisations.set([o for o in values if isinstance(o, Organisation)])
        others = [" ".join(o.split())[:200] for o in values if isinstance(o, str)]
        others = list(dict.fromkeys(o for o in others if o))
        if others != (obj.other_organisations or []):
            obj.other_organisations = others
            obj.save(update_fields=["other_organisations"])
    if skills is not None:
        obj.skills.set([_skill(s) for s in skills])


def _skill(value: Skill | str) -> Skill:
    """A skill of the vocabulary, created when a member names a new one."""
    if isinstance(value, Skill):
        return value
    name = " ".join(value.split())[:200]
    found = Skill.objects.filter(name_folded=fold(name)).order_by("pk").first()
    return found or Skill.objects.create(name=name)


def post_ask(
    user: Any,
    *,
    kind: str,
    title: str,
    text: str = "",
    deadline: date | None = None,
    sectors: Iterable[Sector] = (),
    organisations: Iterable[Organisation | str] = (),
    skills: Iterable[Skill | str] = (),
) -> Ask:
    person = _person_of(user)
    throttle.spend(user, "asks")  # past FILON_ASKS_PER_DAY: LimitReached, answered 429
    with transaction.atomic():
        ask = Ask.objects.create(
            person=person, kind=kind, title=title.strip(), text=text.strip(), deadline=deadline
        )
        _set_tags(ask, sectors, organisations, skills)
        record("outreach.ask.post", actor=user, target=ask, kind=kind)
    return ask


def update_ask(user: Any, ask: Ask, **fields: Any) -> Ask:
    """Change one's own ask: kind, title, text, deadline, status and tags."""
    if ask.person_id != getattr(user, "person_id", None):
        raise NotAllowed
    tags = {k: fields.pop(k, None) for k in ("sectors", "organisations", "skills")}
    with transaction.atomic():
        for name, value in fields.items():
            if name not in {"kind", "title", "text", "deadline", "status"}:
                raise ValueError(name)
            setattr(ask, name, value)
        ask.save()
        _set_tags(ask, tags["sectors"], tags["organisations"], tags["skills"])
        record("outreach.ask.update", actor=user, target=ask, fields=sorted([*fields, *tags]))
    return ask


def set_ask_status(user: Any, ask: Ask, status: str) -> Ask:
    if status not in AskStatus.values:
        raise ValueError(status)
    return update_ask(user, ask, status=status)


def post_offer(
    user: Any,
    *,
    kind: str,
    title: str,
    text: str = "",
    capacity_per_month: int = 2,
    sectors: Iterable[Sector] = (),
    organisations: Iterable[Organisation | str] = (),
    skills: Iterable[Skill | str] = (),
) -> Offer:
    person = _person_of(user)
    throttle.spend(user, "offers")  # past FILON_OFFERS_PER_DAY: LimitReached, answered 429
    with transaction.atomic():
        offer = Offer.objects.create(
            person=person,
            kind=kind,
            title=title.strip(),
            text=text.strip(),
            capacity_per_month=capacity_per_month,
        )
        _set_tags(offer, sectors, organisations, skills)
        record("outreach.offer.post", actor=user, target=offer, kind=kind)
    return offer


def update_offer(user: Any, offer: Offer, **fields: Any) -> Offer:
    if offer.person_id != getattr(user, "person_id", None):
        raise NotAllowed
    tags = {k: fields.pop(k, None) for k in ("sectors", "organisations", "skills")}
    allowed = {"kind", "title", "text", "capacity_per_month", "is_active"}
    with transaction.atomic():
        for name, value in fields.items():
            if name not in allowed:
                raise ValueError(name)
            setattr(offer, name, value)
        offer.save()
        _set_tags(offer, tags["sectors"], tags["organisations"], tags["skills"])
        record("outreach.offer.update", actor=user, target=offer, fields=sorted([*fields, *tags]))
    return offer


# -- contact requests ------------------------------------------------------------------------


def send_contact_request(
    user: Any, recipient: Person, *, message: str, language: str = "fr", ask: Ask | None = None
) -> ContactRequest:
    """Write to another member through Filon; they get an e-mail with one-click answers."""
    sender = _person_of(user)
    if recipient.pk == sender.pk or not can_find(viewer_for(user), recipient):
        raise NotAllowed
    if recipient_for(recipient) is None:
        raise Unreachable
    if pending_between(sender.pk, recipient.pk):
        raise Duplicate
    text = _clean_text(message)
    _count_request(user)
    with transaction.atomic():
        request = ContactRequest.objects.create(
            sender=sender,
            recipient=recipient,
            ask=ask,
            message=text,
            language=language if language in ("fr", "en") else "fr",
            expires_at=step_deadline(),
        )
        record(
            "outreach.contact.send",
            actor=user,
            target=request,
            sender_id=sender.pk,
            recipient_id=recipient.pk,
        )
        _mail_contact_request(request)
    return request


def _mail_contact_request(request: ContactRequest, *, reminder: bool = False) -> None:
    token = links.issue(
        LinkPurpose.CONTACT,
        request.recipient_id,
        expires_at=request.expires_at,
        contact_request=request,
    )
    send_to(
        request.recipient,
        "contact_request",
        {
            "request": request,
            "sender": request.sender,
            "links": links.answer_urls(token),
            "page_url": site_url("outreach:contact_detail", request.pk),
            "reminder": reminder,
        },
    )


def _locked_request(request: ContactRequest) -> ContactRequest:
    return (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("sender", "recipient")
        .get(pk=request.pk)
    )


def _use_link(token: str, **subject: Any) -> ActionLink:
    """Lock and check a link inside the answering transaction (a replay fails here)."""
    link = links.find(token, for_update=True)
    for name, value in subject.items():
        if getattr(link, name) != value:
            raise links.LinkRefused("invalid")
    return link


def answer_contact_request(
    request: ContactRequest, answer: str, *, user: Any = None, token: str | None = None
) -> ContactRequest:
    """The recipient accepts, declines or says "not now" — on the site or from the e-mail."""
    if answer not in Answer.values:
        raise ValueError(answer)
    expire_if_due(request)
    with transaction.atomic():
        request = _locked_request(request)
        link = None
        if token is not None:
            link = _use_link(
                token,
                contact_request_id=request.pk,
                purpose=LinkPurpose.CONTACT,
                person_id=request.recipient_id,
            )
        elif getattr(user, "person_id", None) != request.recipient_id:
            raise NotAllowed
        if request.status != RequestStatus.PENDING:
            raise Closed
        now = _now()
        if answer == Answer.LATER:
            request.snoozed_until = min(
                now + timedelta(days=settings.OUTREACH_REMINDER_DAYS), request.expires_at
            )
            request.save(update_fields=["snoozed_until"])
        else:
            request.status = (
                RequestStatus.ACCEPTED if answer == Answer.ACCEPT else RequestStatus.DECLINED
            )
            request.answered_at = now
            request.snoozed_until = None
            request.save(update_fields=["status", "answered_at", "snoozed_until"])
        if link is not None:
            links.spend(link, answer)
        else:
            _spend_links(request.recipient_id, contact_request=request)
        record(
            f"outreach.contact.{answer}",
            actor=user,
            target=request,
            via="link" if link is not None else "site",
            person_id=request.recipient_id,
        )
        if answer == Answer.ACCEPT:
            _put_in_touch(request.sender, request.recipient)
            HelpEntry.objects.create(
                helper=request.recipient,
                helped=request.sender,
                kind=HelpKind.ANSWERED,
                contact_request=request,
            )
            _mail_in_touch(request.sender, request.recipient, "contact_accepted", request)
            _mail_in_touch(request.recipient, request.sender, "contact_accepted", request)
        else:
            send_to(
                request.sender,
                "contact_declined" if answer == Answer.DECLINE else "contact_later",
                {
                    "request": request,
                    "other": request.recipient,
                    "page_url": site_url("outreach:contact_detail", request.pk),
                },
            )
    return request


def withdraw_contact_request(user: Any, request: ContactRequest) -> ContactRequest:
    with transaction.atomic():
        request = _locked_request(request)
        if getattr(user, "person_id", None) != request.sender_id:
            raise NotAllowed
        if request.status != RequestStatus.PENDING:
            raise Closed
        request.status = RequestStatus.WITHDRAWN
        request.save(update_fields=["status"])
        _spend_links(request.recipient_id, contact_request=request)
        record("outreach.contact.withdraw", actor=user, target=request)
    return request


def _spend_links(person_id: int, **subject: Any) -> None:
    ActionLink.objects.filter(person_id=person_id, used_at__isnull=True, **subject).update(
        used_at=_now()
    )


def _put_in_touch(a: Person, b: Person) -> None:
    """Each side's details are now shared with the other: logged as contact reveals."""
    for viewer, person in ((a, b), (b, a)):
        account = account_of(viewer)
        if account is not None:
            ContactReveal.objects.create(viewer=account, person=person)


def _mail_in_touch(
    to: Person, other: Person, template: str, subject: ContactRequest | Introduction
) -> None:
    is_request = isinstance(subject, ContactRequest)
    send_to(
        to,
        template,
        {
            "subject": subject,
            "other": other,
            "other_email": shared_email(other),
            "page_url": site_url(
                "outreach:contact_detail" if is_request else "outreach:intro_detail", subject.pk
            ),
        },
    )


# -- introductions ---------------------------------------------------------------------------


def request_introduction(
    user: Any, *, connector: Person, target: Person, reason: str, ask: Ask | None = None
) -> Introduction:
    """A asks B to introduce them to C. Only B hears of it until B accepts."""
    requester = _person_of(user)
    viewer = viewer_for(user)
    people = {requester.pk, connector.pk, target.pk}
    if len(people) < 3 or not can_find(viewer, connector) or not can_find(viewer, target):
        raise NotAllowed
    if not may_introduce(connector):
        raise OutreachError(_("Cette personne ne souhaite pas servir d'intermédiaire."))
    if recipient_for(connector) is None or recipient_for(target) is None:
        raise Unreachable
    if pending_introduction(requester.pk, target.pk):
        raise Duplicate
    text = _clean_text(reason)
    _count_request(user)
    with transaction.atomic():
        intro = Introduction.objects.create(
            requester=requester,
            connector=connector,
            target=target,
            ask=ask,
            reason=text,
            expires_at=step_deadline(),
        )
        record(
            "outreach.intro.request",
            actor=user,
            target=intro,
            requester_id=requester.pk,
            connector_id=connector.pk,
            target_id=target.pk,
        )
        _mail_step(intro, connector)
    return intro


def _mail_step(intro: Introduction, to: Person, *, reminder: bool = False) -> None:
    """The e-mail asking the connector (or the target) to answer, with its one-click links."""
    is_connector = to.pk == intro.connector_id
    token = links.issue(
        LinkPurpose.CONNECTOR if is_connector else LinkPurpose.TARGET,
        to.pk,
        expires_at=intro.expires_at,
        introduction=intro,
    )
    send_to(
        to,
        "intro_to_connector" if is_connector else "intro_to_target",
        {
            "intro": intro,
            "requester": intro.requester,
            "connector": intro.connector,
            "target": intro.target,
            "links": links.answer_urls(token),
            "page_url": site_url("outreach:intro_detail", intro.pk),
            "reminder": reminder,
        },
    )


def _locked_intro(intro: Introduction) -> Introduction:
    return (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("requester", "connector", "target")
        .get(pk=intro.pk)
    )


def answer_introduction(
    intro: Introduction,
    answer: str,
    *,
    user: Any = None,
    token: str | None = None,
    note: str = "",
) -> Introduction:
    """The connector's or the target's answer, whichever the introduction waits for."""
    if answer not in Answer.values:
        raise ValueError(answer)
    expire_if_due(intro)
    with transaction.atomic():
        intro = _locked_intro(intro)
        awaited = intro.awaiting()
        link = None
        if token is not None:
            purpose = (
                LinkPurpose.CONNECTOR
                if intro.status == IntroStatus.ASKING_CONNECTOR
                else LinkPurpose.TARGET
            )
            link = _use_link(token, introduction_id=intro.pk, purpose=purpose, person_id=awaited)
        elif awaited is None or getattr(user, "person_id", None) != awaited:
            if getattr(user, "person_id", None) in (intro.connector_id, intro.target_id):
                raise Closed
            raise NotAllowed
        if awaited is None:
            raise Closed
        step = "connector" if intro.status == IntroStatus.ASKING_CONNECTOR else "target"
        now = _now()
        record(
            f"outreach.intro.{step}_{answer}",
            actor=user,
            target=intro,
            via="link" if link is not None else "site",
            person_id=awaited,
        )
        if link is not None:
            links.spend(link, answer)
        else:
            _spend_links(awaited, introduction=intro)
        context = {
            "intro": intro,
            "requester": intro.requester,
            "connector": intro.connector,
            "target": intro.target,
            "page_url": site_url("outreach:intro_detail", intro.pk),
        }
        if answer == Answer.LATER:
            intro.snoozed_until = min(
                now + timedelta(days=settings.OUTREACH_REMINDER_DAYS), intro.expires_at
            )
            intro.save(update_fields=["snoozed_until"])
            send_to(intro.requester, "intro_later", {**context, "step": step})
        elif step == "connector" and answer == Answer.ACCEPT:
            intro.status = IntroStatus.ASKING_TARGET
            intro.connector_answered_at = now
            intro.connector_note = (note or "").strip()[:MAX_MESSAGE]
            intro.expires_at = step_deadline(now)
            intro.snoozed_until = None
            intro.save()
            _mail_step(intro, intro.target)
            send_to(intro.requester, "intro_forwarded", context)
        elif answer == Answer.DECLINE:
            intro.status = (
                IntroStatus.CONNECTOR_DECLINED
                if step == "connector"
                else IntroStatus.TARGET_DECLINED
            )
            if step == "connector":
                intro.connector_answered_at = now
            else:
                intro.target_answered_at = now
            intro.snoozed_until = None
            intro.save()
            send_to(intro.requester, "intro_declined", {**context, "step": step})
            if step == "target":
                send_to(intro.connector, "intro_declined", {**context, "step": step})
        else:
            _connect(intro, now, context)
    return intro


def _connect(intro: Introduction, now: datetime, context: dict[str, Any]) -> None:
    """The target accepted: A and C are in touch, the tie and the help are recorded."""
    intro.status = IntroStatus.CONNECTED
    intro.target_answered_at = intro.connected_at = now
    intro.snoozed_until = None
    tie, _created = Tie.objects.get_or_create(
        source_person=intro.requester,
        target_person=intro.target,
        kind=TieKind.INTRODUCTION,
        defaults={
            "strength": INTRODUCTION_STRENGTH,
            "source": f"filon:introduction:{intro.pk} via {intro.connector_id}",
            "since": timezone.localdate(),
        },
    )
    intro.tie = tie
    intro.save()
    HelpEntry.objects.create(
        helper=intro.connector,
        helped=intro.requester,
        kind=HelpKind.INTRODUCTION,
        introduction=intro,
    )
    HelpEntry.objects.create(
        helper=intro.target, helped=intro.requester, kind=HelpKind.ANSWERED, introduction=intro
    )
    _put_in_touch(intro.requester, intro.target)
    _mail_in_touch(intro.requester, intro.target, "intro_connected", intro)
    _mail_in_touch(intro.target, intro.requester, "intro_connected", intro)
    send_to(intro.connector, "intro_done", context)


def withdraw_introduction(user: Any, intro: Introduction) -> Introduction:
    with transaction.atomic():
        intro = _locked_intro(intro)
        if getattr(user, "person_id", None) != intro.requester_id:
            raise NotAllowed
        if intro.status not in INTRO_PENDING:
            raise Closed
        awaited = intro.awaiting()
        intro.status = IntroStatus.WITHDRAWN
        intro.save(update_fields=["status"])
        if awaited is not None:
            _spend_links(awaited, introduction=intro)
        record("outreach.intro.withdraw", actor=user, target=intro)
    return intro


# -- answering from an e-mail ---------------------------------------------------------------


def answer_by_link(token: str, answer: str, *, note: str = "") -> ContactRequest | Introduction:
    """Carry out the answer an e-mail's link proposes; no session needed, the link is the key.

    Raises :class:`links.LinkRefused` for a forged, expired or used link, :class:`Closed`
    when the request no longer waits for this answer.
    """
    link = links.find(token)
    if link.contact_request is not None:
        return answer_contact_request(link.contact_request, answer, token=token)
    assert link.introduction is not None
    return answer_introduction(link.introduction, answer, token=token, note=note)


# -- expiry ---------------------------------------------------------------------------------


def expire_if_due(obj: ContactRequest | Introduction, *, now: datetime | None = None) -> bool:
    """Expire one request whose current step has waited too long (lazily, when viewed)."""
    now = now or _now()
    pending = (
        obj.status == RequestStatus.PENDING
        if isinstance(obj, ContactRequest)
        else obj.status in INTRO_PENDING
    )
    if not pending or obj.expires_at > now:
        return False
    with transaction.atomic():
        if isinstance(obj, ContactRequest):
            locked: ContactRequest | Introduction = _locked_request(obj)
            still = locked.status == RequestStatus.PENDING
        else:
            locked = _locked_intro(obj)
            still = locked.status in INTRO_PENDING
        if not still or locked.expires_at > now:
            return False
        _expire(locked)
    obj.status = locked.status
    return True


def _expire(obj: ContactRequest | Introduction) -> None:
    if isinstance(obj, ContactRequest):
        obj.status = RequestStatus.EXPIRED
        obj.save(update_fields=["status"])
        _spend_links(obj.recipient_id, contact_request=obj)
        record("outreach.contact.expire", target=obj)
        send_to(
            obj.sender,
            "contact_expired",
            {
                "request": obj,
                "other": obj.recipient,
                "page_url": site_url("outreach:contact_detail", obj.pk),
            },
        )
        return
    step = "connector" if obj.status == IntroStatus.ASKING_CONNECTOR else "target"
    obj.status = IntroStatus.EXPIRED
    obj.save(update_fields=["status"])
    ActionLink.objects.filter(introduction=obj, used_at__isnull=True).update(used_at=_now())
    record("outreach.intro.expire", target=obj, step=step)
    send_to(
        obj.requester,
        "intro_expired",
        {
            "intro": obj,
            "requester": obj.requester,
            "connector": obj.connector,
            "target": obj.target,
            "step": step,
            "page_url": site_url("outreach:intro_detail", obj.pk),
        },
    )


def expire_due(now: datetime | None = None) -> dict[str, int]:
    """Expire every request past its deadline (``filon outreach expire``)."""
    now = now or _now()
    counts = {"contact_requests": 0, "introductions": 0}
    for request in ContactRequest.objects.filter(status=RequestStatus.PENDING, expires_at__lte=now):
        counts["contact_requests"] += expire_if_due(request, now=now)
    for intro in Introduction.objects.filter(status__in=INTRO_PENDING, expires_at__lte=now):
        counts["introductions"] += expire_if_due(intro, now=now)
    return counts


# -- reminders and follow-through ------------------------------------------------------------


def send_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """``filon outreach remind``: fresh links after "not now", follow-ups after a meeting is due.

    - a request answered "pas maintenant" comes back to its recipient (new one-click links)
      once the snooze is over, if it has not expired;
    - whoever was put in touch is reminded, REMINDER_DAYS after and at most MAX_REMINDERS
      times, to log the meeting and to thank the helper.
    """
    now = now or _now()
    expire_due(now)
    counts = {"snoozed": 0, "follow_ups": 0}
    for request in ContactRequest.objects.filter(
        status=RequestStatus.PENDING, snoozed_until__lte=now
    ).select_related("sender", "recipient"):
        with transaction.atomic():
            locked = _locked_request(request)
            if locked.status != RequestStatus.PENDING or locked.snoozed_until is None:
                continue
            locked.snoozed_until = None
            locked.save(update_fields=["snoozed_until"])
            record("outreach.contact.remind", target=locked, person_id=locked.recipient_id)
            _mail_contact_request(locked, reminder=True)
            counts["snoozed"] += 1
    for intro in Introduction.objects.filter(status__in=INTRO_PENDING, snoozed_until__lte=now):
        with transaction.atomic():
            locked_intro = _locked_intro(intro)
            awaited = locked_intro.awaiting()
            if awaited is None or locked_intro.snoozed_until is None:
                continue
            locked_intro.snoozed_until = None
            locked_intro.save(update_fields=["snoozed_until"])
            record("outreach.intro.remind", target=locked_intro, person_id=awaited)
            to = (
                locked_intro.connector
                if awaited == locked_intro.connector_id
                else locked_intro.target
            )
            _mail_step(locked_intro, to, reminder=True)
            counts["snoozed"] += 1
    days = timedelta(days=settings.OUTREACH_REMINDER_DAYS)
    todo = Q(met_on__isnull=True) | Q(thanked_at__isnull=True)
    follow: list[ContactRequest | Introduction] = [
        *ContactRequest.objects.filter(
            todo, status=RequestStatus.ACCEPTED, reminders_sent__lt=MAX_REMINDERS
        ).select_related("sender", "recipient"),
        *Introduction.objects.filter(
            todo, status=IntroStatus.CONNECTED, reminders_sent__lt=MAX_REMINDERS
        ).select_related("requester", "connector", "target"),
    ]
    for obj in follow:
        since = obj.answered_at if isinstance(obj, ContactRequest) else obj.connected_at
        if since is None or since + days * (obj.reminders_sent + 1) > now:
            continue
        with transaction.atomic():
            model = type(obj)
            locked_obj = model.objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
            if locked_obj.reminders_sent != obj.reminders_sent:
                continue
            locked_obj.reminders_sent += 1
            locked_obj.reminded_at = now
            locked_obj.save(update_fields=["reminders_sent", "reminded_at"])
            record("outreach.follow_up.remind", target=locked_obj, n=locked_obj.reminders_sent)
            _mail_follow_up(obj)
            counts["follow_ups"] += 1
    return counts


def _mail_follow_up(obj: ContactRequest | Introduction) -> None:
    if isinstance(obj, ContactRequest):
        to, other, helper = obj.sender, obj.recipient, obj.recipient
        url = site_url("outreach:contact_detail", obj.pk)
    else:
        to, other, helper = obj.requester, obj.target, obj.connector
        url = site_url("outreach:intro_detail", obj.pk)
    send_to(
        to,
        "follow_up",
        {
            "subject": obj,
            "other": other,
            "helper": helper,
            "met": obj.met_on is not None,
            "thanked": obj.thanked_at is not None,
            "page_url": url,
        },
    )


def _followed(user: Any, obj: ContactRequest | Introduction) -> ContactRequest | Introduction:
    """The exchange, locked, if the user started it and it put them in touch."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
    me = getattr(user, "person_id", None)
    if isinstance(locked, ContactRequest):
        ok = me == locked.sender_id and locked.status == RequestStatus.ACCEPTED
    else:
        ok = me == locked.requester_id and locked.status == IntroStatus.CONNECTED
    if not ok:
        raise NotAllowed
    return locked


def log_meeting(
    user: Any, obj: ContactRequest | Introduction, *, met_on: date, note: str = ""
) -> ContactRequest | Introduction:
    """The requester notes that the meeting took place (and what came of it)."""
    with transaction.atomic():
        locked = _followed(user, obj)
        locked.met_on = met_on
        locked.meeting_note = (note or "").strip()[:MAX_MESSAGE]
        locked.save(update_fields=["met_on", "meeting_note"])
        record("outreach.follow_up.meeting", actor=user, target=locked, met_on=met_on.isoformat())
    return locked


def thank_helper(
    user: Any, obj: ContactRequest | Introduction, *, message: str
) -> ContactRequest | Introduction:
    """Thank whoever helped: the recipient of a request; the connector and the target of an
    introduction. The ledger entries are marked as thanked."""
    text = _clean_text(message)
    with transaction.atomic():
        locked = _followed(user, obj)
        if locked.thanked_at is not None:
            raise Closed(_("Vous avez déjà remercié."))
        now = _now()
        locked.thanked_at = now
        locked.save(update_fields=["thanked_at"])
        if isinstance(locked, ContactRequest):
            entries = HelpEntry.objects.filter(contact_request=locked)
            helpers = [locked.recipient]
        else:
            entries = HelpEntry.objects.filter(introduction=locked)
            helpers = [locked.connector, locked.target]
        entries.update(thanked_at=now)
        me = _person_of(user)
        for helper in helpers:
            send_to(helper, "thanks", {"sender": me, "message": text})
        record("outreach.follow_up.thanks", actor=user, target=locked, helpers=len(helpers))
    return locked


def set_show_help_counts(user: Any, show: bool) -> HelpLedger:
    person = _person_of(user)
    with transaction.atomic():
        ledger, _created = HelpLedger.objects.get_or_create(person=person)
        ledger.show_counts = show
        ledger.save(update_fields=["show_counts"])
        record("outreach.ledger.show_counts", actor=user, target=person, show=show)
    return ledger
