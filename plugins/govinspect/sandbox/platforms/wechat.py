"""WeChat official accounts, through the logged-in MP back-end (mp.weixin.qq.com).

- ``GET /cgi-bin/searchbiz?action=search_biz&begin=0&count=5&query=<name>&token=<t>&lang=zh_CN&f=json&ajax=1``
  → ``{"base_resp":{"ret":0,"err_msg":"ok"},"list":[{"fakeid","nickname","alias","service_type"}],"total":N}``
  (active accounts whose nickname contains the query, or whose alias or unit equals it; the scenario's
  extra, unfiled accounts included);
- ``GET /cgi-bin/appmsg?action=list_ex&begin=<offset>&count=5&fakeid=<fakeid>&type=9&query=&token=<t>…``
  → ``{"base_resp":{"ret":0,"err_msg":"ok"},"app_msg_cnt":N,"app_msg_list":[{"aid","appmsgid","itemidx",
  "title","link","create_time","update_time"}]}`` newest first; a closed, unknown or not-found fakeid →
  ``ret 200002 "invalid args"``;
- a missing or wrong token → ``{"base_resp":{"ret":200003,"err_msg":"invalid session"}}``;
- ``GET /mp/profile_ext?action=home&__biz=<fakeid>`` → HTML (always HTTP 200): the nickname when active,
  ``该帐号已注销`` when closed, ``该公众号不存在`` otherwise.
"""

from __future__ import annotations

from html import escape

from govinspect.sandbox.content import AccountContent, PostContent, stable_int
from govinspect.sandbox.platforms.base import (
    PlatformEmulator,
    html_response,
    int_arg,
    json_response,
    search_match,
)
from govinspect.sandbox.server import Request, Response

OK = {"ret": 0, "err_msg": "ok"}
INVALID_SESSION = {"base_resp": {"ret": 200003, "err_msg": "invalid session"}}
INVALID_ARGS = {"base_resp": {"ret": 200002, "err_msg": "invalid args"}}
MAX_COUNT = 20
APPMSGID_BASE = 2247483000


class WechatEmulator(PlatformEmulator):
    connector = "wechat"
    server_header = "nginx"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # appmsgid grows with publication time, per account
        self.appmsgids: dict[tuple[str, int], int] = {}
        for fakeid, acc in self.accounts.items():
            for n, post in enumerate(sorted(acc.posts, key=lambda p: (p.published, p.post_id))):
                self.appmsgids[(fakeid, post.post_id)] = APPMSGID_BASE + stable_int(fakeid) % 5000 + n

    def __call__(self, request: Request) -> Response:
        if request.path == "/mp/profile_ext":
            return self.profile_ext(request)
        if request.path in ("/cgi-bin/searchbiz", "/cgi-bin/appmsg"):
            if not self.token or request.arg("token") != self.token:
                return json_response(INVALID_SESSION)
            if request.path == "/cgi-bin/searchbiz":
                return self.searchbiz(request)
            return self.appmsg(request)
        return html_response("<html><body><h2>页面不存在</h2></body></html>", 404)

    def _window(self, request: Request) -> tuple[int, int] | None:
        begin, count = int_arg(request, "begin", 0), int_arg(request, "count", 5)
        if begin < 0 or not 1 <= count <= MAX_COUNT:
            return None
        return begin, count

    def searchbiz(self, request: Request) -> Response:
        window = self._window(request)
        if request.arg("action") != "search_biz" or window is None:
            return json_response(INVALID_ARGS)
        begin, count = window
        query = (request.arg("query") or "").strip()
        found = [
            acc for acc in self.accounts.values()
            if query and acc.account.status == "active"
            and (search_match(acc.account, query) or query == acc.account.platform_alt_id)
        ]
        rows = [
            {
                "fakeid": acc.account.platform_id,
                "nickname": acc.account.account_name,
                "alias": acc.account.platform_alt_id or "",
                "round_head_img": f"http://mmbiz.qpic.cn/mmbiz_png/{stable_int(acc.account.platform_id):x}/0?wx_fmt=png",
                "service_type": 2 if acc.account.platform == "微信服务号" else 1,
                "signature": f"{acc.account.unit}官方公众号",
            }
            for acc in found[begin:begin + count]
        ]
        return json_response({"base_resp": OK, "list": rows, "total": len(found)})

    def article(self, acc: AccountContent, post: PostContent) -> dict:
        fakeid = acc.account.platform_id
        appmsgid = self.appmsgids[(fakeid, post.post_id)]
        stamp = int(post.published.timestamp())
        sn = f"{stable_int(fakeid, post.post_id):016x}{stable_int(post.post_id, fakeid):016x}"
        return {
            "aid": f"{appmsgid}_1",
            "appmsgid": appmsgid,
            "itemidx": 1,
            "title": post.text,
            "digest": post.text[:40],
            "link": f"https://mp.weixin.qq.com/s?__biz={fakeid}&mid={appmsgid}&idx=1&sn={sn}#rd",
            "cover": f"https://mmbiz.qpic.cn/mmbiz_jpg/{sn[:12]}/0?wx_fmt=jpeg",
            "create_time": stamp,
            "update_time": stamp,
        }

    def appmsg(self, request: Request) -> Response:
        window = self._window(request)
        acc = self.accounts.get(request.arg("fakeid") or "")
        if request.arg("action") != "list_ex" or window is None or acc is None or acc.account.status != "active":
            return json_response(INVALID_ARGS)
        begin, count = window
        # no pinning in the MP back-end list: strictly newest first
        posts = sorted(acc.visible(self.now()), key=lambda p: (p.published, p.post_id), reverse=True)
        rows = [self.article(acc, p) for p in posts[begin:begin + count]]
        return json_response({"base_resp": OK, "app_msg_cnt": len(posts), "app_msg_list": rows})

    def profile_ext(self, request: Request) -> Response:
        acc = self.accounts.get(request.arg("__biz") or "") if request.arg("action") == "home" else None
        if acc is not None and acc.account.status == "active":
            name = escape(acc.account.account_name)
            alias = escape(acc.account.platform_alt_id or "")
            return html_response(
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head><body>'
                f'<div class="profile_info_area"><strong class="profile_nickname" id="nickname">{name}</strong>'
                f'<p class="profile_account">微信号: {alias}</p>'
                f'<p class="profile_desc">{escape(acc.account.unit)}官方公众号</p></div>'
                f'<script>var nickname = "{name}"; var __biz = "{escape(acc.account.platform_id)}";</script>'
                "</body></html>"
            )
        message = "该帐号已注销" if acc is not None and acc.account.status == "closed" else "该公众号不存在"
        return html_response(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微信公众平台</title></head><body>'
            f'<div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">{message}</h2>'
            "</div></div></body></html>"
        )
