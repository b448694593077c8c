"""Website renderers, one module per CMS family; :func:`site_app` picks the right one for a site."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from govinspect.sandbox.cms.base import CmsSite
from govinspect.sandbox.cms.hanweb import HanwebSite
from govinspect.sandbox.cms.trs import TrsSite
from govinspect.sandbox.scenario import Site

FAMILIES: dict[str, type[CmsSite]] = {"trs": TrsSite, "hanweb": HanwebSite}


def site_app(site: Site, monitoring_point, now: Callable[[], datetime]) -> CmsSite:
    return FAMILIES[site.cms](site, monitoring_point, now)


__all__ = ["CmsSite", "FAMILIES", "HanwebSite", "TrsSite", "site_app"]
