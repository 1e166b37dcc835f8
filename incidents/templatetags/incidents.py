from django import template
from django.utils.translation import gettext as _

from incidents import panels
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


@register.simple_tag(takes_context=True)
def case_panels(context, incident):
    """The panels that floors above incidents add to the case page (incidents.panels)."""
    return panels.render_case_panels(
        context["request"], incident, {"may_review": context.get("may_review")}
    )
