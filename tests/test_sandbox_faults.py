"""Faults and outages of the simulated prefecture, observed from a plain httpx client (scenario ``faults``).

No project collector code: each fault kind must be visible to any HTTP client the way the real thing is.
Client timeouts are short; the slow_drip site is sped up for the suite (its scenario value is checked).
"""

from __future__ import annotations

import re
import ssl
import time
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from govinspect.inventory import load_inventory
from govinspect.sandbox import Sandbox, ScenarioError, parse_scenario
from govinspect.sandbox.faults import probe_schedule

ROOT = Path(__file__).resolve().parent.parent
FAULTS = ROOT / "include" / "scenarios" / "faults.yaml"
DRIP = {"duration": 1.0, "interval": 0.25}  # the suite's slow drip: a 1 s body, a slice every 0.25 s
TLS_SITES = {"tlsss", "tlsexp"}


def faults_data() -> dict:
    return yaml.safe_load(FAULTS.read_text(encoding="utf-8"))


def site_data(data: dict, site_id: str) -> dict:
    return next(s for s in data["sites"] if s["site_id"] == site_id)


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    data = faults_data()
    site_data(data, "drip")["faults"] = [{"kind": "slow_drip", **DRIP}]
    scenario = parse_scenario(data, "faults.yaml", default_name="faults")
    with Sandbox(scenario, port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


@pytest.fixture
def fresh(sb):
    """Reset every fault counter and put the clock back to its default afterwards."""
    for plan in [*sb.site_faults.values(), *sb.platform_faults.values()]:
        plan.reset()
    yield sb
    sb.set_clock(datetime(2024, 9, 10, 20, 0))


def get(url: str, timeout: float = 2.0, **kw) -> httpx.Response:
    return httpx.get(url, timeout=timeout, **kw)


def home(sb, site_id: str) -> str:
    return sb.site_urls[site_id] + "/"


# --- scenario and inventory ------------------------------------------------------------------------------
def test_scenario_is_valid_and_inventory_loads_with_https_for_tls_sites(sb):
    inv = load_inventory(sb.inventory_dir)
    urls = {w.site_id: w.home_url for w in inv.websites}
    assert set(urls) == {s.site_id for s in sb.scenario.sites}
    for site_id, url in urls.items():
        assert url.startswith("https://" if site_id in TLS_SITES else "http://"), url
    for col in inv.columns:
        assert col.url.startswith("https://" if col.site_id in TLS_SITES else "http://"), col.url
    for site in sb.scenario.sites:
        assert len(site.columns) == 2


def test_scenario_drip_is_slower_than_the_w1_limit():
    fault = site_data(faults_data(), "drip")["faults"][0]
    assert fault["kind"] == "slow_drip" and fault["duration"] > 15


def test_control_site_is_clean(fresh):
    for _ in range(6):
        r = get(home(fresh, "ok"))
        assert r.status_code == 200 and "SiteName" in r.text


# --- response faults ---------------------------------------------------------------------------------------
def test_http_5xx_bursts(fresh):
    statuses = [get(home(fresh, "e5xx")).status_code for _ in range(10)]
    assert statuses == [200, 200, 200, 502, 503, 200, 200, 200, 502, 503]
    r = get(home(fresh, "e5xx"))
    assert r.status_code == 200


def test_http_5xx_body_is_an_error_page(fresh):
    for _ in range(3):
        get(home(fresh, "e5xx"))
    r = get(home(fresh, "e5xx"))
    assert r.status_code == 502 and "502 Bad Gateway" in r.text and "SiteName" not in r.text


def test_redirect_loop(fresh):
    with pytest.raises(httpx.TooManyRedirects):
        get(home(fresh, "loop"), follow_redirects=True)
    r = get(fresh.site_urls["loop"] + "/gzdt/index.html")
    assert r.status_code == 302 and r.headers["location"] == "/gzdt/index.html"


def test_challenge_412(fresh):
    r = get(home(fresh, "c412"))
    assert r.status_code == 412
    assert "$_ts" in r.text and "<script" in r.text and "document.cookie" in r.text
    assert "SiteName" not in r.text and "set-cookie" in r.headers


def test_challenge_js_answers_200(fresh):
    r = get(home(fresh, "cjs"))
    assert r.status_code == 200
    assert "acw_sc__v2" in r.text and "var arg1=" in r.text and "SiteName" not in r.text
    assert "acw_tc=" in r.headers["set-cookie"]


def test_large_page(fresh):
    r = get(home(fresh, "large"), timeout=10)
    assert r.status_code == 200 and len(r.content) == 20 * 1024 * 1024
    assert 'name="SiteName"' in r.text[:5000] and r.text.rstrip().endswith("</html>")
    lst = get(fresh.site_urls["large"] + "/gzdt/index.html")
    assert lst.status_code == 200 and len(lst.content) < 100_000  # only the home page is large


def test_endless_pagination_trs(fresh):
    base = fresh.site_urls["endless"] + "/gzdt/"
    pages = [re.search(r"createPageHTML\((\d+), (\d+)", get(base + "index.html").text)]
    assert pages[0] and int(pages[0].group(1)) >= 2
    r = get(base + "index_50.html")
    assert r.status_code == 200
    m = re.search(r"createPageHTML\((\d+), (\d+)", r.text)
    assert m and (int(m.group(1)), int(m.group(2))) == (52, 50)
    assert re.search(r'href="\./\d{6}/t\d{8}_\d+\.html"', r.text)  # real items on a phantom page
    assert get(base + "index_51.html").status_code == 200


def test_endless_pagination_hanweb(fresh):
    unit = fresh.sites["endlesshw"].unit_id
    col = fresh.sites["endlesshw"].content.columns[0].key
    url = f"{fresh.site_urls['endlesshw']}/module/web/jpage/dataproxy.jsp?page=50&columnid={col}&unitid={unit}"
    r = get(url)
    assert r.status_code == 200 and "<record>" in r.text
    assert int(re.search(r"<totalpage>(\d+)</totalpage>", r.text).group(1)) >= 51
    assert "page=51" in re.search(r"<nextgroup>(.*?)</nextgroup>", r.text, re.S).group(1)


def test_wrong_charset_header_utf8_body_gbk(fresh):
    r = get(home(fresh, "cshdr"))
    assert r.headers["content-type"].lower().endswith("charset=utf-8")
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    text = r.content.decode("gb18030")
    assert fresh.scenario.site("cshdr").site_name in text and "charset=gb2312" in text


def test_wrong_charset_meta_gbk_body_utf8(fresh):
    r = get(home(fresh, "csmeta"))
    assert "charset" not in r.headers["content-type"].lower()
    assert b'<meta charset="gbk">' in r.content
    name = fresh.scenario.site("csmeta").site_name
    assert name in r.content.decode("utf-8")
    assert name not in r.content.decode("gb18030", errors="replace")


def test_rate_limit_weibo_sliding_window(fresh):
    url = fresh.platform_urls["weibo"] + "/api/container/getIndex?type=uid&value=6012345678"
    answers = [get(url) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[0].json()["ok"] == 1
    retry = int(answers[3].headers["retry-after"])
    assert 1 <= retry <= 10


def test_rate_limit_wechat_every_4th(fresh):
    url = fresh.platform_urls["wechat"] + "/cgi-bin/searchbiz?action=search_biz&query=x&token=t&f=json"
    answers = [get(url) for _ in range(4)]
    assert [a.status_code for a in answers][3] == 429 and all(a.status_code != 429 for a in answers[:3])
    assert answers[3].headers["retry-after"] == "30"
    assert answers[3].json()["base_resp"]["ret"] == 200013


# --- delivery faults ---------------------------------------------------------------------------------------
def test_hang_times_out(fresh):
    start = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        get(home(fresh, "hang"), timeout=0.5)
    assert time.monotonic() - start < 3


def test_reset_mid_answer(fresh):
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        get(home(fresh, "reset"))


def test_truncated_body(fresh):
    with httpx.stream("GET", home(fresh, "trunc"), timeout=2) as r:
        declared = int(r.headers["content-length"])
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in r.iter_raw():
                received += chunk
    assert 0 < len(received) < declared


def test_slow_drip_takes_longer_than_its_duration(fresh):
    start = time.monotonic()
    r = get(home(fresh, "drip"), timeout=3)
    elapsed = time.monotonic() - start
    assert r.status_code == 200 and r.text.rstrip().endswith("</html>")
    assert elapsed >= DRIP["duration"] - DRIP["interval"]
    # the whole visit is slow, not any single read: a total deadline is what catches it
    with pytest.raises(httpx.ReadTimeout):
        get(home(fresh, "drip"), timeout=httpx.Timeout(2, read=0.1))


# --- TLS ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("site_id", sorted(TLS_SITES))
def test_tls_verification_fails_and_verify_false_works(fresh, site_id):
    url = home(fresh, site_id)
    assert url.startswith("https://")
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        get(url)
    r = get(url, verify=False)
    assert r.status_code == 200 and "SiteName" in r.text


def test_tls_self_signed_and_expired_are_told_apart(fresh):
    with pytest.raises(httpx.ConnectError, match="self-signed"):
        get(home(fresh, "tlsss"))
    trusting = ssl.create_default_context(cadata=fresh.tls.ca_pem)
    with pytest.raises(httpx.ConnectError, match="expired"):
        get(home(fresh, "tlsexp"), verify=trusting)


# --- outages and replay ------------------------------------------------------------------------------------
def test_outage_windows_follow_the_clock(fresh):
    url = home(fresh, "outage")
    fresh.set_clock(datetime(2024, 9, 5, 10, 30))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError, httpx.WriteError)):
        get(url, timeout=1)
    assert get(home(fresh, "ok")).status_code == 200  # other hosts are up
    fresh.set_clock(datetime(2024, 9, 5, 12, 0))
    assert get(url).status_code == 200
    fresh.set_clock(datetime(2024, 9, 6, 3, 0))
    with pytest.raises(httpx.ReadTimeout):
        get(url, timeout=0.5)
    fresh.set_clock(datetime(2024, 9, 7, 10, 59))
    r = get(url)
    assert r.status_code == 503 and "SiteName" not in r.text
    fresh.set_clock(datetime(2024, 9, 8, 8, 30))  # windowed fault, not an outage
    assert get(url).status_code == 502
    fresh.set_clock(datetime(2024, 9, 8, 9, 0))  # end excluded
    assert get(url).status_code == 200


