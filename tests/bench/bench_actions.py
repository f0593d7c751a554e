"""Acting-from-chat benchmark: card-button POSTs and robot callbacks against a real ``bzops web``
on a seeded PostgreSQL database; prints ONE JSON line.

Run (progress on stderr; about 5 minutes at full size, most of it seeding and the first scan)::

    .venv/bin/python tests/bench/bench_actions.py
    .venv/bin/python tests/bench/bench_actions.py --persons 20000 --units 1000 --links 500

Steps, in a database ``bzops_bench_actions`` (created and dropped by the run; ``--keep`` keeps it and
``--reuse`` starts from a kept one of the same size, acting on warnings still open):

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
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.core.db import utcnow
from models.links.tokens import link_key, mint
from tests.bench.common import (
    BZOPS,
    DATA_KEY,
    REDIS_URL,
    SECRET_KEY,
    bzops,
    bzops_env,
    emit,
    fetch,
    kept_pg_database,
    log,
    scalar,
)

NAME = "bzops_bench_actions"
PASSWORD = "bench-password-1"
APP_SECRET = "bench-app-secret"
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


@dataclass(frozen=True)
class Officer:
    """One client: its own account, DingTalk user id and scope (a city, or the whole province)."""

    login: str
    account_id: int
    staff_id: str
    path: str


async def login(session: aiohttp.ClientSession, officer: Officer) -> str:
    page = await (await session.get("/login")).text()
    token = CSRF.search(page).group(1)
    async with session.post("/login", data={"login": officer.login, "password": PASSWORD, "_csrf": token},
                            allow_redirects=False) as answer:
        assert answer.status == 303, await answer.text()
    return token


async def clients(bases: list[str], officers: list[Officer]) -> list[tuple[aiohttp.ClientSession, str]]:
    """Logged-in clients, spread over the web processes as nginx's upstream would spread them."""
    made = []
    for n, officer in enumerate(officers):  # one by one: logins are deliberately slow (argon2)
        session = aiohttp.ClientSession(base_url=bases[n % len(bases)], cookie_jar=aiohttp.CookieJar(unsafe=True))
        made.append((session, await login(session, officer)))
    return made


async def drive(jobs: list[list[Any]], pool: list[tuple[aiohttp.ClientSession, str]],
                call: Callable[[aiohttp.ClientSession, str, Any], Awaitable[int]],
                interval: float) -> list[tuple[Any, float, int]]:
    """Each client works through its own jobs, starting one every ``interval`` seconds (a person
    tapping; 0: as fast as answers come back); latency and status of every call."""
    done: list[tuple[Any, float, int]] = []

    async def worker(session: aiohttp.ClientSession, csrf: str, mine: list[Any]) -> None:
        await asyncio.sleep(random.uniform(0, interval))  # people do not tap in step
        for job in mine:
            started = time.perf_counter()
            status = await call(session, csrf, job)
            done.append((job, time.perf_counter() - started, status))
            await asyncio.sleep(max(0.0, interval - done[-1][1]))
    await asyncio.gather(*(worker(s, c, mine) for (s, c), mine in zip(pool, jobs, strict=True)))
    return done


def link_paths(officer: Officer, warning_ids: list[int]) -> list[str]:
    key, now, sub = link_key(SECRET_KEY), utcnow(), f"a{officer.account_id}"
    return [f"/a/{mint(key, sub=sub, act='ack', obj=f'w{w}', now=now, ttl=timedelta(hours=1))}"
            for w in warning_ids]


async def post_link(session: aiohttp.ClientSession, csrf: str, path: str) -> int:
    async with session.post(path, data={"_csrf": csrf}, allow_redirects=False) as answer:
        await answer.read()
        return answer.status


