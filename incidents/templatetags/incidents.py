from django import template
from django.utils.translation import gettext as _

from incidents.selectors import contact_age

register = template.Library()


@register.inclusion_tag("incidents/partials/age_badge.html")
def age_badge(incident, now=None):
    state, days = contact_age(incident, now)
    labels = {
        "done": _("contacted"),
        "fresh": _("new"),
        "due": _("contact today"),
        "late": _("late"),
    }
    return {"state": state, "label": labels[state], "days": int(days)}
