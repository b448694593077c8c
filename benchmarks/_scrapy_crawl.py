"""The Scrapy side of the crawl benchmark (run by ``benchmarks/crawl.py`` in its own process).

A spider written the way Scrapy spiders are written for one CMS: CSS selectors for the TRS list
(``ul.list > li``: the ``title`` attribute or the link text, the absolute URL, the date in the ``<span>``),
and the same pager rule as our collector (:func:`_farm.next_page_url`). Limits: ``CONCURRENT_REQUESTS``
(global), ``CONCURRENT_REQUESTS_PER_DOMAIN`` (every site is its own host), ``DOWNLOAD_DELAY`` without
randomisation (Scrapy spaces the starts of requests to one slot by it, as ``FetchPolicy.min_interval``
does). Prints one JSON line: pages, items, errors, seconds (first request to the spider's close).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scrapy  # noqa: E402
from _farm import FarmSpec, next_page_url, start_urls  # noqa: E402
from scrapy import signals  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402


class TrsListSpider(scrapy.Spider):
    name = "trs_lists"

    def __init__(self, urls: list[str], **kwargs: object):
        super().__init__(**kwargs)
        self.urls = urls
        self.pages = self.items = self.dated = self.errors = 0
        self.started: float | None = None
        self.finished: float | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):  # type: ignore[no-untyped-def]
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.closed_at, signal=signals.spider_closed)
        return spider

    def closed_at(self, spider: scrapy.Spider) -> None:
        self.finished = time.perf_counter()

    async def start(self):  # type: ignore[no-untyped-def]
        self.started = time.perf_counter()
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def failed(self, failure) -> None:  # type: ignore[no-untyped-def]
        self.errors += 1

    def parse(self, response):  # type: ignore[no-untyped-def]
        self.pages += 1
        for li in response.css("ul.list > li"):
            a = li.css("a")
            title = a.attrib.get("title") or " ".join(a.css("::text").getall()).strip()
            url = response.urljoin(a.attrib.get("href", ""))
            text = li.css("span::text").get()
            day = date.fromisoformat(text.strip()) if text else None
            if title and url:
                self.items += 1
                self.dated += day is not None
        if nxt := next_page_url(response.text, response.url):
            yield scrapy.Request(nxt, callback=self.parse, errback=self.failed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--per-host", type=int, required=True)
    parser.add_argument("--global-limit", type=int, required=True)
    parser.add_argument("--delay", type=float, required=True)
    args = parser.parse_args()
    spec = FarmSpec.from_json(args.spec)
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": args.global_limit,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
        "DOWNLOAD_DELAY": args.delay,
        "DOWNLOAD_DELAY_JITTER": 0,
        "DOWNLOAD_TIMEOUT": 15,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "REACTOR_THREADPOOL_MAXSIZE": 10,
        "USER_AGENT": "Mozilla/5.0 (compatible; scrapy-benchmark)",
    })
    crawler = process.create_crawler(TrsListSpider)
    process.crawl(crawler, urls=start_urls(spec, args.port))
    process.start()
    spider = crawler.spider
    seconds = (spider.finished or time.perf_counter()) - (spider.started or 0.0)
    print(json.dumps({"pages": spider.pages, "items": spider.items, "dated": spider.dated,
                      "errors": spider.errors, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
