"""month-end locks of units and their lifting

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('unit_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', _text(7), nullable=False),
    sa.Column('reason', _text(300), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('locked_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('locked_by', _text(60), nullable=False),
    sa.Column('lifted_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('lifted_by', _text(60), nullable=True),
    sa.Column('lift_reason', _text(500), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'month', name='uq_unit_lock_month')
    )
    with op.batch_alter_table('unit_lock', schema=None) as batch_op:
        batch_op.create_index('ix_unit_lock_unit_lifted', ['unit_id', 'lifted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_lock', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_lock_unit_lifted')
    op.drop_table('unit_lock')
