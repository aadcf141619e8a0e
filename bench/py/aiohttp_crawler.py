"""A0 §6's AsyncCrawler (aiohttp), as the article writes it, timed for chapter 07's bench.

    python3 bench/py/aiohttp_crawler.py BASE-URL PAGES CONCURRENCY

Fetches BASE/page/1 .. BASE/page/PAGES through the article's fetch(): a global
Semaphore(concurrency), a per-domain Semaphore(10), TCPConnector(limit=concurrency,
limit_per_host=10), retries with random back-off. Prints the CPU time per page, the
figure the bench sets beside the C crawler's, as "cpu_us_per_page N": counted around
crawl_many, from its session's creation to its closing, as the C side counts from the
first transfer to the last; the interpreter's start and the imports are outside, as
the C programs' start and curl_global_init are.
"""
import asyncio
import random
import resource
import sys
import time
from urllib.parse import urlparse

import aiohttp


class AsyncCrawler:
    def __init__(self, concurrency=100, retries=3, timeout=10):
        self.concurrency = concurrency
        self.retries = retries
        self.timeout = timeout
        self.semaphore = asyncio.Semaphore(concurrency)
        self.session = None
        self.domain_limits = {}

    async def init_session(self):
        connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=10)
        self.session = aiohttp.ClientSession(connector=connector)

    async def fetch(self, url):
        domain = urlparse(url).netloc
        if domain not in self.domain_limits:
            self.domain_limits[domain] = asyncio.Semaphore(10)
        sem = self.domain_limits[domain]
        async with self.semaphore, sem:
            for attempt in range(self.retries):
                try:
                    async with asyncio.timeout(self.timeout):
                        async with self.session.get(url) as response:
                            if response.status == 200:
                                return await response.text()
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    await asyncio.sleep(random.uniform(0.5, 2.0))
            return None

    async def crawl_many(self, urls):
        await self.init_session()
        tasks = [self.fetch(url) for url in urls]
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await self.session.close()
        return results


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(base, pages, concurrency):
    urls = [f"{base}/page/{i}" for i in range(1, pages + 1)]
    crawler = AsyncCrawler(concurrency=concurrency)
    start, cpu = time.monotonic(), cpu_seconds()
    results = await crawler.crawl_many(urls)
    wall, cpu = time.monotonic() - start, cpu_seconds() - cpu
    ok = sum(1 for r in results if isinstance(r, str))
    return ok, wall, cpu


if __name__ == "__main__":
    base, pages, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ok, wall, cpu = asyncio.run(main(base, pages, concurrency))
    print(f"pages_ok {ok}")
    print(f"wall {wall:.3f}")
    print(f"cpu_us_per_page {cpu * 1e6 / pages:.1f}")
