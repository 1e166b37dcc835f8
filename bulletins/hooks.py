"""Where bulletins plug into the register: a red card or an extension in force asks for a bulletin,
and viewing or printing one counts as access to personal data. Connected from
BulletinsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from bans import hooks as register
from bans.models import Measure
from bulletins.editions import request_bulletin


def connect():
    register.collective_measure_in_force.connect(
        bulletin_after_decision, sender=Measure, dispatch_uid="bulletins"
    )
    register.add_access_actions(
        bulletins__bulletin__viewed=_("Looked at a bulletin"),
        bulletins__bulletin__printed=_("Printed a bulletin"),
    )


def bulletin_after_decision(sender, partnership, **kwargs):
    """The shops must learn of a new collective ban: a bulletin follows after the short delay
    that groups red cards decided together."""
    request_bulletin(partnership)
