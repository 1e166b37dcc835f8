"""Why the rules proposed a measure, stored as a code with its figures (Measure.proposal_code and
proposal_params) and put into words in the reader's language when shown: an officer reading in
English sees English, whoever made the proposal. Dates are stored as ISO strings."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

REASONS = {
    "aggression": _("Aggression or threat: a red card at once, for %(months)s months."),
    "offence_during_yellow": _(
        "A new offence on %(day)s while the yellow card of %(since)s was in force "
        "(until %(until)s): a red card for %(months)s months."
    ),
    "first_offence": _(
        "No measure in force on %(day)s: a yellow card (collective warning) for %(months)s "
        "months, and an individual ban for the shop."
    ),
    "sighting_during_ban": _(
        "Seen on %(day)s during the collective ban (until %(until)s): an extension."
    ),
    "offence_during_ban": _(
        "A new offence on %(day)s during the collective ban (until %(until)s): an extension."
    ),
    "individual_ban": _("Individual ban for the shop where it happened."),
}
DATE_PARAMS = ("day", "since", "until")


def reason_text(code, params) -> str:
    """A stored reason in the active language; "" for an unknown code."""
    message = REASONS.get(code)
    if message is None:
        return ""
    shown = {
        key: date_format(date.fromisoformat(value)) if key in DATE_PARAMS else value
        for key, value in (params or {}).items()
    }
    return str(message) % shown if shown else str(message)
