#!/usr/bin/env python3
"""A burst of N clients that connect at once to ADDR (host:port), each sending one
POST /v1/tokens (an invalid card) and reading the answer: the time from the start of its
connect to its whole answer, as percentiles. Unlike wrk's latency, it includes the connect,
which is where a short listen backlog shows (dropped SYNs are retried a second later).
Usage: scripts/burst-connect.py ADDR [N] [ROUNDS]"""
import asyncio
import sys
import time

BODY = b"card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123"
REQUEST = (
    b"POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc\r\n"
    b"content-type: application/x-www-form-urlencoded\r\nconnection: close\r\n"
    + b"content-length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


async def one(host, port, start):
    t0 = time.monotonic()
    await start.wait()
    t0 = time.monotonic()
    r, w = await asyncio.open_connection(host, port)
    w.write(REQUEST)
    await w.drain()
    data = await r.read()
    w.close()
    return time.monotonic() - t0, data.startswith(b"HTTP/1.1 402")


async def main():
    host, port = sys.argv[1].rsplit(":", 1)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    times, ok = [], 0
    for _ in range(rounds):
        start = asyncio.Event()
        tasks = [asyncio.create_task(one(host, int(port), start)) for _ in range(n)]
        await asyncio.sleep(0.05)
        start.set()
        for t, good in await asyncio.gather(*tasks):
            times.append(t)
            ok += good
        await asyncio.sleep(0.2)
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(len(times) * p / 100))] * 1000
    print(f"{n} clients at once x {rounds} rounds: {ok}/{len(times)} answered 402")
    print(" ".join(f"p{p} {pct(p):.1f} ms" for p in (50, 90, 99, 99.9)) + f" max {times[-1] * 1000:.1f} ms")


asyncio.run(main())
