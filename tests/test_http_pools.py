"""Per-host kept-alive connection pools of the Fetcher (govinspect.collect.http.HostPools), on loopback."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from govinspect.collect.http import Fetcher, FetchPolicy, HostPools


class _Server:
    """A tiny keep-alive HTTP/1.1 server that counts the TCP connections it accepted."""

    def __init__(self) -> None:
        self.connections = 0
        self.gate: asyncio.Event | None = None  # when set: answers wait for it

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not head:
                    break
                if self.gate is not None:
                    await self.gate.wait()
                body = b"<html>ok</html>"
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _servers(n: int) -> tuple[list[_Server], list[asyncio.AbstractServer], list[int]]:
    states, servers, ports = [], [], []
    for _ in range(n):
        state = _Server()
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        states.append(state)
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    return states, servers, ports


async def _close(servers: list[asyncio.AbstractServer]) -> None:
    for server in servers:
        server.close()


def test_each_host_keeps_its_connection_alive_across_many_hosts():
    async def run() -> tuple[list[int], int]:
        states, servers, ports = await _servers(30)  # more hosts than httpx's 20 shared idle connections
        try:
            async with httpx.AsyncClient(transport=HostPools(keepalive=2, max_pools=64)) as client:
                for _ in range(3):
                    for port in ports:
                        assert (await client.get(f"http://127.0.0.1:{port}/")).status_code == 200
                pools = client._transport.pool_count  # noqa: SLF001
        finally:
            await _close(servers)
        return [s.connections for s in states], pools

    connections, pools = asyncio.run(run())
    assert connections == [1] * 30  # 3 rounds over 30 hosts: one connection each, reused
    assert pools == 30


def test_least_recently_used_idle_pools_are_closed_beyond_the_bound():
    async def run() -> tuple[list[int], int]:
        states, servers, ports = await _servers(6)
        try:
            async with httpx.AsyncClient(transport=HostPools(keepalive=2, max_pools=3)) as client:
                for _ in range(2):
                    for port in ports:
                        await client.get(f"http://127.0.0.1:{port}/")
                pools = client._transport.pool_count  # noqa: SLF001
        finally:
            await _close(servers)
        return [s.connections for s in states], pools

    connections, pools = asyncio.run(run())
    assert pools == 3
    assert connections == [2] * 6  # round-robin over 6 hosts with 3 pools: every pool was closed in between


def test_a_pool_with_a_request_in_flight_is_not_closed():
    async def run() -> tuple[int, list[int]]:
        states, servers, ports = await _servers(3)
        states[0].gate = asyncio.Event()
        try:
            transport = HostPools(keepalive=1, max_pools=1)
            async with httpx.AsyncClient(transport=transport) as client:
                slow = asyncio.create_task(client.get(f"http://127.0.0.1:{ports[0]}/"))
                await asyncio.sleep(0.05)
                for port in ports[1:]:  # new hosts beyond the bound while the first one is busy
                    assert (await client.get(f"http://127.0.0.1:{port}/")).status_code == 200
                states[0].gate.set()
                response = await slow
                assert response.text == "<html>ok</html>"
                await client.get(f"http://127.0.0.1:{ports[0]}/")
                pools = transport.pool_count
        finally:
            await _close(servers)
        return pools, [s.connections for s in states]

    pools, connections = asyncio.run(run())
    assert pools == 1
    assert connections[0] == 1  # its pool survived the evictions and reused the connection afterwards


def test_fetcher_uses_per_host_pools_and_its_guard_still_refuses():
    async def run() -> tuple[list[int], str, str]:
        states, servers, ports = await _servers(2)
        try:
            policy = FetchPolicy(allowed_networks=("127.0.0.1/32",), max_attempts=1)
            async with Fetcher(policy) as fetcher:
                for _ in range(3):
                    for port in ports:
                        assert (await fetcher.get(f"http://127.0.0.1:{port}/")).ok
                refused = await fetcher.get("http://127.0.0.2:9/")
            outside = refused.outcome
        finally:
            await _close(servers)
        return [s.connections for s in states], outside, refused.error or ""

    connections, outcome, error = asyncio.run(run())
    assert connections == [1, 1]
    assert outcome == "blocked_by_policy", error


@pytest.mark.parametrize("max_pools", [0, -3])
def test_the_bound_is_at_least_one_pool(max_pools: int):
    assert HostPools(max_pools=max_pools).max_pools == 1
