"""A proposed change to ``govinspect.collect.http.Fetcher``, measured by the crawl benchmark (``--proposed``).

Now built into the Fetcher as ``govinspect.collect.http.HostPools`` (LRU-bounded, with the unverified-TLS
fallback's own pools); kept for A/B runs.

One shared httpx client keeps at most 20 idle connections (httpx's default ``Limits``) in one pool for every
host: a crawl over hundreds of hosts, each asked again only after its politeness interval, finds its
connection evicted and opens (and later closes) a new TCP connection for nearly every request. Raising the
pool's limits does not help: httpcore scans the whole pool on every request and answer, so hundreds of idle
connections cost more than the reconnects. What helps is one small pool per host — ``per_host`` connections,
kept alive — behind one transport, with one SSL context shared by all (creating one per host loads the CA
bundle each time: ~30 ms).

The benchmark injects it through the Fetcher's ``transport`` seam; built into the Fetcher it would also
need the unverified-TLS fallback's pools (``verify=False``) and the same resolver as without a transport.
"""

from __future__ import annotations

import ssl

import certifi
import httpx


class HostPoolTransport(httpx.AsyncBaseTransport):
    """Route each request to its (scheme, host, port)'s own connection pool of ``per_host`` kept-alive
    connections."""

    def __init__(self, per_host: int, *, verify: bool = True):
        self.per_host = per_host
        self._ssl = ssl.create_default_context(cafile=certifi.where()) if verify else False
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            limits = httpx.Limits(max_connections=self.per_host, max_keepalive_connections=self.per_host)
            pool = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()
