"""The one answer to "from which address did this request come?".

The lockout (django-axes, through AXES_CLIENT_IP_CALLABLE), the audit trail's "from where"
(directives/models/history.py), the logs (directives/operations/logs.py) and the metrics' access
check all call :func:`client_ip`.

`X-Forwarded-For` is only believed when the request's socket address is one of our proxies
(DJANGO_TRUSTED_PROXIES). The chain is walked from the right: each proxy appends the address it
was reached from, so the rightmost entry is what our outermost trusted proxy saw; if that entry is
itself a trusted proxy (proxies chained), the next one to the left is read, and so on. The first
address that is not one of our proxies is the client. Anything further left was written by the
client and is never read — so a forged header buys neither new lockout tries nor a false address
in the audit trail.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str], setting: str) -> tuple[Network, ...]:
    """'127.0.0.1', '10.0.0.0/24', '::1' → networks; a typo is a clear error at start-up."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting}: {entry!r} is not an IP address or network (e.g. 10.0.0.5, "
                "10.0.0.0/24, ::1)."
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_in(address: str | None, networks: Iterable[Network]) -> bool:
    """Whether `address` (text) lies in one of `networks`; garbage is in none."""
    parsed = _address(address) if address else None
    return parsed is not None and any(parsed in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the socket's, or — when the socket is a trusted proxy — the first
    address from the right of X-Forwarded-For that is not a trusted proxy."""
    if request is None:
        return None
    meta = request.META
    remote = (meta.get("REMOTE_ADDR") or "").strip()
    trusted = settings.TRACKER_TRUSTED_PROXIES
    address = remote
    if trusted and is_in(remote, trusted):
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            parsed = _address(hop)
            if parsed is None:
                break  # a trusted proxy never writes garbage: stop at the last good address
            address = str(parsed)
            if not is_in(address, trusted):
                break
    return address or None
