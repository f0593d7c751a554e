"""Set-based writes: COPY on PostgreSQL, one executemany on SQLite. Both join the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) as fast as the backend allows."""
    if not rows:
        return
    if is_postgres(session):
        await _copy(session, table, rows)
    else:
        await session.execute(insert(table), list(rows))


async def _copy(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = list(rows[0])
    records = [tuple(_copy_value(row[c]) for c in columns) for row in rows]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


def _copy_value(value: Any) -> Any:
    # COPY bypasses SQLAlchemy's type processing: store UTC-aware datetimes naive, like UTCDateTime does.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
