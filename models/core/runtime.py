"""What every command and the worker needs at hand: settings, the engine, sessions and the cipher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.core.crypto import FieldCipher
from models.core.db import create_engine, session_factory
from models.core.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cipher: FieldCipher


@asynccontextmanager
async def runtime(settings: Settings, *, interactive: bool = False) -> AsyncIterator[Runtime]:
    """Everything a process needs; ``interactive`` for the web process (see ``create_engine``)."""
    engine = create_engine(settings, interactive=interactive)
    try:
        yield Runtime(settings, engine, session_factory(engine), FieldCipher(settings.data_key_bytes))
    finally:
        await engine.dispose()
