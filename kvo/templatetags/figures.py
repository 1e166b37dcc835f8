"""Small formatting filters for the dashboard and the reports."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(fraction, decimals=0):
    """0.1234 → "12%" (Dutch: "12,3%" with one decimal)."""
    if fraction is None:
        return "—"
    return f"{number_format(fraction * 100, decimal_pos=int(decimals))}%"


@register.filter
def sum_of(values):
    return sum(v or 0 for v in values)
