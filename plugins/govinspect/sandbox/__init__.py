"""The simulated prefecture (模拟州): local HTTP servers imitating real government CMS sites and platform
endpoints, driven by scenario files. Collectors talk to it exactly as to the real thing: they only get
base URLs (in the generated inventory and in the Airflow connections); there is no sandbox code path.

Quick start::

    from govinspect.sandbox import Sandbox
    with Sandbox("small", port=0) as sb:       # port 0: an ephemeral port per host (tests)
        sb.site_urls        # {"gzz": "http://127.61.0.1:40123", ...}
        sb.platform_urls    # {"weibo": "http://127.61.250.1:…", "wechat": "http://127.61.250.2:…"}
        sb.inventory_dir    # paths().sandbox/small/inventory (websites/columns/accounts/roster CSVs)
        sb.env()            # GOVINSPECT_INVENTORY, GOVINSPECT_MONITORING_DATE, AIRFLOW_CONN_GOVINSPECT_WEIBO,
                            # AIRFLOW_CONN_GOVINSPECT_WECHAT, GOVINSPECT_WEIBO_URL, GOVINSPECT_WECHAT_URL,
                            # GOVINSPECT_WECHAT_TOKEN
        sb.set_clock(datetime(2024, 9, 11, 9, 0))   # simulated "now" (naive = China time); runs on from there

Command line: ``govinspect sandbox serve [--scenario small] [--port 8061] [--host-prefix 127.61]``
(also ``python -m govinspect.sandbox serve …``) prints ``export NAME='value'`` lines and a summary, and
serves until Ctrl-C / SIGTERM.

Hosts
=====
Every site and every platform is its own host: its own address in 127.0.0.0/8, all on the same port
(or each on an ephemeral port with ``port=0``). Sites get ``<prefix>.0.1``, ``<prefix>.0.2``… in scenario
order (250 per block: the 251st site is ``<prefix>.1.1``); platforms have fixed slots ``<prefix>.250.1``
weibo, ``.250.2`` wechat (``.250.3`` toutiao and ``.250.4`` douyin are reserved). One asyncio event loop
in one background thread serves them all with a small HTTP/1.1 parser (GET and HEAD; others 405;
``Connection: close``); see :mod:`.server`. The HTTP ``Date`` header follows the simulated clock.

Scenario format (``include/scenarios/<name>.yaml``)
===================================================
Validated on load (:func:`load_scenario`); every problem is reported as
``<file>: <field path>: <message>``, e.g. ``small.yaml: sites[2].columns[0].category: unknown category 'xx'``.
Unknown fields are errors. Vocabularies come from :mod:`govinspect.vocab`.

.. code-block:: yaml

    name: small                      # optional; defaults to the file name
    description: …                   # optional
    monitoring_point: 2024-09-10     # 监测时间点; every date below is relative to it
    sites:
      - site_id: drx                 # id (letters, digits, _ . -)
        unit: 得荣县                  # 所属地区或单位, as the notice prints it
        level: 县                     # 州 | 部门 | 县
        site_name: 得荣县人民政府
        cms: trs                     # trs | hanweb   (later: sichuan, kaipu)
        encoding: utf-8              # utf-8 | gbk: gbk pages declare the charset only in <meta>,
                                     #   HTTP Content-Type is plain "text/html"
        charset_label: gb2312        # optional: the label the <meta> declares (default: the encoding)
        domain: www.derong.gov.cn    # optional: SiteDomain meta (default www.<site_id>.gov.cn)
        site_code: "5133380001"      # optional: SiteIDCode meta (default derived from site_id)
        page_size: 20                # optional: items per list page (trs 20, hanweb 15)
        unit_id: 20417               # optional, hanweb only: the jcms unitid
        columns:
          - name: 得荣要闻
            category: 要闻            # 要闻 动态 通知公告 政策文件 人事 规划计划 互动 其他
            slug: dryw               # trs only, optional (default by category: yw, dt, tzgg, zcwj…)
            col_id: 1651             # hanweb only, optional (default 1001, 1002… in column order)
            items:
              - {days_ago: 20, title: 得荣县召开县委常委会（扩大）会议}   # days_ago >= 0
              - {days_ago: 150, pinned: true, title: …}   # pinned: listed on top with a 置顶 marker
              - {undated: true, title: …}                 # no date anywhere (list, URL, article page);
                                                          # listed above dated items unless it also has
                                                          # days_ago, which then only sets its position
              - {repeat: 15, days_ago: 26, every: 4}      # a series: days 26, 30, 34…; titles generated
              # also: body (article text; default generated)
    accounts:
      - account_id: drx-wechat-drfg
        unit: 得荣县发展和改革局
        level: 县
        platform: 微信订阅号           # 新浪微博 | 微信订阅号 | 微信服务号 (今日头条, 抖音短视频 later)
        account_name: 得荣发改
        platform_id: MzU3ODkwMTIzNA==  # weibo: the uid (digits); wechat: the fakeid (base64-like)
        platform_alt_id: drxfgj      # optional: wechat alias (微信号) …
        status: active               # active | closed | not_found (what the platform says)
        verified: true               # organisational verification (weibo verified / verified_type 7)
        posts:                       # a bare integer N means {days_ago: N}
          - 3
          - {days_ago: 20, title: …, pinned: true, repost: true}   # pinned: weibo isTop; repost: weibo
          - {repeat: 15, days_ago: 25, every: 5}                   #   retweeted_status
    roster:                          # the filing roster (政务新媒体信息报送系统 export)
      - {account: drx-wechat-drfg, status: 正常, opened_on: 2019-08-15}
      - {account: byx-wechat-byhp, status: 注销, opened_on: 2018-05-10, closed_on: 2024-06-28}
                                     # 正常 | 关停 | 注销 (关停/注销 need closed_on); accounts missing here
                                     # are unfiled (私自开设)
    expected:                        # what the scenario planted, for tests (not served anywhere)
      annex1: [{unit, site_name, problem}]            # 附件1 rows; problems of one site joined with "；"
      annex2: [{unit, platform, account_name, problem}]
      summary:
        websites: {州: {checked, flagged}, 部门: {…}, 县: {…}}
        accounts: {checked, flagged, closed_unfiled}
        # read flat too: summary.websites_checked_prefecture / _department / _county, websites_flagged_*,
        # accounts_checked, accounts_flagged, accounts_closed_unfiled

Later issues add top-level or per-site blocks (outages, faults, content leaks, toutiao/douyin accounts);
the loader rejects unknown fields, so each addition is explicit.

Generated inventory: ``websites.csv`` (home_url ``http://<addr>:<port>/``), ``columns.csv`` (the column's
first list page), ``accounts.csv``, ``roster.csv``, written by :func:`govinspect.inventory.write_inventory`.

Simulated clock
===============
Content dates are fixed relative to ``monitoring_point`` (items at days_ago 0 are published that day
between 08:00 and 18:59 China time). The clock (:meth:`Sandbox.set_clock`) starts at 20:00 on the
monitoring point and runs; anything published after "now" is not served, and ``Date`` headers follow it.

Website endpoints
=================
Common: ``/`` and ``/index.html`` home page with ``SiteName``/``SiteDomain``/``SiteIDCode`` meta tags, a nav
linking every column and one widget per column listing its newest items with ``MM-DD`` dates; article pages
with ``ArticleTitle``, ``PubDate`` (``YYYY-MM-DD HH:MM``, absent when undated), ``ColumnName``,
``ContentSource``; list pages with ``ColumnName``/``ColumnType``; link text truncated to 20 characters +
``…`` (full title in ``title``); a 404 page for anything else.

TRS (:mod:`.cms.trs`)
    ``/<slug>/index.html`` (and ``/<slug>/``), ``/<slug>/index_1.html``…; pager
    ``createPageHTML(<pages>, <current, 0-based>, "index", "html")``; items
    ``<li><a href="./YYYYMM/tYYYYMMDD_<id>.html" title="…">…</a><span>YYYY-MM-DD</span></li>``; articles
    ``/<slug>/YYYYMM/tYYYYMMDD_<id>.html`` (undated: ``/<slug>/art_<id>.html``); ids grow with the date.
Hanweb jcms (:mod:`.cms.hanweb`)
    ``/col/col<id>/index.html`` with the first page embedded in ``<script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=2&…">]]></nextgroup><recordset>
    <record><![CDATA[<li>…</li>]]></record>…</recordset></datastore></script>``; further pages
    ``/module/web/jpage/dataproxy.jsp?page=N&columnid=<id>&unitid=<unitid>`` → XML with ``<recordset>``,
    ``<totalrecord>``, ``<totalpage>``; articles ``/art/YYYY/M/D/art_<colid>_<artid>.html`` (undated:
    ``/art/art_<colid>_<artid>.html``); ids not in date order.

Platform endpoints
==================
Weibo (:mod:`.platforms.weibo`), always HTTP 200 JSON:
    ``GET /api/container/getIndex?type=uid&value=<uid>`` → ``{"ok":1,"data":{"userInfo":{"id","screen_name",
    "verified","verified_type":7,"statuses_count"},"tabsInfo":{"tabs":[{"tab_type":"profile"},
    {"tab_type":"weibo","containerid":"107603<uid>"}]}}}``;
    ``…&containerid=107603<uid>&page=N`` (10 a page) → ``{"ok":1,"data":{"cardlistInfo":{"page":N+1|null,
    "total"},"cards":[{"card_type":9,"mblog":{"id","mid","created_at":"Tue Sep 10 12:00:00 +0800 2024",
    "text","isTop":1 (pinned only),"retweeted_status" (reposts only)}}]}}``, pinned first on page 1;
    past the end ``{"ok":0,"msg":"这里还没有内容","data":{"cards":[]}}``; closed
    ``{"ok":0,"errno":"20003","msg":"该账号已注销"}``; not found ``… "msg":"用户不存在"}``.
WeChat MP back-end (:mod:`.platforms.wechat`); token = ``GOVINSPECT_WECHAT_TOKEN``:
    ``GET /cgi-bin/searchbiz?action=search_biz&begin=0&count=5&query=<name>&token=<t>&lang=zh_CN&f=json&ajax=1``
    → ``{"base_resp":{"ret":0,"err_msg":"ok"},"list":[{"fakeid","nickname","alias","service_type":1|2}],
    "total"}`` (active accounts only); ``GET /cgi-bin/appmsg?action=list_ex&begin=<offset>&count=5&fakeid=…
    &type=9&query=&token=<t>&lang=zh_CN&f=json&ajax=1`` → ``{"base_resp":{…},"app_msg_cnt":N,
    "app_msg_list":[{"aid","appmsgid","itemidx":1,"title","link","create_time","update_time"}]}`` newest
    first; bad token → ``{"base_resp":{"ret":200003,"err_msg":"invalid session"}}``; closed or unknown
    fakeid → ``{"base_resp":{"ret":200002,"err_msg":"invalid args"}}``;
    ``GET /mp/profile_ext?action=home&__biz=<fakeid>`` → HTML, HTTP 200: the nickname (active),
    ``该帐号已注销`` (closed), ``该公众号不存在`` (otherwise).
"""

from govinspect.sandbox.api import Sandbox
from govinspect.sandbox.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

__all__ = ["Sandbox", "Scenario", "ScenarioError", "load_scenario", "parse_scenario"]
