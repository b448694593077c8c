"""Platform emulators, one module per platform; :data:`EMULATORS` maps connector code -> class.

Toutiao and Douyin come later: add a module and an entry here (and a host slot in :mod:`..api`).
"""

from __future__ import annotations

from govinspect.sandbox.platforms.base import PlatformEmulator
from govinspect.sandbox.platforms.wechat import WechatEmulator
from govinspect.sandbox.platforms.weibo import WeiboEmulator

EMULATORS: dict[str, type[PlatformEmulator]] = {"weibo": WeiboEmulator, "wechat": WechatEmulator}

__all__ = ["EMULATORS", "PlatformEmulator", "WechatEmulator", "WeiboEmulator"]