def test_replay_a_day_of_probes(fresh):
    before = fresh.now()
    outcomes: dict[datetime, str] = {}
    for instant in fresh.replay(probe_schedule(date(2024, 9, 5), days=2, per_day=24)):
        try:
            outcomes[instant] = str(get(home(fresh, "outage"), timeout=0.3).status_code)
        except httpx.TransportError as exc:
            outcomes[instant] = type(exc).__name__
    assert len(outcomes) == 48
    failed = {i.strftime("%m-%d %H:%M") for i, o in outcomes.items() if o != "200"}
    # 09-05 10:00–11:00 refused; 09-06 02:00–06:00 hang (4 probes at :07)
    assert failed == {"09-05 10:07", "09-06 02:07", "09-06 03:07", "09-06 04:07", "09-06 05:07"}
    assert abs((fresh.now() - before).total_seconds()) < 30  # clock put back


# --- validation --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fault", "message"), [
    ({"kind": "meltdown"}, "unknown fault kind 'meltdown'"),
    ({"kind": "hang", "rate": 3}, "option 'rate' does not apply to kind 'hang'"),
    ({"kind": "tls_expired", "paths": ["/"]}, "applies to the whole host"),
    ({"kind": "http_5xx", "status": 404}, "http_5xx status must be 5xx"),
    ({"kind": "http_5xx", "burst": 2}, "'burst' needs 'every'"),
    ({"kind": "rate_limit", "limit": 3}, "'limit' and 'per' go together"),
    ({"kind": "wrong_charset", "body": "klingon"}, "unknown charset 'klingon'"),
    ({"kind": "http_5xx", "paths": ["gzdt/*"]}, "must start with '/'"),
])
def test_bad_faults_are_reported_with_their_path(fault, message):
    data = faults_data()
    site_data(data, "ok")["faults"] = [fault]
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "faults.yaml")
    assert any(p.startswith("faults.yaml: sites[0].faults") and message in p for p in err.value.problems), \
        err.value.problems


