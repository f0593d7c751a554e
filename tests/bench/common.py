"""Helpers shared by the benchmarks in ``tests/bench`` (not a test module: pytest collects test_*.py only).

* :func:`bzops_env` builds the environment of a ``bzops`` subprocess: fixed development keys, the
  database URL, a private ``var`` directory and Redis db 9.
* :func:`run_measured` runs a command and returns its wall time and the peak resident set size of
  that process alone, from ``os.wait4`` (the kernel's ``ru_maxrss`` of exactly this child; unlike
  ``getrusage(RUSAGE_CHILDREN)`` it is not the maximum over every earlier child too).
* :func:`fresh_pg_database` creates an empty PostgreSQL database and drops it afterwards.
* :func:`log` writes progress to stderr; :func:`emit` prints the one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
BZOPS = str(ROOT / ".venv" / "bin" / "bzops")
PG_SERVER = "postgres@127.0.0.1:5432"
DATA_KEY = "q8u1U9n2Vb5ZxJ0m4kLr7sT3yW6eD2aF1gH8jK5lP0o"  # a fixed development key: benchmark data only
SECRET_KEY = "bench-secret-key-0123456789abcdef"
REDIS_URL = "redis://127.0.0.1:6379/9"
GIB = 1024 ** 3


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    stdout: str
    stderr: str

    @property
    def peak_rss_mib(self) -> float:
        return round(self.peak_rss_bytes / 1024 ** 2, 1)


class CommandFailed(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False, sort_keys=False), flush=True)


def bzops_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BZOPS_")}
    env.update(BZOPS_DATABASE_URL=database_url, BZOPS_VAR_DIR=str(var_dir), BZOPS_DATA_KEY=DATA_KEY,
               BZOPS_SECRET_KEY=SECRET_KEY, BZOPS_REDIS_URL=REDIS_URL, BZOPS_ENV="development")
    return env


def run_measured(args: list[str], env: dict[str, str], ok_codes: tuple[int, ...] = (0,)) -> Measured:
    """Run ``args`` to completion; wall seconds and the peak RSS of that process (bytes)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so tell Popen
        out.seek(0)
        err.seek(0)
        measured = Measured(seconds, usage.ru_maxrss * 1024, out.read(), err.read())  # ru_maxrss is in KiB
    if process.returncode not in ok_codes:
        raise CommandFailed(f"{' '.join(args)} exited {process.returncode}:\n{measured.stdout}\n{measured.stderr}")
    return measured


def bzops(env: dict[str, str], *args: str) -> Measured:
    return run_measured([BZOPS, *args], env)


def pg_url(name: str, driver: str = "postgresql+asyncpg") -> str:
    return f"{driver}://{PG_SERVER}/{name}"


async def pg_admin(*statements: str) -> None:
    """Statements on the server's maintenance database (CREATE / DROP DATABASE)."""
    connection = await asyncpg.connect(pg_url("postgres", "postgresql"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_pg_database(name: str) -> Iterator[str]:
    """An empty database ``name`` (dropped first if a crashed run left it); yields its SQLAlchemy URL."""
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(pg_admin(drop, f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url(name)
    finally:
        asyncio.run(pg_admin(drop))


def seeded_as(name: str, persons: int) -> bool:
    """Whether database ``name`` exists, holds ``persons`` persons and has been fully scanned."""
    if not fetch(pg_url("postgres", "postgresql"), f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    url = pg_url(name)
    try:
        return int(scalar(url, "SELECT count(*) FROM person")) == persons and \
            int(scalar(url, "SELECT count(*) FROM scan_run WHERE kind = 'full'")) > 0
    except Exception:  # a half-built database from a crashed run: build afresh
        return False


@contextmanager
def kept_pg_database(name: str, *, persons: int, keep: bool, reuse: bool) -> Iterator[tuple[str, bool]]:
    """(URL, reused): a database an earlier ``keep`` run left with the same size when ``reuse``, else
    an empty one; dropped afterwards unless ``keep`` (seeding a million persons takes minutes)."""
    reused = reuse and seeded_as(name, persons)
    if not reused:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url(name), reused
    finally:
        if not keep:
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_fetch(url: str, query: str) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return [tuple(row) for row in await connection.fetch(query)]
    finally:
        await connection.close()


def timed_query(url: str, query: str, repeat: int = 3) -> list[float]:
    """Seconds of each of ``repeat`` runs of ``query`` on one PostgreSQL connection (client included)."""
    async def _go() -> list[float]:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            seconds = []
            for _ in range(repeat):
                started = time.perf_counter()
                await connection.fetch(query)
                seconds.append(time.perf_counter() - started)
            return seconds
        finally:
            await connection.close()
    return asyncio.run(_go())


def fetch(url: str, query: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on a benchmark database (PostgreSQL or SQLite URL)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1]) as connection:
            return [tuple(row) for row in connection.execute(query)]
    return asyncio.run(_pg_fetch(url, query))


def scalar(url: str, query: str) -> Any:
    return fetch(url, query)[0][0]


def rate(rows: int, seconds: float) -> float:
    return round(rows / seconds, 1) if seconds else 0.0
