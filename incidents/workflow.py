"""The life of a case, as an explicit transition table. Every change writes a StatusChange row."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    IN_REVIEW = "in_review", _("In review")
    CONTACTED = "contacted", _("Shop contacted")
    MEASURE_PROPOSED = "measure_proposed", _("Measure proposed")
    AWAITING_POLICE = "awaiting_police", _("Awaiting the police")
    NO_ACTION = "no_action", _("No further action")
    CLOSED = "closed", _("Closed")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REPORTED: frozenset({Status.IN_REVIEW, Status.CONTACTED, Status.NO_ACTION}),
    Status.IN_REVIEW: frozenset(
        {Status.CONTACTED, Status.MEASURE_PROPOSED, Status.AWAITING_POLICE, Status.NO_ACTION}
    ),
    Status.CONTACTED: frozenset(
        {Status.MEASURE_PROPOSED, Status.AWAITING_POLICE, Status.NO_ACTION}
    ),
    Status.MEASURE_PROPOSED: frozenset({Status.AWAITING_POLICE, Status.CLOSED}),
    Status.AWAITING_POLICE: frozenset({Status.MEASURE_PROPOSED, Status.NO_ACTION, Status.CLOSED}),
    Status.NO_ACTION: frozenset({Status.CLOSED}),
    # Reopening: new information arrives after the case was closed.
    Status.CLOSED: frozenset({Status.IN_REVIEW}),
}

OPEN_STATUSES = frozenset(set(Status.values) - {Status.CLOSED})


def allowed_next(status: str) -> list[str]:
    return [s for s in Status.values if s in TRANSITIONS.get(status, frozenset())]


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
