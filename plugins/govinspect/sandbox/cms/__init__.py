"""Website renderers, one module per CMS family; :func:`site_app` picks the right one for a site."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from govinspect.sandbox.cms.base import CmsSite
from govinspect.sandbox.cms.hanweb import HanwebSite
from govinspect.sandbox.cms.kaipu import KaipuSite
from govinspect.sandbox.cms.sichuan import SichuanSite
from govinspect.sandbox.cms.trs import TrsSite
from govinspect.sandbox.scenario import Site

FAMILIES: dict[str, type[CmsSite]] = {"trs": TrsSite, "hanweb": HanwebSite, "sichuan": SichuanSite, "kaipu": KaipuSite}


def site_app(site: Site, monitoring_point, now: Callable[[], datetime], releases=()) -> CmsSite:
    """The site's server; ``releases`` (the scenario's important releases) resolve its ``reposts``."""
    return FAMILIES[site.cms](site, monitoring_point, now, releases)


__all__ = ["CmsSite", "FAMILIES", "HanwebSite", "KaipuSite", "SichuanSite", "TrsSite", "site_app"]
