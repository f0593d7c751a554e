"""Acting-from-chat benchmark: card-button POSTs and robot callbacks against a real ``bzops web``
on a seeded PostgreSQL database; prints ONE JSON line.

Run (progress on stderr; about 5 minutes at full size, most of it seeding and the first scan)::

    .venv/bin/python tests/bench/bench_actions.py
    .venv/bin/python tests/bench/bench_actions.py --persons 20000 --units 1000 --links 500

Steps, in a fresh database ``bzops_bench_actions`` (created and dropped by the run):

1. ``bzops seed`` (default defect rate), ``ANALYZE``, ``bzops scan --full``: the warnings to act on.
2. An officer covering the whole province (``bzops user create``, linked to a DingTalk user id),
   ``--web-processes`` ``bzops web`` processes (2, as the upstream in ``deploy/nginx.conf``), and a
   local stand-in for DingTalk's ``sessionWebhook`` that answers ``errcode 0`` (the robot replies there).
3. ``links``: ``--clients`` concurrent clients (50), each with its own logged-in session and spread
   over the web processes, POST ``--links`` signed 确认 links (one per open warning, each used once)
   on loopback, each client one every ``--interval`` seconds (1: a person tapping; 0: back to back,
   a saturation test); latency of each POST until its answer (303), and the uses recorded afterwards
   (must equal the links).
4. ``robot``: the same clients POST ``--callbacks`` signed robot callbacks (``待办``, ``帮助``,
   ``确认 W…``, ``查 姓名`` in turn) to ``/callbacks/dingtalk/robot``; latency until the callback's answer.

Goals: link POST p99 ≤ 100 ms, robot callback p99 ≤ 50 ms. ``pass`` when both hold and every link
acted exactly once. ``--profile FILE`` runs each web process under cProfile (``FILE.<port>``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.core.db import utcnow
from models.links.tokens import link_key, mint
from tests.bench.common import BZOPS, SECRET_KEY, bzops, bzops_env, emit, fetch, fresh_pg_database, log, scalar

PASSWORD = "bench-password-1"
APP_SECRET = "bench-app-secret"
STAFF_ID = "bench-officer"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(at(0.50) * 1000, 1), "p90_ms": round(at(0.90) * 1000, 1),
            "p99_ms": round(at(0.99) * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


async def login(session: aiohttp.ClientSession, _base: str) -> str:
    page = await (await session.get("/login")).text()
    token = CSRF.search(page).group(1)
    async with session.post("/login", data={"login": "bench", "password": PASSWORD, "_csrf": token},
                            allow_redirects=False) as answer:
        assert answer.status == 303, await answer.text()
    return token


async def clients(bases: list[str], count: int) -> list[tuple[aiohttp.ClientSession, str]]:
    """Logged-in clients, spread over the web processes as nginx's upstream would spread them."""
    made = []
    for n in range(count):  # one by one: logins are deliberately slow (argon2)
        base = bases[n % len(bases)]
        session = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        made.append((session, await login(session, base)))
    return made


