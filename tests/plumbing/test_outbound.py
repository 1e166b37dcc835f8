"""Calls to typed-in addresses: never into our own network unless allowed, and always to the
address that was checked, with the host's own name in Host."""

import pytest

from plumbing import outbound
from tests.loopback import LoopbackServer


@pytest.fixture
def server():
    seen = []
    server = LoopbackServer(lambda headers, body: (seen.append(headers) or 204, b""))
    server.seen = seen
    yield server
    server.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.8", "169.254.169.254"])
def test_local_and_private_addresses_are_refused(host):
    with outbound.session() as http, pytest.raises(outbound.OutboundRefused):
        http.post(f"http://{host}:8080/hook", timeout=2)


def test_an_allowed_local_call_goes_to_the_checked_address_with_the_hosts_name(server):
    port = server.origin.rsplit(":", 1)[1]
    with outbound.session(allow_local=True) as http:
        answer = http.post(f"http://localhost:{port}/hook", data=b"{}", timeout=2)
    assert answer.status_code == 204
    assert server.seen[0]["Host"] == f"localhost:{port}"


def test_a_name_that_does_not_resolve_is_unreachable_not_an_error():
    with outbound.session() as http, pytest.raises(outbound.OutboundRefused, match="resolve"):
        http.get("https://kvo.invalid/", timeout=2)
