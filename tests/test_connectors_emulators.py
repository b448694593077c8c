"""Every connector against the platform emulators, one account per status the platform can answer (active,
closed, not found, blocked where the platform has it, rate limited): the status, the outcome and the posting
days must be the scenario's. Expected values come from the scenario below, not from the emulators."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.platforms.base import PlatformEndpoint
from govinspect.platforms.registry import connector_for
from govinspect.sandbox import Sandbox, parse_scenario
from govinspect.sandbox.content import build_account

MP = date(2024, 9, 10)
SINCE = MP - timedelta(days=100)


def sec(name: str) -> str:
    """A toutiao token / douyin sec_user_id of the platforms' shape."""
    return f"MS4wLjABAAAA{name}".ljust(55, "0")


def acc(account_id: str, platform: str, platform_id: str, status: str = "active", **kw) -> dict:
    return {"account_id": account_id, "unit": "道孚县人民政府办公室", "level": "县", "platform": platform,
            "account_name": f"道孚{account_id}", "platform_id": platform_id, "status": status, **kw}


POSTS = [{"days_ago": 150, "pinned": True, "title": "【置顶】道孚简介"}, {"repeat": 30, "days_ago": 1, "every": 4}]
SCENARIO = parse_scenario({
    "name": "connector-states",
    "monitoring_point": MP.isoformat(),
    "accounts": [
        acc("wb-active", "新浪微博", "3000000001", posts=POSTS),
        acc("wb-closed", "新浪微博", "3000000002", "closed", posts=POSTS[1:]),
        acc("wb-gone", "新浪微博", "3000000003", "not_found"),
        acc("wx-active", "微信订阅号", "MzAwMDAwMDAwMQ==", posts=POSTS[1:]),
        acc("wx-closed", "微信服务号", "MzAwMDAwMDAwMg==", "closed", posts=POSTS[1:]),
        acc("wx-gone", "微信订阅号", "MzAwMDAwMDAwMw==", "not_found"),
        acc("tt-active", "今日头条", sec("ttActive"), posts=POSTS),
        acc("tt-closed", "今日头条", sec("ttClosed"), "closed", posts=POSTS[1:]),
        acc("tt-blocked", "今日头条", sec("ttBlocked"), "blocked", posts=POSTS[1:]),
        acc("tt-gone", "今日头条", sec("ttGone"), "not_found"),
        acc("tt-limited", "今日头条", sec("ttLimited"), rate_limit=2, posts=POSTS[1:]),
        acc("dy-active", "抖音短视频", sec("dyActive"), posts=POSTS),
        acc("dy-closed", "抖音短视频", sec("dyClosed"), "closed", posts=POSTS[1:]),
        acc("dy-blocked", "抖音短视频", sec("dyBlocked"), "blocked", posts=POSTS[1:]),
        acc("dy-gone", "抖音短视频", sec("dyGone"), "not_found"),
    ],
}, "connector-states.yaml")
# what each platform shows of a closed account's posts: Toutiao keeps the articles, the others hide them
SHOWS_POSTS = {("active", c) for c in ("weibo", "wechat", "toutiao", "douyin")} | {("closed", "toutiao")}


def expected_days(account) -> list[date]:
    if (account.status, account.connector) not in SHOWS_POSTS:
        return []
    return sorted(p.published.date() for p in build_account(account, MP).posts if SINCE <= p.published.date() <= MP)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVINSPECT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    with Sandbox(SCENARIO, port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sb:
        async def go():
            policy = FetchPolicy(total_timeout=10, allowed_networks=("127.61.0.0/16",))
            async with Fetcher(policy) as f:
                out = {}
                for a in SCENARIO.accounts:
                    endpoint = PlatformEndpoint(a.connector, sb.platform_urls[a.connector],
                                                token=sb.wechat_token if a.connector == "wechat" else None)
                    row = {"account_id": a.account_id, "platform": a.platform, "connector": a.connector,
                           "platform_id": a.platform_id, "account_name": a.account_name}
                    out[a.account_id] = await connector_for(endpoint).collect(row, SINCE, MP, f)
                return out

        yield asyncio.run(go())
    mp.undo()


@pytest.mark.parametrize("account", SCENARIO.accounts, ids=lambda a: a.account_id)
def test_status_outcome_and_posting_days(results, account):
    result = results[account.account_id]
    assert (result.status["status"], result.status["outcome"]) == (account.status, "ok"), result.status["error"]
    assert result.status["raw_sha256"]  # the platform's answer is kept as evidence
    assert sorted(p["published_on"] for p in result.posts) == expected_days(account)


def test_pinned_old_post_is_flagged_and_does_not_stop_the_paging(results):
    for account_id in ("wb-active", "tt-active", "dy-active"):
        posts = results[account_id].posts
        assert len(posts) == 25  # 30 posts every 4 days from yesterday: days_ago 1, 5, …, 97 in the window
        assert not any(p["pinned"] for p in posts)  # the pinned one is 150 days old: outside the window
