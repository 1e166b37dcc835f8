from urllib.parse import urlsplit

from django import template

from merchants import sso

register = template.Library()


def allow_posting_to(request, configs):
    """The buttons post to us and we redirect to the provider: the CSP's form-action must let the
    browser go on there (kvo.middleware.SignOnFormActionMiddleware writes it)."""
    origins = getattr(request, "sign_on_origins", set())
    for config in configs:
        parts = urlsplit(config.issuer)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    request.sign_on_origins = origins


@register.inclusion_tag("account/includes/sign_on_buttons.html", takes_context=True)
def sign_on_buttons(context):
    """A button per partnership whose organisation logs in with its own provider."""
    request = context["request"]
    configs = list(sso.configurations().order_by("partnership__name"))
    allow_posting_to(request, configs)
    return {
        "configs": configs,
        "next": request.GET.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def allow_sign_on(context, config):
    """On a page with one sign-on form of its own (the invitation): allow its provider."""
    allow_posting_to(context["request"], [config])
    return ""


@register.simple_tag(takes_context=True)
def allow_sign_on_all(context, pairs):
    """On the profile: allow the providers of the "Link" buttons (pairs of config, linked)."""
    allow_posting_to(context["request"], [config for config, _linked in pairs])
    return ""
