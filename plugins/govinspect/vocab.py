"""Controlled vocabularies shared by the inventory, the collectors, the landing files and the dbt models.

The Chinese terms are what officials write in the inventory and read in the notice; the ASCII codes are
what code and file names use.
"""

from __future__ import annotations

# Administrative level of a unit (网站/账号所属层级).
LEVELS: tuple[str, ...] = ("州", "部门", "县")

# Column categories (栏目类别) and the staleness window family each belongs to.
CATEGORIES: tuple[str, ...] = ("要闻", "动态", "通知公告", "政策文件", "人事", "规划计划", "互动", "其他")

# Platform names as the notice prints them -> connector code.
PLATFORMS: dict[str, str] = {
    "新浪微博": "weibo",
    "微信订阅号": "wechat",
    "微信服务号": "wechat",
    "今日头条": "toutiao",
    "抖音短视频": "douyin",
}
CONNECTORS: tuple[str, ...] = ("weibo", "wechat", "toutiao", "douyin")

# Outcome of one HTTP fetch (pages, probes, platform calls).
FETCH_OUTCOMES: tuple[str, ...] = (
    "ok",  # complete 2xx answer
    "timeout",  # no complete answer within the time limit
    "refused",  # connection refused
    "reset",  # connection reset / closed mid-answer
    "tls",  # certificate or handshake failure
    "http_error",  # non-2xx final status (other than a challenge)
    "challenged",  # anti-bot challenge (HTTP 412, JavaScript challenge): not "down"
    "too_large",  # body over the size limit
    "rate_limited",  # platform or site said slow down, retries exhausted
    "blocked_by_policy",  # refused by the SSRF guard (scheme, private/loopback/metadata address): not fetched
    "not_collected",  # not attempted (budget spent, missing credentials): reason in `error`
    "error",  # anything else; the message is in `error`
)

# One status vocabulary for accounts, whatever the platform said.
ACCOUNT_STATUSES: tuple[str, ...] = ("active", "closed", "not_found", "blocked", "unknown")

# Filing roster (政务新媒体信息报送系统) statuses.
ROSTER_STATUSES: tuple[str, ...] = ("正常", "关停", "注销")

# Kinds of pages landed in `pages`.
PAGE_KINDS: tuple[str, ...] = ("home", "list", "article", "guestbook")