def robot_sign(timestamp: str) -> str:
    digest = hmac.new(APP_SECRET.encode(), f"{timestamp}\n{APP_SECRET}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def robot_call(webhook: str) -> Callable[[aiohttp.ClientSession, str, tuple[int, str, str]], Awaitable[int]]:
    last, run = [0], secrets.token_hex(4)  # msgIds unique per run: the robot answers a msgId once (2 h)

    async def call(session: aiohttp.ClientSession, _csrf: str, job: tuple[int, str, str]) -> int:
        n, text, staff_id = job
        # DingTalk signs the timestamp only; the robot ties a signature to its first msgId, so two
        # messages in one millisecond would look like a replay: give each its own millisecond.
        last[0] = max(last[0] + 1, int(time.time() * 1000))
        now_ms = str(last[0])
        body = {"msgtype": "text", "text": {"content": f" {text}"}, "msgId": f"bench-{run}-{n}",
                "createAt": int(now_ms),
                "conversationType": "1", "conversationId": "cid-bench", "senderStaffId": staff_id,
                "senderNick": "压测", "chatbotUserId": "bot", "sessionWebhook": f"{webhook}?session=s{n}",
                "sessionWebhookExpiredTime": int(now_ms) + 5_400_000, "robotCode": "bench"}
        headers = {"timestamp": now_ms, "sign": robot_sign(now_ms)}
        async with session.post("/callbacks/dingtalk/robot", json=body, headers=headers) as answer:
            await answer.read()
            return answer.status
    return call


async def fake_webhook(port: int, replies: list[str]) -> web.AppRunner:
    async def reply(request: web.Request) -> web.Response:
        replies.append(str((await request.json()).get("msgtype")))
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


def robot_jobs(count: int, officer: Officer, start: int, warning_ids: list[int],
               names: list[str]) -> list[tuple[int, str, str]]:
    texts = ["待办", "帮助"] + [f"确认 W{w}" for w in warning_ids[:5]] + [f"查 {n}" for n in names[:5]]
    return [(start + n, texts[n % len(texts)], officer.staff_id) for n in range(count)]


async def measure(opts: argparse.Namespace, bases: list[str], webhook_port: int, officers: list[Officer],
                  work: dict[str, list[int]], names: list[str]) -> dict[str, Any]:
    replies: list[str] = []
    runner = await fake_webhook(webhook_port, replies)
    pool = await clients(bases, officers)
    per_client = opts.links // len(officers)
    try:
        links = [link_paths(o, work[o.login][:per_client]) for o in officers]
        link_runs = await drive(links, pool, post_link, opts.interval)
        robot = robot_call(f"http://127.0.0.1:{webhook_port}/robot/sendBySession")
        calls = opts.callbacks // len(officers)
        jobs = [robot_jobs(calls, o, n * calls, work[o.login][per_client:], names) for n, o in enumerate(officers)]
        robot_runs = await drive(jobs, pool, robot, opts.interval)
        await asyncio.sleep(2)  # replies leave in the background after each callback's answer
    finally:
        for session, _ in pool:
            await session.close()
        await runner.cleanup()
    return {"links": summary(link_runs),
            "robot": {**summary(robot_runs), "replies_delivered": len(replies), "by_command": {
                kind: percentiles([s for (_n, text, _who), s, _st in robot_runs if text.split(" ")[0] == kind])
                for kind in ("待办", "帮助", "确认", "查")}}}


def summary(runs: list[tuple[Any, float, int]]) -> dict[str, Any]:
    statuses = [status for _job, _s, status in runs]
    return {**percentiles([s for _job, s, _st in runs]),
            "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))}}


def build(opts: argparse.Namespace, env: dict[str, str], url: str) -> None:
    bzops(env, "migrate")
    log(f"seed: {opts.persons} persons in {opts.units} units")
    bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons), "--seed", "7")
    fetch(url, "ANALYZE")
    log("full scan")
    bzops(env, "scan", "--full")


async def add_officers(settings: Any, count: int, units: list[tuple[str, str]]) -> list[Officer]:
    """``count`` officers (made once, kept with the database), each covering one of ``units`` (code,
    path) in turn with everything below it, each linked to a DingTalk user id."""
    from models.accounts.platform_ids import link
    from models.accounts.store import ScopeSpec, create_account, get_account
    from models.core.db import transaction
    from models.core.runtime import runtime

    async with runtime(settings) as rt, transaction(rt.sessions) as session:
        officers = []
        for n in range(count):
            code, path = units[n % len(units)]
            login = f"bench-{code}-{n}"  # kept with the database
            account = await get_account(session, login=login) or await create_account(
                session, login=login, display_name=f"压测干部{n}", role="officer", password=PASSWORD,
                scopes=[ScopeSpec(code, True)], actor="bench")
            await link(session, login=login, platform="dingtalk", user_id=f"staff-{login}", actor="bench")
            officers.append(Officer(login, account.id or 0, f"staff-{login}", path))
        return officers


