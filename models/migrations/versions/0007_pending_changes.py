"""pending changes: corrections of sensitive fields wait for a second officer (二人复核)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('open_key', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('requested_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('decided_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('open_key')
    )
    op.create_index(op.f('ix_pending_change_person_id'), 'pending_change', ['person_id'], unique=False)
    op.create_index(op.f('ix_pending_change_unit_id'), 'pending_change', ['unit_id'], unique=False)
    op.create_index(op.f('ix_pending_change_warning_id'), 'pending_change', ['warning_id'], unique=False)
    op.create_table('pending_change_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['pending_change.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pending_change_event_change_id'), 'pending_change_event', ['change_id'], unique=False)
    # Nullable: instant on PostgreSQL however many events there are.
    op.add_column('person_event', sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_column('reviewer')
    op.drop_index(op.f('ix_pending_change_event_change_id'), table_name='pending_change_event')
    op.drop_table('pending_change_event')
    op.drop_index(op.f('ix_pending_change_warning_id'), table_name='pending_change')
    op.drop_index(op.f('ix_pending_change_unit_id'), table_name='pending_change')
    op.drop_index(op.f('ix_pending_change_person_id'), table_name='pending_change')
    op.drop_table('pending_change')
