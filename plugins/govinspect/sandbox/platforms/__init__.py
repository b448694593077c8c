"""Platform emulators, one module per platform; :data:`EMULATORS` maps connector code -> class.

Each module's docstring documents its endpoints; host slots are in :mod:`..api`.
"""

from __future__ import annotations

from govinspect.sandbox.platforms.base import PlatformEmulator
from govinspect.sandbox.platforms.douyin import DouyinEmulator
from govinspect.sandbox.platforms.toutiao import ToutiaoEmulator
from govinspect.sandbox.platforms.wechat import WechatEmulator
from govinspect.sandbox.platforms.weibo import WeiboEmulator

EMULATORS: dict[str, type[PlatformEmulator]] = {
    "weibo": WeiboEmulator, "wechat": WechatEmulator, "toutiao": ToutiaoEmulator, "douyin": DouyinEmulator,
}
# Platforms that keep serving a closed (注销) account's published posts: Toutiao keeps the articles.
KEEPS_HISTORY_WHEN_CLOSED: tuple[str, ...] = ("toutiao",)

__all__ = ["EMULATORS", "KEEPS_HISTORY_WHEN_CLOSED", "DouyinEmulator", "PlatformEmulator", "ToutiaoEmulator",
           "WechatEmulator", "WeiboEmulator"]
