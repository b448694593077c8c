"""The simulated prefecture (模拟州): local HTTP servers imitating real government CMS sites and platform
endpoints, driven by scenario files. Collectors talk to it exactly as to the real thing: they only get
base URLs (in the generated inventory and in the Airflow connections); there is no sandbox code path.

Quick start::

    from govinspect.sandbox import Sandbox
    with Sandbox("small", port=0) as sb:       # port 0: an ephemeral port per host (tests)
        sb.site_urls        # {"gzz": "http://127.61.0.1:40123", ...}
        sb.platform_urls    # {"weibo": "http://127.61.250.1:…", "wechat": "…250.2:…", "toutiao": …, "douyin": …}
        sb.inventory_dir    # paths().sandbox/small/inventory (websites/columns/accounts/roster CSVs)
        sb.env()            # GOVINSPECT_INVENTORY, GOVINSPECT_MONITORING_DATE, AIRFLOW_CONN_GOVINSPECT_WEIBO,
                            # AIRFLOW_CONN_GOVINSPECT_WECHAT, GOVINSPECT_WEIBO_URL, GOVINSPECT_WECHAT_URL,
                            # GOVINSPECT_WECHAT_TOKEN, AIRFLOW_CONN_GOVINSPECT_TOUTIAO / _DOUYIN (weibo's shape),
                            # GOVINSPECT_TOUTIAO_URL, GOVINSPECT_DOUYIN_URL
        sb.set_clock(datetime(2024, 9, 11, 9, 0))   # simulated "now" (naive = China time); runs on from there

Command line: ``govinspect sandbox serve [--scenario small] [--port 8061] [--host-prefix 127.61]``
(also ``python -m govinspect.sandbox serve …``) prints ``export NAME='value'`` lines and a summary, and
serves until Ctrl-C / SIGTERM.

Hosts
=====
Every site and every platform is its own host: its own address in 127.0.0.0/8, all on the same port
(or each on an ephemeral port with ``port=0``). Sites get ``<prefix>.0.1``, ``<prefix>.0.2``… in scenario
order (250 per block: the 251st site is ``<prefix>.1.1``); platforms have fixed slots ``<prefix>.250.1``
weibo, ``.250.2`` wechat, ``.250.3`` toutiao, ``.250.4`` douyin. One asyncio event loop
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
        cms: trs                     # trs | hanweb | sichuan | kaipu
        encoding: utf-8              # utf-8 | gbk: gbk pages declare the charset only in <meta>,
                                     #   HTTP Content-Type is plain "text/html"
        charset_label: gb2312        # optional: the label the <meta> declares (default: the encoding)
        domain: www.derong.gov.cn    # optional: SiteDomain meta (default www.<site_id>.gov.cn)
        site_code: "5133380001"      # optional: SiteIDCode meta (default derived from site_id)
        page_size: 20                # optional: items per list page (trs 20, hanweb 15)
        unit_id: 20417               # optional, hanweb only: the jcms unitid
        site_path: gzzrmzf           # optional, sichuan only: the <site> path segment (default: site_id)
        list_style: table            # optional: default list_style of the columns (see below)
        broken_links:                # planted dead links (错链死链), shown in a 相关链接 box
          - {text: 旧栏目, path: /gzzrmzf/c100099/list.shtml}        # a path of this site: answers 404
          - {text: 旧版网站, path: /index.html, dead_host: true}      # http://<prefix>.249.1:<port><path>:
                                                                     #   nothing listens there (refused)
          - {text: …, path: /tzgg/202301/t20230105_1.html, on_page: 通知公告}  # on_page: home (default) or
                                                                     #   a column name (its list pages)
        reposts:                     # this site reposted an important release (see important_releases)
          - {release: gwy-2024-18, column: 政策文件, after_hours: 56}  # an article of that column published
                                                                     #   after_hours after the release, with
                                                                     #   ContentSource = the publisher; a
                                                                     #   release not listed: never reposted
        columns:
          - name: 得荣要闻
            category: 要闻            # 要闻 动态 通知公告 政策文件 人事 规划计划 互动 其他
            slug: dryw               # trs/kaipu only, optional (default by category: yw, dt, tzgg, zcwj…)
            col_id: 1651             # hanweb (column id) / sichuan (channel id) only, optional
                                     #   (default 1001, 1002… in column order)
            list_style: standard     # trs: standard | date_in_title; hanweb: standard | table;
                                     #   sichuan: standard | json; kaipu: standard
            article_url: ymd         # sichuan only: ymd (/YYYY/M/D/<hex>.shtml, default) | ym (/YYYYMM/<hex>.shtml)
            messages:                # 互动 columns only, instead of items: a guestbook (留言 + 回复)
              - {days_ago: 130, title: …, replied_after: 100}   # replied 100 days after the message
              - {days_ago: 120, unanswered: true}               # never answered
              - {repeat: 8, days_ago: 10, every: 12, replied_after: 6}   # a series; titles generated
            items:
              - {days_ago: 20, title: 得荣县召开县委常委会（扩大）会议}   # days_ago >= 0
              - {days_ago: 150, pinned: true, title: …}   # pinned: listed on top with a 置顶 marker
              - {undated: true, title: …}                 # no date anywhere (list, URL, article page);
                                                          # listed above dated items unless it also has
                                                          # days_ago, which then only sets its position
              - {repeat: 15, days_ago: 26, every: 4}      # a series: days 26, 30, 34…; titles generated
              # also: body (article text; default generated) and leaks, personal data printed as
              # sentences appended to the body (隐私泄露):
              - {days_ago: 9, title: …公示, leaks: [{kind: id_card, value: "513301197803124523"},
                                                    {kind: masked_mobile, value: "139****5821"}]}
              # kinds: id_card (18 digits, GB 11643 check digit verified on load) | mobile (11 digits) |
              #   masked_id_card (51330119********1X) | masked_mobile (138****1234); optional name
    important_releases:              # 重点政务信息 sites are expected to repost (reposts: per site)
      - {release_id: gwy-2024-18, title: 国务院关于…的意见, publisher: 国务院, days_ago: 38, time: "17:00",
         source_url: …}              # time HH:MM China time (default 10:00); source_url informational
    wording_errors:                  # suspected wording errors planted in titles/bodies (the reference list;
                                     #   the loader checks `wrong` appears in that site's items)
      - {wrong: 泽仁多杰, right: 泽仁多吉, kind: 领导姓名, site: dcx}   # 领导姓名 | 过时机构名称 | 错别字
    accounts:
      - account_id: drx-wechat-drfg
        unit: 得荣县发展和改革局
        level: 县
        platform: 微信订阅号           # 新浪微博 | 微信订阅号 | 微信服务号 | 今日头条 | 抖音短视频
        account_name: 得荣发改
        platform_id: MzU3ODkwMTIzNA==  # weibo: the uid (digits); wechat: the fakeid (base64-like);
                                     # toutiao: the user token, douyin: the sec_user_id (MS4wLjABAAAA…)
        platform_alt_id: drxfgj      # optional: wechat alias (微信号) …
        status: active               # active | closed | not_found | blocked (what the platform says;
                                     #   blocked: toutiao/douyin only)
        verified: true               # organisational verification (weibo verified / verified_type 7)
        rate_limit: 0                # toutiao/douyin: the first N requests about it get 429 + Retry-After: 2
        posts:                       # a bare integer N means {days_ago: N}
          - 3
          - {days_ago: 20, title: …, pinned: true, repost: true}   # pinned: weibo isTop; repost: weibo
          - {repeat: 15, days_ago: 25, every: 5}                   #   retweeted_status
    roster:                          # the filing roster (政务新媒体信息报送系统 export)
      - {account: drx-wechat-drfg, status: 正常, opened_on: 2019-08-15}
      - {account: byx-wechat-byhp, status: 注销, opened_on: 2018-05-10, closed_on: 2024-06-28}
                                     # 正常 | 关停 | 注销 (关停/注销 need closed_on); accounts missing here
                                     # are unfiled (私自开设)
    extra_accounts: […]              # accounts (same fields) on the platforms, found by their search, but in
                                     # neither the inventory nor the roster (私自开设); never in the inventory
    rate_limits: {toutiao: 3}        # toutiao/douyin: the first N requests to that host get 429 + Retry-After: 2
    expected:                        # what the scenario planted, for tests (not served anywhere)
      annex1: [{unit, site_name, problem}]            # 附件1 rows; problems of one site joined with "；"
      annex2: [{unit, platform, account_name, problem}]
      summary:
        websites: {州: {checked, flagged}, 部门: {…}, 县: {…}}
        accounts: {checked, flagged, closed_unfiled}
        # read flat too: summary.websites_checked_prefecture / _department / _county, websites_flagged_*,
        # accounts_checked, accounts_flagged, accounts_closed_unfiled

Later issues add top-level or per-site blocks (outages, faults, content leaks);
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
    ``/art/art_<colid>_<artid>.html``); ids not in date order. ``list_style: table`` (older templates): each
    record is ``<table …><tr><td><a href=… title=…>…</a></td><td>[2017-04-24]</td></tr></table>``.
TRS ``list_style: date_in_title``: no date element; the full title then the date inside the link text,
    ``<li><a href="./…" title="标题">标题（2024-12-04）</a></li>``.
Sichuan provincial platform (:mod:`.cms.sichuan`)
    ``/<site>/c<channelId>/list.shtml``, ``list_2.shtml``…; pager ``createPageHTML('page_div', <pages>,
    <current, 1-based>, 'list', 'shtml', <total>)``; items ``<li><a href="/<site>/c<id>/YYYY/M/D/<32 hex>.shtml"
    title="…">…</a><span>YYYY-MM-DD</span></li>`` (``article_url: ym``: ``/<site>/c<id>/YYYYMM/<32 hex>.shtml``;
    undated: ``/<site>/c<id>/<32 hex>.shtml``). ``list_style: json``: ``list.shtml`` has an empty
    ``<ul id="listContent" data-url="/<site>/c<id>/list.json" data-page-size="N">`` and
    ``getList("/<site>/c<id>/list.json", 1)``; ``GET …/list.json?page=N[&pageSize=M]`` →
    ``{"code":0,"msg":"success","data":{"list":[{"id","title","url","publishTime":"2024-09-02 10:30:00"
    ("" when undated),"isTop":0|1}],"total","pageCount","pageNo","pageSize"}}``; no ``list_2.shtml`` then.
开普 Kaipu (:mod:`.cms.kaipu`)
    ``/<slug>/index.shtml`` (and ``/<slug>/``), ``index_2.shtml``…; the list inside
    ``<cmspro_documents sitecode=… channelcode="<slug>" … pagenavigationid="page-div"><ul class="list">
    <li><a href=… title=…>…</a><span class="time">2024年9月2日</span></li></ul></cmspro_documents>``, pager
    ``<div id="page-div">共N页 首页 上一页 下一页 尾页</div>``; articles ``/<slug>/content_<32 hex>.shtml`` (no date).
Planted content (every family)
    Guestbook (互动 column with ``messages``): the column's list URL shows ``<table class="gb-list">`` rows
    ``<td class="ask-time">YYYY-MM-DD</td><td class="reply-time">YYYY-MM-DD or empty</td><td class="state">
    已回复|未回复</td>``; each message at ``<column folder>/msg_<id>.html`` with ``留言时间：`` and
    ``回复时间：`` (or ``未回复``). Broken links: a ``<div class="links"><h3>相关链接</h3>`` box on the home
    page or the column's list pages; ``<prefix>.249.*`` is never bound, so dead-host links are refused.
    Leaks: sentences in the article body (``…（身份证号码：…）…``, ``联系电话：…``). Reposts: articles
    with the release's title, ``ContentSource`` = publisher, ``PubDate`` = release time + after_hours.

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
    ``该帐号已注销`` (closed), ``该公众号不存在`` (otherwise). ``searchbiz`` also finds the extra accounts.
Weibo search: ``GET /api/container/getIndex?containerid=100103type%3D3%26q%3D<name>&page_type=searchall`` →
    ``{"ok":1,"data":{"cards":[{"card_type":11,"card_group":[{"card_type":10,"user":{"id","screen_name",
    "verified"}}]}]}}`` (active accounts whose name contains the keyword, extra accounts included).
    Every platform's search (Weibo, ``searchbiz``, Toutiao, Douyin) also finds an active account when the
    keyword is exactly its unit (the profile's 认证/简介 names it): searching a unit's full name finds its
    accounts, whatever their short names.
Toutiao (:mod:`.platforms.toutiao`; account = user token):
    ``GET /c/user/token/<token>/`` → HTML: ``<title>{name}的主页 - 今日头条(www.toutiao.com)</title>``; closed
    ``该账号已注销``, blocked ``该账号已被封禁`` (HTTP 200); unknown → HTTP 404 ``页面不存在``.
    ``GET /api/pc/list/feed?category=profile_all&token=<t>&max_behot_time=<s, 0 = newest>&aid=24`` →
    ``{"message":"success","data":[{"item_id","group_id","title","publish_time","behot_time","article_url",
    "is_stick":true (pinned)}],"has_more","next":{"max_behot_time"}}``, 10 a page, pinned on top of the first
    page only; a CLOSED account still serves its history; unknown/blocked → ``{"message":"error","data":[],
    "has_more":false}``. Search: ``GET /api/search/content/?keyword=<name>&pd=user&offset=0`` →
    ``{"data":[{"user_id","name","token"}]}``.
Douyin (:mod:`.platforms.douyin`; account = sec_user_id):
    ``GET /aweme/v1/web/user/profile/other/?sec_user_id=<sec>`` → ``{"status_code":0,"user":{"nickname",
    "sec_uid","aweme_count","enterprise_verify_reason","user_canceled":false}}``; closed: nickname ``账号已注销``,
    ``user_canceled: true``; blocked: ``user.special_state_info.title`` ``该账号已被封禁``; unknown:
    ``{"status_code":2053,"status_msg":"用户不存在"}``. ``GET /aweme/v1/web/aweme/post/?sec_user_id=<sec>
    &max_cursor=<ms, 0 = newest>&count=18`` → ``{"status_code":0,"aweme_list":[{"aweme_id","desc",
    "create_time","is_top"}],"has_more":1|0,"max_cursor"}`` (pinned on top of the first page only; closed →
    empty list). Search: ``GET /aweme/v1/web/discover/search/?keyword=<name>&search_channel=aweme_user_web
    &offset=0&count=10`` → ``{"status_code":0,"user_list":[{"user_info":{"nickname","sec_uid"}}]}``.
    Both: rate limits answer HTTP 429 with ``Retry-After: 2``. Details in each module's docstring.

Faults
======
Real hosts misbehave; a scenario can make any host do so (:mod:`.faults`, :mod:`.server`, :mod:`.tls`).
Scenario ``faults`` (try it: ``govinspect sandbox serve --scenario faults``) has one site per kind.

.. code-block:: yaml

    sites:
      - site_id: drx
        …
        faults:                      # list; per request at most one *response* fault (the first that
                                     #   applies) and one *delivery* fault (idem) act together
          - {kind: http_5xx, status: [502, 503], every: 5, burst: 2}
          - {kind: large_page, paths: ["/", "/index.html"]}
        outages:                     # down windows in scenario time (naive = China time), end excluded
          - {start: 2024-09-05T10:00, end: 2024-09-05T11:00, kind: refused}   # refused | hang | http_503
    platforms:                       # top level: per-platform host options (weibo, wechat, toutiao, douyin)
      weibo:
        faults: [{kind: rate_limit, limit: 3, per: 10}]
        outages: […]

Scope (optional, on every kind except ``tls_*``; all given conditions must hold):
    ``paths`` list of globs on the decoded path (``fnmatch``: ``*`` also crosses ``/``), e.g.
    ``["/", "/index.html", "/gzdt/*"]``; ``window: {start, end}`` in scenario time (simulated clock);
    ``first: N`` only the first N requests in scope; ``every: N`` only every Nth (the Nth, 2Nth…);
    ``burst: B`` with ``every``: the last B of each N (``every: 5, burst: 2`` = requests 4, 5, 9, 10…).
    Counters are per fault and per host, count every request in paths/window scope, live as long as the
    :class:`Sandbox` (``sb.site_faults[site_id].reset()`` / ``sb.platform_faults[code].reset()``).

Response faults (what is answered):
    ``http_5xx``: nginx error page; ``status`` 5xx or a list cycled through (default 503); ``retry_after``
    (seconds) adds ``Retry-After``.
    ``redirect_loop``: ``status`` (301/302/303/307/308, default 302) to ``location`` (default: the request
    target itself) with a ``wzws_cid`` cookie, forever → clients stop at their redirect limit.
    ``challenge_412`` / ``challenge_js``: a WAF's JavaScript challenge page, HTTP 412 / HTTP 200; ``vendor``
    ``ruishu`` (default for 412: ``$_ts`` bootstrap, cookie ``…O``, script sets ``…P``), ``jsl`` (加速乐:
    script assembles ``__jsl_clearance_s``, cookie ``__jsluid_s``) or ``acw`` (default for 200: Alibaba
    ``var arg1=…`` → ``acw_sc__v2``, cookie ``acw_tc``). No content of the site is on it. Per W1 a
    challenge is its own outcome, not "down".
    ``large_page``: HTML answers padded to ``size`` bytes (default 20 MiB) with an inline base64 image
    before ``</body>``; links and dates unchanged. Non-HTML answers untouched.
    ``endless_pagination``: TRS: every ``index_N.html`` of a column exists (cycling through the real
    pages) and ``createPageHTML`` announces ``max(real, N+2)`` pages; Hanweb: every ``dataproxy.jsp``
    page has records and a ``<nextgroup>`` link to page+1, ``<totalpage>`` is ``max(real, page+1)``, and
    a one-page column embeds a next group. Other families/hosts: no effect.
    ``wrong_charset``: the page re-encoded so that declarations lie. ``header`` charset put in the HTTP
    ``Content-Type`` (default ``utf-8``; ``none``: no charset), ``body`` the real encoding of the bytes
    (default ``gbk``), ``meta`` the ``<meta>``/XML-declaration charset (default ``keep``: as the site
    declares; ``none`` removes it). E.g. ``{header: utf-8, body: gbk}`` on a GBK site (header lies),
    ``{header: none, meta: gbk, body: utf-8}`` (meta lies).
    ``rate_limit``: ``status`` (default 429) with ``Retry-After``; ``limit`` + ``per``: a real-time sliding
    window, at most ``limit`` requests in scope served per ``per`` seconds, the rest limited
    (``Retry-After`` = seconds until a slot frees, unless ``retry_after`` is given); without ``limit``
    every request in scope is limited (``retry_after`` default 60). Bodies: WeChat
    ``{"base_resp":{"ret":200013,"err_msg":"freq control"}}``, other platforms
    ``{"ok":0,"msg":"请求过于频繁，请稍后再试"}``, sites an nginx page. (Independent of the top-level
    ``rate_limits`` of the toutiao/douyin emulators.)

Delivery faults (how the answer's bytes go out; the answer itself may come from a response fault):
    ``hang``: the request is read, nothing is ever sent until the client gives up; ``seconds``: close
    without an answer after that long instead.
    ``reset``: ``after_bytes`` of the answer (default: head and half the body) are sent, then the
    connection is closed with a TCP RST (``SO_LINGER`` 0 + ``transport.abort()``).
    ``slow_drip``: the head at once, then the body in slices every ``interval`` seconds (default 1), at
    ``rate`` bytes per second or spread over ``duration`` seconds (default 30: longer than W1's 15 s).
    ``truncated``: ``Content-Length`` announces the whole body, ``fraction`` of it (default 0.5) is sent,
    then an orderly close.

TLS (whole host, no scope, sites only, at most one): ``tls_self_signed`` / ``tls_expired``: the site is
served over HTTPS only, and its URLs in the generated inventory start with ``https://``. Certificates are
generated at start-up (:mod:`.tls`, nothing written to the repository): self-signed and valid, or issued
by the sandbox's throw-away CA (``sb.tls.ca_pem``) and expired 30 days ago in *real* time. Verification
fails either way; ``verify=False`` gets the normal site (and any other fault of the host).

Outages (``outages:``, per host) are judged at connection time against the simulated clock:
    ``refused``: the accepted connection is closed at once with a RST (clients see "connection reset"
    on their first read/write). A true "connection refused" would need the listening socket closed and
    re-bound as the simulated clock moves, which is racy with ephemeral ports; resetting is what
    stays robust, and a collector must treat both as failed visits anyway.
    ``hang``: accepted, never answered (the client runs into its timeout; W1: a failure after 15 s).
    ``http_503``: the request is read and answered with an nginx 503 page.
    During an outage no fault of the host applies.

Replaying a week of probes: collectors know nothing of the simulation (no special headers). A replay
driver sets the clock to each scheduled probe instant and runs one normal probe round::

    from govinspect.sandbox.faults import probe_schedule
    for instant in sb.replay(probe_schedule(date(2024, 9, 3), days=7, per_day=24)):
        run_probe_round(inventory)        # ordinary HTTP visits with the 15 s rule

:meth:`Sandbox.replay` sets the (thread-safe, cheap) clock per instant and puts it back afterwards;
``sb.set_clock`` does the same by hand. The clock runs on in real time during a round, so keep a round
short: a ``hang`` costs a client its whole timeout, visit hosts concurrently.
"""

from govinspect.sandbox.api import Sandbox
from govinspect.sandbox.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

__all__ = ["Sandbox", "Scenario", "ScenarioError", "load_scenario", "parse_scenario"]
