"""Interaction columns (互动: 信箱, 留言): each message's asked date and reply date.

Guestbook lists are tables or ``li`` lists with, per message, a link (the letter), the date it was asked
and — once answered — the reply date and a state (已回复 / 未回复 / 办理中 …). Cells whose class names say
``ask``/``reply`` (or 留言/回复 headers) are read as such; otherwise the first date of a row is the asked
date and a second one the reply date. A row marked answered without a reply date is left for the letter
page (:func:`reply_from_letter`: ``回复时间：…``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from lxml import etree, html

from govinspect.collect.dates import date_in_text, full_dates

_REPLIED = ("已回复", "已答复", "已办结", "已处理", "办结")
_UNANSWERED = ("未回复", "未答复", "办理中", "待回复", "处理中", "未办结")
_REPLY_LINE = re.compile(r"(?:回复|答复|办结)(?:时间|日期)\s*[:：]\s*([^\n<]{6,30})")


@dataclass(frozen=True)
class Message:
    title: str
    url: str
    asked_on: date | None
    replied_on: date | None
    status_text: str | None

    @property
    def needs_letter(self) -> bool:
        """Marked answered but the list shows no reply date: read it from the letter page."""
        return self.replied_on is None and bool(self.status_text) and any(s in self.status_text for s in _REPLIED)


def _header_roles(table: html.HtmlElement) -> list[str]:
    heads = [" ".join(th.text_content().split()) for th in table.iter("th")]
    roles = []
    for h in heads:
        roles.append("reply" if ("回复" in h or "答复" in h) and "状态" not in h else
                     "ask" if ("留言" in h or "来信" in h or "提问" in h or "时间" in h) else "")
    return roles


def _cell_role(cell: html.HtmlElement, index: int, header: list[str]) -> str:
    cls = (cell.get("class") or "").lower()
    if "reply" in cls or "answer" in cls or "hf" in cls.split():
        return "reply"
    if "ask" in cls or "question" in cls or "lysj" in cls.split():
        return "ask"
    if "state" in cls or "status" in cls:
        return "state"
    return header[index] if index < len(header) else ""


def extract_messages(page: str, base_url: str, as_of: date | None = None) -> list[Message]:
    """The messages of one guestbook list page, in page order."""
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    out: list[Message] = []
    for table in root.iter("table"):
        header = _header_roles(table)
        for tr in table.iter("tr"):
            cells = [c for c in tr if c.tag == "td"]
            link = tr.find(".//a[@href]")
            if not cells or link is None:
                continue
            asked = replied = None
            dates: list[date] = []
            state = None
            for i, cell in enumerate(cells):
                text = " ".join(cell.text_content().split())
                role = _cell_role(cell, i, header)
                if any(s in text for s in _REPLIED + _UNANSWERED) and not full_dates(text):
                    state = text
                    continue
                if cell.find(".//a[@href]") is not None:
                    continue
                found = date_in_text(text, as_of)
                if found is None:
                    continue
                if role == "reply":
                    replied = found.value
                elif role == "ask":
                    asked = found.value
                else:
                    dates.append(found.value)
            asked = asked or (dates.pop(0) if dates else None)
            replied = replied or (dates.pop(0) if dates else None)
            title = " ".join((link.get("title") or link.text_content()).split())
            out.append(Message(title, urljoin(base_url, link.get("href").strip()), asked, replied, state))
    if not out:
        out = _list_messages(root, base_url, as_of)
    return out


def _list_messages(root: html.HtmlElement, base_url: str, as_of: date | None) -> list[Message]:
    """Guestbooks written as ``<li>`` entries: ``<a>标题</a><span class="ask">留言：2024-09-01</span>
    <span class="reply">回复：2024-09-03</span><span>已回复</span>`` (elements in any order)."""
    out: list[Message] = []
    for li in root.iter("li"):
        link = li.find(".//a[@href]")
        if link is None or link.get("href", "").strip().startswith(("javascript:", "#")):
            continue
        asked = replied = None
        state, dates = None, []
        for el in li:
            if el is link or link in el.iterancestors() or el.find(".//a[@href]") is not None:
                continue
            text = " ".join(el.text_content().split())
            found = date_in_text(text, as_of)
            cls = (el.get("class") or "").lower()
            if found is None:
                if any(x in text for x in _REPLIED + _UNANSWERED):
                    state = text
                continue
            if "reply" in cls or "answer" in cls or "回复" in text or "答复" in text:
                replied = found.value
            elif "ask" in cls or "留言" in text or "来信" in text:
                asked = found.value
            else:
                dates.append(found.value)
        asked = asked or (dates.pop(0) if dates else None)
        replied = replied or (dates.pop(0) if dates else None)
        if asked is None:
            continue  # a navigation or link-box entry, not a message
        title = " ".join((link.get("title") or link.text_content()).split())
        out.append(Message(title, urljoin(base_url, link.get("href").strip()), asked, replied, state))
    return out


def reply_from_letter(page: str) -> date | None:
    """The reply date written on a letter's own page (``回复时间：2024-09-12 10:00``), if any."""
    m = _REPLY_LINE.search(html.fromstring(page).text_content()) if page.strip() else None
    found = full_dates(m.group(1)) if m else []
    return found[0].value if found else None
