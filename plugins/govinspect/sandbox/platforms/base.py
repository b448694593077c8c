"""Shared pieces of the platform emulators."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from govinspect.sandbox.content import AccountContent, build_account
from govinspect.sandbox.scenario import Account
from govinspect.sandbox.server import Request, Response


def json_response(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8")


def int_arg(request: Request, name: str, default: int) -> int:
    try:
        return int(request.arg(name) or default)
    except ValueError:
        return default


class PlatformEmulator:
    """One platform host. Subclasses answer the platform's endpoints for the scenario's accounts."""

    connector = ""
    server_header = "nginx"

    def __init__(self, accounts: list[Account], monitoring_point: date, now: Callable[[], datetime],
                 token: str | None = None):
        self.now = now
        self.token = token
        self.accounts: dict[str, AccountContent] = {
            a.platform_id: build_account(a, monitoring_point) for a in accounts if a.connector == self.connector
        }

    def __call__(self, request: Request) -> Response:
        raise NotImplementedError

    def settings(self) -> dict[str, str]:
        """What a client needs besides the base URL (printed by the CLI, put in the Airflow connection)."""
        return {"token": self.token} if self.token else {}
