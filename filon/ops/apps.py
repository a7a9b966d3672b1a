from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "filon.ops"
    verbose_name = _("Exploitation")

    def ready(self) -> None:
        from filon.ops.files import secure_data_dir

        secure_data_dir()
