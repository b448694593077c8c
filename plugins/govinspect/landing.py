"""Raw landing: every collected record is written once, as Parquet, with its evidence.

Layout under ``paths().raw`` (the dbt sources read exactly these globs)::

    quarter=<Q>/run=<run>/<record_type>/<part>.parquet   per quarterly run (inventory snapshot, pages, ...)
    probes/date=<YYYY-MM-DD>/<probe_run>.parquet         availability probes, one record per site per probe

``<part>`` is the unit of work that produced the file (a site id, a platform batch); re-running that unit
replaces exactly its file. Every record type always has at least one file per run (possibly with zero
rows), so that readers never fail on a missing glob. Files are written to a temporary name and renamed:
nothing half-written is ever visible.

Fetched bodies are kept as evidence: gzip-compressed, content-addressed by sha256 under
``paths().evidence/<sha[:2]>/<sha>.gz``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from govinspect.settings import paths

_TS = pa.timestamp("us", tz="UTC")

_RUN = [
    pa.field("run_id", pa.string(), nullable=False),
    pa.field("quarter", pa.string(), nullable=False),
]

SCHEMAS: dict[str, pa.Schema] = {
    # --- inventory snapshot, as validated at the start of the run ---------------------------------------
    "inventory_websites": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("unit", pa.string()), pa.field("level", pa.string()),
        pa.field("site_name", pa.string()), pa.field("home_url", pa.string()),
        pa.field("inventory_order", pa.int32()),
    ]),
    "inventory_columns": pa.schema(_RUN + [
        pa.field("column_id", pa.string()), pa.field("site_id", pa.string()),
        pa.field("column_name", pa.string()), pa.field("category", pa.string()), pa.field("url", pa.string()),
        pa.field("inventory_order", pa.int32()),
    ]),
    "inventory_accounts": pa.schema(_RUN + [
        pa.field("account_id", pa.string()), pa.field("unit", pa.string()), pa.field("level", pa.string()),
        pa.field("platform", pa.string()), pa.field("connector", pa.string()),
        pa.field("account_name", pa.string()), pa.field("platform_id", pa.string()),
        pa.field("platform_alt_id", pa.string()), pa.field("inventory_order", pa.int32()),
    ]),
    "inventory_roster": pa.schema(_RUN + [
        pa.field("unit", pa.string()), pa.field("platform", pa.string()), pa.field("account_name", pa.string()),
        pa.field("platform_id", pa.string()), pa.field("status", pa.string()),
        pa.field("opened_on", pa.date32()), pa.field("closed_on", pa.date32()),
        pa.field("inventory_order", pa.int32()),
    ]),
    # --- websites ---------------------------------------------------------------------------------------
    # One row per fetched page (home, column list pages, articles), with its evidence.
    "pages": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("column_id", pa.string()),
        pa.field("page_kind", pa.string()), pa.field("url", pa.string()), pa.field("final_url", pa.string()),
        pa.field("fetched_at", _TS), pa.field("status_code", pa.int32()), pa.field("outcome", pa.string()),
        pa.field("elapsed_ms", pa.float64()), pa.field("content_sha256", pa.string()),
        pa.field("content_bytes", pa.int64()), pa.field("encoding", pa.string()), pa.field("error", pa.string()),
    ]),
    # One row per item found on a column list page.
    "column_items": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("column_id", pa.string()), pa.field("page_url", pa.string()),
        pa.field("position", pa.int32()), pa.field("title", pa.string()), pa.field("url", pa.string()),
        pa.field("item_date", pa.date32()), pa.field("date_text", pa.string()),
        pa.field("date_source", pa.string()), pa.field("pinned", pa.bool_()),
    ]),
    # Items linked from the home page with their dates (W2 首页更新): the newest dated one is the home page's
    # last update. Same fields as column items, without a column.
    "home_items": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("page_url", pa.string()), pa.field("position", pa.int32()),
        pa.field("title", pa.string()), pa.field("url", pa.string()), pa.field("item_date", pa.date32()),
        pa.field("date_text", pa.string()), pa.field("date_source", pa.string()), pa.field("pinned", pa.bool_()),
    ]),
    # Column-like links on the home page that the inventory does not know: for an operator to add.
    "discovered_columns": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("found_on", pa.string()), pa.field("title", pa.string()),
        pa.field("url", pa.string()), pa.field("reason", pa.string()),
    ]),
    # One row per distinct link checked (错链死链), with the first page it was found on.
    "links": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("found_on", pa.string()), pa.field("link_text", pa.string()),
        pa.field("url", pa.string()), pa.field("checked_at", _TS), pa.field("method", pa.string()),
        pa.field("status_code", pa.int32()), pa.field("outcome", pa.string()), pa.field("elapsed_ms", pa.float64()),
        pa.field("error", pa.string()),
    ]),
    # Content checks of article pages dated inside the window: personal data (隐私泄露: only a masked form is
    # kept) and suspected wording errors (错别字/表述不规范, always "suspected": a person confirms).
    "content_hits": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("column_id", pa.string()), pa.field("article_url", pa.string()),
        pa.field("article_title", pa.string()), pa.field("article_date", pa.date32()),
        pa.field("check", pa.string()),  # privacy | wording
        pa.field("kind", pa.string()),  # id_card | mobile | bank_card | the dictionary entry's kind (领导姓名…)
        pa.field("matched", pa.string()),  # privacy: the masked form only; wording: the suspect text
        pa.field("suggestion", pa.string()),  # wording: the right form from the dictionary
        pa.field("context", pa.string()),  # a short excerpt around the hit, personal numbers masked
        pa.field("content_sha256", pa.string()),
    ]),
    # Interaction column (互动/留言): one row per message, with the dates it was asked and answered.
    "messages": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("column_id", pa.string()), pa.field("page_url", pa.string()),
        pa.field("title", pa.string()), pa.field("url", pa.string()), pa.field("asked_on", pa.date32()),
        pa.field("replied_on", pa.date32()), pa.field("status_text", pa.string()),
    ]),
    # Important releases (重点政务信息转载): for each configured release and site, whether and when it was reposted.
    "reposts": pa.schema(_RUN + [
        pa.field("site_id", pa.string()), pa.field("release_id", pa.string()),
        pa.field("release_title", pa.string()), pa.field("publisher", pa.string()),
        pa.field("released_at", _TS), pa.field("found", pa.bool_()), pa.field("column_id", pa.string()),
        pa.field("url", pa.string()), pa.field("reposted_at", _TS), pa.field("date_source", pa.string()),
    ]),
    # --- accounts ---------------------------------------------------------------------------------------
    # One row per account per run: what the platform said about the account.
    "account_statuses": pa.schema(_RUN + [
        pa.field("account_id", pa.string()), pa.field("platform", pa.string()),
        pa.field("connector", pa.string()), pa.field("fetched_at", _TS), pa.field("request_url", pa.string()),
        pa.field("http_status", pa.int32()), pa.field("outcome", pa.string()), pa.field("status", pa.string()),
        pa.field("display_name", pa.string()), pa.field("verified", pa.bool_()),
        pa.field("raw_sha256", pa.string()), pa.field("error", pa.string()),
    ]),
    # One row per post in the collection window.
    "posts": pa.schema(_RUN + [
        pa.field("account_id", pa.string()), pa.field("platform", pa.string()),
        pa.field("post_id", pa.string()), pa.field("published_at", _TS),
        pa.field("published_on", pa.date32()),  # calendar day in Asia/Shanghai
        pa.field("title", pa.string()), pa.field("url", pa.string()), pa.field("pinned", pa.bool_()),
        pa.field("is_repost", pa.bool_()), pa.field("source", pa.string()),  # connector | hand_export
        pa.field("raw_sha256", pa.string()),
    ]),
    # Accounts found by searching each platform for the units' names (私自开设 discovery), with evidence;
    # whether a candidate is in the roster is decided downstream (dbt), and an operator confirms.
    "account_candidates": pa.schema(_RUN + [
        pa.field("platform", pa.string()), pa.field("connector", pa.string()), pa.field("query", pa.string()),
        pa.field("unit", pa.string()), pa.field("platform_id", pa.string()), pa.field("account_name", pa.string()),
        pa.field("verified", pa.bool_()), pa.field("verified_name", pa.string()), pa.field("url", pa.string()),
        pa.field("fetched_at", _TS), pa.field("request_url", pa.string()), pa.field("raw_sha256", pa.string()),
    ]),
}

PROBE_SCHEMA = pa.schema([
    pa.field("probe_run_id", pa.string(), nullable=False),
    pa.field("site_id", pa.string()), pa.field("url", pa.string()), pa.field("probed_at", _TS),
    pa.field("outcome", pa.string()), pa.field("status_code", pa.int32()), pa.field("elapsed_ms", pa.float64()),
    pa.field("content_sha256", pa.string()), pa.field("error", pa.string()),
])

RUN_RECORD_TYPES: tuple[str, ...] = tuple(SCHEMAS)


def slug(value: str) -> str:
    """A file-system-safe token for run ids such as ``manual__2024-09-10T00:00:00+00:00``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", value).strip("_") or "run"


