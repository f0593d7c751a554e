"""scan indexes

Incremental scans read the person change log since the previous scan (``person_event.at``) to
find the units a person left; without an index that is a scan of the whole, ever-growing log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_event_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_event_at'))
