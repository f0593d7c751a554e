"""The web process plans PostgreSQL queries without parallel workers; other processes keep them."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.core.db import create_engine
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="a PostgreSQL planner setting")


async def workers(engine) -> str:
    try:
        async with engine.connect() as connection:
            return str(await connection.scalar(text("SHOW max_parallel_workers_per_gather")))
    finally:
        await engine.dispose()


async def test_only_the_web_process_gives_up_parallel_workers(settings):
    assert await workers(create_engine(settings, interactive=True)) == "0"
    assert await workers(create_engine(settings)) != "0"
    custom = settings.model_copy(update={"web_parallel_workers": 1})
    assert await workers(create_engine(custom, interactive=True)) == "1"
