"""Template helpers for PDF templates: ``{% load pdf %}`` (settings.TEMPLATES registers the library
under that name: plumbing is no app, so Django would not find it by itself).

``{{ photo.original|private_url }}`` names a private file for the PDF renderer's fetcher; the page
number tags give running footers a place for WeasyPrint's page counters.
"""

from django import template
from django.utils.safestring import mark_safe

from plumbing import pdf

register = template.Library()


@register.filter
def private_url(value):
    """``private:<storage name>`` for a storage name or a FieldFile."""
    return pdf.private_url(value)


@register.simple_tag
def page_number():
    """An empty span that CSS fills with ``counter(page)`` (class ``pdf-page-number``)."""
    return mark_safe('<span class="pdf-page-number"></span>')


@register.simple_tag
def page_count():
    """An empty span that CSS fills with ``counter(pages)`` (class ``pdf-page-count``)."""
    return mark_safe('<span class="pdf-page-count"></span>')
