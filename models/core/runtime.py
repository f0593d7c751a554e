"""What every command and the worker needs at hand: settings, the engine, sessions and the cipher.

Every session of a runtime carries the cipher and the office's time zone in its ``info``
(:func:`session_cipher`, :func:`session_today`): a decision deep inside ``models`` — an approved
入编 writes a person record, whose ID number is encrypted — reaches them from the session it
already has, instead of every signature on the way passing them along.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.core.crypto import FieldCipher
from models.core.db import create_engine, local_today, session_factory
from models.core.settings import Settings

CIPHER, TZ = "bzops.cipher", "bzops.tz"


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cipher: FieldCipher


def runtime_for(settings: Settings, engine: AsyncEngine) -> Runtime:
    """The bundle for ``engine``, its sessions carrying the cipher and the time zone."""
    cipher = FieldCipher(settings.data_key_bytes)
    return Runtime(settings, engine, session_factory(engine, info={CIPHER: cipher, TZ: settings.tz}), cipher)


@asynccontextmanager
async def runtime(settings: Settings, *, interactive: bool = False) -> AsyncIterator[Runtime]:
    """Everything a process needs; ``interactive`` for the web process (see ``create_engine``)."""
    engine = create_engine(settings, interactive=interactive)
    try:
        yield runtime_for(settings, engine)
    finally:
        await engine.dispose()


def session_cipher(session: AsyncSession) -> FieldCipher:
    """The cipher of the runtime that opened ``session``; a session opened elsewhere has none."""
    cipher = session.info.get(CIPHER)
    if not isinstance(cipher, FieldCipher):
        raise RuntimeError("this session carries no cipher: open it from Runtime.sessions")
    return cipher


def session_today(session: AsyncSession) -> date:
    """Today in the office's time zone of the runtime that opened ``session``."""
    return local_today(str(session.info.get(TZ) or Settings.model_fields["tz"].default))
