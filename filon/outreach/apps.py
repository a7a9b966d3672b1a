from collections.abc import Collection

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "filon.outreach"
    label = "outreach"
    verbose_name = _("Entraide")

    def ready(self) -> None:
        from filon.directory import indexing
        from filon.directory.search import OFFERS_HELP
        from filon.outreach.models import Offer

        def offers_help(person_ids: Collection[int] | None) -> set[int]:
            """People with at least one active offer of help (the « Entraide » facet)."""
            offers = Offer.objects.filter(is_active=True)
            if person_ids is not None:
                offers = offers.filter(person_id__in=person_ids)
            return set(offers.order_by().values_list("person_id", flat=True).distinct())

        indexing.register_flag("aide", OFFERS_HELP, offers_help)
        indexing.follow(Offer)
