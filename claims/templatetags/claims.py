"""Claims on pages: amounts in euros. (The claim panel of the case page is claims.hooks.)"""

from django import template

from claims import services

register = template.Library()


@register.filter
def euros(value):
    """€ 1.234,56 (with a no-break space, so the sign never ends a line)."""
    if value in (None, ""):
        return "—"
    return services.euros(value).replace(" ", "\u00a0", 1)
