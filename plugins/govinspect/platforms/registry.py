"""Which connector serves which platform, and where its endpoint settings come from."""

from __future__ import annotations

import os

from govinspect.platforms.base import Connector, PlatformEndpoint
from govinspect.platforms.budget import parse_budget
from govinspect.platforms.douyin import DouyinConnector
from govinspect.platforms.toutiao import ToutiaoConnector
from govinspect.platforms.wechat import WechatConnector
from govinspect.platforms.weibo import WeiboConnector

CONNECTORS: dict[str, type] = {"weibo": WeiboConnector, "wechat": WechatConnector, "toutiao": ToutiaoConnector,
                               "douyin": DouyinConnector}


class MissingEndpoint(LookupError):
    """No base URL is configured for a platform."""


def endpoint_from_env(connector: str, environ: dict | None = None) -> PlatformEndpoint:
    """Settings outside Airflow: ``GOVINSPECT_<PLATFORM>_URL``, ``_TOKEN``, ``_COOKIE``, ``_BUDGET`` (requests
    per run for account collection) and ``_SEARCH_BUDGET`` (requests per run for the discovery search)."""
    env = os.environ if environ is None else environ
    prefix = f"GOVINSPECT_{connector.upper()}_"
    base = env.get(prefix + "URL")
    if not base:
        raise MissingEndpoint(f"no endpoint for platform '{connector}': set Airflow connection "
                              f"'govinspect_{connector}' or {prefix}URL")
    return PlatformEndpoint(connector, base, env.get(prefix + "TOKEN") or None, env.get(prefix + "COOKIE") or None,
                            budget=parse_budget(env.get(prefix + "BUDGET"), prefix + "BUDGET"),
                            search_budget=parse_budget(env.get(prefix + "SEARCH_BUDGET"), prefix + "SEARCH_BUDGET"))


def endpoint_from_connection(connector: str) -> PlatformEndpoint:
    """Settings inside Airflow: connection ``govinspect_<platform>`` (host, port, schema; password = token;
    extra ``{"cookie": …, "budget": N, "search_budget": N}``), falling back to the environment variables.
    Call at run time only."""
    try:
        from airflow.sdk import Connection  # noqa: PLC0415 - optional; the library works without Airflow
        conn = Connection.get(f"govinspect_{connector}")
    except Exception:  # noqa: BLE001 - not in Airflow, or the connection is not defined
        return endpoint_from_env(connector)
    host = conn.host or ""
    if "://" in host:
        base = host
    else:
        scheme = conn.schema or ("https" if conn.conn_type == "https" else "http")
        base = f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")
    extra = conn.extra_dejson or {}
    where = f"connection govinspect_{connector}, extra"
    return PlatformEndpoint(connector, base, conn.password or extra.get("token"), extra.get("cookie"),
                            budget=parse_budget(extra.get("budget"), f"{where} 'budget'"),
                            search_budget=parse_budget(extra.get("search_budget"), f"{where} 'search_budget'"))


def connector_for(endpoint: PlatformEndpoint) -> Connector:
    try:
        return CONNECTORS[endpoint.connector](endpoint)
    except KeyError:
        raise MissingEndpoint(f"platform '{endpoint.connector}' has no connector yet") from None
