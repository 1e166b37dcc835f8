"""URL converters. ``<id:pk>`` is an object id: digits, at most 18 of them, so that an id no
database column can hold (2**70, say) does not resolve at all and is a 404 like any unknown page,
instead of an OverflowError deep in a query. Every URL pattern uses it instead of ``<int:…>``
(tests/test_url_ids.py). Importing this module registers it once."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


register_converter(IdConverter, "id")
