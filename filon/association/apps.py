from datetime import date

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationConfig(AppConfig):
    name = "filon.association"
    verbose_name = _("Association")

    def ready(self) -> None:
        from filon.directory.privacy import register_paying_rule

        def paid_dues(person_id: int, today: date) -> bool:
            """Dues paid for the current or the previous calendar year."""
            from filon.association.models import DuesPayment

            year = today.year
            return DuesPayment.objects.filter(person_id=person_id, year__gte=year - 1).exists()

        register_paying_rule(paid_dues)

        from filon.directory.privacy import register_private_section

        def dues_section(person: object) -> dict[str, object]:
            """The dues history on the profile, for the person and staff."""
            from filon.association.queries import dues_history

            return {
                "title": _("Cotisations"),
                "template": "association/_dues_section.html",
                "data": dues_history(person),  # type: ignore[arg-type]
            }

        register_private_section(dues_section)
