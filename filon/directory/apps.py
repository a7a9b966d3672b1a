from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "filon.directory"
    verbose_name = _("Annuaire")

    def ready(self) -> None:
        from filon.directory import gdpr, indexing

        indexing.connect()
        gdpr.discover()  # every app's gdpr.py registers its part of personal data