def open_warnings(url: str, officers: list[Officer], wanted: int) -> dict[str, list[int]]:
    """Open warnings in each officer's scope, a different share each (a reused database has acted on
    earlier ones)."""
    rows = fetch(url, "SELECT w.id, u.path FROM warning w JOIN unit u ON u.id = w.unit_id "
                      "WHERE w.status = 'open' ORDER BY w.id")
    taken: set[int] = set()
    work: dict[str, list[int]] = {}
    for officer in officers:
        mine = [int(w) for w, path in rows if str(path).startswith(officer.path) and int(w) not in taken][:wanted]
        taken.update(mine)
        work[officer.login] = mine
    return work


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    with kept_pg_database(NAME, persons=opts.persons, keep=opts.keep, reuse=opts.reuse) as (url, reused):
        webhook_port, port = free_port(), free_port() + 10
        env = bzops_env(url, work / "var") | {
            "BZOPS_DINGTALK_APP_KEY": "bench-app", "BZOPS_DINGTALK_APP_SECRET": APP_SECRET,
            "BZOPS_DINGTALK_API_URL": f"http://127.0.0.1:{webhook_port}",
            "BZOPS_DINGTALK_NEW_API_URL": f"http://127.0.0.1:{webhook_port}",
            "BZOPS_ALLOW_PRIVATE_URLS": "true"}  # the stand-in webhook is on loopback: replies really go out
        if not reused:
            build(opts, env, url)
        depth = 0 if opts.scope == "province" else 1  # the root, or the cities below it
        # units with open warnings, most first: most depth-1 units are departments with few persons
        query = (f"SELECT code, path FROM (SELECT u.code, u.path, (SELECT count(*) FROM warning w JOIN unit x "
                 "ON x.id = w.unit_id WHERE x.path LIKE u.path || '%' AND w.status = 'open') AS open_count "
                 f"FROM unit u WHERE u.depth = {depth}) AS c WHERE open_count > 0 ORDER BY open_count DESC, path")
        units = [(str(code), str(path)) for code, path in fetch(url, query)]
        officers = asyncio.run(add_officers(settings_for(url, work), opts.clients, units))
        per_client = opts.links // opts.clients + 5
        assignments = open_warnings(url, officers, per_client)
        names = [str(r[0]) for r in fetch(url, "SELECT name FROM person ORDER BY id LIMIT 5")]
        used_before = int(scalar(url, "SELECT count(*) FROM link_use"))
        processes = [_start_web(opts, env, port + n) for n in range(opts.web_processes)]
        try:
            bases = [f"http://127.0.0.1:{port + n}" for n in range(opts.web_processes)]
            for base in bases:
                asyncio.run(wait_up(base))
            log(f"links: {opts.links} POSTs, robot: {opts.callbacks} callbacks, {opts.clients} clients, "
                f"one request per client every {opts.interval} s, {opts.web_processes} web processes")
            figures = asyncio.run(measure(opts, bases, webhook_port, officers, assignments, names))
            acted = int(scalar(url, "SELECT count(*) FROM link_use")) - used_before
        finally:
            for process in processes:
                process.send_signal(signal.SIGINT)  # a clean stop (cProfile writes its file on exit)
                process.wait(timeout=30)
    return {"bench": "actions", "persons": opts.persons, "units": opts.units, "reused": reused,
            "clients": opts.clients, "scope": opts.scope, "interval_s": opts.interval,
            "web_processes": opts.web_processes, **figures, "links_acted_once": acted == figures["links"]["n"]}


def settings_for(url: str, work: Path) -> Any:
    from models.core.settings import Settings

    return Settings.load(env="test", database_url=url, redis_url=REDIS_URL, var_dir=work / "var", data_key=DATA_KEY,
                         secret_key=SECRET_KEY)


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
    parser.add_argument("--scope", choices=("city", "province"), default="city",
                        help="each officer covers one unit below the root (a city or a provincial department) "
                        "with everything under it, or the whole province")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use a kept database of the same size if there is one")
    parser.add_argument("--profile", help="run the web process under cProfile, writing this file")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-actions-") as tmp:
        result = run(opts, Path(tmp))
    result["goals"] = goals(result)
    result["pass"] = all(g["pass"] for g in result["goals"].values()) and result["links_acted_once"] \
        and result["robot"]["replies_delivered"] == opts.callbacks
    emit(result)


if __name__ == "__main__":
    main()
