"""Claims on pages: amounts in euros, and the claim panel on the incident case page (incidents
shows it through this tag, so incidents never imports bans)."""

from django import template

from bans import claims
from bans.models import Claim, PersonIncident
from merchants import access

register = template.Library()


@register.filter
def euros(value):
    """€ 1.234,56 (with a no-break space, so the sign never ends a line)."""
    if value in (None, ""):
        return "—"
    return claims.euros(value).replace(" ", "\u00a0", 1)


@register.inclusion_tag("bans/partials/claim_panel.html", takes_context=True)
def claim_panel(context, incident):
    request = context["request"]
    if not access.can(request.user, incident.partnership, "make_claims"):
        return {"show": False}
    link = PersonIncident.objects.filter(incident=incident).select_related("person").first()
    verdict = claims.eligibility(incident, link.person if link else None)
    return {
        "show": True,
        "incident": incident,
        "verdict": verdict,
        "claims": Claim.objects.filter(incident=incident).order_by("sequence"),
    }
