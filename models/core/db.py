"""Database plumbing: engine and session factories, a liveness ping, a UTC time helper and the UTC
column type.

The same code runs on SQLite (aiosqlite, the embedded default) and PostgreSQL (asyncpg).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import DateTime, Table, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from models.core.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones, so we normalise both ways."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def create_engine(settings: Settings, *, interactive: bool = False) -> AsyncEngine:
    """The engine; ``interactive`` (the web process) plans PostgreSQL queries without parallel workers.

    On a small server, parallel workers of one heavy read (a province-wide 待办 counts every live
    warning) take every core for a moment and every other request waits: measured at 50 robot
    commands a second on a million persons, p99 fell from 1.2 s to 0.11 s without them. Scans and
    imports (worker, CLI) keep them.

    It also plans with ``web_random_page_cost`` (1.1, the usual figure for SSDs, against PostgreSQL's
    4 for spinning disks): with 4 a city-wide 待办 scans every warning (29 ms) instead of following
    the (unit, status) index from the city's units (7 ms); at 50 robot commands a second the scans
    took both cores and the callbacks' p99 rose to 430 ms.
    """
    if settings.is_sqlite:
        _ensure_sqlite_dir(settings.database_url)
        busy_ms = settings.sqlite_busy_ms
        engine = create_async_engine(settings.database_url, connect_args={"timeout": busy_ms / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(busy_ms))
        return engine
    server = {"max_parallel_workers_per_gather": str(settings.web_parallel_workers),
              "random_page_cost": str(settings.web_random_page_cost)} if interactive else {}
    return create_async_engine(settings.database_url, pool_size=10, max_overflow=10, pool_pre_ping=True,
                               connect_args={"server_settings": server} if server else {})


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    # WAL lets the web process read while the worker writes; foreign keys are off by default in SQLite.
    # A write waits ``busy_ms`` for another writer (a long import), then fails as "database is locked",
    # which the portal answers with a "busy, try again" page (see :func:`database_busy`).
    def apply(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.close()
    return apply


def database_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite giving up on a write lock another connection holds (an import)."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def session_factory(engine: AsyncEngine, *, info: dict[str, Any] | None = None) -> async_sessionmaker[AsyncSession]:
    """Sessions of ``engine``; ``info`` is copied into every session's ``info`` (see models.core.runtime)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with sessions() as session, session.begin():
        yield session


async def ping(session: AsyncSession) -> None:
    """Ask the database for ``SELECT 1``; raises whatever the driver raises when it does not answer."""
    await session.execute(text("SELECT 1"))


def local_today(tz: str) -> date:
    """Today in the office's time zone: deadlines and rule thresholds are local calendar days."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel class (SQLModel does not type ``__table__``)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class _Saved(Protocol):
    id: int | None


def saved_id(row: _Saved) -> int:
    """The primary key of a row that has been flushed. SQLModel types ``id`` as optional until then;
    a missing one is a programming error, not something to paper over with 0."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
