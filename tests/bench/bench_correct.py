"""Correction benchmark: 更正 to "预警已消除" through the portal, over a seeded database; prints ONE JSON line.

Run (progress goes to stderr; building the full data set takes several minutes)::

    .venv/bin/python tests/bench/bench_correct.py
    .venv/bin/python tests/bench/bench_correct.py --persons 20000 --units 1000 --corrections 20

Steps, in PostgreSQL database ``bzops_bench_correct``:

1. The data set: ``bzops migrate``, ``bzops seed`` (default defect rate, as of today) and a full
   ``bzops scan``, as ``bench_scan.py`` builds it, then ``ANALYZE``. With ``--reuse`` a database
   left by an earlier ``--keep`` run of the same size is used as it is (each run corrects other
   warnings); otherwise it is built afresh, and dropped at the end unless ``--keep``.
2. The portal in this process on a loopback port (the real app: middleware, sessions, CSRF), an
   officer whose scope is every unit under the roots, logged in once.
3. ``--corrections`` live warnings (after ``--warmup`` untimed ones), chosen by a seeded hash
   among 在编单位与任职单位不符 (the post moves to the own unit) and 身份证号与性别或出生日期不符 (birth
   date and sex set to what the ID number says): for each, GET the form, then POST it; the time
   measured is the POST, from sending to the full response, which must say "预警已消除". Each
   POST writes the record and its event, then runs a targeted scan of the record's units.

Goal: correction-to-resolved p99 ≤ 1 s on the 1,000,000-person data set. The JSON line gives
p50/p99/max of the POSTs (milliseconds), the targeted scans' own durations (from ``scan_run``),
how many answers said resolved, and ``pass``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the project (and tests.bench) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


from tests.bench.common import (
    DATA_KEY,
    REDIS_URL,
    SECRET_KEY,
    bzops,
    bzops_env,
    emit,
    fetch,
    kept_pg_database,
    log,
)

NAME = "bzops_bench_correct"
GOAL_MS = 1000.0
PASSWORD = "bench-password-9"
# Live warnings whose fix is a direct (not reviewed) field edit, in a seeded random order.
PICK = """SELECT w.id, w.rule_code FROM warning w WHERE w.status IN ('open', 'acknowledged')
  AND w.rule_code IN ('D1_POST_UNIT', 'A3_ID_MISMATCH') ORDER BY md5(w.id::text || '{seed}') LIMIT {count}"""
FORM = {"csrf": re.compile(r'name="_csrf" value="([^"]+)"'), "base": re.compile(r'name="base" value="(\d+)"')}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 20 samples is the largest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(share * len(ordered)))) - 1]


def build(opts: argparse.Namespace, env: dict[str, str], url: str, today: str) -> dict[str, Any]:
    """Migrate, seed and fully scan a fresh database (step 1)."""
    bzops(env, "migrate")
    log(f"seed: {opts.persons} persons in {opts.units} units, as of {today}")
    seeded = bzops(env, "seed", "--units", str(opts.units), "--persons", str(opts.persons), "--seed", str(opts.seed),
                   "--as-of", today)
    fetch(url, "ANALYZE")
    scanned = bzops(env, "scan", "--full", "--as-of", today)
    log(f"seeded in {seeded.seconds:.0f} s, full scan in {scanned.seconds:.0f} s")
    return {"seed_seconds": round(seeded.seconds, 1), "full_scan_seconds": round(scanned.seconds, 1)}


async def add_officer(settings: Any) -> None:
    from sqlalchemy import select

    from models.accounts.store import ScopeSpec, create_account, get_account
    from models.core.db import transaction
    from models.core.runtime import runtime
    from models.staffing.tables import UNIT

    async with runtime(settings) as rt, transaction(rt.sessions) as session:
        if await get_account(session, login="bench-officer"):
            return
        roots = (await session.scalars(select(UNIT.c.code).where(UNIT.c.parent_id.is_(None)))).all()
        await create_account(session, login="bench-officer", display_name="基准科长", role="officer",
                             password=PASSWORD, scopes=[ScopeSpec(code, True) for code in roots], actor="bench")


def fields_for(rule: str, warning_id: int, url: str) -> dict[str, str]:
    """The corrected values of one warning's form (what a steward would type)."""
    if rule == "D1_POST_UNIT":
        [(code, title)] = fetch(url, f"""SELECT u.code, coalesce(p.post_title, '') FROM warning w
            JOIN person p ON p.id = w.person_id JOIN unit u ON u.id = p.unit_id WHERE w.id = {warning_id}""")
        return {"post_unit_code": code, "post_title": title}
    [(birth, sex)] = fetch(url, f"""SELECT p.id_birth, p.id_sex FROM warning w JOIN person p ON p.id = w.person_id
        WHERE w.id = {warning_id}""")
    return {"birth_date": birth.isoformat(), "sex": {"M": "男", "F": "女"}[sex], "id_number": ""}