def test_bad_outages_and_platform_options_are_reported():
    data = faults_data()
    site_data(data, "ok")["outages"] = [{"start": "2024-09-05T11:00", "end": "2024-09-05T10:00"}]
    data["platforms"]["weibo"]["faults"].append({"kind": "tls_self_signed"})
    site_data(data, "e5xx")["outages"] = [{"start": "2024-09-05T10:00", "end": "2024-09-05T11:00", "kind": "flood"}]
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "faults.yaml")
    text = "\n".join(err.value.problems)
    assert "sites[0].outages[0]: end 2024-09-05T10:00 is not after start" in text
    assert "sites[1].outages[0].kind: unknown outage kind 'flood'" in text
    assert "platforms.weibo.faults: tls_* faults apply to sites only" in text
    data = faults_data()
    data["platforms"]["myspace"] = {"faults": []}
    with pytest.raises(ScenarioError, match="platforms: unknown platform connector 'myspace'"):
        parse_scenario(data, "faults.yaml")


def test_scope_paths_first_and_window_unit():
    from govinspect.sandbox.faults import Fault, HostFaults
    from govinspect.sandbox.server import Request

    def req(path: str) -> Request:
        return Request("GET", path, path, {}, {}, "HTTP/1.1", ("127.0.0.1", 80))

    plan = HostFaults([
        Fault(kind="http_5xx", paths=["/gzdt/*"], first=2),
        Fault(kind="hang", window={"start": "2024-09-05T10:00", "end": "2024-09-05T11:00"}),
    ])
    noon, ten = datetime(2024, 9, 5, 12, 0), datetime(2024, 9, 5, 10, 0)
    kinds = [tuple(f and f.kind for f in plan.select(req(p), noon))
             for p in ["/", "/gzdt/index.html", "/gzdt/index_1.html", "/gzdt/index_2.html"]]
    assert kinds == [(None, None), ("http_5xx", None), ("http_5xx", None), (None, None)]
    assert plan.select(req("/"), ten) == (None, plan.faults[1])  # naive = China time, start included
    plan.reset()
    assert plan.select(req("/gzdt/x.html"), noon)[0] is plan.faults[0]
