"""The web process plans PostgreSQL queries without parallel workers and with an SSD's random-read
cost; other processes keep the server's settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.core.db import create_engine
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="PostgreSQL planner settings")


async def show(engine, name: str) -> str:
    try:
        async with engine.connect() as connection:
            return str(await connection.scalar(text(f"SHOW {name}")))
    finally:
        await engine.dispose()


async def test_only_the_web_process_gives_up_parallel_workers(settings):
    assert await show(create_engine(settings, interactive=True), "max_parallel_workers_per_gather") == "0"
    assert await show(create_engine(settings), "max_parallel_workers_per_gather") != "0"
    custom = settings.model_copy(update={"web_parallel_workers": 1})
    assert await show(create_engine(custom, interactive=True), "max_parallel_workers_per_gather") == "1"


async def test_only_the_web_process_plans_for_cheap_random_reads(settings):
    assert await show(create_engine(settings, interactive=True), "random_page_cost") == "1.1"
    assert await show(create_engine(settings), "random_page_cost") == "4"
    custom = settings.model_copy(update={"web_random_page_cost": 2.0})
    assert await show(create_engine(custom, interactive=True), "random_page_cost") == "2"
