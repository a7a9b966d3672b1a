from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    """The pages, e-mails and commands of groups and clubs; their models are the network's
    (:class:`filon.network.models.Group`), which the graph reads."""

    name = "filon.groups"
    label = "groups"
    verbose_name = _("Groupes et clubs")
