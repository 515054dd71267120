"""The seed program (asyncio.Semaphore + aiohttp + gather), timed: the Python side of run.sh.

Written as the seed writes it: one ClientSession with aiohttp's defaults (its connector allows 100 connections),
`async with sem: async with session.get(url) as response: await response.text()`, all requests under one
asyncio.gather. The only additions are timing and the summary line.

usage: seed_fetch.py URL COUNT K PASSES   (the first PASSES-1 passes are warm-up; one JSON line per pass)
"""
import asyncio
import json
import sys
import time

import aiohttp


async def make_request(session, sem, url, latencies):
    async with sem:
        start = time.perf_counter()
        async with session.get(url) as response:
            await response.text()
        latencies.append(time.perf_counter() - start)


async def one_pass(url, count, k):
    sem = asyncio.Semaphore(k)
    latencies = []
    cpu0 = time.process_time()
    start = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(make_request(session, sem, url, latencies) for _ in range(count)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu_s": time.process_time() - cpu0,
    }


def main():
    url, count, k, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    for i in range(passes):
        result = asyncio.run(one_pass(url, count, k))
        result["pass"] = "measured" if i == passes - 1 else "warmup"
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
