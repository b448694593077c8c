"""SSRF guard: which URLs the collectors may fetch.

The inventory (and every redirect a site answers) decides where the collectors connect, so a wrong row or a
hostile redirect must not make them read internal services. A URL passes when its scheme is ``http`` or
``https`` and **every** address its host resolves to is public, or lies inside an explicitly allowed
network. Refused: loopback, private (RFC 1918, ULA), link-local, multicast, reserved, unspecified, shared
(100.64/10) and other non-global addresses, and the cloud metadata endpoints (169.254.169.254,
fd00:ec2::254) — those stay refused even inside an allowed network unless allowed as a single address
(``169.254.169.254/32``).

Allowed networks come from configuration: ``GOVINSPECT_ALLOWED_NETWORKS`` (comma-separated CIDRs), read by
:mod:`govinspect.pipeline` and :mod:`govinspect.collect.probe` into ``FetchPolicy.allowed_networks``. The
simulated prefecture lives in 127.61.0.0/16, so the demo and the tests set
``GOVINSPECT_ALLOWED_NETWORKS=127.61.0.0/16``; production leaves it unset.

Names are resolved with ``loop.getaddrinfo`` (not blocking the event loop). Known limit: the HTTP client
resolves the name again when it connects, so a DNS answer that changes between the two look-ups (DNS
rebinding) is not caught here; network egress rules remain the outer fence.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping

ALLOWED_NETWORKS_ENV = "GOVINSPECT_ALLOWED_NETWORKS"
ALLOWED_SCHEMES = frozenset({"http", "https"})
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses the host resolves to
Resolver = Callable[[str, int], Awaitable[list[str]]]


class BlockedByPolicy(Exception):  # noqa: N818 - it is an outcome, not an error of the program
    """The URL (or a redirect hop) is not allowed; the fetch outcome is ``blocked_by_policy``."""


class UnresolvableHost(Exception):  # noqa: N818
    """The host name does not resolve; the fetch outcome is ``error`` (as the connection would fail)."""


def parse_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """CIDRs (a comma-separated string or an iterable) as networks; ``ValueError`` names a bad entry."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"{ALLOWED_NETWORKS_ENV}: not a network (CIDR): {item!r}") from exc
    return tuple(out)


def allowed_networks_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The configured allowed networks (normalised CIDR strings) from ``GOVINSPECT_ALLOWED_NETWORKS``."""
    env = os.environ if environ is None else environ
    return tuple(str(n) for n in parse_networks(env.get(ALLOWED_NETWORKS_ENV, "")))


def refusal(address: str | IPAddress, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """Why ``address`` may not be fetched, or None when it may."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            ip = ip.ipv4_mapped
        elif ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%")[0])
    allowed = tuple(allowed)
    inside = [n for n in allowed if n.version == ip.version and ip in n]
    if ip in METADATA_ADDRESSES:
        if any(n.num_addresses == 1 for n in inside):
            return None
        return f"{ip} is a cloud metadata address"
    if inside:
        return None
    for label, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                        ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                        ("private", ip.is_private), ("reserved", ip.is_reserved),
                        ("not globally routable", not ip.is_global)):
        if flag:
            return f"{ip} is a {label} address" if label != "not globally routable" else f"{ip} is {label}"
    return None


def _literal(host: str) -> list[IPAddress] | None:
    try:
        return [ipaddress.ip_address(host.split("%")[0])]
    except ValueError:
        return None


async def default_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class NetGuard:
    """Checks a URL before each request (also each redirect hop).

    ``resolver=None`` checks schemes and literal addresses only: for an injected test transport, which
    decides itself where requests go.
    """

    def __init__(self, allowed_networks: Iterable[str | IPNetwork] = (), resolver: Resolver | None = default_resolver):
        self.allowed = parse_networks([str(n) for n in allowed_networks])
        self.resolver = resolver

    async def check(self, scheme: str, host: str, port: int | None) -> None:
        """Raise :class:`BlockedByPolicy` (or :class:`UnresolvableHost`) unless the target may be fetched."""
        scheme = (scheme or "").lower()
        if scheme not in ALLOWED_SCHEMES:
            raise BlockedByPolicy(f"scheme {scheme or '(none)'!r} is not allowed (http and https only)")
        host = (host or "").strip("[]")
        if not host:
            raise BlockedByPolicy("no host in URL")
        addresses = _literal(host)
        if addresses is None:
            if self.resolver is None:
                return
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0])
                             for a in await self.resolver(host, port or (443 if scheme == "https" else 80))]
            except (OSError, UnicodeError) as exc:
                raise UnresolvableHost(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise UnresolvableHost(f"cannot resolve {host}: no address")
        for address in addresses:
            if (why := refusal(address, self.allowed)) is not None:
                raise BlockedByPolicy(f"{host}: {why} (allowed networks: "
                                      f"{', '.join(map(str, self.allowed)) or 'none'}; see {ALLOWED_NETWORKS_ENV})")