async def drive(jobs: list[Any], pool: list[tuple[aiohttp.ClientSession, str]],
                call: Callable[[aiohttp.ClientSession, str, Any], Awaitable[int]],
                interval: float) -> tuple[list[float], list[int]]:
    """Each client takes the next job until none is left, starting one every ``interval`` seconds
    (a person tapping; 0: as fast as answers come back); latency and status of every call."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    seconds: list[float] = []
    statuses: list[int] = []

    async def worker(session: aiohttp.ClientSession, csrf: str) -> None:
        await asyncio.sleep(random.uniform(0, interval))  # people do not tap in step
        while not queue.empty():
            job = queue.get_nowait()
            started = time.perf_counter()
            statuses.append(await call(session, csrf, job))
            seconds.append(time.perf_counter() - started)
            await asyncio.sleep(max(0.0, interval - seconds[-1]))
    await asyncio.gather(*(worker(s, c) for s, c in pool))
    return seconds, statuses


def link_paths(account_id: int, warning_ids: list[int]) -> list[str]:
    key, now = link_key(SECRET_KEY), utcnow()
    return [f"/a/{mint(key, sub=f'a{account_id}', act='ack', obj=f'w{w}', now=now, ttl=timedelta(hours=1))}"
            for w in warning_ids]


async def post_link(session: aiohttp.ClientSession, csrf: str, path: str) -> int:
    async with session.post(path, data={"_csrf": csrf}, allow_redirects=False) as answer:
        await answer.read()
        return answer.status


def robot_sign(timestamp: str) -> str:
    digest = hmac.new(APP_SECRET.encode(), f"{timestamp}\n{APP_SECRET}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def robot_call(webhook: str) -> Callable[[aiohttp.ClientSession, str, tuple[int, str]], Awaitable[int]]:
    last = [0]

    async def call(session: aiohttp.ClientSession, _csrf: str, job: tuple[int, str]) -> int:
        n, text = job
        # DingTalk signs the timestamp only; the robot ties a signature to its first msgId, so two
        # messages in one millisecond would look like a replay: give each its own millisecond.
        last[0] = max(last[0] + 1, int(time.time() * 1000))
        now_ms = str(last[0])
        body = {"msgtype": "text", "text": {"content": f" {text}"}, "msgId": f"bench-{n}", "createAt": int(now_ms),
                "conversationType": "1", "conversationId": "cid-bench", "senderStaffId": STAFF_ID,
                "senderNick": "压测", "chatbotUserId": "bot", "sessionWebhook": f"{webhook}?session=s{n}",
                "sessionWebhookExpiredTime": int(now_ms) + 5_400_000, "robotCode": "bench"}
        headers = {"timestamp": now_ms, "sign": robot_sign(now_ms)}
        async with session.post("/callbacks/dingtalk/robot", json=body, headers=headers) as answer:
            await answer.read()
            return answer.status
    return call


async def fake_webhook(port: int) -> web.AppRunner:
    async def reply(_request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok"})
    app = web.Application()
    app.router.add_post("/robot/sendBySession", reply)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def wait_up(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"{base}/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("bzops web did not start")


def robot_jobs(count: int, warning_ids: list[int], names: list[str]) -> list[tuple[int, str]]:
    texts = ["待办", "帮助"] + [f"确认 W{w}" for w in warning_ids[:5]] + [f"查 {n}" for n in names[:5]]
    return [(n, texts[n % len(texts)]) for n in range(count)]


async def measure(opts: argparse.Namespace, bases: list[str], webhook_port: int, account_id: int,
                  warning_ids: list[int], names: list[str]) -> dict[str, Any]:
    runner = await fake_webhook(webhook_port)
    pool = await clients(bases, opts.clients)
    try:
        links = link_paths(account_id, warning_ids[:opts.links])
        link_s, link_status = await drive(links, pool, post_link, opts.interval)
        robot = robot_call(f"http://127.0.0.1:{webhook_port}/robot/sendBySession")
        jobs = robot_jobs(opts.callbacks, warning_ids[opts.links:], names)
        robot_s, robot_status = await drive(jobs, pool, robot, opts.interval)
    finally:
        for session, _ in pool:
            await session.close()
        await runner.cleanup()
    return {"links": {**percentiles(link_s), "statuses": _counts(link_status)},
            "robot": {**percentiles(robot_s), "statuses": _counts(robot_status)}}


def _counts(statuses: list[int]) -> dict[str, int]:
    return {str(code): statuses.count(code) for code in sorted(set(statuses))}


def prepare(opts: argparse.Namespace, env: dict[str, str], url: str) -> tuple[int, list[int], list[str]]:
    bzops(env, "migrate")
    log(f"seed: {opts.persons} persons in {opts.units} units")
    bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons), "--seed", "7")
    fetch(url, "ANALYZE")
    log("full scan")
    bzops(env, "scan", "--full")
    root = scalar(url, "SELECT code FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1")
    bzops(env, "user", "create", "bench", "--name", "压测干部", "--role", "officer", "--unit", root,
          "--dingtalk-userid", STAFF_ID, "--password", PASSWORD)
    account_id = int(scalar(url, "SELECT id FROM account WHERE login = 'bench'"))
    wanted = opts.links + 10
    query = f"SELECT id FROM warning WHERE status = 'open' ORDER BY id LIMIT {wanted}"
    warnings = [int(r[0]) for r in fetch(url, query)]
    names = [str(r[0]) for r in fetch(url, "SELECT name FROM person ORDER BY id LIMIT 5")]
    return account_id, warnings, names


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    with fresh_pg_database("bzops_bench_actions") as url:
        webhook_port, port = free_port(), free_port() + 10
        env = bzops_env(url, work / "var") | {
            "BZOPS_DINGTALK_APP_KEY": "bench-app", "BZOPS_DINGTALK_APP_SECRET": APP_SECRET,
            "BZOPS_DINGTALK_API_URL": f"http://127.0.0.1:{webhook_port}",
            "BZOPS_DINGTALK_NEW_API_URL": f"http://127.0.0.1:{webhook_port}"}
        account_id, warning_ids, names = prepare(opts, env, url)
        processes = [_start_web(opts, env, port + n) for n in range(opts.web_processes)]
        try:
            bases = [f"http://127.0.0.1:{port + n}" for n in range(opts.web_processes)]
            for base in bases:
                asyncio.run(wait_up(base))
            log(f"links: {opts.links} POSTs, robot: {opts.callbacks} callbacks, {opts.clients} clients, "
                f"one request per client every {opts.interval} s, {opts.web_processes} web processes")
            figures = asyncio.run(measure(opts, bases, webhook_port, account_id, warning_ids, names))
            acted = int(scalar(url, "SELECT count(*) FROM link_use"))
        finally:
            for process in processes:
                process.send_signal(signal.SIGINT)  # a clean stop (cProfile writes its file on exit)
                process.wait(timeout=30)
    return {"bench": "actions", "persons": opts.persons, "units": opts.units, "clients": opts.clients,
            "interval_s": opts.interval, "web_processes": opts.web_processes,
            **figures, "links_acted_once": acted == min(opts.links, len(warning_ids))}


def _start_web(opts: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    web = [BZOPS] if not opts.profile else [sys.executable, "-m", "cProfile", "-o", f"{opts.profile}.{port}",
                                            "-m", "portal.cli"]
    return subprocess.Popen([*web, "web", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=Path(__file__).resolve().parents[2])


def goals(result: dict[str, Any]) -> dict[str, Any]:
    return {"link_post_p99_ms": {"goal": 100, "value": result["links"]["p99_ms"],
                                 "pass": result["links"]["p99_ms"] <= 100},
            "robot_callback_p99_ms": {"goal": 50, "value": result["robot"]["p99_ms"],
                                      "pass": result["robot"]["p99_ms"] <= 50}}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--callbacks", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between one client's requests (0: back to back, a saturation test)")
    parser.add_argument("--web-processes", type=int, default=2, help="as deploy/nginx.conf's upstream (2)")
    parser.add_argument("--profile", help="run the web process under cProfile, writing this file")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-actions-") as tmp:
        result = run(opts, Path(tmp))
    result["goals"] = goals(result)
    result["pass"] = all(g["pass"] for g in result["goals"].values()) and result["links_acted_once"]
    emit(result)


if __name__ == "__main__":
    main()
