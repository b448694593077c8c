"""Airflow plugin: the 检查通报 views (notices, downloads, dbt docs, GX Data Docs) in the Airflow UI.

Mounts :func:`govinspect.views.create_app` on the API server at ``/govinspect`` and adds a navigation entry
("检查通报", its own icon in the sidebar) that shows it inside the UI at ``/plugin/govinspect``. The pages
require Airflow's login (see :mod:`govinspect.views.auth`). Needs Airflow >= 3.1 (external views).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from govinspect.views import NAV_ROUTE, URL_PREFIX, create_app


class GovinspectViewsPlugin(AirflowPlugin):
    name = "govinspect_views"
    fastapi_apps = [{"name": "govinspect_views", "app": create_app(), "url_prefix": URL_PREFIX}]
    external_views = [
        {
            "name": "检查通报",
            # No leading slash: the UI resolves it against its <base href>, so a [api] base_url path is kept.
            "href": URL_PREFIX.lstrip("/") + "/",
            "url_route": NAV_ROUTE,
            "destination": "nav",
            "nav_top_level": True,  # its own entry in the sidebar, not inside the Browse menu
            "icon": URL_PREFIX.lstrip("/") + "/icon.svg",
            "icon_dark_mode": URL_PREFIX.lstrip("/") + "/icon-dark.svg",
        },
        {
            # A tab on every DAG run; for runs of gov_inspection_quarterly it opens that run's quarter.
            "name": "通报",
            "href": URL_PREFIX.lstrip("/") + "/runs/{DAG_ID}/{RUN_ID}",
            "url_route": NAV_ROUTE + "-run",
            "destination": "dag_run",
        },
    ]
