"""Synthetic raw landing at national scale, for benchmarks/national_scale.py.

Every record type of ``govinspect.landing.SCHEMAS`` plus the availability probes (``PROBE_SCHEMA``) is
generated in DuckDB SQL (vectorised, no per-row Python), cast to the landing schema with pyarrow and
written in the landing layout, one file per unit of work as the pipeline lands them::

    <raw>/quarter=<Q>/run=<run_slug>/<record_type>/<part>.parquet   part = site (collect_website),
                                                                     batch of 25 accounts, or "inventory"
    <raw>/probes/date=<Beijing day>/<probe_run>.parquet               one file per probe round

Randomness is ``hash(seed, salt, key…)``: the same seed gives the same files whatever the thread count.
The mix is chosen so every rule fires somewhere: stale, blank, undated and pinned columns; accounts posting
every day or every few weeks, stopped, closed with and without a filing; sites failing 0-30 % of probes,
some around the 5 % line, some probed fewer than 20 times on a day.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from govinspect.landing import PROBE_SCHEMA, SCHEMAS, run_dir, slug

ACCOUNTS_PER_BATCH = 25  # as collect_accounts_<platform> lands them
SITE_CHUNK = 2000  # sites generated per DuckDB query (bounds memory)
ACCOUNT_CHUNK = 20000


@dataclass(frozen=True)
class SynthSpec:
    sites: int = 14_000
    accounts: int = 100_000
    days: int = 7  # probe days before the monitoring point
    probes_per_day: int = 24
    seed: int = 42
    quarter: str = "2024Q3"
    run_id: str = "bench"
    monitoring_date: dt.date = dt.date(2024, 9, 10)
    sites_per_file: int = 1  # 1 = one file per site per record type, as collect_website lands them
    accounts_per_file: int = ACCOUNTS_PER_BATCH  # as collect_accounts_<platform> lands them

    @property
    def run_slug(self) -> str:
        return slug(self.run_id)


def probe_minute(k: int, spec: SynthSpec) -> int:
    """Minute of the Beijing day of probe round ``k`` (hourly at :05 for 24 a day)."""
    return k * 1440 // spec.probes_per_day + 5


class _Gen:
    """The SQL of each record type, for a chunk [lo, hi) of site or account indexes (1-based)."""

    def __init__(self, spec: SynthSpec) -> None:
        self.s = spec
        self.m = f"DATE '{spec.monitoring_date.isoformat()}'"
        self.fixed = f"'{spec.run_id}' AS run_id, '{spec.quarter}' AS quarter"

    def u(self, salt: str, *keys: str) -> str:
        """A uniform number in [0, 1) from the seed, a salt and the row's keys."""
        return f"((hash({self.s.seed}, '{salt}', {', '.join(keys)}) % 1000003)::DOUBLE / 1000003)"

    def site_part(self, s: str = "s") -> str:
        if self.s.sites_per_file == 1:
            return f"printf('S%06d', {s})"
        n = self.s.sites_per_file
        return f"printf('sites_%06d', ({s} - 1) // {n} * {n} + 1)"

    # --- inventory ------------------------------------------------------------------------------------
    def sites(self, lo: int, hi: int) -> str:
        return f"""
        SELECT s, printf('S%06d', s) AS site_id,
               CASE WHEN s % 40 = 1 THEN '州' WHEN {self.u('lvl', 's')} < 0.45 THEN '部门' ELSE '县' END AS level,
               printf('第%d号单位', s) AS unit,
               printf('https://s%06d.gov.example.cn/', s) AS home_url
        FROM range({lo}, {hi}) t(s)"""

    def inventory_websites(self, lo: int, hi: int) -> str:
        return f"""SELECT 'inventory' AS _part, {self.fixed}, site_id, unit, level, unit || '门户网站' AS site_name,
                   home_url, s::INTEGER AS inventory_order FROM ({self.sites(lo, hi)}) ORDER BY s"""

    def columns(self, lo: int, hi: int) -> str:
        # 8 columns per site, one per category; lag = days between the newest item and the monitoring point
        return f"""
        SELECT sites.*, c, site_id || '-C' || c AS column_id,
               ['要闻','动态','通知公告','政策文件','人事','规划计划','互动','其他'][c] AS category,
               home_url || 'col' || c || '/' AS column_url,
               {self.u('colr', 's', 'c')} AS r,
               CASE WHEN r < 0.90 THEN floor({self.u('lag1', 's', 'c')} * 11)
                    WHEN r < 0.95 THEN 11 + floor({self.u('lag2', 's', 'c')} * 10)
                    ELSE 20 + floor({self.u('lag3', 's', 'c')} * 400) END::INTEGER AS lag,
               CASE WHEN r > 0.97 THEN 0 ELSE 20 + floor({self.u('n', 's', 'c')} * 21)::INTEGER END AS n_items,
               CASE WHEN c <= 2 THEN 1 + floor({self.u('step', 's', 'c')} * 3)
                    ELSE 3 + floor({self.u('step', 's', 'c')} * 25) END::INTEGER AS step
        FROM ({self.sites(lo, hi)}) sites, range(1, 9) t(c)"""

    def inventory_columns(self, lo: int, hi: int) -> str:
        return f"""SELECT 'inventory' AS _part, {self.fixed}, column_id, site_id,
                   category || '栏目' AS column_name, category, column_url AS url,
                   ((s - 1) * 8 + c)::INTEGER AS inventory_order
                   FROM ({self.columns(lo, hi)}) ORDER BY s, c"""

    def column_items(self, lo: int, hi: int) -> str:
        d = f"{self.m} - (lag + (p - 1) * step)::INTEGER"
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, column_id, column_url AS page_url,
               p::INTEGER AS position, '关于' || column_id || '第' || p || '条信息的通知' AS title,
               column_url || 't' || p || '.html' AS url,
               CASE WHEN pinned THEN {self.m} - 500 WHEN undated THEN NULL ELSE {d} END AS item_date,
               CASE WHEN undated THEN NULL ELSE strftime(item_date, '%Y-%m-%d') END AS date_text,
               CASE WHEN undated THEN NULL ELSE 'list' END AS date_source, pinned
        FROM (
            SELECT cols.*, p,
                   p = 1 AND {self.u('pin', 's', 'c')} < 0.10 AS pinned,
                   {self.u('undated', 's', 'c', 'p')} < 0.02 AS undated
            FROM ({self.columns(lo, hi)}) cols, range(1, n_items + 1) t(p)
        ) ORDER BY s, c, p"""

    def pages(self, lo: int, hi: int) -> str:
        # per site: the home page, 8 column list pages, 10 articles
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id,
               CASE WHEN k BETWEEN 1 AND 8 THEN site_id || '-C' || k END AS column_id,
               CASE WHEN k = 0 THEN 'home' WHEN k <= 8 THEN 'list' ELSE 'article' END AS page_kind,
               CASE WHEN k = 0 THEN home_url WHEN k <= 8 THEN home_url || 'col' || k || '/'
                    ELSE home_url || 'art/' || k || '.html' END AS url,
               url AS final_url,
               TIMESTAMPTZ '2024-09-10 01:00:00+00' + to_seconds(s * 2 + k) AS fetched_at,
               CASE WHEN ok THEN 200 END::INTEGER AS status_code,
               CASE WHEN ok THEN 'ok' ELSE 'timeout' END AS outcome,
               (50 + {self.u('ms', 's', 'k')} * 3000)::DOUBLE AS elapsed_ms,
               CASE WHEN ok THEN md5(url) || md5(site_id || k) END AS content_sha256,
               CASE WHEN ok THEN (20000 + {self.u('bytes', 's', 'k')} * 200000)::BIGINT END AS content_bytes,
               CASE WHEN ok THEN 'utf-8' END AS encoding,
               CASE WHEN NOT ok THEN 'read timeout after 15 s' END AS error
        FROM (SELECT sites.*, k, {self.u('pgok', 's', 'k')} > 0.02 AS ok
              FROM ({self.sites(lo, hi)}) sites, range(0, 19) t(k))
        ORDER BY s, k"""

    def home_items(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, home_url AS page_url, p::INTEGER AS position,
               '首页信息' || p AS title, home_url || 'news/' || p || '.html' AS url,
               CASE WHEN NOT undated THEN {self.m} - (lag + p - 1)::INTEGER END AS item_date,
               CASE WHEN NOT undated THEN strftime(item_date, '%m-%d') END AS date_text,
               CASE WHEN NOT undated THEN 'list' END AS date_source, p = 1 AND {self.u('hpin', 's')} < 0.05 AS pinned
        FROM (SELECT sites.*, p,
                     (CASE WHEN {self.u('hl', 's')} < 0.9 THEN {self.u('hl1', 's')} * 10
                           ELSE 10 + {self.u('hl2', 's')} * 60 END)::INTEGER AS lag,
                     {self.u('hund', 's', 'p')} < 0.03 AS undated
              FROM ({self.sites(lo, hi)}) sites, range(1, 21) t(p))
        ORDER BY s, p"""

    def discovered_columns(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, home_url AS found_on, '专题专栏' || k AS title,
               home_url || 'ztzl' || k || '/' AS url, 'column-like link not in the inventory' AS reason
        FROM ({self.sites(lo, hi)}) sites, range(1, 4) t(k)
        WHERE {self.u('disc', 's', 'k')} < 0.15 ORDER BY s, k"""

    def links(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id,
               CASE WHEN k % 9 = 0 THEN home_url ELSE home_url || 'col' || (k % 9) || '/' END AS found_on,
               '链接' || k AS link_text,
               CASE WHEN k % 3 = 0 THEN printf('https://ext%d.example.cn/p/%d', k % 50, s)
                    ELSE home_url || 'p/' || k || '.html' END AS url,
               TIMESTAMPTZ '2024-09-10 02:00:00+00' + to_seconds(s * 5 + k) AS checked_at,
               CASE WHEN k % 2 = 0 THEN 'HEAD' ELSE 'GET' END AS method,
               CASE outcome WHEN 'ok' THEN 200 WHEN 'http_error' THEN 404 END::INTEGER AS status_code,
               outcome, (20 + {self.u('lms', 's', 'k')} * 2000)::DOUBLE AS elapsed_ms,
               CASE WHEN outcome NOT IN ('ok', 'http_error') THEN outcome || ' while checking' END AS error
        FROM (SELECT sites.*,
                     CASE WHEN r < 0.95 THEN 'ok' WHEN r < 0.98 THEN 'http_error'
                          WHEN r < 0.99 THEN 'timeout' ELSE 'refused' END AS outcome
              FROM (SELECT sites.*, k, {self.u('lnk', 's', 'k')} AS r
                    FROM ({self.sites(lo, hi)}) sites, range(1, 51) t(k)) sites)
        ORDER BY s, k"""

    def content_hits(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, site_id || '-C' || (1 + k % 4) AS column_id,
               home_url || 'art/hit' || k || '.html' AS article_url, '通知' || k AS article_title,
               {self.m} - (k * 7)::INTEGER AS article_date,
               CASE WHEN k % 2 = 0 THEN 'privacy' ELSE 'wording' END AS "check",
               CASE WHEN k % 2 = 0 THEN ['id_card', 'mobile', 'bank_card'][1 + k % 3]
                    ELSE ['领导姓名', '过时机构名称', '错别字'][1 + k % 3] END AS kind,
               CASE WHEN k % 2 = 0 THEN '513300********1234' ELSE '甘孜州人民政俯' END AS matched,
               CASE WHEN k % 2 = 1 THEN '甘孜州人民政府' END AS suggestion,
               '……上下文……' AS context, md5(site_id || k) || md5(k || site_id) AS content_sha256
        FROM ({self.sites(lo, hi)}) sites, range(0, 3) t(k)
        WHERE {self.u('hit', 's', 'k')} < 0.2 ORDER BY s, k"""

    def messages(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, site_id || '-C7' AS column_id,
               home_url || 'col7/' AS page_url, '群众留言' || k AS title, home_url || 'col7/m' || k || '.html' AS url,
               asked_on, CASE WHEN NOT unanswered THEN asked_on + (r * 20)::INTEGER END AS replied_on,
               CASE WHEN unanswered THEN '未回复' ELSE '已回复' END AS status_text
        FROM (SELECT sites.*, k, {self.m} - ({self.u('ask', 's', 'k')} * 180)::INTEGER AS asked_on,
                     {self.u('rep', 's', 'k')} AS r, {self.u('unans', 's', 'k')} < 0.05 AS unanswered
              FROM ({self.sites(lo, hi)}) sites, range(1, 21) t(k))
        ORDER BY s, k"""

    def reposts(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.site_part()} AS _part, {self.fixed}, site_id, 'R' || k AS release_id,
               '重点政务信息' || k AS release_title, '国务院办公厅' AS publisher, released_at, found,
               CASE WHEN found THEN site_id || '-C1' END AS column_id,
               CASE WHEN found THEN home_url || 'col1/r' || k || '.html' END AS url,
               CASE WHEN found THEN released_at + to_hours(({self.u('rph', 's', 'k')} * 96)::INTEGER) END
                   AS reposted_at,
               CASE WHEN found THEN 'article' END AS date_source
        FROM (SELECT sites.*, k, TIMESTAMPTZ '2024-07-01 02:00:00+00' + to_days(k * 12) AS released_at,
                     {self.u('rfound', 's', 'k')} < 0.9 AS found
              FROM ({self.sites(lo, hi)}) sites, range(1, 6) t(k))
        ORDER BY s, k"""

    # --- accounts -------------------------------------------------------------------------------------
    def accounts(self, lo: int, hi: int) -> str:
        n = self.s.sites
        return f"""
        SELECT a, printf('A%07d', a) AS account_id,
               ['新浪微博','微信订阅号','微信服务号','今日头条','抖音短视频'][1 + floor(pr * 5)::INTEGER] AS platform,
               ['weibo','wechat','wechat','toutiao','douyin'][1 + floor(pr * 5)::INTEGER] AS connector,
               printf('第%d号单位', 1 + (a - 1) % {n}) AS unit,
               CASE WHEN (a - 1) % {n} % 40 = 0 THEN '州' WHEN {self.u('lvl', '1 + (a - 1) % ' + str(n))} < 0.45
                    THEN '部门' ELSE '县' END AS level,
               'p' || a AS platform_id, {self.u('st', 'a')} AS rs,
               [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 10, 16, 30]
                   [1 + floor({self.u('cad', 'a')} * 20)::INTEGER] AS cadence,
               (CASE WHEN {self.u('stop', 'a')} < 0.85 THEN {self.u('lag', 'a')} * 6
                     ELSE 6 + {self.u('lag2', 'a')} * 60 END)::INTEGER AS lag
        FROM (SELECT a, {self.u('pf', 'a')} AS pr FROM range({lo}, {hi}) t(a))"""

    def account_part(self) -> str:
        return f"printf('batch_%05d', (a - 1) // {self.s.accounts_per_file})"

    def inventory_accounts(self, lo: int, hi: int) -> str:
        return f"""
        SELECT 'inventory' AS _part, {self.fixed}, account_id, unit, level, platform, connector,
               unit || platform || '号' || a AS account_name, platform_id,
               CASE WHEN connector = 'wechat' THEN 'gh_' || a END AS platform_alt_id, a::INTEGER AS inventory_order
        FROM ({self.accounts(lo, hi)}) ORDER BY a"""

    def inventory_roster(self, lo: int, hi: int) -> str:
        # every account filed; 1.5 % with a closure filing; 2 % extra roster rows for accounts not inventoried
        return f"""
        SELECT 'inventory' AS _part, {self.fixed}, unit, platform, unit || platform || '号' || a AS account_name,
               CASE WHEN extra = 1 THEN 'x' || a ELSE platform_id END AS platform_id,
               CASE WHEN filed_closed THEN ['关停', '注销'][1 + a % 2] ELSE '正常' END AS status,
               DATE '2018-01-01' + (a % 2000)::INTEGER AS opened_on,
               CASE WHEN filed_closed THEN {self.m} - (a % 300)::INTEGER END AS closed_on,
               (a * 2 + extra)::INTEGER AS inventory_order
        FROM (SELECT acc.*, extra, {self.u('rost', 'a', 'extra')} < 0.015 AS filed_closed
              FROM ({self.accounts(lo, hi)}) acc, range(0, 2) t(extra)
              WHERE extra = 0 OR {self.u('extra', 'a')} < 0.02)
        ORDER BY a, extra"""

    def account_statuses(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.account_part()} AS _part, {self.fixed}, account_id, platform, connector,
               TIMESTAMPTZ '2024-09-10 03:00:00+00' + to_milliseconds(a * 20) AS fetched_at,
               'https://api.platform.example/users/' || platform_id AS request_url,
               CASE WHEN outcome = 'ok' THEN 200 ELSE 429 END::INTEGER AS http_status, outcome,
               CASE WHEN outcome <> 'ok' THEN 'unknown' WHEN rs < 0.025 THEN 'closed'
                    WHEN rs < 0.03 THEN 'not_found' WHEN rs < 0.04 THEN 'unknown' ELSE 'active' END AS status,
               platform || '账号' || a AS display_name, rs > 0.3 AS verified,
               md5('st' || a) || md5(account_id) AS raw_sha256,
               CASE WHEN outcome <> 'ok' THEN 'rate limited, retries exhausted' END AS error
        FROM (SELECT acc.*, CASE WHEN {self.u('sto', 'a')} < 0.02 THEN 'rate_limited' ELSE 'ok' END AS outcome
              FROM ({self.accounts(lo, hi)}) acc)
        ORDER BY a"""

    def posts(self, lo: int, hi: int) -> str:
        # a post every `cadence` days (± jitter) back from `lag` days before the monitoring point, over
        # ~100 days; daily accounts post twice a day; 5 % have an old pinned post (j = -1); closed accounts
        # (status closed/not_found) stop posting a month earlier; nothing for accounts whose collection failed
        return f"""
        SELECT {self.account_part()} AS _part, {self.fixed}, account_id, platform,
               account_id || '-' || j || '-' || n AS post_id,
               timezone('Asia/Shanghai', published_on::TIMESTAMP
                        + to_minutes(((a * 7 + j * 13 + n * 311) % 960 + 420)::INTEGER)) AS published_at,
               published_on, '发布信息' || j AS title,
               'https://post.example/' || account_id || '/' || j || '-' || n AS url,
               j = -1 AS pinned, (a + j) % 10 = 0 AS is_repost,
               CASE WHEN a % 50 = 0 THEN 'hand_export' ELSE 'connector' END AS source,
               md5(account_id || j || n) || md5(j || account_id) AS raw_sha256
        FROM (
            SELECT acc.*, j, n,
                   CASE WHEN j = -1 THEN {self.m} - 400
                        ELSE {self.m} - (lag2 + j * cadence + floor({self.u('jit', 'a', 'j')} * cadence / 2))::INTEGER
                   END AS published_on
            FROM (SELECT *, lag + CASE WHEN rs < 0.03 THEN 30 ELSE 0 END AS lag2 FROM ({self.accounts(lo, hi)}))
                 acc, range(-1, (100 // cadence)::BIGINT + 1) t(j),
                 range(0, CASE WHEN cadence = 1 THEN 2 ELSE 1 END) u(n)
            WHERE {self.u('sto', 'a')} >= 0.02
              AND (j >= 0 OR {self.u('ppin', 'a')} < 0.05)
              AND (j = -1 OR lag2 + j * cadence <= 100)
        ) ORDER BY a, j, n"""

    def account_candidates(self, lo: int, hi: int) -> str:
        return f"""
        SELECT {self.account_part()} AS _part, {self.fixed}, platform, connector, unit AS query, unit,
               'cand' || a AS platform_id, unit || '发布' AS account_name, {self.u('cv', 'a')} < 0.5 AS verified,
               CASE WHEN {self.u('cv', 'a')} < 0.5 THEN unit END AS verified_name,
               'https://platform.example/u/cand' || a AS url,
               TIMESTAMPTZ '2024-09-10 04:00:00+00' + to_milliseconds(a * 10) AS fetched_at,
               'https://api.platform.example/search?q=' || unit AS request_url,
               md5('c' || a) || md5(account_id) AS raw_sha256
        FROM ({self.accounts(lo, hi)}) WHERE {self.u('cand', 'a')} < 0.05 ORDER BY a"""

    # --- probes ---------------------------------------------------------------------------------------
    def probes_round(self, day_back: int, k: int) -> str:
        # a site's failure probability: most sites ~0.5 %, 10 % around the 5 % line, 5 % down 10-30 %;
        # 1 % of sites miss probes on one day (fewer than 20 that day)
        day = self.s.monitoring_date - dt.timedelta(days=day_back)
        minute = probe_minute(k, self.s)
        at = f"timezone('Asia/Shanghai', TIMESTAMP '{day.isoformat()} 00:00:00' + to_minutes({minute}))"
        return f"""
        SELECT site_id, home_url AS url, {at} AS probed_at, outcome,
               CASE outcome WHEN 'ok' THEN 200 WHEN 'http_error' THEN 503 WHEN 'challenged' THEN 412 END::INTEGER
                   AS status_code,
               CASE WHEN outcome = 'timeout' THEN 15000 ELSE 80 + r * 3000 END::DOUBLE AS elapsed_ms,
               CASE WHEN outcome = 'ok' THEN md5(site_id) || md5(home_url) END AS content_sha256,
               CASE WHEN outcome IN ('timeout', 'refused', 'http_error') THEN outcome END AS error
        FROM (SELECT sites.*, {self.u('pr', 's', str(day_back), str(k))} AS r,
                     CASE WHEN {self.u('ps', 's')} < 0.85 THEN 0.005
                          WHEN {self.u('ps', 's')} < 0.95 THEN 0.03 + {self.u('pq', 's')} * 0.04
                          ELSE 0.10 + {self.u('pq', 's')} * 0.20 END AS p_fail,
                     CASE WHEN r < p_fail THEN ['timeout', 'refused', 'http_error'][1 + (s + {k}) % 3]
                          WHEN r > 0.99 THEN 'challenged' ELSE 'ok' END AS outcome
              FROM ({self.sites(1, self.s.sites + 1)}) sites)
        WHERE NOT ({self.u('pmiss', 's')} < 0.01 AND {day_back} = 1 + s % {self.s.days} AND {k} % 4 = 0)
        ORDER BY s"""


SITE_TYPES = ("column_items", "pages", "home_items", "discovered_columns", "links", "content_hits", "messages",
              "reposts")
ACCOUNT_TYPES = ("account_statuses", "posts", "account_candidates")
INVENTORY_TYPES = {"inventory_websites": "sites", "inventory_columns": "sites",
                   "inventory_accounts": "accounts", "inventory_roster": "accounts"}


class _Writer:
    """Writes Arrow slices as Parquet files on 2 threads (pyarrow releases the GIL)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.futures: list = []
        self.files = 0

    def write(self, table: pa.Table, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.futures.append(self.pool.submit(pq.write_table, table, target, compression="zstd"))
        self.files += 1

    def wait(self) -> None:
        for future in self.futures:
            future.result()
        self.futures.clear()


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly the landing schema's fields and types; a field the generator does not know
    yet (added to landing.SCHEMAS later) is filled with nulls, so the benchmark keeps running."""
    unknown = set(table.column_names) - set(schema.names)
    if unknown:
        raise ValueError(f"synthetic fields not in the landing schema: {sorted(unknown)}")
    for name in schema.names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, schema.field(name).type))
    return table.select(schema.names).cast(schema)


def _split_parts(con: duckdb.DuckDBPyConnection, sql: str, schema: pa.Schema, folder: Path, writer: _Writer,
                 parts: dict[str, list[pa.Table]] | None = None) -> int:
    """Run ``sql`` (ordered by its ``_part`` column), cast to ``schema``, write one file per part.

    With ``parts`` given, slices are collected there (for parts spanning several chunks) instead of written.
    """
    table = con.sql(sql).to_arrow_table()
    part = table.column("_part").to_numpy(zero_copy_only=False)
    table = conform(table.drop_columns(["_part"]), schema)
    if table.num_rows == 0:
        return 0
    starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
    ends = np.r_[starts[1:], len(part)]
    for start, end in zip(starts, ends, strict=True):
        piece = table.slice(int(start), int(end - start))
        if parts is not None:
            parts.setdefault(str(part[start]), []).append(piece)
        else:
            writer.write(piece, folder / f"{part[start]}.parquet")
    return table.num_rows


def generate(spec: SynthSpec, raw: Path, log: Callable[[str], None] = print) -> dict[str, int]:
    """Write the synthetic raw landing of one quarterly run and its probes under ``raw``; return row counts."""
    gen = _Gen(spec)
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 2}")
    writer = _Writer()
    counts: dict[str, int] = {}
    rdir = run_dir(spec.quarter, spec.run_id, raw)

    for record_type, entity in INVENTORY_TYPES.items():
        t0 = time.perf_counter()
        total = spec.sites if entity == "sites" else spec.accounts
        chunk = SITE_CHUNK if entity == "sites" else ACCOUNT_CHUNK
        collected: dict[str, list[pa.Table]] = {}
        counts[record_type] = sum(
            _split_parts(con, getattr(gen, record_type)(lo, min(lo + chunk, total + 1)), SCHEMAS[record_type],
                         rdir / record_type, writer, collected)
            for lo in range(1, total + 1, chunk))
        for name, pieces in collected.items():
            writer.write(pa.concat_tables(pieces), rdir / record_type / f"{name}.parquet")
        log(f"  {record_type:<20} {counts[record_type]:>11,} rows  {time.perf_counter() - t0:6.1f} s")

    for record_type in SITE_TYPES + ACCOUNT_TYPES:
        t0 = time.perf_counter()
        is_site = record_type in SITE_TYPES
        total = spec.sites if is_site else spec.accounts
        chunk = SITE_CHUNK if is_site else ACCOUNT_CHUNK
        per_file = spec.sites_per_file if is_site else spec.accounts_per_file
        chunk = max(per_file, chunk // per_file * per_file)  # a file's rows come from one chunk
        counts[record_type] = 0
        for lo in range(1, total + 1, chunk):
            counts[record_type] += _split_parts(con, getattr(gen, record_type)(lo, min(lo + chunk, total + 1)),
                                                SCHEMAS[record_type], rdir / record_type, writer)
        writer.wait()
        if not any((rdir / record_type).glob("*.parquet")):  # as landing.ensure_all_record_types does
            writer.write(SCHEMAS[record_type].empty_table(), rdir / record_type / "_empty.parquet")
        log(f"  {record_type:<20} {counts[record_type]:>11,} rows  {time.perf_counter() - t0:6.1f} s")

    t0 = time.perf_counter()
    counts["probes"] = 0
    for day_back in range(spec.days, 0, -1):
        day = spec.monitoring_date - dt.timedelta(days=day_back)
        for k in range(spec.probes_per_day):
            minute = probe_minute(k, spec)
            probe_run_id = f"probe__{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"
            table = con.sql(gen.probes_round(day_back, k)).to_arrow_table()
            table = table.append_column(pa.field("probe_run_id", pa.string(), nullable=False),
                                        pa.array([probe_run_id] * table.num_rows, pa.string()))
            table = conform(table, PROBE_SCHEMA)
            writer.write(table, raw / "probes" / f"date={day.isoformat()}" / f"{slug(probe_run_id)}.parquet")
            counts["probes"] += table.num_rows
    writer.wait()
    log(f"  {'probes':<20} {counts['probes']:>11,} rows  {time.perf_counter() - t0:6.1f} s")
    writer.pool.shutdown()
    con.close()
    counts["_files"] = writer.files
    return counts