Pick = tuple[int, str, dict[str, str]]  # warning id, rule, the corrected values


async def correct_all(settings: Any, picks: list[Pick], warmup: int) -> list[dict[str, Any]]:
    """Step 2 and 3: the portal on loopback, one officer, the corrections one after another."""
    from aiohttp.test_utils import TestClient, TestServer

    from portal.app import create_app

    await add_officer(settings)
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:
        await _login(client)
        return [await _one(client, pick, timed=i >= warmup) for i, pick in enumerate(picks)]
    finally:
        await client.close()


async def _login(client: Any) -> None:
    page = await (await client.get("/login")).text()
    token = FORM["csrf"].search(page)
    assert token, "the login page carries a CSRF token"
    response = await client.post("/login", data={"login": "bench-officer", "password": PASSWORD,
                                                 "_csrf": token.group(1)}, allow_redirects=False)
    assert response.status == 303, f"login refused: {response.status}"


async def _one(client: Any, pick: Pick, *, timed: bool) -> dict[str, Any]:
    warning_id, rule, values = pick
    started = time.perf_counter()
    page = await (await client.get(f"/warnings/{warning_id}/correct")).text()
    opened = time.perf_counter() - started
    csrf, base = (FORM[k].search(page) for k in ("csrf", "base"))
    assert csrf and base, f"warning {warning_id}: no correction form"
    data = {"_csrf": csrf.group(1), "base": base.group(1), **values}
    started = time.perf_counter()
    response = await client.post(f"/warnings/{warning_id}/correct", data=data)
    answer = await response.text()
    seconds = time.perf_counter() - started
    result = {"warning": warning_id, "rule": rule, "status": response.status, "form_ms": round(opened * 1000, 1),
              "ms": round(seconds * 1000, 1), "resolved": "预警已消除" in answer, "timed": timed}
    log(f"{'  ' if timed else 'warm-up '}{rule} #{warning_id}: {result['ms']} ms, resolved={result['resolved']}")
    return result


def summary(opts: argparse.Namespace, runs: list[dict[str, Any]], url: str, since: datetime) -> dict[str, Any]:
    timed = [r for r in runs if r["timed"]]
    ms = [r["ms"] for r in timed]
    scans = [float(s) * 1000 for (s,) in fetch(url, f"""SELECT extract(epoch FROM finished_at - started_at)
        FROM scan_run WHERE kind = 'targeted' AND started_at >= '{since.isoformat()}' ORDER BY id""")][-len(timed):]
    p99 = percentile(ms, 0.99)
    return {
        "corrections": len(timed), "all_resolved": all(r["resolved"] for r in timed),
        "correct_ms": {"p50": percentile(ms, 0.5), "p99": p99, "max": max(ms), "min": min(ms)},
        "targeted_scan_ms": {"p50": round(percentile(scans, 0.5), 1), "p99": round(percentile(scans, 0.99), 1)}
        if scans else {},
        "form_ms_p50": percentile([r["form_ms"] for r in timed], 0.5),
        "by_rule": {rule: sum(r["rule"] == rule for r in timed) for rule in ("D1_POST_UNIT", "A3_ID_MISMATCH")},
        "goal": {"correct_p99_ms": GOAL_MS, "pass": p99 <= GOAL_MS},
    }


def run(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    from models.core.settings import Settings

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    with kept_pg_database(NAME, persons=opts.persons, keep=opts.keep, reuse=opts.reuse) as (url, reused):
        env = {**bzops_env(url, work / "var"), "BZOPS_REDIS_URL": opts.redis}
        built = {"reused": True} if reused else {"reused": False, **build(opts, env, url, today)}
        settings = Settings.load(env="test", database_url=url, redis_url=opts.redis, var_dir=work / "var",
                                 data_key=DATA_KEY, secret_key=SECRET_KEY, public_url="http://bench.local")
        wanted = opts.corrections + opts.warmup
        picks = [(int(w), str(r), fields_for(str(r), int(w), url))
                 for w, r in fetch(url, PICK.format(seed=opts.seed, count=wanted))]
        assert len(picks) == wanted, f"only {len(picks)} correctable warnings"
        since = datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)
        runs = asyncio.run(correct_all(settings, picks, opts.warmup))
        result = summary(opts, runs, url, since)
    return {"bench": "correct", "persons": opts.persons, "units": opts.units, "as_of": today, "data": built,
            **result}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--corrections", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2, help="untimed corrections first (caches, connections)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--redis", default=REDIS_URL, help="Redis URL of the portal (the benchmarks' database)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use a kept database of the same size if there is one")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    with tempfile.TemporaryDirectory(prefix="bzops-bench-correct-") as tmp:
        result = run(opts, Path(tmp))
    result["pass"] = result["all_resolved"] and result["goal"]["pass"]
    emit(result)


if __name__ == "__main__":
    main()
