"""Calls from the server to addresses that someone typed in (a webhook, a sign-on provider).

Such an address must not become a way into our own network (SSRF): ``PublicOnlyAdapter``
resolves the host once, refuses loopback, private, link-local and other non-public addresses,
and connects to the very address it checked, so that a DNS answer that changes between the check
and the call (rebinding) cannot send the request elsewhere. The ``Host`` header and the TLS
server name stay the host's, so certificates are checked as usual. ``allow_local`` lifts the
address rule (on-premise systems, the tests), never the pinning.
"""

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter


class OutboundRefused(requests.ConnectionError):
    """The address is not one we call; a ConnectionError, so callers treat it as unreachable."""


def resolve(host: str, port: int, *, allow_local: bool) -> str:
    """The first address of `host`, after checking all of them; raises OutboundRefused."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"cannot resolve {host}") from None
    addresses = [sockaddr[0].split("%")[0] for *_rest, sockaddr in found]
    if not allow_local and not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise OutboundRefused(f"{host} is not a public address")
    return addresses[0]


class PublicOnlyAdapter(HTTPAdapter):
    def __init__(self, *, allow_local=False, **kwargs):
        self.allow_local = allow_local
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused(f"not an address we call: {parts.scheme}://{parts.hostname}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise OutboundRefused("not a valid port") from None
        address = resolve(parts.hostname, port, allow_local=self.allow_local)
        pinned = request.copy()
        host = f"[{address}]" if ":" in address else address
        pinned.url = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
        pinned.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        pinned.kvo_hostname = parts.hostname
        return super().send(pinned, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        hostname = getattr(request, "kvo_hostname", None)
        if hostname and host_params.get("scheme") == "https":
            # TLS speaks to the address but names (and checks) the host.
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return host_params, pool_kwargs


def session(*, allow_local=False) -> requests.Session:
    """A requests session that calls public addresses only (see the module)."""
    client = requests.Session()
    adapter = PublicOnlyAdapter(allow_local=allow_local)
    client.mount("http://", adapter)
    client.mount("https://", adapter)
    return client
