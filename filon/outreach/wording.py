"""Texts written on a member's behalf: the pre-filled first message, in the recipient's language.

"Contacter quelqu'un sous prétexte qu'il est de la même école est… un bon prétexte. Point."
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from filon.directory.models import Affiliation, Person
from filon.ops.notify import language_of
from filon.outreach.models import Ask, Offer


def _affiliations(person: Person) -> list[Affiliation]:
    return list(Affiliation.objects.filter(person=person).select_related("school").order_by("year"))


def shared_school(a: Person, b: Person) -> tuple[str, str, str] | None:
    """(school name, a's promo, b's promo) of a school both went to, if any."""
    theirs = {aff.school_id: aff for aff in _affiliations(b)}
    for mine in _affiliations(a):
        other = theirs.get(mine.school_id)
        if other is not None:
            return mine.school.name, mine.promo, other.promo
    return None


def first_message(
    sender: Person, recipient: Person, *, ask: Ask | None = None, offer: Offer | None = None
) -> tuple[str, str]:
    """The editable first message from ``sender`` to ``recipient``, and its language."""
    language = language_of(recipient)
    school = shared_school(sender, recipient)
    with translation.override(language):
        lines = [_("Bonjour %(name)s,") % {"name": recipient.first_name}, ""]
        if school is not None:
            name, mine, theirs = school
            if mine == theirs:
                lines.append(
                    _(
                        "Je me permets de vous écrire parce que nous sommes de la même école "
                        "et de la même promo : %(school)s, %(promo)s."
                    )
                    % {"school": name, "promo": mine}
                )
            else:
                lines.append(
                    _(
                        "Je me permets de vous écrire parce que nous sommes de la même école, "
                        "%(school)s (%(mine)s pour moi, %(theirs)s pour vous)."
                    )
                    % {"school": name, "mine": mine, "theirs": theirs}
                )
        else:
            lines.append(
                _(
                    "Je me permets de vous écrire parce que nous faisons partie du même réseau "
                    "d'anciens élèves."
                )
            )
        if ask is not None and ask.person_id == sender.pk:
            lines.append(
                _("Je cherche %(kind)s : « %(title)s ».")
                % {"kind": str(ask.get_kind_display()).lower(), "title": ask.title}
            )
        elif ask is not None:
            lines.append(
                _("J'ai vu votre demande « %(title)s » et je pense pouvoir vous aider.")
                % {"title": ask.title}
            )
        if offer is not None:
            lines.append(
                _("Vous proposez « %(title)s » : cela m'aiderait beaucoup.")
                % {"title": offer.title}
            )
        lines += [
            _("Accepteriez-vous un court échange, par téléphone ou en visio ?"),
            "",
            _("Bien cordialement,"),
            sender.full_name,
        ]
    return "\n".join(lines), language
