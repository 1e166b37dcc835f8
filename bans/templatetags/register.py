"""The register's panel on the incident case page: incidents shows bans' data through a tag that
bans owns, so incidents never imports bans."""

from django import template

from bans.models import PersonIncident

register = template.Library()


@register.inclusion_tag("bans/partials/register_panel.html", takes_context=True)
def register_panel(context, incident):
    links = PersonIncident.objects.filter(incident=incident).select_related("person")
    return {"incident": incident, "links": links, "may_review": context.get("may_review")}
