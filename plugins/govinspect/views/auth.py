"""Airflow's authentication in front of the views.

The app is mounted on Airflow's API server, so a request carries the same credentials as the UI's own API calls:
the JWT in the ``_token`` cookie (set by the login page) or an ``Authorization: Bearer`` token (from
``POST /auth/token``). :func:`require_viewer` resolves the user with Airflow's own
``airflow.api_fastapi.core_api.security.get_user`` (whichever auth manager is configured: the simple auth manager
locally, FAB/Keycloak elsewhere) and then asks the auth manager whether that user may read the runs of the
quarterly DAG: the notices are the outputs of those runs.

Refusals raise :class:`NotAuthorized`; the app answers a browser without credentials with a redirect to
Airflow's login page (coming back here afterwards) and everything else with 401/403.
"""

from __future__ import annotations

import logging

from fastapi import Request

log = logging.getLogger(__name__)

QUARTERLY_DAG_ID = "gov_inspection_quarterly"


class NotAuthorized(Exception):
    """A refused request. ``authenticated`` tells a missing/invalid login (a browser is sent to the login page)
    from a logged-in user without the permission (403 page)."""

    def __init__(self, status_code: int, detail: str, *, authenticated: bool) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.authenticated = authenticated


async def require_viewer(request: Request) -> str:
    """FastAPI dependency: the logged-in user's name, or :class:`NotAuthorized` (401 anonymous, 403 not allowed)."""
    # Imported here: Airflow's API modules are heavy and need a configured Airflow; plugin discovery in the
    # scheduler and workers imports this module without ever serving a request.
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user
    from fastapi import HTTPException

    try:
        credentials = await bearer_scheme(request)
        user = await get_user(request, None, credentials)
    except HTTPException as exc:
        raise NotAuthorized(exc.status_code, str(exc.detail), authenticated=False) from None
    allowed = get_auth_manager().is_authorized_dag(
        method="GET", access_entity=DagAccessEntity.RUN, details=DagDetails(id=QUARTERLY_DAG_ID), user=user
    )
    name = user.get_name()
    if not allowed:
        log.warning("User %s may not read runs of %s: refused %s", name, QUARTERLY_DAG_ID, request.url.path)
        raise NotAuthorized(403, f"user {name} may not read runs of {QUARTERLY_DAG_ID}", authenticated=True)
    request.state.govinspect_user = name
    return name


def login_url(next_url: str) -> str | None:
    """Airflow's login page, coming back to ``next_url``; None when no auth manager runs in this process."""
    try:
        from airflow.api_fastapi.app import get_auth_manager

        return get_auth_manager().get_url_login(next_url=next_url)
    except RuntimeError:  # not initialised: the app runs outside an API server (unit tests)
        return None
