from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "filon.directory"
    verbose_name = _("Annuaire")

    def ready(self) -> None:
        from filon.directory import indexing

        indexing.connect()
