"""Run Alembic migrations programmatically (``bzops migrate`` and ``bzops run`` call this)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from models.core.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["settings"] = settings
    return config


async def upgrade(engine: AsyncEngine, settings: Settings, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` in one transaction."""
    def _upgrade(connection: Connection) -> None:
        config = alembic_config(settings)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def upgrade_blocking(settings: Settings, revision: str = "head") -> None:
    from models.core.db import create_engine

    async def _go() -> None:
        engine = create_engine(settings)
        try:
            await upgrade(engine, settings, revision)
        finally:
            await engine.dispose()

    asyncio.run(_go())
