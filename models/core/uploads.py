"""Uploaded files kept in the database beside what they belong to (an approval item, a unit's task
feedback): one shape of row, one way to store it, one audit row per upload.

The portal checks an upload before it gets here (type by its first bytes, size, the uploader's
quota); the ``attachment.upload`` audit rows, with their sizes, are what that quota is counted from.
A file table needs ``filename``, ``content_type``, ``size``, ``sha256``, ``content`` and
``uploaded_by`` besides the column that names its owner.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.decision import Actor

UPLOAD_ACTION = "attachment.upload"


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    content_type: str


async def store_upload(session: AsyncSession, table: Table, *, owner: dict[str, int], upload: Upload, actor: Actor,
                       object_type: str, object_id: int) -> int:
    """Keep ``upload`` in ``table`` with its ``owner`` column(s); one audit row (with its size); its id."""
    data = upload.data
    values: dict[str, Any] = {**owner, "filename": upload.filename[:200], "content_type": upload.content_type[:100],
                              "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "content": data,
                              "uploaded_by": actor.login}
    file_id = int((await session.execute(insert(table).values(values).returning(table.c.id))).scalar_one())
    await audit.record(session, actor=actor.login, action=UPLOAD_ACTION, object_type=object_type, object_id=object_id,
                       detail={"file": file_id, "filename": upload.filename, "size": len(data)}, ip=actor.ip)
    return file_id


async def uploaded_bytes(session: AsyncSession, *, login: str) -> int:
    """What ``login`` has uploaded so far (every kind of attachment alike), for the per-uploader quota."""
    return await audit.bytes_recorded(session, actor=login, action=UPLOAD_ACTION)
