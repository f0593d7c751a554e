"""SQLite during a long import: a write that cannot get the lock answers a clear 503, not a 500."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import update

from models.accounts.tables import WEB_SESSION
from models.core.db import transaction, utcnow
from portal.app import create_app
from tests.conftest import is_postgres
from tests.factories import PASSWORD
from tests.portal.conftest import csrf_token, login

pytestmark = pytest.mark.skipif(is_postgres(), reason="SQLite's single writer; PostgreSQL has row locks")
BUSY = "系统正忙（可能正在导入数据），请稍后重试"


@contextmanager
def import_running(settings) -> Iterator[None]:
    """Another connection holds the write lock, as an import's one long transaction does."""
    db = sqlite3.connect(settings.database_url.split("///", 1)[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


@pytest.fixture
def quick(settings):
    return settings.model_copy(update={"sqlite_busy_ms": 300})


async def test_the_busy_timeout_is_the_setting(rt, settings):
    async with rt.engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == settings.sqlite_busy_ms == 10000
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"


async def test_a_login_during_an_import_gets_a_clear_busy_page_quickly(aiohttp_client, quick, redis, world):
    client = await aiohttp_client(create_app(quick))
    token = await csrf_token(client)
    with import_running(quick):
        started = time.monotonic()
        response = await client.post("/login", data={"login": "steward", "password": PASSWORD, "_csrf": token},
                                     allow_redirects=False)
        elapsed = time.monotonic() - started
    assert response.status == 503 and response.headers["Retry-After"] == "30" and BUSY in await response.text()
    assert elapsed < 5
    assert (await login(client, "steward")).status == 303, "after the import, logging in works"


async def test_reading_pages_goes_on_during_an_import(aiohttp_client, quick, redis, world, rt):
    client = await aiohttp_client(create_app(quick))
    assert (await login(client, "steward")).status == 303
    async with transaction(rt.sessions) as session:  # the session's use is due to be recorded
        await session.execute(update(WEB_SESSION).values(last_seen_at=utcnow() - timedelta(minutes=2)))
    with import_running(quick):
        page = await client.get(f"/units/{world.units['C1-A']}", allow_redirects=False)
    assert page.status == 200, "WAL: readers never wait; recording the use is skipped"
