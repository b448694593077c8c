"""Operator views: the notices of every quarterly run, their downloads, dbt docs and GX Data Docs, in the Airflow UI.

:func:`create_app` builds a FastAPI app that the Airflow plugin ``plugins/govinspect_views_plugin.py`` mounts on
the API server at :data:`URL_PREFIX` and lists in the UI navigation (an external view shown in an iframe).
Everything is behind Airflow's login (:mod:`govinspect.views.auth`); what exists is read from the output folder
(:mod:`govinspect.views.outputs`).
"""

from __future__ import annotations

from govinspect.views.app import create_app

URL_PREFIX = "/govinspect"
NAV_ROUTE = "govinspect"  # the UI shows the view at <base>/plugin/govinspect

__all__ = ["NAV_ROUTE", "URL_PREFIX", "create_app"]
