"""Alembic environment: runs migrations over the app's async engine (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models.accounts.tables
import models.approvals.tables
import models.colours.tables
import models.core.tables
import models.links.tables
import models.locks.tables
import models.notify.tables
import models.payroll.tables
import models.scores.tables
import models.selfcheck.tables
import models.staffing.tables
import models.unittasks.tables
import models.warnings.tables  # noqa: F401
from models.core.db import create_engine
from models.core.settings import Settings

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(settings: Settings) -> None:
    engine = create_engine(settings)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run() -> None:
    settings = context.config.attributes.get("settings") or Settings.load()
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(settings))


run()