def run_dir(quarter: str, run_id: str, root: Path | None = None) -> Path:
    return (root or paths().raw) / f"quarter={quarter}" / f"run={slug(run_id)}"


def _write_atomic(table: pa.Table, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(target)
    return target


def _table(rows: Iterable[Mapping], schema: pa.Schema, fixed: Mapping[str, object]) -> pa.Table:
    rows = [dict(r) | dict(fixed) for r in rows]
    unknown = {k for r in rows for k in r} - set(schema.names)
    if unknown:
        raise ValueError(f"fields not in the landing schema: {sorted(unknown)}")
    return pa.Table.from_pylist(rows, schema=schema)


def land(record_type: str, rows: Iterable[Mapping], *, quarter: str, run_id: str, part: str,
         root: Path | None = None) -> Path:
    """Write the rows of one unit of work (``part``) of a quarterly run; replaces that part's file."""
    if record_type not in SCHEMAS:
        raise ValueError(f"unknown record type '{record_type}' (known: {', '.join(SCHEMAS)})")
    table = _table(rows, SCHEMAS[record_type], {"run_id": run_id, "quarter": quarter})
    return _write_atomic(table, run_dir(quarter, run_id, root) / record_type / f"{slug(part)}.parquet")


def ensure_all_record_types(quarter: str, run_id: str, root: Path | None = None) -> list[Path]:
    """Give every record type of a run at least one (possibly empty) file so dbt's globs always match."""
    written = []
    for record_type in RUN_RECORD_TYPES:
        folder = run_dir(quarter, run_id, root) / record_type
        if not any(folder.glob("*.parquet")):
            written.append(land(record_type, [], quarter=quarter, run_id=run_id, part="_empty", root=root))
    return written


def land_probes(rows: Iterable[Mapping], *, probe_run_id: str, day: str, root: Path | None = None) -> Path:
    """Write one probe round (one record per site) for calendar day ``day`` (YYYY-MM-DD)."""
    table = _table(rows, PROBE_SCHEMA, {"probe_run_id": probe_run_id})
    target = (root or paths().raw) / "probes" / f"date={day}" / f"{slug(probe_run_id)}.parquet"
    return _write_atomic(table, target)


def read_run(record_type: str, quarter: str, run_id: str, root: Path | None = None) -> pa.Table:
    """All rows of one record type of one run (for validation and tests)."""
    files = sorted((run_dir(quarter, run_id, root) / record_type).glob("*.parquet"))
    if not files:
        return SCHEMAS[record_type].empty_table()
    return pa.concat_tables([pq.read_table(f, schema=SCHEMAS[record_type]) for f in files])


def store_evidence(body: bytes, root: Path | None = None) -> str:
    """Keep a fetched body, gzip-compressed and content-addressed; return its sha256."""
    digest = hashlib.sha256(body).hexdigest()
    target = (root or paths().evidence) / digest[:2] / f"{digest}.gz"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
        tmp.replace(target)
    return digest


def load_evidence(digest: str, root: Path | None = None) -> bytes:
    return gzip.decompress(((root or paths().evidence) / digest[:2] / f"{digest}.gz").read_bytes())
