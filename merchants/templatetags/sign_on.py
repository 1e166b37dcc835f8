from django import template

from merchants import sso

register = template.Library()


@register.inclusion_tag("account/includes/sign_on_buttons.html", takes_context=True)
def sign_on_buttons(context):
    """A button per partnership whose organisation logs in with its own provider."""
    request = context["request"]
    return {
        "configs": list(sso.configurations().order_by("partnership__name")),
        "next": request.GET.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }
