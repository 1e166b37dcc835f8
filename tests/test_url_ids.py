"""Object ids in URLs: an id no database column can hold is a 404 on every URL, like any unknown
page, and never reaches a query (an id of 2**70 used to be a 500 on SQLite's gallery photo query).
Every pattern of ours takes ids through the ``<id:…>`` converter (plumbing.urls)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from merchants.services import sign_protocol
from plumbing.urls import IdConverter

OURS = ("certification", "merchants", "incidents", "bans", "bulletins", "claims", "kvo")
TOO_BIG = str(2**70)
LARGEST = "9" * 18  # the largest id the converter takes: fits a 64-bit column, names nothing


def our_patterns(resolver=None, prefix=""):
    """(route as written, its converters) for every URL pattern of our apps."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if module.split(".")[0] in OURS:
                yield from our_patterns(entry, route)
        elif isinstance(entry, URLPattern) and entry.lookup_str.split(".")[0] in OURS:
            yield route, entry.pattern.converters


def with_ids(route, value):
    route = re.sub(r"<(?:id|int):\w+>", value, route)
    return "/" + re.sub(r"<str:\w+>", "certificate", route)


ROUTES = sorted(route for route, _converters in our_patterns() if re.search("<(id|int):", route))


def test_every_id_in_our_urls_goes_through_the_id_converter():
    assert len(ROUTES) > 40
    for route, converters in our_patterns():
        for name, converter in converters.items():
            assert not isinstance(converter, IntConverter), route
            if f"<id:{name}>" in route:
                assert isinstance(converter, IdConverter), route


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_too_big_for_the_database_is_a_404(route, client_as, world):
    # Signed, so that the gallery's pages get as far as their queries.
    sign_protocol(world.protocol, actor=world.users["participant"])
    for role in ("anonymous", "participant", "officer", "coordinator"):
        client = client_as(role)
        url = with_ids(route, TOO_BIG)
        assert client.get(url).status_code == 404, (role, url)
        assert client.post(url).status_code == 404, (role, url)


@pytest.mark.parametrize("route", ROUTES)
def test_the_largest_id_the_urls_take_finds_nothing_and_breaks_nothing(route, client_as):
    for role in ("participant", "officer", "administrator", "coordinator"):
        url = with_ids(route, LARGEST)
        status = client_as(role).get(url).status_code
        assert status in (302, 403, 404, 405), (role, url, status)
