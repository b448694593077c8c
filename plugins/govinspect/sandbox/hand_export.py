"""A hand export in the generated inventory (``exports/``), as an operator would download it from a back-end.

The simulated prefecture writes one file so that the demo imports a hand export
(:mod:`govinspect.platforms.handexport`): the Douyin creator-centre export (抖音创作者服务中心 → 作品管理 →
导出) of one active account that no annex names, with the columns that export has — 平台, 账号ID, 作品名称,
发布时间 (to the minute, Beijing time), 是否置顶 — and no link or video id. Its posts are the ones the platform
serves for the account, so the account's posting days, and so the notice's annexes, do not change.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from govinspect.platforms.handexport import FOLDER
from govinspect.sandbox.content import build_account
from govinspect.sandbox.scenario import Account, Scenario

HEADER = ["平台", "账号ID", "作品名称", "发布时间", "是否置顶"]
WINDOW_DAYS = 100  # what the export covers, back from the monitoring point


def export_account(scenario: Scenario) -> Account | None:
    """The account the demo export is for: the first active Douyin account with posts that no annex names."""
    named = {(row.platform, row.account_name) for row in scenario.expected.annex2}
    for account in scenario.accounts:
        if (account.connector == "douyin" and account.status == "active" and account.posts
                and (account.platform, account.account_name) not in named):
            return account
    return None


def write_hand_export(folder: Path, scenario: Scenario) -> Path | None:
    """Write ``exports/douyin-<account_id>.csv`` into an inventory folder (None: no account fits)."""
    account = export_account(scenario)
    exports = folder / FOLDER
    for old in exports.glob("douyin-*.csv"):  # a previous generation's file (the folder is reused)
        old.unlink()
    if account is None:
        return None
    content = build_account(account, scenario.monitoring_point)
    since = scenario.monitoring_point - timedelta(days=WINDOW_DAYS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for post in content.posts:
        day = post.published.date()
        if since <= day <= scenario.monitoring_point:
            writer.writerow([account.platform, account.platform_id, post.text, f"{post.published:%Y-%m-%d %H:%M}",
                             "是" if post.pinned else "否"])
    exports.mkdir(parents=True, exist_ok=True)
    target = exports / f"douyin-{account.account_id}.csv"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8-sig")  # Excel-friendly, as back-ends write it
    tmp.replace(target)
    return target
