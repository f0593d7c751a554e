"""Attachments of approval items: stored in ``item_attachment`` (the database is the one source of
truth: a second web process, a backup and a restore all see them), served only to readers in scope.

Type, size and content are checked by the caller before the bytes get here (the portal's upload
check types a file by its first bytes); every upload is audited with its size, which also counts
against the uploader's attachment quota (``attachment.upload``, shared with 情况说明 files).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.tables import ITEM_ATTACHMENT as FILE
from models.core.decision import Actor
from models.core.uploads import Upload, store_upload, uploaded_bytes

__all__ = ["StoredFile", "Upload", "add_attachment", "attachment", "uploaded_bytes"]


@dataclass(frozen=True)
class StoredFile:
    id: int
    item_id: int
    filename: str
    content_type: str
    data: bytes


async def add_attachment(session: AsyncSession, *, item_id: int, upload: Upload, actor: Actor) -> int:
    """Keep ``upload`` on the item; one audit row (with its size); the attachment's id."""
    return await store_upload(session, FILE, owner={"item_id": item_id}, upload=upload, actor=actor,
                              object_type="item", object_id=item_id)


async def attachment(session: AsyncSession, *, item_id: int, file_id: int) -> StoredFile | None:
    """One attachment of ``item_id`` (the caller has checked the item is in the reader's scope)."""
    row = (await session.execute(select(FILE.c.id, FILE.c.item_id, FILE.c.filename, FILE.c.content_type,
                                        FILE.c.content).where(FILE.c.id == file_id, FILE.c.item_id == item_id))
           ).first()
    return StoredFile(row.id, row.item_id, row.filename, row.content_type, row.content) if row else None
