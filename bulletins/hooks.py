"""Where bulletins plug into the register: a red card or an extension in force asks for a bulletin,
the wrong person shown in one asks for a correction in the next, and viewing or printing one
counts as access to personal data. Connected from
BulletinsConfig.ready()."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bans import hooks as register
from bans.models import Measure, Person
from bulletins.editions import request_bulletin
from bulletins.models import BulletinCorrection, BulletinEntry


def connect():
    register.collective_measure_in_force.connect(
        bulletin_after_decision, sender=Measure, dispatch_uid="bulletins"
    )
    register.mistaken_identity.connect(
        correction_for_the_shops, sender=Person, dispatch_uid="bulletins"
    )
    register.add_access_actions(
        bulletins__bulletin__viewed=_("Looked at a bulletin"),
        bulletins__bulletin__printed=_("Printed a bulletin"),
    )


def bulletin_after_decision(sender, partnership, **kwargs):
    """The shops must learn of a new collective ban: a bulletin follows after the short delay
    that groups red cards decided together."""
    request_bulletin(partnership)


def correction_for_the_shops(sender, person, **kwargs):
    """The wrong person was in a bulletin: the next edition says so, with the name as shown and
    the day of the last edition that showed it. Nothing to correct if none did."""
    last = (
        BulletinEntry.objects.filter(person=person)
        .select_related("bulletin")
        .order_by("-bulletin__created_at")
        .first()
    )
    if last is None:
        return
    BulletinCorrection.objects.create(
        partnership_id=person.partnership_id,
        display_name=person.display_name,
        shown_on=timezone.localdate(last.bulletin.created_at),
    )
    # The shops must hear it soon, not with next Monday's edition: a bulletin follows shortly.
    partnership = person.partnership
    transaction.on_commit(lambda: request_bulletin(partnership), robust=True)
