"""Shared fixtures: real SQLite or PostgreSQL (BZOPS_TEST_DATABASE_URL), real Redis, personas.

The schema is built once per session by the real migrations. SQLite tests each get a copy of
the migrated file; PostgreSQL tests share one database and truncate every table afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from models.core.runtime import Runtime, runtime
from models.core.settings import Settings
from models.migrate import upgrade

PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TEST_REDIS_URL = os.environ.get("BZOPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DATA_KEY = "q8u1U9n2Vb5ZxJ0m4kLr7sT3yW6eD2aF1gH8jK5lP0o"


def database_url() -> str:
    return os.environ.get("BZOPS_TEST_DATABASE_URL", "sqlite")


def is_postgres() -> bool:
    return database_url().startswith("postgresql")


def base_settings(var_dir: Path, url: str) -> Settings:
    return Settings.load(env="test", database_url=url, redis_url=TEST_REDIS_URL, var_dir=var_dir,
                         secret_key="test-secret-key-0123456789", data_key=DATA_KEY,
                         public_url="http://portal.test", import_chunk_rows=50)


async def _recreate_pg(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


async def _migrate(settings: Settings) -> None:
    async with runtime(settings) as rt:
        await upgrade(rt.engine, settings)


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The migrated database: a template SQLite file, or the PostgreSQL URL."""
    var = tmp_path_factory.mktemp("schema")
    url = database_url()
    if is_postgres():
        asyncio.run(_recreate_pg(url))
    else:
        url = f"sqlite+aiosqlite:///{var / 'template.db'}"
    asyncio.run(_migrate(base_settings(var, url)))
    yield url


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    if is_postgres():
        return base_settings(tmp_path, migrated)
    source = Path(migrated.split("///", 1)[1])
    shutil.copy(source, tmp_path / "test.db")
    return base_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")


@pytest.fixture
async def rt(settings: Settings) -> AsyncIterator[Runtime]:
    async with runtime(settings) as value:
        yield value
        if is_postgres():
            await _truncate_all(value)


async def _truncate_all(value: Runtime) -> None:
    from sqlmodel import SQLModel

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with value.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[object]:
    """An arq pool (a redis client that can also enqueue jobs) on the test database, flushed."""
    from arq import create_pool

    from tasks.worker import redis_settings

    client = await create_pool(redis_settings(settings))
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()
