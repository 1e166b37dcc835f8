"""Panels on the officer's case page that floors above incidents fill: the register shows who is
linked to the report, claims shows the civil claim. Incidents only knows that panels exist.

A panel is a function ``(request, incident) -> (template name, context) | None``; None shows
nothing (for instance to a role that may not see it). Panels render in ``order``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class CasePanel:
    name: str
    render: Callable
    order: int


_case_panels: dict[str, CasePanel] = {}


def add_case_panel(name, render, *, order):
    """Register a panel once per name (a second call replaces it, so a reload stays single)."""
    _case_panels[name] = CasePanel(name, render, order)


def render_case_panels(request, incident, context=None) -> str:
    html = []
    for panel in sorted(_case_panels.values(), key=lambda p: (p.order, p.name)):
        found = panel.render(request, incident)
        if found is None:
            continue
        template_name, panel_context = found
        html.append(
            render_to_string(template_name, {**(context or {}), **panel_context}, request=request)
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each part is a rendered, escaped template
