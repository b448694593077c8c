"""Platform connectors: one interface — an account's status and its posts in a time window.

Each connector is written against the platform's real endpoint shapes (``shared/reference/
sources-in-the-wild.md``); base URLs and credentials come from configuration (:mod:`.endpoints`).
"""

from govinspect.platforms.base import AccountResult, Connector, PlatformEndpoint
from govinspect.platforms.registry import connector_for

__all__ = ["AccountResult", "Connector", "PlatformEndpoint", "connector_for"]
