"""Website collection on the simulated Ganzi prefecture (ganzi-2024q3): what the scenario planted is found on
the planted sites, and nothing on the clean ones.

Expected values come from the scenario file and the simulated sites' content; the collector itself only
sees the pages (HTTP on loopback).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from govinspect import landing, pipeline
from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.collect.site import CollectLimits, collect_site
from govinspect.collect.wording import Dictionary
from govinspect.inventory import load_inventory
from govinspect.releases import BEIJING, load_releases
from govinspect.sandbox import Sandbox
from govinspect.sandbox.clock import CST

AS_OF = date(2024, 9, 10)
POLICY = FetchPolicy(total_timeout=10, max_attempts=2, per_host=2, global_limit=16, min_interval=0.0,
                     allowed_networks=("127.61.0.0/16",))
LIMITS = CollectLimits()  # the production defaults


@pytest.fixture(autouse=True)
def _data_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with Sandbox("ganzi-2024q3", port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def collected(sb, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVINSPECT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    records = load_inventory(sb.inventory_dir).records()
    releases = load_releases(sb.inventory_dir)
    dictionary = Dictionary.load()

    async def go():
        async with Fetcher(POLICY) as fetcher:
            return await asyncio.gather(*(
                collect_site(w, [c for c in records["columns"] if c["site_id"] == w["site_id"]], AS_OF, fetcher,
                             limits=LIMITS, dictionary=dictionary, releases=releases)
                for w in records["websites"]))

    try:
        return {r.site_id: r for r in asyncio.run(go())}
    finally:
        mp.undo()


def test_important_releases_file_is_written_with_the_inventory(sb):
    releases = load_releases(sb.inventory_dir)
    assert [r.release_id for r in releases] == [r.release_id for r in sb.scenario.important_releases]
    gwy = releases[0]
    assert gwy.released_at == datetime(2024, 8, 3, 17, 0, tzinfo=BEIJING)  # 38 days before 2024-09-10, 17:00


def test_every_site_is_collected_without_failures(collected, sb):
    assert set(collected) == {s.site_id for s in sb.scenario.sites}
    for site_id, result in collected.items():
        assert {p["outcome"] for p in result.pages} == {"ok"}, site_id
        assert result.home_items, site_id


def test_pagination_reads_every_item_of_the_year(collected, sb):
    now = sb.now()
    horizon = datetime.combine(AS_OF - timedelta(days=LIMITS.history_days), datetime.min.time(), CST)
    for site_id, app in sb.sites.items():
        for col in app.content.columns:
            if col.column.messages:
                continue
            visible = col.visible(now)
            expected = {a.title for a in visible}
            got = {i["title"] for i in collected[site_id].items if i["column_id"] == f"{site_id}/{col.column.name}"}
            if all(a.order_at is None or a.order_at >= horizon for a in visible):
                assert got == expected, (site_id, col.column.name, len(got), len(expected))
            else:
                assert got <= expected and got, (site_id, col.column.name)
    pages = {p["page_url"] for i in collected.values() for p in i.items}
    assert any("index_1.html" in u for u in pages) and any("list_2.shtml" in u for u in pages)
    assert any("dataproxy.jsp?page=2" in u for u in pages) and any("index_2.shtml" in u for u in pages)
    assert any("list.json?page=2" in u for u in pages)


def _planted_leaks(sb) -> set[tuple[str, str, str]]:
    from govinspect.collect.privacy import mask

    out = set()
    for site in sb.scenario.sites:
        for col in site.columns:
            for item in col.items:
                for leak in item.leaks:
                    if leak.kind in ("id_card", "mobile") and (item.days_ago or 0) <= LIMITS.window_days:
                        out.add((site.site_id, leak.kind, mask(leak.kind, leak.value)))
    return out


def test_unmasked_personal_numbers_are_reported_masked_and_masked_ones_are_not(collected, sb):
    hits = {(h["site_id"], h["kind"], h["matched"]) for r in collected.values() for h in r.content_hits
            if h["check"] == "privacy"}
    planted = _planted_leaks(sb)
    assert ("kds", "id_card", "513301********4523") in planted  # 康定: the planted unmasked ID number
    assert hits == planted
    assert not [h for h in collected["mzj"].content_hits if h["check"] == "privacy"]  # 州民政局: masked only
    for result in collected.values():
        for h in result.content_hits:
            assert "513301197803124523" not in (h["context"] or "") and "13981465203" not in (h["context"] or "")


def test_suspected_wording_errors_are_found_on_the_planted_sites_only(collected, sb):
    hits = {(h["site_id"], h["matched"], h["suggestion"], h["kind"]) for r in collected.values()
            for h in r.content_hits if h["check"] == "wording"}
    assert hits == {(w.site, w.wrong, w.right, w.kind) for w in sb.scenario.wording_errors}


def test_broken_links_are_the_planted_ones(collected, sb):
    broken = {(r.site_id, urlsplit(x["url"]).path, x["outcome"]) for r in collected.values() for x in r.links
              if x["outcome"] != "ok"}
    planted = {(s.site_id, link.path) for s in sb.scenario.sites for link in s.broken_links}
    assert {(site, path) for site, path, _ in broken} == planted
    outcomes = {(site, path): outcome for site, path, outcome in broken}
    for s in sb.scenario.sites:
        for link in s.broken_links:
            assert outcomes[(s.site_id, link.path)] == ("refused" if link.dead_host else "http_error")
    dfx = next(x for x in collected["dfx"].links if x["outcome"] != "ok")
    assert "/tzgg/" in dfx["found_on"]  # planted on the 通知公告 list pages, not the home page


def test_home_page_columns_missing_from_the_inventory(collected):
    found = {(r.site_id, urlsplit(d["url"]).path) for r in collected.values() for d in r.discovered_columns}
    # the sandbox's navigation equals the inventory: only the planted links to removed columns are left
    assert found == {("gzz", "/gzzrmzf/c100099/list.shtml"), ("gaj", "/bsfw/crj/index.shtml")}


def test_reposts_are_found_with_their_publication_time(collected, sb):
    releases = {r.release_id: r for r in load_releases(sb.inventory_dir)}
    for site in sb.scenario.sites:
        rows = {r["release_id"]: r for r in collected[site.site_id].reposts}
        assert set(rows) == set(releases), site.site_id
        planted = {rp.release: rp for rp in site.reposts}
        for release_id, row in rows.items():
            if release_id not in planted:
                assert not row["found"], (site.site_id, release_id)
                continue
            expected = releases[release_id].released_at + timedelta(hours=planted[release_id].after_hours)
            assert row["found"] and row["date_source"] == "meta", (site.site_id, release_id)
            assert row["reposted_at"] == expected, (site.site_id, release_id, row["reposted_at"])
            assert row["column_id"] == f"{site.site_id}/{planted[release_id].column}"


def test_guestbook_messages_with_their_reply_dates(collected, sb):
    for site_id, app in sb.sites.items():
        for col in app.content.columns:
            if not col.column.messages:
                continue
            got = [(m["title"], m["asked_on"], m["replied_on"]) for m in collected[site_id].messages
                   if m["column_id"] == f"{site_id}/{col.column.name}"]
            expected = [(m.title, m.asked.date(), m.replied.date() if m.replied else None)
                        for m in col.visible_messages(sb.now())]
            assert got == expected, site_id
    late = [m for m in collected["btx"].messages if m["title"] == "关于夏邛镇农贸市场排水不畅的反映"]
    assert len(late) == 1 and (late[0]["replied_on"] - late[0]["asked_on"]).days == 100


def test_collect_website_lands_every_record_type_of_the_site(sb, monkeypatch, tmp_path):
    for key, value in sb.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVINSPECT_ALLOWED_NETWORKS", "127.61.0.0/16")
    monkeypatch.setenv("GOVINSPECT_SITE_MIN_INTERVAL", "0")
    ctx = pipeline.prepare_run({"monitoring_date": "2024-09-10"}, "test_ganzi_kds")
    work = next(w for w in pipeline.plan_sites(ctx) if w["part"] == "kds")
    summary = pipeline.collect_website(work, ctx)
    assert summary["privacy_hits"] == 1 and summary["reposts_found"] == 2 and summary["messages"] > 0
    for record_type in ("pages", "column_items", "home_items", "discovered_columns", "links", "content_hits",
                        "messages", "reposts"):
        path = landing.run_dir(ctx["quarter"], ctx["run_id"]) / record_type / "kds.parquet"
        assert path.exists(), record_type
    hits = landing.read_run("content_hits", ctx["quarter"], ctx["run_id"]).to_pylist()
    assert [(h["kind"], h["matched"]) for h in hits] == [("id_card", "513301********4523")]


def test_sites_per_task_batches_sites_into_one_file_per_record_type(sb, monkeypatch, tmp_path):
    for key, value in sb.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVINSPECT_ALLOWED_NETWORKS", "127.61.0.0/16")
    monkeypatch.setenv("GOVINSPECT_SITE_MIN_INTERVAL", "0")
    monkeypatch.setenv("GOVINSPECT_SITES_PER_TASK", "3")
    ctx = pipeline.prepare_run({"monitoring_date": "2024-09-10"}, "test_ganzi_batch")
    units = pipeline.plan_sites(ctx)
    site_ids = [w.site_id for w in load_inventory(sb.inventory_dir).websites]
    assert [len(u["sites"]) for u in units] == [3] * (len(site_ids) // 3) + ([len(site_ids) % 3] if len(site_ids) % 3 else [])
    assert [unit["site"]["site_id"] for u in units for unit in u["sites"]] == site_ids  # inventory order, none lost
    first = units[0]
    ids = [unit["site"]["site_id"] for unit in first["sites"]]
    assert first["part"] == f"{ids[0]}..{ids[-1]}"
    summary = pipeline.collect_website(first, ctx)
    assert [s["site_id"] for s in summary["sites"]] == ids
    folder = landing.run_dir(ctx["quarter"], ctx["run_id"]) / "pages"
    assert [p.name for p in folder.glob("*.parquet")] == [f"{first['part']}.parquet"]
    pages = landing.read_run("pages", ctx["quarter"], ctx["run_id"]).to_pylist()
    assert {p["site_id"] for p in pages} == set(ids) and all(p["page_kind"] for p in pages)
    # every site of the batch has its home page row
    assert {p["site_id"] for p in pages if p["page_kind"] == "home"} == set(ids)


@pytest.mark.parametrize("value", ["0", "-2", "three"])
def test_sites_per_task_refuses_a_bad_value(monkeypatch, value):
    monkeypatch.setenv("GOVINSPECT_SITES_PER_TASK", value)
    with pytest.raises(ValueError, match="GOVINSPECT_SITES_PER_TASK"):
        pipeline.sites_per_task()


def test_prepare_run_refuses_a_bad_important_releases_file(sb, monkeypatch, tmp_path):
    import shutil

    from govinspect.releases import ReleasesError

    inventory = tmp_path / "inventory"
    shutil.copytree(sb.inventory_dir, inventory)
    (inventory / "important_releases.csv").write_text(
        "release_id,title,publisher,released_at,url\ngwy-1,国务院关于促进服务消费高质量发展的意见,国务院,2024/08/03 17:00,\n",
        encoding="utf-8")
    with pytest.raises(ReleasesError, match=r"important_releases\.csv: row 2, field 'released_at'"):
        pipeline.prepare_run({"monitoring_date": "2024-09-10", "inventory": str(inventory)}, "test_bad_releases")
    assert not landing.run_dir("2024Q3", "test_bad_releases").exists()  # nothing landed
