from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "filon.network"
    verbose_name = _("Réseau")

    def ready(self) -> None:
        from filon.network.index import connect

        connect()
